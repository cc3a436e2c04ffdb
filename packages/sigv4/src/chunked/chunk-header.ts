/** `;chunk-signature=` as bytes. */
const SIG_EXT = Array.from(';chunk-signature=', (c) => c.charCodeAt(0));
/** Length of a chunk signature: 64 lowercase hex digits. */
export const CHUNK_SIG_LENGTH = 64;
/** Most hex digits the fast path reads: 12 (2^48 - 1, a safe integer). */
const MAX_FAST_DIGITS = 12;

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Reads the usual chunk header straight from its bytes (`line[start..end)`, CRLF excluded):
 * 1 to 12 hex digits, then (signed modes) `;chunk-signature=` and 64 lowercase hex digits,
 * copied into `sig`. Returns the chunk size, or -1 for any other line, which the caller then
 * takes through the exact (text) path and its error messages.
 */
export function readChunkHeader(line: Uint8Array, start: number, end: number, signed: boolean, sig: Uint8Array): number {
  let i = start;
  let size = 0;
  for (; i < end && i - start < MAX_FAST_DIGITS; i++) {
    const v = hexValue(line[i]!);
    if (v < 0) break;
    size = size * 16 + v;
  }
  if (i === start) return -1;
  if (!signed) return i === end ? size : -1;
  if (end - i !== SIG_EXT.length + CHUNK_SIG_LENGTH) return -1;
  for (let k = 0; k < SIG_EXT.length; k++) if (line[i + k] !== SIG_EXT[k]) return -1;
  i += SIG_EXT.length;
  for (let k = 0; k < CHUNK_SIG_LENGTH; k++) {
    const c = line[i + k]!;
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return -1;
    sig[k] = c;
  }
  return size;
}

/** Constant-time comparison of a hex string with bytes (time depends only on the lengths). */
export function hexEqualsBytes(hex: string, bytes: Uint8Array): boolean {
  const len = Math.max(hex.length, bytes.length);
  let diff = hex.length ^ bytes.length;
  for (let i = 0; i < len; i++) diff |= (hex.charCodeAt(i) | 0) ^ (bytes[i] ?? 0);
  return diff === 0;
}
