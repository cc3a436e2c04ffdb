import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { S3Error } from '@s3kit/errors';
import { replicationBlocksSuspend } from './bucket-config.js';
import { bucketAclOnCreate } from './acl-on-write.js';
import { requireBucketName, type StoreContext } from './context.js';
import { createdBucketState } from './object-lock-config.js';
import { tempName, readSmallBody } from './write-temp.js';
import { XML_HEADERS as XML, buildXml, parseRequestXml } from './xml.js';
import type { UpstreamRequest, UpstreamResponse } from '../upstreams/upstream.js';
import { abortOf } from '../pipeline/abort.js';

const MAX_CONFIG_BYTES = 64 * 1024;

/** ListBuckets: every bucket, by name, with its creation date. */
export async function listBuckets(ctx: StoreContext): Promise<UpstreamResponse> {
  const names = (await readdir(ctx.core.bucketsDir)).sort();
  const buckets: { Name: string; CreationDate: Date }[] = [];
  for (const name of names) {
    const created = await ctx.core.bucketCreated(name);
    if (created !== undefined) buckets.push({ Name: name, CreationDate: new Date(created) });
  }
  const body = buildXml('ListAllMyBucketsResult', { Owner: { ID: ctx.owner.id, DisplayName: ctx.owner.displayName }, Buckets: buckets });
  return { status: 200, headers: { ...XML }, body };
}

/**
 * CreateBucket: staged in tmp and renamed into place, so a bucket exists completely or not at all.
 * Re-creating a bucket you own answers 200 in us-east-1 (S3's legacy behaviour), BucketAlreadyOwnedByYou elsewhere.
 * New buckets have ACLs disabled (BucketOwnerEnforced) unless `x-amz-object-ownership` says otherwise.
 * @throws S3Error InvalidBucketName, BucketAlreadyOwnedByYou (409), IllegalLocationConstraintException, MalformedXML,
 *   InvalidArgument / InvalidRequest / InvalidBucketAclWithObjectOwnership (ACL headers)
 */
export async function createBucket(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const bucket = requireBucketName(req);
  const raw = await readSmallBody(req.body, MAX_CONFIG_BYTES, req.headers, abortOf(req));
  if (raw.toString('utf8').trim() !== '') {
    const loc = parseRequestXml('CreateBucketConfiguration', raw, MAX_CONFIG_BYTES).LocationConstraint;
    if (loc !== undefined && loc !== '' && loc !== ctx.region) {
      throw new S3Error('IllegalLocationConstraintException', {
        resource: bucket,
        message: `The ${loc} location constraint is incompatible for the region specific endpoint this request was sent to (${ctx.region}).`,
      });
    }
  }
  const acl = bucketAclOnCreate(ctx, req.headers, bucket);
  const { core } = ctx;
  const stage = tempName(core.tmpDir, 'bucket');
  await mkdir(join(stage, 'objects'), { recursive: true });
  await mkdir(join(stage, 'uploads'));
  // x-amz-bucket-object-lock-enabled: true turns object lock and versioning on from the start.
  await core.writeJsonAtomic(join(stage, 'bucket.json'), { ...createdBucketState(req.headers, Date.now()), ...acl });
  await core.locks.run(`b\0${bucket}`, async () => {
    try {
      await rename(stage, core.bucketDir(bucket));
    } catch (err) {
      await rm(stage, { recursive: true, force: true });
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST' && code !== 'ENOTEMPTY') throw err;
      // S3's legacy us-east-1 behaviour: re-creating a bucket you own answers 200 and changes nothing.
      if (ctx.region === 'us-east-1') return;
      throw new S3Error('BucketAlreadyOwnedByYou', { resource: bucket, details: { BucketName: bucket } });
    }
    core.resetIndex(bucket, true);
  });
  return { status: 200, headers: { location: `/${bucket}` } };
}

/**
 * DeleteBucket. Like AWS S3, multipart uploads in progress do not keep a bucket alive:
 * they are removed with it. The bucket directory is renamed out of the way first, so
 * it disappears atomically.
 * @throws S3Error NoSuchBucket (404), BucketNotEmpty (409)
 */
export async function deleteBucket(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const bucket = requireBucketName(req);
  const { core } = ctx;
  await core.locks.run(`b\0${bucket}`, async () => {
    await core.requireBucket(bucket);
    const idx = await core.index(bucket);
    // Any version or delete marker keeps a bucket, as in S3.
    if (idx.allKeys.length > 0) throw new S3Error('BucketNotEmpty', { resource: bucket, details: { BucketName: bucket } });
    const gone = tempName(core.tmpDir, 'deleted');
    await rename(core.bucketDir(bucket), gone);
    core.resetIndex(bucket, false);
    await rm(gone, { recursive: true, force: true });
  });
  return { status: 204, headers: {} };
}

/** HeadBucket. @throws S3Error NoSuchBucket (404) */
export async function headBucket(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const bucket = requireBucketName(req);
  await ctx.core.requireBucket(bucket);
  return { status: 200, headers: { 'x-amz-bucket-region': ctx.region } };
}

/** GetBucketLocation: the store's region (empty for us-east-1, as S3 answers). */
export async function getBucketLocation(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const bucket = requireBucketName(req);
  await ctx.core.requireBucket(bucket);
  const body = buildXml('LocationConstraint', ctx.region === 'us-east-1' ? '' : ctx.region);
  return { status: 200, headers: { ...XML }, body };
}

/** GetBucketVersioning: empty until versioning was first enabled, as for a new S3 bucket. */
export async function getBucketVersioning(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const bucket = requireBucketName(req);
  const state = await ctx.core.requireBucket(bucket);
  const body = buildXml('VersioningConfiguration', state.versioning === undefined ? {} : { Status: state.versioning });
  return { status: 200, headers: { ...XML }, body };
}

/**
 * PutBucketVersioning: Enabled or Suspended (never back to unversioned). A bucket with object
 * lock cannot be suspended; MFA delete is not supported.
 * @throws S3Error MalformedXML, InvalidBucketState (409), NotImplemented (MfaDelete Enabled)
 */
export async function putBucketVersioning(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const bucket = requireBucketName(req);
  const raw = await readSmallBody(req.body, MAX_CONFIG_BYTES, req.headers, abortOf(req));
  const doc = parseRequestXml('VersioningConfiguration', raw, MAX_CONFIG_BYTES);
  const status = doc.Status;
  if (status !== undefined && status !== 'Enabled' && status !== 'Suspended') throw new S3Error('MalformedXML');
  if (doc.MfaDelete === 'Enabled') throw new S3Error('NotImplemented', { resource: bucket, message: 'MFA delete is not supported by the local store.' });
  if (doc.MfaDelete !== undefined && doc.MfaDelete !== 'Disabled') throw new S3Error('MalformedXML');
  await ctx.core.updateBucketState(bucket, (old) => {
    if (status === undefined) return old;
    if (status === 'Suspended' && old.objectLock !== undefined) {
      throw new S3Error('InvalidBucketState', { resource: bucket, message: 'An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.' });
    }
    if (status === 'Suspended') {
      const replicated = replicationBlocksSuspend(old, bucket);
      if (replicated !== undefined) throw replicated;
    }
    return { ...old, versioning: status };
  });
  return { status: 200, headers: {} };
}
