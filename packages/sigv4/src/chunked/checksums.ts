import { nativeCrc32, type NativeCrc32 } from '#native';
import { defaultCrypto, type CryptoProvider, type IncrementalHash } from '../crypto.js';
import { toBase64 } from '../encoding.js';

/** The checksum algorithms S3 accepts in `x-amz-checksum-*` headers and trailers. */
export type ChecksumAlgorithm = 'crc32' | 'crc32c' | 'crc64nvme' | 'sha1' | 'sha256';

export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'];

/** Digest size in bytes per algorithm (the base64 text is `4 * ceil(n / 3)` long). */
const DIGEST_BYTES: Record<ChecksumAlgorithm, number> = { crc32: 4, crc32c: 4, crc64nvme: 8, sha1: 20, sha256: 32 };

/** An incremental checksum. `digest()` may be called once, after the last `update()`. */
export interface Checksum {
  readonly algorithm: ChecksumAlgorithm;
  /** The header (and trailer) name, e.g. `x-amz-checksum-crc32`. */
  readonly headerName: string;
  update(data: Uint8Array): Checksum;
  /** Raw digest bytes (CRCs big-endian, as S3 sends them). */
  digest(): Uint8Array;
  /** Base64 of the digest: the value of the `x-amz-checksum-*` header or trailer. */
  digestBase64(): string;
}

/** `x-amz-checksum-<algorithm>`. */
export function checksumHeaderName(algorithm: ChecksumAlgorithm): string {
  return `x-amz-checksum-${algorithm}`;
}

/** The algorithm of an `x-amz-checksum-*` header name (any case), or undefined. */
export function checksumAlgorithmOf(headerName: string): ChecksumAlgorithm | undefined {
  const name = headerName.trim().toLowerCase();
  if (!name.startsWith('x-amz-checksum-')) return undefined;
  const alg = name.slice('x-amz-checksum-'.length);
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(alg) ? (alg as ChecksumAlgorithm) : undefined;
}

/** Digest size in bytes (4 for CRC32/CRC32C, 8, 20, 32). */
export function checksumDigestLength(algorithm: ChecksumAlgorithm): number {
  return DIGEST_BYTES[algorithm];
}

/** Length of the base64 value of a checksum (8 for CRC32/CRC32C, 12, 28, 44). */
export function checksumBase64Length(algorithm: ChecksumAlgorithm): number {
  return 4 * Math.ceil(DIGEST_BYTES[algorithm] / 3);
}

// ---------------------------------------------------------------------------------------
// CRC32 / CRC32C: reflected, init and xorout 0xFFFFFFFF, slicing-by-8 tables (8 x 256).

function crc32Tables(poly: number): Int32Array {
  const t = new Int32Array(8 * 256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[i] = c;
  }
  for (let i = 0; i < 256; i++) {
    let c = t[i]!;
    for (let s = 1; s < 8; s++) {
      c = t[c & 0xff]! ^ (c >>> 8);
      t[s * 256 + i] = c;
    }
  }
  return t;
}

let CRC32_T: Int32Array | undefined;
let CRC32C_T: Int32Array | undefined;

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Bytes before `b`'s data reaches a 4-byte aligned address (word reads need alignment). */
function misalignment(b: Uint8Array): number {
  const m = b.byteOffset & 3;
  return m === 0 ? 0 : Math.min(4 - m, b.length);
}

/** Continues a CRC32-family register (pre-inverted state) over `b`. */
function crc32Update(t: Int32Array, crc: number, b: Uint8Array): number {
  let i = 0;
  const n = b.length;
  const head = misalignment(b);
  for (; i < head; i++) crc = t[(crc ^ b[i]!) & 0xff]! ^ (crc >>> 8);
  const words = ((n - i) >>> 3) << 1;
  if (LITTLE_ENDIAN && words > 0) {
    // Slicing-by-8 over aligned 32-bit words (two loads per 8 bytes instead of eight).
    const w = new Int32Array(b.buffer, b.byteOffset + i, words);
    for (let j = 0; j < words; j += 2) {
      const x = crc ^ w[j]!;
      const y = w[j + 1]!;
      crc =
        t[1792 + (x & 0xff)]! ^
        t[1536 + ((x >>> 8) & 0xff)]! ^
        t[1280 + ((x >>> 16) & 0xff)]! ^
        t[1024 + (x >>> 24)]! ^
        t[768 + (y & 0xff)]! ^
        t[512 + ((y >>> 8) & 0xff)]! ^
        t[256 + ((y >>> 16) & 0xff)]! ^
        t[y >>> 24]!;
    }
    i += words * 4;
  }
  for (; i < n; i++) crc = t[(crc ^ b[i]!) & 0xff]! ^ (crc >>> 8);
  return crc;
}

