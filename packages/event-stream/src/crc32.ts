import { createChecksum } from '@s3kit/sigv4';

/**
 * True when the CRC32 of `data` equals the big-endian 4 bytes at `expected[at..at + 4]`.
 * The CRC32 is `@s3kit/sigv4`'s (`zlib.crc32` where the runtime has it, else slicing-by-8 tables).
 */
export function crc32Matches(data: Uint8Array, expected: Uint8Array, at: number): boolean {
  const d = createChecksum('crc32').update(data).digest();
  return d[0] === expected[at] && d[1] === expected[at + 1] && d[2] === expected[at + 2] && d[3] === expected[at + 3];
}

/** Writes the CRC32 of `data` big-endian into `out[at..at + 4]`. */
export function writeCrc32(data: Uint8Array, out: Uint8Array, at: number): void {
  out.set(createChecksum('crc32').update(data).digest(), at);
}
