// `-` as a `cp` source or target: standard input streamed into an object (multipart of growing
// parts when long, nothing held but the parts in flight), an object streamed to standard output.
import { pipeline } from 'node:stream/promises';
import type { PutObjectOptions, S3Client, UploadedObject } from '@s3kit/client/node';
import type { Context } from './context.js';
import { counter } from './count.js';

/** True for the argument `-` (standard input or output). */
export function isStdio(arg: string): boolean {
  return arg === '-';
}

/** Uploads standard input to `bucket/key`; its multipart upload is aborted on failure or Ctrl-C. */
export function uploadStdin(s3: S3Client, bucket: string, key: string, write: PutObjectOptions, signal: AbortSignal, progress: (loaded: number) => void): Promise<UploadedObject> {
  return s3.putObject(bucket, key, process.stdin, { ...write, signal, onProgress: (p) => progress(p.loaded) });
}

/** Streams `bucket/key` to standard output (left open for what follows). */
export async function downloadStdout(
  ctx: Context,
  s3: S3Client,
  bucket: string,
  key: string,
  signal: AbortSignal,
  progress: (loaded: number) => void,
): Promise<{ etag: string | undefined; versionId: string | undefined }> {
  const obj = await s3.getObject(bucket, key, { signal });
  await pipeline(obj, counter(progress), ctx.stdout, { end: false, signal });
  return { etag: obj.stat.etag, versionId: obj.stat.versionId };
}
