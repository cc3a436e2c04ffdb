import { S3Error } from '@s3kit/errors';
import { etagMatches } from './http-headers.js';
import type { ObjectMeta, Version } from './versions.js';

type Headers = Readonly<Record<string, string | undefined>>;

/**
 * Write preconditions on PutObject / CompleteMultipartUpload (S3 conditional writes):
 * `If-None-Match: *` fails when the key exists, `If-Match` when its ETag differs or it is missing.
 * @throws S3Error PreconditionFailed (412), NoSuchKey (404)
 */
export function checkWriteConditions(headers: Headers, current: ObjectMeta | undefined, resource: string): void {
  const inm = headers['if-none-match'];
  if (inm !== undefined && current !== undefined && etagMatches(inm, current.etag)) {
    throw new S3Error('PreconditionFailed', { resource, details: { Condition: 'If-None-Match' } });
  }
  const im = headers['if-match'];
  if (im !== undefined) {
    if (current === undefined) throw new S3Error('NoSuchKey', { resource });
    if (!etagMatches(im, current.etag)) throw new S3Error('PreconditionFailed', { resource, details: { Condition: 'If-Match' } });
  }
}

/** `If-Match` on DeleteObject (and a DeleteObjects entry's ETag). (Stub: conditional deletes are being built.) */
export function checkDeleteConditions(_headers: Headers, _current: Version | undefined, _resource: string): void {}
