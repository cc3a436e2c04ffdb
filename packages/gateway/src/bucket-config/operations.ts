import { s3Error } from '@s3kit/errors';
import type { AbortSignalLike } from '@s3kit/http-transport';
import { buildXml } from '@s3kit/xml-shapes';
import { bucketMustExist } from '../pipeline/authorize-stage.js';
import { readCapped } from '../pipeline/body.js';
import { checkDeleteDigests } from '../authorize/delete-body.js';
import type { Policy } from '../policy/types.js';
import type { Upstream, UpstreamResponse } from '../upstreams/upstream.js';
import type { BucketConfigCache } from './cache.js';
import { corsXml, decodeCors, decodePolicy, decodePublicAccessBlock, jsonBytes, type BucketConfig } from './documents.js';
import { isPublicPolicy } from './public-policy.js';

/** The operations the gateway answers itself, from the upstream's config store, for every upstream kind. */
export const GATEWAY_BUCKET_OPERATIONS: ReadonlySet<string> = new Set([
  'PutBucketPolicy',
  'GetBucketPolicy',
  'DeleteBucketPolicy',
  'GetBucketPolicyStatus',
  'PutBucketCors',
  'GetBucketCors',
  'DeleteBucketCors',
  'PutPublicAccessBlock',
  'GetPublicAccessBlock',
  'DeletePublicAccessBlock',
]);

const WRITES = new Set(['PutBucketPolicy', 'DeleteBucketPolicy', 'PutBucketCors', 'DeleteBucketCors', 'PutPublicAccessBlock', 'DeletePublicAccessBlock']);

/** A bucket policy is at most 20 KB (minified); a body this large is not one whatever its whitespace. */
const MAX_BODY_BYTES = 1024 * 1024;

/** One request of {@link GATEWAY_BUCKET_OPERATIONS}, authorized. */
export interface BucketConfigRequest {
  readonly operation: string;
  readonly bucket: string;
  /** Lowercase request headers (`Content-MD5` is checked here: no upstream sees the body). */
  readonly headers: Readonly<Record<string, string>>;
  /** The verified body (signature, checksums). */
  readonly body: AsyncIterable<Uint8Array> | undefined;
  readonly signal?: AbortSignalLike | undefined;
}

/** What serving one needs: the principal's upstream and its cache, the gateway's settings. */
export interface BucketConfigContext {
  readonly upstream: Upstream;
  /** `undefined`: the upstream keeps no configuration (NotImplemented). */
  readonly cache: BucketConfigCache | undefined;
  readonly writes: boolean;
  /** The config file's policy of the bucket (GetBucketPolicyStatus reports on both). */
  readonly filePolicy: Policy | undefined;
}

function xml(status: number, body: string): UpstreamResponse {
  return { status, headers: { 'content-type': 'application/xml', 'content-length': String(Buffer.byteLength(body)) }, body };
}

const NO_CONTENT: UpstreamResponse = Object.freeze({ status: 204, headers: {} });

async function bodyOf(req: BucketConfigRequest): Promise<Uint8Array> {
  const bytes = await readCapped(req.body, MAX_BODY_BYTES, () =>
    req.operation === 'PutBucketPolicy' ? s3Error('MalformedPolicy', 'Policy exceeds the maximum allowed document size.') : s3Error('MaxMessageLengthExceeded'),
  );
  checkDeleteDigests(bytes, req.headers, false);
  return bytes;
}

/**
 * Answers a bucket policy, CORS or public access block operation from the upstream's config
 * store as S3 does: the bucket must exist upstream (NoSuchBucket), bodies are validated with the
 * gateway's policy parser and CORS rules, a Get of nothing set is S3's 404, a Delete of nothing
 * is 204. With writes turned off, Put and Delete are AccessDenied.
 * @throws S3Error NotImplemented (501: the upstream has no config store), AccessDenied (403),
 *   NoSuchBucket, NoSuchBucketPolicy, NoSuchCORSConfiguration,
 *   NoSuchPublicAccessBlockConfiguration (404), MalformedPolicy, MalformedXML, InvalidRequest,
 *   InvalidDigest, BadDigest (400).
 */
export async function serveBucketConfig(req: BucketConfigRequest, ctx: BucketConfigContext): Promise<UpstreamResponse> {
  const { operation, bucket } = req;
  const { cache } = ctx;
  if (cache === undefined) throw s3Error('NotImplemented', `${operation} needs a config store on this upstream (createS3Upstream's configStore).`, { resource: `/${bucket}` });
  if (WRITES.has(operation) && !ctx.writes) throw s3Error('AccessDenied', undefined, { details: { reason: 'bucket configuration writes through the S3 API are turned off on this gateway' } });
  const body = operation.startsWith('Put') ? await bodyOf(req) : undefined;
  await bucketMustExist(ctx.upstream, bucket, req.signal);
  const config: BucketConfig = await cache.get(bucket);
  switch (operation) {
    case 'PutBucketPolicy': {
      const policy = decodePolicy(body!, bucket);
      if (policy.isPublic && config.publicAccessBlock?.BlockPublicPolicy === true) {
        throw s3Error('AccessDenied', undefined, { details: { reason: 'BlockPublicPolicy: the policy is public' } });
      }
      await cache.set(bucket, 'policy', new TextEncoder().encode(policy.text), policy);
      return NO_CONTENT;
    }
    case 'GetBucketPolicy': {
      if (config.policy === undefined) throw s3Error('NoSuchBucketPolicy', undefined, { resource: bucket });
      const text = config.policy.text;
      return { status: 200, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) }, body: text };
    }
    case 'DeleteBucketPolicy':
      await cache.set(bucket, 'policy', undefined, undefined);
      return NO_CONTENT;
    case 'GetBucketPolicyStatus': {
      if (config.policy === undefined && ctx.filePolicy === undefined) throw s3Error('NoSuchBucketPolicy', undefined, { resource: bucket });
      const isPublic = config.policy?.isPublic === true || (ctx.filePolicy !== undefined && isPublicPolicy(ctx.filePolicy));
      return xml(200, buildXml('PolicyStatus', { IsPublic: isPublic }));
    }
    case 'PutBucketCors': {
      const rules = decodeCors(body!);
      await cache.set(bucket, 'cors', jsonBytes(rules), rules);
      return { status: 200, headers: { 'content-length': '0' } };
    }
    case 'GetBucketCors':
      if (config.cors === undefined) throw s3Error('NoSuchCORSConfiguration', undefined, { resource: bucket });
      return xml(200, corsXml(config.cors));
    case 'DeleteBucketCors':
      await cache.set(bucket, 'cors', undefined, undefined);
      return NO_CONTENT;
    case 'PutPublicAccessBlock': {
      const pab = decodePublicAccessBlock(body!);
      await cache.set(bucket, 'publicAccessBlock', jsonBytes(pab), pab);
      return { status: 200, headers: { 'content-length': '0' } };
    }
    case 'GetPublicAccessBlock':
      if (config.publicAccessBlock === undefined) throw s3Error('NoSuchPublicAccessBlockConfiguration', undefined, { resource: bucket });
      return xml(200, buildXml('PublicAccessBlockConfiguration', config.publicAccessBlock));
    case 'DeletePublicAccessBlock':
      await cache.set(bucket, 'publicAccessBlock', undefined, undefined);
      return NO_CONTENT;
    default:
      throw new TypeError(`serveBucketConfig: ${operation} is not a bucket configuration operation`);
  }
}
