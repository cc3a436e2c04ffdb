import { utf8 } from './encoding.js';
import type { HeaderMap } from './headers.js';

/**
 * How header values given as strings stand for the bytes sent on the wire, which are what a
 * signature covers:
 * - `'utf8'`: values are text, signed as their UTF-8 bytes (strings built by hand, as in
 *   `sign({ headers: { 'x-amz-meta-name': 'café' } })`).
 * - `'latin1'`: values are byte strings, one code unit per byte, as Node's `http` module,
 *   undici and the Fetch `Headers` class hold them. A client that sends UTF-8 metadata sends
 *   its bytes, and Node hands them over as `cafÃ©`; `'latin1'` signs those very bytes again.
 *   A value with a code unit above U+00FF cannot be a byte string: it is taken as text (UTF-8).
 */
export type HeaderEncoding = 'utf8' | 'latin1';

// Regex scans run in native code: several times faster than a charCodeAt loop on a canonical request.
const NON_ASCII = /[^\x00-\x7f]/;
const ABOVE_BYTE = /[^\x00-\xff]/;

/** True when every code unit of `s` is below 0x80 (the same bytes in UTF-8 and latin1). */
export function isAscii(s: string): boolean {
  return !NON_ASCII.test(s);
}

function isByteString(s: string): boolean {
  return !ABOVE_BYTE.test(s);
}

/** A byte string (one code unit per byte) from bytes. */
export function bytesToByteString(bytes: Uint8Array): string {
  let out = '';
  // fromCharCode over slices: one call per 8 KiB instead of one per byte.
  for (let i = 0; i < bytes.length; i += 8192) out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return out;
}

/** The bytes of a byte string (code units above 0xff must not occur; they are cut to 8 bits). */
export function byteStringToBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/**
 * The headers `names` with every value as a byte string: a value holding code units above
 * U+00FF (text, not bytes) becomes the byte string of its UTF-8 encoding. Returns `headers`
 * itself when no value needs it (the common case).
 */
export function byteStringHeaders(headers: HeaderMap, names: readonly string[]): HeaderMap {
  let out: HeaderMap | undefined;
  for (const name of names) {
    const v = headers.get(name);
    if (v === undefined || isByteString(v)) continue;
    out ??= new Map(headers);
    out.set(name, bytesToByteString(utf8(v)));
  }
  return out ?? headers;
}

/**
 * What to hash or HMAC for a canonical request or string to sign holding header values in
 * `encoding`: the string itself (hashed as UTF-8) unless it is a latin1 byte string with
 * non-ASCII bytes, whose bytes are then given as they are.
 */
export function signableData(text: string, encoding: HeaderEncoding): string | Uint8Array {
  return encoding === 'utf8' || isAscii(text) ? text : byteStringToBytes(text);
}
