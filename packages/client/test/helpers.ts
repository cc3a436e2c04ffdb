import { randomBytes } from 'node:crypto';
import { isS3Error } from '@s3kit/errors';
import { rgwOrSkip, type RgwHandle } from '@s3kit/test-utils';
import type { S3Client as AnyS3Client } from '../src/index.js';
import { S3Client, type S3ClientOptions } from '../src/node.js';

export const { rgw, reason } = await rgwOrSkip();

/** A client for the run's RGW (path-style, explicit region). */
export function client(extra: Partial<S3ClientOptions> = {}, handle: RgwHandle | undefined = rgw): S3Client {
  return new S3Client({
    endpoint: handle!.endpoint,
    accessKey: handle!.accessKeyId,
    secretKey: handle!.secretAccessKey,
    region: handle!.region,
    ...extra,
  });
}

/** A unique bucket name per test file. */
export function bucketName(tag: string): string {
  return `s3kit-client-${tag}-${randomBytes(4).toString('hex')}`;
}

/** Deletes every object, version and upload, then the bucket. */
export async function cleanBucket(s3: AnyS3Client, bucket: string): Promise<void> {
  try {
    for await (const u of s3.listIncompleteUploads(bucket)) await s3.abortMultipartUpload(bucket, u.key, u.uploadId).catch(() => undefined);
    const all: Array<{ key: string; versionId?: string }> = [];
    for await (const o of s3.listObjects(bucket, { recursive: true, includeVersion: true })) {
      if ('key' in o) all.push(o.versionId ? { key: o.key, versionId: o.versionId } : { key: o.key });
    }
    for await (const e of s3.removeObjects(bucket, all)) void e;
    await s3.removeBucket(bucket);
  } catch {
    // best effort
  }
}

/** `[code, status]` of the `S3Error` `p` rejects with, or `'resolved'`; other errors rethrow. */
export async function s3Code(p: Promise<unknown>): Promise<[string, number] | 'resolved'> {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    if (!isS3Error(err)) throw err;
    return [err.code, err.status];
  }
}
