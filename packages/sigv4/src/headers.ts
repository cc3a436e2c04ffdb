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
    (input as { forEach(cb: (value: string, name: string) => void): void }).forEach((v, k) => add(map, k, v));
    return map;
  }
  if (typeof (input as Iterable<unknown>)[Symbol.iterator] === 'function') {
    for (const [k, v] of input as Iterable<readonly [string, string]>) add(map, k, v);
    return map;
  }
  // for-in over own keys: no entries array per call (this runs once per signed request).
  const record = input as Record<string, string | number | readonly string[] | undefined>;
  for (const k in record) {
    if (!Object.prototype.hasOwnProperty.call(record, k)) continue;
    const v = record[k];
    if (v === undefined) continue;
    if (typeof v === 'string') add(map, k, v);
    else if (typeof v === 'number') add(map, k, String(v));
    else for (const item of v) add(map, k, item);
  }
  return map;
}

/** SigV4 canonical header value: trimmed, inner whitespace runs (incl. folded lines) → one space. */
export function canonicalHeaderValue(value: string): string {
  // Fast path for the common value with no runs of whitespace or line folding.
  let clean = true;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 9 || c === 10 || c === 13 || (c === 32 && (i === 0 || i === value.length - 1 || value.charCodeAt(i + 1) === 32))) {
      clean = false;
      break;
    }
  }
  return clean ? value : value.trim().replace(/\s+/g, ' ');
}
