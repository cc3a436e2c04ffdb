import { checkValue, parseOperator } from './conditions.js';
import { PolicyValidationError } from './errors.js';
import type { ConditionClause, Policy, PolicyKind, PrincipalSpec, Statement } from './types.js';

const STATEMENT_FIELDS = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A string or a non-empty array of strings; pushes a problem and returns `undefined` otherwise. */
function stringList(v: unknown, where: string, problems: string[]): string[] | undefined {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) return v as string[];
  problems.push(`${where}: must be a string or a non-empty array of strings`);
  return undefined;
}

function parsePrincipal(v: unknown, where: string, problems: string[]): PrincipalSpec | undefined {
  if (v === '*') return '*';
  if (!isRecord(v)) {
    problems.push(`${where}: must be "*" or an object like { "AWS": [...] }`);
    return undefined;
  }
  const keys = Object.keys(v);
  const other = keys.filter((k) => k !== 'AWS' && k !== 'CanonicalUser');
  if (other.length > 0) {
    problems.push(`${where}: unsupported principal type ${other.map((k) => `"${k}"`).join(', ')} (only "AWS" and "CanonicalUser")`);
    return undefined;
  }
  if (!('AWS' in v) && !('CanonicalUser' in v)) {
    problems.push(`${where}: missing "AWS"`);
    return undefined;
  }
  const list = 'AWS' in v ? stringList(v['AWS'], `${where}.AWS`, problems)?.slice() : [];
  if (!list) return undefined;
  if (list.includes('*')) return '*';
  for (const p of list) {
    if (p.includes('*') || p.includes('?')) problems.push(`${where}.AWS: wildcards are not allowed in "${p}" (use "*" alone)`);
  }
  if ('CanonicalUser' in v) {
    // An account's canonical id (64 hex), kept as an entry of its own (see principalMatches).
    const ids = stringList(v['CanonicalUser'], `${where}.CanonicalUser`, problems);
    if (!ids) return undefined;
    for (const id of ids) {
      if (!/^[0-9a-f]{64}$/i.test(id)) problems.push(`${where}.CanonicalUser: "${id}" is not a canonical user id (64 hex digits)`);
      else list.push(id.toLowerCase());
    }
  }
  return list;
}

function parseActions(v: unknown, where: string, problems: string[]): string[] | undefined {
  const list = stringList(v, where, problems);
  if (!list) return undefined;
  for (const a of list) {
    if (a !== '*' && !/^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$/.test(a)) problems.push(`${where}: "${a}" is not "*" or "service:Action"`);
  }
  return list;
}

function parseResources(v: unknown, where: string, problems: string[], bucket: string | undefined): string[] | undefined {
  const list = stringList(v, where, problems);
  if (!list) return undefined;
  for (const r of list) {
    if (r !== '*' && !r.startsWith('arn:')) problems.push(`${where}: "${r}" is not "*" or an ARN`);
    else if (bucket !== undefined && r !== '*') {
      const base = `arn:aws:s3:::${bucket}`;
      if (r !== base && !r.startsWith(`${base}/`)) problems.push(`${where}: "${r}" is not in bucket "${bucket}"`);
    }
  }
  return list;
}

function parseCondition(v: unknown, where: string, problems: string[]): ConditionClause[] {
  if (!isRecord(v)) {
    problems.push(`${where}: must be an object of operator → { key: value(s) }`);
    return [];
  }
  const out: ConditionClause[] = [];
  for (const [operator, block] of Object.entries(v)) {
    const w = `${where}.${operator}`;
    const op = parseOperator(operator);
    if (!op) {
      problems.push(`${w}: unknown condition operator`);
      continue;
    }
    if (!isRecord(block) || Object.keys(block).length === 0) {
      problems.push(`${w}: must be a non-empty object of condition key → value(s)`);
      continue;
    }
    for (const [key, raw] of Object.entries(block)) {
      const arr = Array.isArray(raw) ? raw : [raw];
      if (arr.length === 0 || !arr.every((x) => ['string', 'number', 'boolean'].includes(typeof x))) {
        problems.push(`${w}: key "${key}" must have a string, number or boolean value (or a non-empty array of them)`);
        continue;
      }
      if (!/^[A-Za-z0-9-]+:\S+$/.test(key)) problems.push(`${w}: "${key}" is not a condition key like "aws:SourceIp"`);
      const values = arr.map((x) => String(x));
      for (const value of values) {
        const bad = checkValue(op.base, value);
        if (bad) problems.push(`${w}: key "${key}": ${bad}`);
      }
      out.push({ operator, base: op.base, qualifier: op.qualifier, ifExists: op.ifExists, key, values });
    }
  }
  return out;
}

export interface ParsePolicyOptions {
  readonly kind: PolicyKind;
  /** For bucket policies: every `Resource`/`NotResource` ARN must be in this bucket (`"*"` is accepted). */
  readonly bucket?: string | undefined;
  /**
   * Largest document accepted, in UTF-8 bytes of its minified JSON (so indentation and YAML vs
   * JSON do not count). **Default:** {@link MAX_POLICY_BYTES} of the kind: 20 480 for bucket
   * policies (AWS's 20 KB bucket policy limit), 6 144 for identity policies (AWS's limit for a
   * managed IAM policy, 6 144 characters without whitespace).
   */
  readonly maxBytes?: number | undefined;
}