class Crc32Checksum implements Checksum {
  readonly algorithm: 'crc32' | 'crc32c';
  readonly headerName: string;
  readonly #t: Int32Array | undefined;
  readonly #native: NativeCrc32 | null;
  /** Table path: the pre-inverted register. Native path: the running CRC value. */
  #crc: number;

  constructor(algorithm: 'crc32' | 'crc32c', native: boolean) {
    this.algorithm = algorithm;
    this.headerName = checksumHeaderName(algorithm);
    this.#native = algorithm === 'crc32' && native ? nativeCrc32() : null;
    this.#crc = this.#native ? 0 : -1;
    this.#t = this.#native !== null ? undefined : algorithm === 'crc32' ? (CRC32_T ??= crc32Tables(0xedb88320)) : (CRC32C_T ??= crc32Tables(0x82f63b78));
  }

  update(data: Uint8Array): this {
    this.#crc = this.#native !== null ? this.#native(data, this.#crc) : crc32Update(this.#t!, this.#crc, data);
    return this;
  }

  /** The CRC as an unsigned 32-bit number. */
  value(): number {
    return this.#native !== null ? this.#crc >>> 0 : ~this.#crc >>> 0;
  }

  digest(): Uint8Array {
    const v = this.value();
    return new Uint8Array([v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]);
  }

  digestBase64(): string {
    return toBase64(this.digest());
  }
}

// ---------------------------------------------------------------------------------------
// CRC64/NVME: poly 0xAD93D23594C93659 (reflected 0x9A6C9329AC4BC9B5), init and xorout all
// ones, reflected in and out; check("123456789") = 0xAE8B14860A799888. The 64-bit register
// is kept as two 32-bit halves (no BigInt); slicing-by-8 tables for each half.

let CRC64_LO: Int32Array | undefined;
let CRC64_HI: Int32Array | undefined;

function crc64Tables(): [Int32Array, Int32Array] {
  const lo = new Int32Array(8 * 256);
  const hi = new Int32Array(8 * 256);
  const PLO = 0xac4bc9b5 | 0;
  const PHI = 0x9a6c9329 | 0;
  for (let i = 0; i < 256; i++) {
    let l = i;
    let h = 0;
    for (let k = 0; k < 8; k++) {
      const lsb = l & 1;
      l = (l >>> 1) | (h << 31);
      h = h >>> 1;
      if (lsb) {
        l ^= PLO;
        h ^= PHI;
      }
    }
    lo[i] = l;
    hi[i] = h;
  }
  for (let i = 0; i < 256; i++) {
    let l = lo[i]!;
    let h = hi[i]!;
    for (let s = 1; s < 8; s++) {
      // c = T0[c & 0xff] ^ (c >>> 8)
      const idx = l & 0xff;
      const nl = (l >>> 8) | (h << 24);
      const nh = h >>> 8;
      l = lo[idx]! ^ nl;
      h = hi[idx]! ^ nh;
      lo[s * 256 + i] = l;
      hi[s * 256 + i] = h;
    }
  }
  return [lo, hi];
}

class Crc64NvmeChecksum implements Checksum {
  readonly algorithm = 'crc64nvme' as const;
  readonly headerName = 'x-amz-checksum-crc64nvme';
  readonly #lo: Int32Array;
  readonly #hi: Int32Array;
  #l = -1;
  #h = -1;

  constructor() {
    if (CRC64_LO === undefined || CRC64_HI === undefined) [CRC64_LO, CRC64_HI] = crc64Tables();
    this.#lo = CRC64_LO;
    this.#hi = CRC64_HI;
  }

