/**
 * POST policy conditions: the three kinds S3 knows, in the JSON shapes S3 accepts.
 *
 * - `{ "acl": "public-read" }` or `["eq", "$acl", "public-read"]`: exact match.
 * - `["starts-with", "$key", "user/"]`: prefix match; `""` means any value.
 * - `["content-length-range", min, max]`: the file size in bytes, inclusive.
 */
export type PolicyCondition = Readonly<Record<string, string>> | readonly ['eq', string, string] | readonly ['starts-with', string, string] | readonly ['content-length-range', number, number];

/** A condition reduced to one shape. Field names are lower-cased (S3 matches them case-insensitively). */
export type NormalizedCondition =
  | { readonly kind: 'eq'; readonly field: string; readonly value: string; readonly source: unknown }
  | { readonly kind: 'starts-with'; readonly field: string; readonly value: string; readonly source: unknown }
  | { readonly kind: 'content-length-range'; readonly min: number; readonly max: number; readonly source: unknown };

/**
 * Reduces a condition from a policy document to its normalized form, or `undefined` when it
 * is not a condition S3 can interpret (wrong arity, wrong types, unknown operator, missing `$`).
 */
export function normalizeCondition(c: unknown): NormalizedCondition | undefined {
  const r = parseCondition(c);
  return typeof r === 'string' ? undefined : r;
}

/** Like {@link normalizeCondition}, but says why a condition is invalid (S3's InvalidPolicyDocument text). */
export function parseCondition(c: unknown): NormalizedCondition | string {
  if (Array.isArray(c)) {
    const invalid = (): string => `Invalid Policy: Invalid Condition: ${printCondition(c)}`;
    if (c.length !== 3 || typeof c[0] !== 'string') return invalid();
    const op = c[0].toLowerCase();
    if (op === 'content-length-range') {
      const min = toSize(c[1]);
      const max = toSize(c[2]);
      if (min === undefined || max === undefined) return invalid();
      return { kind: 'content-length-range', min, max, source: c };
    }
    if (op !== 'eq' && op !== 'starts-with') return `Invalid Policy: Invalid Condition: unknown operation ${c[0]}.`;
    const value = scalar(c[2]);
    if (typeof c[1] !== 'string' || !c[1].startsWith('$') || value === undefined) return invalid();
    return { kind: op, field: c[1].slice(1).toLowerCase(), value, source: c };
  }
  if (typeof c === 'object' && c !== null) {
    const entries = Object.entries(c as Record<string, unknown>);
    if (entries.length !== 1) {
      return 'Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.';
    }
    const [name, raw] = entries[0]!;
    const value = scalar(raw);
    if (value === undefined) return `Invalid Policy: Invalid Condition: ${printCondition(c)}`;
    return { kind: 'eq', field: name.toLowerCase(), value, source: c };
  }
  return `Invalid Policy: Invalid Condition: ${printCondition(c)}`;
}

