// Large downloads in parallel byte ranges (as `aws s3 cp` and rclone do): each range is a GetObject
// with `Range` and `If-Match` (the object cannot change between ranges), written at its offset of
// the temporary file; the file is never held in memory.
import { setMaxListeners } from 'node:events';
import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { ObjectStat, S3Client } from '@s3kit/client/node';
import { counter } from './count.js';

/** Options of {@link downloadRanges}. */
export interface RangedOptions {
  /** Bytes per range. */
  rangeSize: number;
  /** Ranges in flight. */
  concurrency: number;
  signal: AbortSignal;
  progress(loaded: number): void;
}

/** Downloads `stat.size` bytes of `bucket/key` (with `stat.etag`) into `file` (created or truncated). */
export async function downloadRanges(s3: S3Client, bucket: string, key: string, stat: ObjectStat, file: string, o: RangedOptions): Promise<void> {
  await (await open(file, 'w')).close();
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
      let got = 0;
      const count = counter((n) => {
        o.progress((loaded += n - got));
        got = n;
      });
      // A write stream per range: it reads ahead while the disk writes, and coalesces writes.
      await pipeline(body, count, createWriteStream(file, { flags: 'r+', start: offset, highWaterMark: 1024 * 1024 }), { signal });
      if (got !== length) throw new RangeError(`${key}: range at ${offset} gave ${got} of ${length} bytes`);
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(o.concurrency, Math.ceil(stat.size / o.rangeSize))) }, () =>
      worker().catch((err: unknown) => {
        stop.abort(err);
        throw err;
      }),
    ),
  );
}
