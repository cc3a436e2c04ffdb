import { s3Error } from '@s3kit/errors';
import { parseCopySource } from '@s3kit/xml-shapes/operations';
import type { ParsedRequest, Principal } from './types.js';

type Access = 'read' | 'write';

function allowed(principal: Principal, bucket: string, access: Access): boolean {
  for (const rule of principal.allow) {
    if (rule.bucket !== '*' && rule.bucket !== bucket) continue;
    if (rule.access === 'readwrite' || rule.access === access) return true;
  }
  return false;
}

/**
 * Stage 3: the allow-list of this issue (buckets × read/write per identity; the policy engine
 * replaces it). GET/HEAD read; every other method writes. ListBuckets is open to every
 * authenticated identity. Copies also need read access to the source bucket.
 * @throws S3Error AccessDenied (403).
 */
export function authorize(parsed: ParsedRequest, principal: Principal): void {
  const { route } = parsed;
  if (route.bucket === undefined) {
    if (principal.authKind === 'anonymous') throw s3Error('AccessDenied', undefined, { details: { reason: 'anonymous ListBuckets' } });
    return;
  }
  const access: Access = parsed.method === 'GET' || parsed.method === 'HEAD' ? 'read' : 'write';
  if (!allowed(principal, route.bucket, access)) {
    throw s3Error('AccessDenied', undefined, { details: { reason: `${principal.name} may not ${access} ${route.bucket}` } });
  }
  const copySource = parsed.headers['x-amz-copy-source'];
  if (copySource !== undefined && (route.operation === 'CopyObject' || route.operation === 'UploadPartCopy')) {
    const src = parseCopySource(copySource);
    if (!allowed(principal, src.bucket, 'read')) {
      throw s3Error('AccessDenied', undefined, { details: { reason: `${principal.name} may not read ${src.bucket}` } });
    }
  }
}
