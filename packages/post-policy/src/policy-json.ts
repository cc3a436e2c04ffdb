/**
 * JSON the way Python's `json.dumps` writes it with default options (what boto3 signs):
 * `", "` and `": "` separators and `ensure_ascii` (every non-ASCII UTF-16 unit as `\uXXXX`).
 * The output is always ASCII.
 */
export function pythonJson(value: unknown): string {
  if (typeof value === 'string') return asciiString(value);
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ', ') + pythonJson(value[i]);
    return `${out}]`;
  }
  if (typeof value === 'object') {
    let out = '{';
    let first = true;
    for (const k in value as Record<string, unknown>) {
      if (!Object.hasOwn(value, k)) continue;
      const v = (value as Record<string, unknown>)[k];
      if (v === undefined) continue;
      out += `${first ? '' : ', '}${asciiString(k)}: ${pythonJson(v)}`;
      first = false;
    }
    return `${out}}`;
  }
  throw new TypeError(`Cannot serialize ${typeof value} into a POST policy`);
}

const NON_ASCII = /[^\x00-\x7f]/;

const NEEDS_ESCAPE = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;

/** A JSON string literal in Python's `ensure_ascii` form. */
export function asciiString(s: string): string {
  // Fast path: printable ASCII without quote or backslash needs no escaping (one native scan).
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  const json = JSON.stringify(s);
  if (!NON_ASCII.test(json)) return json;
  let out = '';
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    out += c < 128 ? json[i] : `\\u${c.toString(16).padStart(4, '0')}`;
  }
  return out;
}

/** Base64 of the UTF-8 bytes of `s`; native `btoa` for ASCII text (every policy boto3-style JSON is). */
export function base64Utf8(s: string, fallback: (s: string) => string): string {
  return NON_ASCII.test(s) ? fallback(s) : btoa(s);
}

// One-entry cache: policies built within the same second format their expiration once.
let lastSecond = NaN;
let lastExpiration = '';

/** `2013-05-24T01:00:00Z`: boto3's policy expiration format (no milliseconds). */
export function toPolicyExpiration(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastExpiration = `${new Date(ms).toISOString().slice(0, 19)}Z`;
    lastSecond = second;
  }
  return lastExpiration;
}
