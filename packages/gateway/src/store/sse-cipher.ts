import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual, type Cipher } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import type { ByteRange } from './http-headers.js';

// Encryption at rest: AES-256-CTR, a seekable stream cipher, so a Range or partNumber read
// decrypts only the bytes it serves and a body is never buffered whole. Each object (or each
// multipart upload) gets a random salt; its data key is HMAC-SHA256(root key, salt), the root
// key being the customer's key (SSE-C) or the store key (SSE-S3). Each data segment (the whole
// object, or one multipart part) gets a random IV. Ciphertext is as long as the plaintext.

const ALGORITHM = 'aes-256-ctr';
const BLOCK = 16;

/** How a version's data file is encrypted (kept in its metadata; never the key). */
export interface StoredSse {
  /** `SSE-C`: the customer's key; `SSE-S3`: the store key. */
  readonly type: 'SSE-C' | 'SSE-S3';
  /** Base64 random salt the data key is derived with. */
  readonly salt: string;
  /** Base64 IV of each segment: one for a PUT or copy, one per part for a multipart object. */
  readonly ivs: readonly string[];
  /** SSE-C: base64 HMAC-SHA256(customer key, `check` + salt), to tell a wrong key. */
  readonly check?: string;
}

/** The salt and key check of an object or upload, before its segments are written. */
export type SseSeed = Omit<StoredSse, 'ivs'>;

/** A new salt (and, for SSE-C, the check of `root`). */
export function newSeed(type: StoredSse['type'], root: Buffer): SseSeed {
  const salt = randomBytes(32).toString('base64');
  return type === 'SSE-C' ? { type, salt, check: keyCheck(root, salt) } : { type, salt };
}

/** Whether `root` is the key `seed` was made with (constant time). SSE-S3 seeds always match. */
export function keyMatches(seed: SseSeed, root: Buffer): boolean {
  if (seed.check === undefined) return true;
  const want = Buffer.from(seed.check, 'base64');
  const got = Buffer.from(keyCheck(root, seed.salt), 'base64');
  return want.length === got.length && timingSafeEqual(want, got);
}

function keyCheck(root: Buffer, salt: string): string {
  return createHmac('sha256', root).update('s3kit-sse-check\0').update(salt).digest('base64');
}

function dataKey(root: Buffer, salt: string): Buffer {
  return createHmac('sha256', root).update('s3kit-sse-data\0').update(salt).digest();
}

/** A fresh IV (base64) for one segment. */
export function newIv(): string {
  return randomBytes(BLOCK).toString('base64');
}

/** The encryptor of one segment written from its first byte. */
export function encryptor(seed: SseSeed, root: Buffer, iv: string): Cipher {
  return createCipheriv(ALGORITHM, dataKey(root, seed.salt), Buffer.from(iv, 'base64'));
}

/** The counter block at `offset`: the IV plus the number of whole blocks before it (mod 2^128). */
function counterAt(iv: Buffer, offset: number): Buffer {
  const out = Buffer.from(iv);
  let carry = BigInt(Math.floor(offset / BLOCK));
  for (let i = BLOCK - 1; i >= 0 && carry > 0n; i--) {
    const sum = BigInt(out[i]!) + (carry & 0xffn);
    out[i] = Number(sum & 0xffn);
    carry = (carry >> 8n) + (sum >> 8n);
  }
  return out;
}

/**
 * The plaintext of `range` (the whole object when omitted) of an encrypted data file made of
 * segments of `sizes` bytes (the multipart part sizes, or the object size), read from `fh`
 * without closing it.
 */
export async function* decryptRange(fh: FileHandle, sse: StoredSse, root: Buffer, sizes: readonly number[], range: ByteRange | undefined): AsyncGenerator<Uint8Array> {
  const key = dataKey(root, sse.salt);
  const total = sizes.reduce((s, n) => s + n, 0);
  const start = range?.start ?? 0;
  const end = range?.end ?? total - 1;
  let segStart = 0;
  let buf: Buffer | undefined;
  for (let i = 0; i < sizes.length && segStart <= end; segStart += sizes[i]!, i++) {
    const segEnd = segStart + sizes[i]! - 1;
    if (sizes[i] === 0 || segEnd < start) continue;
    const from = Math.max(start, segStart) - segStart;
    const to = Math.min(end, segEnd) - segStart;
    const d = createDecipheriv(ALGORITHM, key, counterAt(Buffer.from(sse.ivs[i] ?? '', 'base64'), from));
    if (from % BLOCK !== 0) d.update(Buffer.alloc(from % BLOCK)); // the start of the block before `from`
    // One read buffer for the whole range: the decipher copies out of it, so only its output
    // is a new buffer per chunk (half the allocations, and the GCs, of a read stream's).
    buf ??= Buffer.allocUnsafe(Math.min(READ_CHUNK, end - start + 1));
    for (let pos = segStart + from, last = segStart + to; pos <= last; ) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, last - pos + 1), pos);
      if (bytesRead === 0) return; // a data file shorter than its metadata: as a read stream would, stop
      pos += bytesRead;
      yield d.update(buf.subarray(0, bytesRead));
    }
  }
}

/** Bytes read from a data file at a time. */
const READ_CHUNK = 64 * 1024;
