import { s3Error } from '@s3kit/errors';
import type { ParsedRequest } from '../pipeline/types.js';
import type { BucketConfig } from './documents.js';

/** Canned ACLs that grant to everyone or to every authenticated AWS user. */
const PUBLIC_CANNED = new Set(['public-read', 'public-read-write', 'authenticated-read']);
const GRANT_HEADERS = ['x-amz-grant-read', 'x-amz-grant-write', 'x-amz-grant-read-acp', 'x-amz-grant-write-acp', 'x-amz-grant-full-control'];
const PUBLIC_GROUPS = /acs\.amazonaws\.com\/groups\/global\/(AllUsers|AuthenticatedUsers)/i;

/** Operations whose ACL headers set an ACL (PutObject-like writes and the ACL operations). */
const ACL_SETTING = new Set(['PutObject', 'CopyObject', 'CreateMultipartUpload', 'PutObjectAcl', 'PutBucketAcl']);

/**
 * `BlockPublicAcls`: a request that would set a public ACL through its headers (a public canned
 * ACL, or a grant to AllUsers / AuthenticatedUsers) is refused, as S3 refuses it.
 * An `AccessControlPolicy` body of PutBucketAcl / PutObjectAcl is not read here.
 * @throws S3Error AccessDenied (403).
 */
export function refusePublicAcl(parsed: ParsedRequest, config: BucketConfig | undefined): void {
  if (config?.publicAccessBlock?.BlockPublicAcls !== true || !ACL_SETTING.has(parsed.route.operation)) return;
  const h = parsed.headers;
  const canned = h['x-amz-acl']?.trim().toLowerCase();
  const publicGrant = GRANT_HEADERS.some((g) => h[g] !== undefined && PUBLIC_GROUPS.test(h[g]!));
  if ((canned !== undefined && PUBLIC_CANNED.has(canned)) || publicGrant) {
    throw s3Error('AccessDenied', undefined, { details: { reason: 'BlockPublicAcls: the request sets a public ACL' } });
  }
}
