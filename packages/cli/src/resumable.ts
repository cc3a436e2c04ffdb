// Multipart upload of a file that survives interruptions: an open upload of the same key with the
// same part size is found again (ListMultipartUploads, ListParts), its parts are checked against
// the file's ranges (ETag = MD5 of the range) and only the others are sent. On failure or Ctrl-C
// the upload is aborted, unless `keepPartial` leaves it for the next run.
import { setMaxListeners } from 'node:events';
import { open } from 'node:fs/promises';
import type { ChecksumAlgorithm, ObjectWriteOptions, PartInfo, S3Client, UploadedObject } from '@s3kit/client/node';
import { digestRange } from './etag.js';

/** Options of {@link uploadFileInParts}. */
export interface ResumableOptions {
  /** The part size (already fitted to 10,000 parts). */
  partSize: number;
  /** Parts in flight. */
  concurrency: number;
  /** Metadata, content type, tags of a new upload (a resumed one keeps its own). */
  write: ObjectWriteOptions;
  /** Send each part's checksum with this algorithm (the upload is created with it). */
  checksum?: ChecksumAlgorithm | undefined;
  /** Leave the upload open on failure or Ctrl-C (a later run resumes it). */
  keepPartial: boolean;
  signal: AbortSignal;
  /** Bytes stored so far (resumed parts count at once). */
  onProgress(loaded: number): void;
}

/** The stored object, and what was reused from an earlier, interrupted run. */
export interface ResumableResult extends UploadedObject {
  uploadId: string;
  reusedParts: number;
  reusedBytes: number;
}

interface Range {
  partNumber: number;
  offset: number;
  length: number;
}

/** Uploads `file` (`size` bytes) to `bucket/key` in parts, resuming an interrupted upload of it when there is one. */
export async function uploadFileInParts(s3: S3Client, bucket: string, key: string, file: string, size: number, o: ResumableOptions): Promise<ResumableResult> {
  const ranges: Range[] = [];
  for (let off = 0, n = 1; off < size; off += o.partSize, n++) ranges.push({ partNumber: n, offset: off, length: Math.min(o.partSize, size - off) });
  const found = await findResumable(s3, bucket, key, file, ranges, o);
  const headers = o.checksum ? { ...o.write.headers, 'x-amz-checksum-algorithm': o.checksum.toUpperCase() } : o.write.headers;
  const uploadId = found?.uploadId ?? (await s3.createMultipartUpload(bucket, key, { ...o.write, ...(headers ? { headers } : {}), signal: o.signal }));
  const done = found?.parts ?? new Map<number, PartInfo>();
  const reusedBytes = [...done.keys()].reduce((n, p) => n + ranges[p - 1]!.length, 0);
  let loaded = reusedBytes;
  o.onProgress(loaded);
  // The first failed part stops the others.
  const stop = new AbortController();
  const signal = AbortSignal.any([o.signal, stop.signal]);
  setMaxListeners(0, signal); // each part in flight listens on it
  try {
    const todo = ranges.filter((r) => !done.has(r.partNumber));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < todo.length) {
        const r = todo[next++]!;
        const body = o.checksum ? await readRange(file, r) : { path: file, offset: r.offset, length: r.length };
        const part = await s3.uploadPart(bucket, key, uploadId, r.partNumber, body, { size: r.length, signal, ...(o.checksum ? { checksumAlgorithm: o.checksum } : {}) });
        done.set(r.partNumber, part);
        o.onProgress((loaded += r.length));
      }
    };
    await Promise.all(
      Array.from({ length: Math.max(1, Math.min(o.concurrency, todo.length)) }, () =>
        worker().catch((err: unknown) => {
          stop.abort(err);
          throw err;
        }),
      ),
    );
    const r = await s3.completeMultipartUpload(bucket, key, uploadId, [...done.values()], { signal: o.signal });
    return { ...r, uploadId, reusedParts: found?.parts.size ?? 0, reusedBytes };
  } catch (err) {
    // Not with the run's signal: it may be the Ctrl-C that got us here.
    if (!o.keepPartial) await s3.abortMultipartUpload(bucket, key, uploadId).catch(() => undefined);
    throw err;
  }
}

/**
 * The newest open upload of `key` whose listed parts all have this run's part sizes, with the
 * parts whose ETag is the MD5 of the file's range (others are sent again); none when no upload
 * has a matching part.
 */
async function findResumable(s3: S3Client, bucket: string, key: string, file: string, ranges: Range[], o: ResumableOptions): Promise<{ uploadId: string; parts: Map<number, PartInfo> } | undefined> {
  const uploads: Array<{ uploadId: string; initiated: number }> = [];
  for await (const u of s3.listMultipartUploads(bucket, { prefix: key, recursive: true, signal: o.signal })) {
    if ('uploadId' in u && u.key === key) uploads.push({ uploadId: u.uploadId, initiated: u.initiated?.getTime() ?? 0 });
  }
  uploads.sort((a, b) => b.initiated - a.initiated);
  for (const u of uploads) {
    const listed: PartInfo[] = [];
    for await (const p of s3.listParts(bucket, key, u.uploadId, { signal: o.signal })) listed.push(p);
    if (listed.length === 0 || listed.some((p) => p.size !== ranges[p.partNumber - 1]?.length)) continue;
    const parts = new Map<number, PartInfo>();
    for (const p of listed) {
      const r = ranges[p.partNumber - 1]!;
      const d = await digestRange(file, r.offset, r.length, o.checksum, o.signal);
      if (d.md5 !== p.etag.toLowerCase()) continue;
      parts.set(p.partNumber, { partNumber: p.partNumber, etag: p.etag, ...(o.checksum ? { checksum: d.checksum, checksumAlgorithm: o.checksum } : {}) });
    }
    if (parts.size > 0) return { uploadId: u.uploadId, parts };
  }
  return undefined;
}

/** One part's bytes (a checksummed part is sent from memory). */
async function readRange(file: string, r: Range): Promise<Uint8Array> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(r.length);
    const { bytesRead } = await fh.read(buf, 0, r.length, r.offset);
    if (bytesRead !== r.length) throw new RangeError(`${file} changed while uploading`);
    return buf;
  } finally {
    await fh.close();
  }
}
