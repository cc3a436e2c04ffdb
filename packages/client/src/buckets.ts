// Bucket operations (CreateBucket, ListBuckets, HeadBucket, DeleteBucket, region) over the request core.
// Internal module: S3Client (client.ts) delegates here; option types live beside their functions.

import { isS3Error } from '@s3kit/errors';
import { buildXml } from '@s3kit/xml-shapes';
import { aclHeaders, type AclGrants, type CannedAcl } from './acl.js';
import type { ObjectOwnership } from './bucket-settings.js';
import { checkBucket, type RequestCore, type RequestOptions } from './core.js';

export interface MakeBucketOptions extends RequestOptions {
  /** Location constraint. **Default:** the client's region; none for us-east-1. */
  region?: string;
  /** Creates the bucket with Object Lock enabled (`x-amz-bucket-object-lock-enabled`; also turns versioning on). */
  objectLocking?: boolean;
  /** A canned ACL for the new bucket (`x-amz-acl`). */
  acl?: CannedAcl;
  /** Grants for the new bucket (`x-amz-grant-*`). */
  grants?: AclGrants;
  /** The bucket's object ownership (`x-amz-object-ownership`). */
  objectOwnership?: ObjectOwnership;
}

export interface BucketItem {
  name: string;
  creationDate: Date | undefined;
}

/** The region requests for `bucket` are signed for: the client's, else discovered once and cached. */
export function getBucketRegion(core: RequestCore, bucket: string, options: RequestOptions = {}): Promise<string> {
  return core.bucketRegion(bucket, options);
}

/** CreateBucket. */
export async function makeBucket(core: RequestCore, bucket: string, options: MakeBucketOptions = {}): Promise<void> {
  checkBucket(bucket, true); // new buckets: today's rules only (as minio-py's make_bucket)
  const region = options.region ?? core.region ?? 'us-east-1';
  const headers: Record<string, string> = {};
  if (options.objectLocking) headers['x-amz-bucket-object-lock-enabled'] = 'true';
  aclHeaders(options.acl, options.grants, headers);
  if (options.objectOwnership) headers['x-amz-object-ownership'] = options.objectOwnership;
  let body: string | undefined;
  if (region !== 'us-east-1') {
    body = buildXml('CreateBucketConfiguration', { LocationConstraint: region });
    headers['content-type'] = 'application/xml';
  }
  await core.empty({ method: 'PUT', bucket, headers, body: body ?? null, region: core.region ?? region, signal: options.signal, control: true });
  if (!core.region) core.regions.set(bucket, region);
}

/** ListBuckets. */
export async function listBuckets(core: RequestCore, options: RequestOptions = {}): Promise<BucketItem[]> {
  const r = await core.xml('ListAllMyBucketsResult', { method: 'GET', signal: options.signal });
  return r.Buckets.map((b) => ({ name: b.Name ?? '', creationDate: b.CreationDate }));
}

/** HeadBucket: `true` if it exists and is accessible, `false` on 404; other errors reject. */
export async function bucketExists(core: RequestCore, bucket: string, options: RequestOptions = {}): Promise<boolean> {
  checkBucket(bucket);
  try {
    await core.empty({ method: 'HEAD', bucket, signal: options.signal });
    return true;
  } catch (err) {
    if (isS3Error(err) && (err.code === 'NoSuchBucket' || err.code === 'NotFound' || err.status === 404)) return false;
    throw err;
  }
}

/** DeleteBucket (must be empty). */
export async function removeBucket(core: RequestCore, bucket: string, options: RequestOptions = {}): Promise<void> {
  checkBucket(bucket);
  await core.empty({ method: 'DELETE', bucket, signal: options.signal });
  core.regions.delete(bucket);
}
