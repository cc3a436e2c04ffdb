import { S3Error } from '@s3kit/errors';
import { requireBucketName, type StoreContext } from './context.js';
import { readConfigBody } from './object-lock-config.js';
import { checkSseHeader } from './sse.js';
import type { BucketEncryption } from './store-core.js';
import { XML_HEADERS, buildXml, parseRequestXml } from './xml.js';
import type { UpstreamRequest, UpstreamResponse } from '../upstreams/upstream.js';

// Bucket default encryption. As on AWS since 2023-01-05, every bucket encrypts new objects with
// SSE-S3 unless told otherwise, so GetBucketEncryption answers that default for a bucket that
// never had a configuration or had it deleted (never ServerSideEncryptionConfigurationNotFoundError).

const MAX_ENCRYPTION_XML_BYTES = 64 * 1024;

/** S3's default: SSE-S3, no bucket key. */
const DEFAULT: BucketEncryption = { algorithm: 'AES256', bucketKeyEnabled: false };

/**
 * Reads a ServerSideEncryptionConfiguration: one Rule with ApplyServerSideEncryptionByDefault
 * of SSEAlgorithm AES256 (no KMSMasterKeyID) and an optional BucketKeyEnabled.
 * @throws S3Error MalformedXML (400), InvalidArgument (400: aws:kms, aws:kms:dsse, a key id with AES256)
 */
export function parseEncryptionConfiguration(raw: Uint8Array, resource: string): BucketEncryption {
  const doc = parseRequestXml('ServerSideEncryptionConfiguration', raw, MAX_ENCRYPTION_XML_BYTES);
  if (doc.Rule.length !== 1) throw new S3Error('MalformedXML', { resource });
  const rule = doc.Rule[0]!;
  const by = rule.ApplyServerSideEncryptionByDefault;
  const algorithm = by?.SSEAlgorithm;
  if (by === undefined || algorithm === undefined) throw new S3Error('MalformedXML', { resource });
  if (algorithm !== 'AES256' && algorithm !== 'aws:kms' && algorithm !== 'aws:kms:dsse') throw new S3Error('MalformedXML', { resource });
  checkSseHeader(algorithm, 'SSEAlgorithm');
  if (by.KMSMasterKeyID !== undefined) {
    throw new S3Error('InvalidArgument', {
      resource,
      message: 'a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse',
      details: { ArgumentName: 'ApplyServerSideEncryptionByDefault' },
    });
  }
  return { algorithm: 'AES256', bucketKeyEnabled: rule.BucketKeyEnabled === true };
}

/**
 * PutBucketEncryption: the bucket's default encryption (SSE-S3 only: the store has no KMS).
 * @throws S3Error NoSuchBucket, InvalidRequest (no Content-MD5 or checksum), MalformedXML, InvalidArgument
 */
export async function putBucketEncryption(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const bucket = requireBucketName(req);
  const encryption = parseEncryptionConfiguration(await readConfigBody(ctx, req, bucket, MAX_ENCRYPTION_XML_BYTES), bucket);
  await ctx.core.updateBucketState(bucket, (old) => ({ ...old, encryption }));
  return { status: 200, headers: {} };
}

/** GetBucketEncryption: the configuration set, else S3's default (SSE-S3). @throws S3Error NoSuchBucket */
export async function getBucketEncryption(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const bucket = requireBucketName(req);
  const enc = (await ctx.core.requireBucket(bucket)).encryption ?? DEFAULT;
  const body = buildXml('ServerSideEncryptionConfiguration', {
    Rule: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: enc.algorithm }, BucketKeyEnabled: enc.bucketKeyEnabled === true }],
  });
  return { status: 200, headers: { ...XML_HEADERS }, body };
}

/** DeleteBucketEncryption (204): back to S3's default, SSE-S3. @throws S3Error NoSuchBucket */
export async function deleteBucketEncryption(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const bucket = requireBucketName(req);
  await ctx.core.updateBucketState(bucket, ({ encryption: _gone, ...rest }) => rest);
  return { status: 204, headers: {} };
}
