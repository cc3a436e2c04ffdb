// Large downloads in parallel byte ranges (as `aws s3 cp` and rclone do): each range is a GetObject
// with `Range` and `If-Match` (the object cannot change between ranges), written at its offset of
// the temporary file through one shared file handle; the file is never held in memory.
import { setMaxListeners } from 'node:events';
import { type FileHandle, open } from 'node:fs/promises';
import type { ObjectStat, S3Client } from '@s3kit/client/node';

/** Options of {@link downloadRanges}. */
export interface RangedOptions {
  /** Bytes per range. */
  rangeSize: number;
  /** Ranges in flight. */
  concurrency: number;
  signal: AbortSignal;
  progress(loaded: number): void;
}

/** Bytes gathered from the socket before one positional write. */
const WRITE_BATCH = 1024 * 1024;

/** Downloads `stat.size` bytes of `bucket/key` (with `stat.etag`) into `file` (created or truncated). */
export async function downloadRanges(s3: S3Client, bucket: string, key: string, stat: ObjectStat, file: string, o: RangedOptions): Promise<void> {
  const fh = await open(file, 'w');
  const stop = new AbortController();
  const signal = AbortSignal.any([o.signal, stop.signal]);
  setMaxListeners(0, signal); // each range's request and stream listen on it
  let loaded = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < stat.size) {
      const offset = next;
      const length = Math.min(o.rangeSize, stat.size - offset);
      next += length;
      const body = await s3.getObject(bucket, key, { offset, length, headers: { 'if-match': `"${stat.etag}"` }, ...(stat.versionId ? { versionId: stat.versionId } : {}), signal });
      const got = await writeAt(fh, body, offset, (n) => o.progress((loaded += n)));
      if (got !== length) throw new RangeError(`${key}: range at ${offset} gave ${got} of ${length} bytes`);
    }
  };
  try {
    await Promise.all(
      Array.from({ length: Math.max(1, Math.min(o.concurrency, Math.ceil(stat.size / o.rangeSize))) }, () =>
        worker().catch((err: unknown) => {
          stop.abort(err);
          throw err;
        }),
      ),
    );
  } finally {
    await fh.close();
  }
}

/** Writes a body's chunks from `position` on, a batch per `writev`; resolves to the bytes written. */
async function writeAt(fh: FileHandle, body: AsyncIterable<Buffer>, position: number, progress: (bytes: number) => void): Promise<number> {
  let batch: Buffer[] = [];
  let batched = 0;
  let written = 0;
  const flush = async (): Promise<void> => {
    const { bytesWritten } = await fh.writev(batch, position + written);
    if (bytesWritten !== batched) throw new Error(`short write at ${position + written}`);
    written += batched;
    progress(batched);
    batch = [];
    batched = 0;
  };
  for await (const chunk of body) {
    batch.push(chunk);
    batched += chunk.length;
    if (batched >= WRITE_BATCH) await flush();
  }
  if (batched > 0) await flush();
  return written;
}
