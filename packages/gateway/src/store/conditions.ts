import { S3Error } from '@s3kit/errors';
import { etagMatches } from './http-headers.js';
import type { ObjectMeta, Version } from './versions.js';

type Headers = Readonly<Record<string, string | undefined>>;

/**
 * Write preconditions on PutObject, CopyObject and CompleteMultipartUpload (S3 conditional writes), checked
 * when the request starts: `If-None-Match: *` fails when the key exists, `If-Match` when its
 * ETag differs (`*`: any object) or the key is missing. A delete marker counts as missing.
 * S3 takes only `*` in `If-None-Match` on writes and answers any other value with 501
 * NotImplemented ("A header you provided implies functionality that is not implemented").
 * @throws S3Error PreconditionFailed (412), NoSuchKey (404), NotImplemented (501)
 */
export function checkWriteConditions(headers: Headers, current: ObjectMeta | undefined, resource: string): void {
  const inm = headers['if-none-match'];
  if (inm !== undefined) {
    if (inm.trim() !== '*') throw new S3Error('NotImplemented', { resource, details: { Header: 'If-None-Match' } });
    if (current !== undefined) throw new S3Error('PreconditionFailed', { resource, details: { Condition: 'If-None-Match' } });
  }
  const im = headers['if-match'];
  if (im !== undefined) {
    if (current === undefined) throw new S3Error('NoSuchKey', { resource });
    if (!etagMatches(im, current.etag)) throw new S3Error('PreconditionFailed', { resource, details: { Condition: 'If-Match' } });
  }
}

/** True when the request carries a write precondition. */
export function hasWriteConditions(headers: Headers): boolean {
  return headers['if-none-match'] !== undefined || headers['if-match'] !== undefined;
}

/**
 * The same preconditions at the commit, under the key's lock. They held when the request
 * started (checkWriteConditions), so a failure now means a write or delete raced this one:
 * S3 answers that with 409 ConditionalRequestConflict ("fetch the object's ETag and retry").
 * @throws S3Error ConditionalRequestConflict (409)
 */
export function checkWriteConditionsAtCommit(headers: Headers, current: ObjectMeta | undefined, resource: string): void {
  try {
    checkWriteConditions(headers, current, resource);
  } catch (err) {
    if (err instanceof S3Error && (err.code === 'PreconditionFailed' || err.code === 'NoSuchKey')) {
      throw new S3Error('ConditionalRequestConflict', { resource });
    }
    throw err;
  }
}

/**
 * `If-Match` on DeleteObject (and a DeleteObjects entry's `<ETag>`), S3 conditional deletes
 * (general purpose buckets since 2025-09): evaluated against the current version whatever
 * version is deleted; `*` asks that an object exists. A missing key or a current delete marker
 * is 404 NoSuchKey, another ETag 412. (`x-amz-if-match-last-modified-time` and
 * `x-amz-if-match-size` are documented for directory buckets only, so they are not evaluated.)
 * @throws S3Error PreconditionFailed (412), NoSuchKey (404)
 */
export function checkDeleteConditions(headers: Headers, current: Version | undefined, resource: string): void {
  const im = headers['if-match'];
  if (im === undefined) return;
  if (current === undefined || current.deleteMarker === true) throw new S3Error('NoSuchKey', { resource });
  if (!etagMatches(im, current.etag)) throw new S3Error('PreconditionFailed', { resource, details: { Condition: 'If-Match' } });
}
