const encoder = new TextEncoder();
const HEX = '0123456789abcdef';
const HEX_TABLE: string[] = Array.from({ length: 256 }, (_, i) => HEX[i >> 4]! + HEX[i & 15]!);

export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

/** Lowercase hex of bytes. */
export function toHex(b: Uint8Array): string {
  let out = '';
  for (let i = 0; i < b.length; i++) out += HEX_TABLE[b[i]!]!;
  return out;
}

/** Standard base64 (with padding) of bytes, by `btoa` (a Web API in every runtime). */
export function toBase64(b: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < b.length; i++) bin += String.fromCharCode(b[i]!);
  return btoa(bin);
}

/** Strict base64 decode; returns undefined for anything that is not canonical base64. */
export function fromBase64(s: string): Uint8Array | undefined {
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return undefined;
  // What passes the check is base64 `atob` (a Web API in every runtime) decodes as this did by hand.
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

// RFC 3986 unreserved characters are left alone; everything else is %XX (uppercase).
function unreservedTable(): Uint8Array {
  const t = new Uint8Array(128);
  for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~') t[c.charCodeAt(0)] = 1;
  return t;
}
// Both tables are marked pure so that bundles which only hash or base64 (no URI encoding) drop them.
const UNRESERVED = /* @__PURE__ */ unreservedTable();
/** `%XX` (uppercase hex) for every byte value. */
const ESCAPED: string[] = /* @__PURE__ */ HEX_TABLE.map((h) => '%' + h.toUpperCase());

/**
 * SigV4 URI encoding: every byte except the unreserved set becomes `%XX` (uppercase hex),
 * with `/` kept when `keepSlash` (object key paths). Spaces become `%20`, never `+`.
 */
export function uriEncode(s: string, keepSlash = false): string {
  // Fast path: nothing to encode.
  let i = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || (UNRESERVED[c] !== 1 && !(keepSlash && c === 47))) break;
  }
  if (i === s.length) return s;
  let out = s.slice(0, i);
  // ASCII runs are escaped from a table; UTF-8 encoding only for the rest after a non-ASCII char.
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128) break;
    out += UNRESERVED[c] === 1 || (keepSlash && c === 47) ? s[i]! : ESCAPED[c]!;
  }
  if (i === s.length) return out;
  const bytes = encoder.encode(s.slice(i));
  for (let j = 0; j < bytes.length; j++) {
    const b = bytes[j]!;
    if ((b < 128 && UNRESERVED[b] === 1) || (keepSlash && b === 47)) out += String.fromCharCode(b);
    else out += ESCAPED[b]!;
  }
  return out;
}

/** SigV4 URI encoding of raw bytes (a query value that is not UTF-8 text). */
export function uriEncodeBytes(bytes: Uint8Array): string {
  let out = '';
  for (let j = 0; j < bytes.length; j++) {
    const b = bytes[j]!;
    out += b < 128 && UNRESERVED[b] === 1 ? String.fromCharCode(b) : ESCAPED[b]!;
  }
  return out;
}

function upperHexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  return -1; // lowercase hex is not canonical
}

/**
 * True when `s` is already in SigV4 canonical encoding, i.e. decoding then re-encoding it
 * would give `s` back, decided by a scan: only unreserved characters (and `/` when
 * `keepSlash`) and uppercase `%XX` escapes of ASCII bytes that must stay escaped. Clients that
 * encode as SigV4 does (every AWS SDK) send such strings, so canonicalisation skips the
 * decode/re-encode round trip for them. A `false` only means "take the exact slow path".
 */
export function isUriEncoded(s: string, keepSlash = false): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 128 && (UNRESERVED[c] === 1 || (keepSlash && c === 47))) continue;
    if (c !== 37 || i + 2 >= s.length) return false;
    const hi = upperHexValue(s.charCodeAt(i + 1));
    const lo = upperHexValue(s.charCodeAt(i + 2));
    if (hi < 0 || lo < 0) return false;
    const b = hi * 16 + lo;
    // An escaped unreserved byte (or `/` in a path) would change on decode-encode; so would a
    // multi-byte UTF-8 sequence that is not valid, so only single bytes below 0x80 qualify.
    if (b >= 128 || UNRESERVED[b] === 1 || (keepSlash && b === 47)) return false;
    i += 2;
  }
  return true;
}

/**
 * Percent-decodes `s`. `plusAsSpace` turns `+` into a space (query strings). Malformed
 * escapes are kept literally, as S3 does, instead of throwing.
 */
export function uriDecode(s: string, plusAsSpace = false): string {
  if (plusAsSpace && s.includes('+')) s = s.replace(/\+/g, ' ');
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    // Decode valid runs only; keep malformed `%` sequences as they are.
    return s.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
}

/** Constant-time comparison of two strings (time depends only on their lengths). */
export function timingSafeEqual(a: string, b: string): boolean {
  const len = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < len; i++) diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  return diff === 0;
}
