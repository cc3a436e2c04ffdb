// Presigned URLs and POST policies over the request core.
// Internal module: S3Client (client.ts) delegates here; option types live beside their functions.

import { presignedPostPolicy as signPostPolicy, type PostPolicy, type PresignedPostPolicy } from '@s3kit/post-policy';
import { checkBucket, checkKey, type RequestCore, type RequestOptions } from './core.js';
import { buildQuery, targetFor } from './endpoint.js';

export interface PresignOptions extends RequestOptions {
  /** Seconds, 1–604800. **Default:** 604800 (7 days, as MinIO). */
  expires?: number;
  /** Response header overrides (`response-content-type`, ...) or any extra query parameters. */
  query?: Record<string, string>;
  versionId?: string;
  /** Signing time. **Default:** now. */
  requestDate?: Date;
  /** Headers the user of the URL must send (signed), e.g. `content-type`. */
  headers?: Record<string, string>;
}

/** A presigned URL for any method (SigV4 query auth). */
export async function getPresignedUrl(core: RequestCore, method: string, bucket: string, key: string | undefined, options: PresignOptions = {}): Promise<string> {
  checkBucket(bucket);
  if (key !== undefined) checkKey(key);
  const region = await core.bucketRegion(bucket, options.signal ? { signal: options.signal } : {});
  const creds = await core.credentials();
  const query: Record<string, string | undefined> = { ...options.query, versionId: options.versionId };
  const { origin, path } = targetFor(core.endpoint, region, bucket, key, buildQuery(query));
  const signer = core.signer(creds, region);
  return signer.presign({
    method: method.toUpperCase(),
    url: origin + path,
    headers: options.headers,
    expiresIn: options.expires ?? 604_800,
    ...(options.requestDate ? { date: options.requestDate } : {}),
  }).url;
}

/** A presigned GET URL; `query` may carry `response-content-type` and friends. */
export function presignedGetObject(core: RequestCore, bucket: string, key: string, options: PresignOptions = {}): Promise<string> {
  return getPresignedUrl(core, 'GET', bucket, key, options);
}

/** A presigned PUT URL. */
export function presignedPutObject(core: RequestCore, bucket: string, key: string, options: PresignOptions = {}): Promise<string> {
  return getPresignedUrl(core, 'PUT', bucket, key, options);
}

/** Signs a `PostPolicy` (`@s3kit/post-policy`) for a browser form upload: `{ postURL, formData }`. */
export async function presignedPostPolicy(core: RequestCore, policy: PostPolicy, options: RequestOptions = {}): Promise<PresignedPostPolicy> {
  const bucket = policy.formData['bucket'];
  if (bucket === undefined) throw new TypeError('PostPolicy needs setBucket()');
  const region = await core.bucketRegion(bucket, options);
  const creds = await core.credentials();
  const ep = core.endpoint;
  const { origin } = targetFor(ep, region, undefined, undefined, '');
  return signPostPolicy(policy, { credentials: creds, region, endpoint: origin + ep.basePath, forcePathStyle: ep.pathStyle });
}
