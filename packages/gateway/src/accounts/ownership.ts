import { isS3Error, s3Error } from '@s3kit/errors';
import { buildXml, parseXml } from '@s3kit/xml-shapes';
import type { BucketConfigCache } from '../bucket-config/cache.js';
import { jsonBytes, type BucketConfig } from '../bucket-config/documents.js';
import { readCapped } from '../pipeline/body.js';
import type { Upstream, UpstreamResponse } from '../upstreams/upstream.js';
import { DEFAULT_ACCOUNT, ownerOf, type AccountOwner } from './account.js';

/**
 * Bucket ownership by account: recorded by the gateway at CreateBucket in the bucket's
 * configuration documents (`owner.json`, beside its API-set policy), so every gateway in front of
 * the upstream sees it; a bucket without a record is the default account's.
 */

/** The account owning a bucket (its record, else the default account). */
export function ownerAccountOf(config: BucketConfig | undefined): string {
  return config?.owner ?? DEFAULT_ACCOUNT;
}

/**
 * Before a CreateBucket by `account` (only when the gateway has accounts): a bucket of another
 * account is `BucketAlreadyExists` (409), as S3 answers for a name taken by someone else. A
 * bucket with no record is the default account's if it exists (asked with HeadBucket).
 * @throws S3Error BucketAlreadyExists (409)
 */
export async function checkCreateBucket(upstream: Upstream, bucket: string, account: string, config: BucketConfig | undefined): Promise<void> {
  const owner = ownerAccountOf(config);
  if (owner === account) return;
  if (config?.owner === undefined && !(await bucketExists(upstream, bucket))) return;
  throw s3Error('BucketAlreadyExists', undefined, { resource: bucket, details: { BucketName: bucket } });
}

async function bucketExists(upstream: Upstream, bucket: string): Promise<boolean> {
  try {
    const res = await upstream.handle({ method: 'HEAD', operation: 'HeadBucket', bucket, query: {}, headers: {} });
    await release(res);
    return true;
  } catch (err) {
    if (isS3Error(err) && err.status === 404) return false;
    // 403 and the like: the name is taken by someone the gateway's credentials cannot see.
    if (isS3Error(err) && err.status < 500) return true;
    throw err;
  }
}

async function release(res: UpstreamResponse): Promise<void> {
  const body = res.body;
  if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) {
    await (body as AsyncIterable<Uint8Array> & { return?: () => Promise<unknown> })[Symbol.asyncIterator]().return?.();
  }
}

/** After a successful CreateBucket: records a non-default account as the owner (the default needs no record). */
export async function recordOwner(cache: BucketConfigCache | undefined, bucket: string, account: string): Promise<void> {
  if (cache === undefined || account === DEFAULT_ACCOUNT) return;
  await cache.set(bucket, 'owner', jsonBytes({ account }), account);
}

/** The `owner` to hand the upstream: the account's, for accounts other than the default one (the store shows its own otherwise). */
export function upstreamOwner(account: string): AccountOwner | undefined {
  return account === DEFAULT_ACCOUNT ? undefined : ownerOf(account);
}

/** ListAllMyBucketsResult bodies are small per bucket; 10 000 buckets stay far below this. */
const MAX_LIST_BYTES = 16 * 1024 * 1024;

/**
 * ListBuckets as AWS answers it: only the buckets of the caller's account (the ownership records
 * decide, on every upstream kind), with the caller's account as `Owner` (non-default accounts).
 */
export async function ownBuckets(res: UpstreamResponse, account: string, ownerOfBucket: (bucket: string) => Promise<string>): Promise<UpstreamResponse> {
  if (res.status !== 200 || res.body === undefined) return res;
  const bytes =
    typeof res.body === 'string'
      ? new TextEncoder().encode(res.body)
      : res.body instanceof Uint8Array
        ? res.body
        : await readCapped(res.body, MAX_LIST_BYTES, () => s3Error('InternalError', undefined, { details: { reason: 'ListBuckets answer too large' } }));
  const doc = parseXml('ListAllMyBucketsResult', bytes);
  const buckets = doc.Buckets ?? [];
  const owners = await Promise.all(buckets.map((b) => ownerOfBucket(b.Name ?? '')));
  const owner = upstreamOwner(account);
  const body = buildXml('ListAllMyBucketsResult', {
    ...doc,
    ...(owner === undefined ? {} : { Owner: { ID: owner.id, DisplayName: owner.displayName } }),
    Buckets: buckets.filter((_, i) => owners[i] === account),
  });
  const headers = { ...res.headers };
  delete headers['content-length'];
  return { ...res, headers, body };
}
