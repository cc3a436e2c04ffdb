/** Headers in any common shape. Array values and repeated pairs are joined with `,`. */
export type HeaderInput =
  | { forEach(cb: (value: string, name: string) => void): void }
  | Readonly<Record<string, string | number | readonly string[] | undefined>>
  | Iterable<readonly [string, string]>;

/** Lowercase name → value; repeated names joined with `,` in the order given. */
export type HeaderMap = Map<string, string>;

function add(map: HeaderMap, name: string, value: string): void {
  const key = name.toLowerCase();
  const prev = map.get(key);
  map.set(key, prev === undefined ? value : `${prev},${value}`);
}

export function toHeaderMap(input: HeaderInput | undefined): HeaderMap {
  const map: HeaderMap = new Map();
  if (input === undefined) return map;
  if (typeof (input as { forEach?: unknown }).forEach === 'function' && !Array.isArray(input) && !(input instanceof Map)) {
    (input as { forEach(cb: (value: string, name: string) => void): void }).forEach((v, k) => void add(map, k, v));
    return map;
  }
  if (typeof (input as Iterable<unknown>)[Symbol.iterator] === 'function') {
    for (const [k, v] of input as Iterable<readonly [string, string]>) add(map, k, v);
    return map;
  }
  // for-in over own keys: no entries array per call (this runs once per signed request).
  // A record's keys are distinct: while every key so far was lowercase, a lowercase string value
  // cannot meet an earlier one, so it is set without looking it up first.
  const record = input as Record<string, string | number | readonly string[] | undefined>;
  let distinct = true;
  for (const k in record) {
    if (!Object.hasOwn(record, k)) continue;
    const v = record[k];
    if (v === undefined) continue;
    if (distinct && typeof v === 'string' && k === k.toLowerCase()) map.set(k, v);
    else {
      distinct = false;
      if (typeof v === 'string') add(map, k, v);
      else if (typeof v === 'number') add(map, k, String(v));
      else for (const item of v) add(map, k, item);
    }
  }
  return map;
}

/** A tab, CR or LF anywhere, or two spaces in a row: the value needs trimming and folding. */
const NOT_CANONICAL = /[\t\n\r]| {2}/;

/** SigV4 canonical header value: trimmed, inner whitespace runs (incl. folded lines) → one space. */
export function canonicalHeaderValue(value: string): string {
  // Fast path for the common value with no runs of whitespace or line folding (one native scan).
  const last = value.length - 1;
  if (last < 0 || (value.charCodeAt(0) !== 32 && value.charCodeAt(last) !== 32 && !NOT_CANONICAL.test(value))) return value;
  return value.trim().replace(/\s+/g, ' ');
}
