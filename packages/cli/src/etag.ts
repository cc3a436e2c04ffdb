// ETags and checksums of local files, computed as S3 computes them: the MD5 of a single PUT, the
// MD5 of the parts' MD5s with `-N` for a multipart upload, and each part's own MD5 (ListParts' ETag).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createChecksum, type ChecksumAlgorithm } from '@s3kit/sigv4';

const MiB = 1024 * 1024;
/** S3's limits: 10,000 parts of at most 5 GiB. */
const MAX_PARTS = 10_000;
const MAX_PART_SIZE = 5 * 1024 * MiB;

/** The part size an upload of `size` bytes uses for a requested `partSize` (grown, in whole MiB, to fit 10,000 parts). */
export function partSizeFor(size: number, partSize: number): number {
  return Math.min(MAX_PART_SIZE, Math.max(partSize, Math.ceil(Math.ceil(size / MAX_PARTS) / MiB) * MiB));
}

/** Digests of one byte range of a file. */
export interface RangeDigest {
  /** Hex MD5: the ETag S3 gives the part (or a single-PUT object) without SSE-KMS/SSE-C. */
  md5: string;
  /** Base64 checksum with `algorithm`, when asked. */
  checksum?: string;
}

/** Reads `length` bytes of `file` from `offset` once, hashing them (streamed: never the whole range in memory). */
export async function digestRange(file: string, offset: number, length: number, algorithm?: ChecksumAlgorithm, signal?: AbortSignal): Promise<RangeDigest> {
  const md5 = createHash('md5');
  const sum = algorithm === undefined ? undefined : createChecksum(algorithm);
  if (length > 0) {
    const stream = createReadStream(file, { start: offset, end: offset + length - 1, highWaterMark: MiB, ...(signal ? { signal } : {}) });
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      md5.update(chunk);
      sum?.update(chunk);
    }
  }
  const out: RangeDigest = { md5: md5.digest('hex') };
  if (sum) out.checksum = sum.digestBase64();
  return out;
}

/** The ETag S3 gives `file` (of `size` bytes) uploaded in one PUT (`parts` 1) or in parts of `partSize`. */
export async function fileEtag(file: string, size: number, parts: number, partSize: number, signal?: AbortSignal): Promise<string> {
  if (parts <= 1) return (await digestRange(file, 0, size, undefined, signal)).md5;
  const all = createHash('md5');
  for (let off = 0; off < size; off += partSize) all.update(Buffer.from((await digestRange(file, off, Math.min(partSize, size - off), undefined, signal)).md5, 'hex'));
  return `${all.digest('hex')}-${Math.ceil(size / partSize)}`;
}

/** Part sizes tools commonly use (MiB): tried for a multipart ETag after the given ones. */
const COMMON_PART_MIB = [5, 8, 10, 15, 16, 32, 50, 64, 100, 128, 256, 512];

/**
 * Whether `file` has the object's `etag`: an MD5 ETag is compared with the file's MD5; a
 * multipart one (`<md5>-N`) with the file's computed in parts of each candidate part size that
 * gives N parts (`partSizes` first, then common sizes, then N's smallest whole-MiB size). Other
 * ETags (SSE-KMS, SSE-C, composed) never match.
 */
export async function etagMatches(file: string, size: number, etag: string, partSizes: number[], signal?: AbortSignal): Promise<boolean> {
  const m = /^([0-9a-f]{32})(?:-(\d+))?$/i.exec(etag);
  if (!m) return false;
  const parts = m[2] === undefined ? 1 : Number(m[2]);
  if (parts === 1 && m[2] === undefined) return (await fileEtag(file, size, 1, size, signal)) === etag.toLowerCase();
  const candidates = new Set([...partSizes, ...COMMON_PART_MIB.map((m) => m * MiB), Math.ceil(size / parts / MiB) * MiB].map((p) => partSizeFor(size, p)));
  for (const p of candidates) {
    if (Math.ceil(size / p) !== parts) continue;
    if ((await fileEtag(file, size, parts, p, signal)) === etag.toLowerCase()) return true;
  }
  return false;
}