  update(b: Uint8Array): this {
    const TL = this.#lo;
    const TH = this.#hi;
    let l = this.#l;
    let h = this.#h;
    let i = 0;
    const n = b.length;
    const head = misalignment(b);
    for (; i < head; i++) {
      const idx = (l ^ b[i]!) & 0xff;
      const nl = (l >>> 8) | (h << 24);
      const nh = h >>> 8;
      l = TL[idx]! ^ nl;
      h = TH[idx]! ^ nh;
    }
    const words = LITTLE_ENDIAN ? ((n - i) >>> 3) << 1 : 0;
    const w = words > 0 ? new Int32Array(b.buffer, b.byteOffset + i, words) : undefined;
    for (let j = 0; j < words; j += 2) {
      const x = l ^ w![j]!;
      const y = h ^ w![j + 1]!;
      const a0 = 1792 + (x & 0xff);
      const a1 = 1536 + ((x >>> 8) & 0xff);
      const a2 = 1280 + ((x >>> 16) & 0xff);
      const a3 = 1024 + (x >>> 24);
      const a4 = 768 + (y & 0xff);
      const a5 = 512 + ((y >>> 8) & 0xff);
      const a6 = 256 + ((y >>> 16) & 0xff);
      const a7 = y >>> 24;
      l = TL[a0]! ^ TL[a1]! ^ TL[a2]! ^ TL[a3]! ^ TL[a4]! ^ TL[a5]! ^ TL[a6]! ^ TL[a7]!;
      h = TH[a0]! ^ TH[a1]! ^ TH[a2]! ^ TH[a3]! ^ TH[a4]! ^ TH[a5]! ^ TH[a6]! ^ TH[a7]!;
    }
    i += words * 4;
    for (; i < n; i++) {
      const idx = (l ^ b[i]!) & 0xff;
      const nl = (l >>> 8) | (h << 24);
      const nh = h >>> 8;
      l = TL[idx]! ^ nl;
      h = TH[idx]! ^ nh;
    }
    this.#l = l;
    this.#h = h;
    return this;
  }

  digest(): Uint8Array {
    const h = ~this.#h >>> 0;
    const l = ~this.#l >>> 0;
    return new Uint8Array([h >>> 24, (h >>> 16) & 0xff, (h >>> 8) & 0xff, h & 0xff, l >>> 24, (l >>> 16) & 0xff, (l >>> 8) & 0xff, l & 0xff]);
  }

  digestBase64(): string {
    return toBase64(this.digest());
  }
}

class HashChecksum implements Checksum {
  readonly algorithm: 'sha1' | 'sha256';
  readonly headerName: string;
  readonly #h: IncrementalHash;

  constructor(algorithm: 'sha1' | 'sha256', crypto: CryptoProvider) {
    this.algorithm = algorithm;
    this.headerName = checksumHeaderName(algorithm);
    this.#h = algorithm === 'sha1' ? crypto.createSha1() : crypto.createSha256();
  }

  update(data: Uint8Array): this {
    this.#h.update(data);
    return this;
  }

  digest(): Uint8Array {
    return this.#h.digest();
  }

  digestBase64(): string {
    return toBase64(this.digest());
  }
}

/**
 * A new incremental checksum. CRC32C and CRC64NVME are table-driven JavaScript
 * (slicing-by-8 over aligned words); CRC32 uses `zlib.crc32` when the provider is the native
 * one and the runtime has it, else the same tables. SHA-1 and SHA-256 use the crypto
 * provider's incremental hashes (native `node:crypto` on Node).
 */
export function createChecksum(algorithm: ChecksumAlgorithm, crypto: CryptoProvider = defaultCrypto()): Checksum {
  switch (algorithm) {
    case 'crc32':
    case 'crc32c':
      // CRC32 uses zlib.crc32 when the runtime has it and the provider is the native one.
      return new Crc32Checksum(algorithm, crypto.name === 'node:crypto');
    case 'crc64nvme':
      return new Crc64NvmeChecksum();
    case 'sha1':
    case 'sha256':
      return new HashChecksum(algorithm, crypto);
    default:
      throw new TypeError(`unsupported checksum algorithm: ${String(algorithm)}`);
  }
}

/** One-shot base64 checksum of `data` (the `x-amz-checksum-*` value). */
export function checksumBase64(algorithm: ChecksumAlgorithm, data: Uint8Array, crypto?: CryptoProvider): string {
  return createChecksum(algorithm, crypto).update(data).digestBase64();
}