/** A JSON scalar as the text S3 compares (strings as they are, numbers and booleans as written). */
function scalar(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** A condition printed the way S3 prints conditions: `["eq", "$key", "value"]`, `{"acl": "private"}`. */
export function printCondition(c: unknown): string {
  if (Array.isArray(c)) return `[${c.map((v) => JSON.stringify(v) ?? 'null').join(', ')}]`;
  if (typeof c === 'object' && c !== null) {
    return `{${Object.entries(c)
      .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v) ?? 'null'}`)
      .join(', ')}}`;
  }
  return JSON.stringify(c) ?? String(c);
}

function isSize(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** content-length-range bounds: non-negative integers (JSON numbers, or digit strings as some SDKs send). */
function toSize(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  if (typeof v === 'string' && /^\d{1,16}$/.test(v)) return Number(v);
  return undefined;
}

/** A key that is equal for two conditions exactly when they impose the same rule. */
function conditionIdentity(c: NormalizedCondition): string {
  return c.kind === 'content-length-range' ? `clr\n${c.min}\n${c.max}` : `${c.kind}\n${c.field}\n${c.value}`;
}

/**
 * A key that is equal for two conditions exactly when they impose the same rule (the object and
 * `eq` forms of one rule give the same key), computed without building the normalized object for
 * the shapes boto3 and the SDKs write. Throws a TypeError for a condition S3 could not interpret.
 */
export function conditionId(c: PolicyCondition): string {
  if (!Array.isArray(c) && typeof c === 'object' && c !== null) {
    let id: string | undefined;
    for (const k in c) {
      const v = (c as Record<string, unknown>)[k];
      if (id !== undefined || typeof v !== 'string') id = undefined;
      else id = `eq\n${k.toLowerCase()}\n${v}`;
      if (id === undefined) break;
    }
    if (id !== undefined) return id;
  } else if (Array.isArray(c) && c.length === 3) {
    // The array forms as boto3 and the SDKs write them (lowercase operator, `$field`, string
    // value, integer bounds): the identity parseCondition would give, without parsing.
    const [op, a, b] = c as readonly unknown[];
    if ((op === 'starts-with' || op === 'eq') && typeof a === 'string' && a.charCodeAt(0) === 36 && typeof b === 'string') {
      return `${op}\n${a.slice(1).toLowerCase()}\n${b}`;
    }
    if (op === 'content-length-range' && isSize(a) && isSize(b)) return `clr\n${a}\n${b}`;
  }
  const n = parseCondition(c);
  if (typeof n === 'string') throw new TypeError(`Invalid POST policy condition: ${n}`);
  return conditionIdentity(n);
}

/** How S3 prints a failed condition: `["eq", "$key", "value"]`, the object form as `eq`. */
export function describeCondition(c: NormalizedCondition): string {
  const src = c.source;
  if (Array.isArray(src)) return printCondition(src);
  if (c.kind === 'content-length-range') return `["content-length-range", ${c.min}, ${c.max}]`;
  const [name] = Object.keys(src as object);
  return `["eq", ${JSON.stringify(`$${name}`)}, ${JSON.stringify(c.value)}]`;
}

/**
 * Fields S3 allows `starts-with` on (the POST policy documentation's table); every other field
 * (bucket, success_action_status, x-amz-algorithm/credential/date/security-token, other x-amz-*)
 * supports exact matching only.
 */
export function allowsStartsWith(field: string): boolean {
  return (
    STARTS_WITH_FIELDS.has(field) ||
    field.startsWith('x-amz-meta-') ||
    // SSE-C fields: S3 takes `starts-with` on them (s3-tests' SSE-C POST forms use `starts-with ""`).
    SSE_C_FIELDS.has(field) ||
    // Not in the table, but harmless and used by real forms: x-ignore-* are never stored.
    field.startsWith('x-ignore-')
  );
}

const SSE_C_FIELDS = new Set(['x-amz-server-side-encryption-customer-algorithm', 'x-amz-server-side-encryption-customer-key', 'x-amz-server-side-encryption-customer-key-md5']);

const STARTS_WITH_FIELDS = new Set(['acl', 'key', 'cache-control', 'content-type', 'content-disposition', 'content-encoding', 'expires', 'success_action_redirect', 'redirect', 'tagging']);

/**
 * Checks one condition against the (lower-cased, `${filename}`-resolved) form fields.
 * content-length-range is not checked here: it is enforced while the file streams.
 */
export function conditionHolds(c: NormalizedCondition, fields: ReadonlyMap<string, string>): boolean {
  if (c.kind === 'content-length-range') return c.min <= c.max;
  // A condition on a field the form does not carry fails, even `starts-with ""` (as S3 does).
  const actual = fields.get(c.field);
  if (actual === undefined) return false;
  if (c.kind === 'eq') return actual === c.value;
  if (!allowsStartsWith(c.field)) return false;
  if (c.value === '') return true;
  if (c.field === 'content-type') {
    // A Content-Type holding a list ("image/jpeg, image/png") passes only if every member does.
    return actual.split(',').every((t) => t.trim().startsWith(c.value));
  }
  return actual.startsWith(c.value);
}