/** Default size limits by kind (see {@link ParsePolicyOptions.maxBytes}). */
export const MAX_POLICY_BYTES: Readonly<Record<PolicyKind, number>> = Object.freeze({ bucket: 20 * 1024, identity: 6144 });

/**
 * Parses and validates a policy document (JSON text or an already-parsed object). Identity policies
 * must not have `Principal`/`NotPrincipal`; bucket policies need exactly one of them. Throws
 * `PolicyValidationError` listing every problem with its location, e.g.
 * `Statement[2].Condition.StringLike: key "s3:prefix" must have a string, number or boolean value`.
 */
export function parsePolicy(json: string | unknown, options: ParsePolicyOptions): Policy {
  const { kind, bucket } = options;
  let doc: unknown = json;
  if (typeof json === 'string') {
    try {
      doc = JSON.parse(json);
    } catch (err) {
      throw new PolicyValidationError([`Policy: not valid JSON (${(err as Error).message})`]);
    }
  }
  const problems: string[] = [];
  if (!isRecord(doc)) throw new PolicyValidationError(['Policy: must be a JSON object']);
  const max = options.maxBytes ?? MAX_POLICY_BYTES[kind];
  const size = new TextEncoder().encode(JSON.stringify(doc)).length;
  if (size > max) throw new PolicyValidationError([`Policy: ${size} bytes (minified JSON), over the ${max}-byte limit for ${kind} policies`]);
  for (const k of Object.keys(doc)) {
    if (k !== 'Version' && k !== 'Statement' && k !== 'Id') problems.push(`Policy: unknown field "${k}"`);
  }
  let version: Policy['version'] = '2008-10-17';
  if ('Version' in doc) {
    const v = doc['Version'];
    if (v === '2012-10-17' || v === '2008-10-17') version = v;
    else problems.push(`Version: must be "2012-10-17" or "2008-10-17"`);
  }
  const rawStatements = doc['Statement'];
  const list: unknown[] | undefined = Array.isArray(rawStatements) ? rawStatements : isRecord(rawStatements) ? [rawStatements] : undefined;
  if (!list || list.length === 0) {
    problems.push('Statement: must be a statement object or a non-empty array of them');
    throw new PolicyValidationError(problems);
  }
  const statements: Statement[] = [];
  const sids = new Set<string>();
  list.forEach((s, i) => {
    const at = `Statement[${i}]`;
    if (!isRecord(s)) {
      problems.push(`${at}: must be an object`);
      return;
    }
    for (const k of Object.keys(s)) if (!STATEMENT_FIELDS.has(k)) problems.push(`${at}: unknown field "${k}"`);
    let sid: string | undefined;
    if ('Sid' in s) {
      if (typeof s['Sid'] !== 'string') problems.push(`${at}.Sid: must be a string`);
      else {
        sid = s['Sid'];
        if (sid !== '' && sids.has(sid)) problems.push(`${at}.Sid: duplicate Sid "${sid}"`);
        sids.add(sid);
      }
    }
    const effect = s['Effect'];
    if (effect !== 'Allow' && effect !== 'Deny') problems.push(`${at}.Effect: must be "Allow" or "Deny"`);
    const hasP = 'Principal' in s;
    const hasNP = 'NotPrincipal' in s;
    if (kind === 'identity' && (hasP || hasNP)) {
      problems.push(`${at}.${hasP ? 'Principal' : 'NotPrincipal'}: not allowed in an identity policy`);
    }
    if (kind === 'bucket' && hasP === hasNP) {
      problems.push(`${at}: a bucket policy statement needs exactly one of Principal or NotPrincipal`);
    }
    if (kind === 'bucket' && hasNP && effect === 'Allow') {
      problems.push(`${at}.NotPrincipal: only allowed with "Effect": "Deny"`);
    }
    const principal = kind === 'bucket' && hasP ? parsePrincipal(s['Principal'], `${at}.Principal`, problems) : undefined;
    const notPrincipal = kind === 'bucket' && hasNP ? parsePrincipal(s['NotPrincipal'], `${at}.NotPrincipal`, problems) : undefined;
    const hasA = 'Action' in s;
    const hasNA = 'NotAction' in s;
    if (hasA === hasNA) problems.push(`${at}: needs exactly one of Action or NotAction`);
    const action = hasA ? parseActions(s['Action'], `${at}.Action`, problems) : undefined;
    const notAction = hasNA ? parseActions(s['NotAction'], `${at}.NotAction`, problems) : undefined;
    const hasR = 'Resource' in s;
    const hasNR = 'NotResource' in s;
    if (hasR === hasNR) problems.push(`${at}: needs exactly one of Resource or NotResource`);
    const resource = hasR ? parseResources(s['Resource'], `${at}.Resource`, problems, bucket) : undefined;
    const notResource = hasNR ? parseResources(s['NotResource'], `${at}.NotResource`, problems, bucket) : undefined;
    const conditions = 'Condition' in s ? parseCondition(s['Condition'], `${at}.Condition`, problems) : [];
    statements.push({
      sid,
      effect: effect === 'Deny' ? 'Deny' : 'Allow',
      principal,
      notPrincipal,
      action,
      notAction,
      resource,
      notResource,
      conditions,
    });
  });
  if (problems.length > 0) throw new PolicyValidationError(problems);
  return { kind, version, statements };
}
