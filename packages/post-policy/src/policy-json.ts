/**
 * JSON the way Python's `json.dumps` writes it with default options (what boto3 signs):
 * `", "` and `": "` separators and `ensure_ascii` (every non-ASCII UTF-16 unit as `\uXXXX`).
 */
export function pythonJson(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return asciiString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (typeof value === 'object') {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v !== undefined) parts.push(`${asciiString(k)}: ${pythonJson(v)}`);
    }
    return `{${parts.join(', ')}}`;
  }
  throw new TypeError(`Cannot serialize ${typeof value} into a POST policy`);
}

function asciiString(s: string): string {
  const json = JSON.stringify(s);
  // eslint-disable-next-line no-control-regex
  if (!/[^\x00-\x7f]/.test(json)) return json;
  let out = '';
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    out += c < 128 ? json[i] : `\\u${c.toString(16).padStart(4, '0')}`;
  }
  return out;
}

/** `2013-05-24T01:00:00Z`: boto3's policy expiration format (no milliseconds). */
export function toPolicyExpiration(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}
