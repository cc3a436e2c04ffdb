import { S3Error } from '@s3kit/errors';
import type { Shape } from '@s3kit/xml-shapes';
import { requireBucketName, type StoreContext } from './context.js';
import { parseNotification } from './notification-config.js';
import { readConfigBody } from './object-lock-config.js';
import { checkReplicationTargets, parseReplication } from './replication-config.js';
import type { BucketState } from './store-core.js';
import { sortTags, validateTagEntries, type TagSet } from './tagging.js';
import { parseWebsite } from './website-config.js';
import { XML_HEADERS, buildXml, parseRequestXml } from './xml.js';
import type { UpstreamRequest, UpstreamResponse } from '../upstreams/upstream.js';

/**
 * A bucket's configuration documents, kept in its `bucket.json` (so they are written crash-safe
 * with the rest of the bucket state, and go with the bucket when it is deleted). Each is the
 * validated document as parsed; a Get re-serializes it. An absent field is S3's default.
 */
export interface BucketConfig {
  readonly tags?: TagSet;
  readonly website?: Shape<'WebsiteConfiguration'>;
  readonly logging?: LoggingEnabled;
  readonly notification?: Shape<'NotificationConfiguration'>;
  readonly replication?: Shape<'ReplicationConfiguration'>;
  /** Requester pays; absent is BucketOwner. */
  readonly requestPayer?: 'Requester';
  /** Transfer acceleration; absent until first set (Get answers an empty configuration). */
  readonly accelerate?: 'Enabled' | 'Suspended';
}

type LoggingEnabled = NonNullable<Shape<'BucketLoggingStatus'>['LoggingEnabled']>;

/** Bucket configuration documents are small; S3 reads at most this much of one. */
const MAX_CONFIG_BYTES = 256 * 1024;
const MAX_BUCKET_TAGS = 50;
/** The characters AWS allows in tag keys and values of resources such as buckets. */
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

type Handler = (ctx: StoreContext, req: UpstreamRequest) => Promise<UpstreamResponse>;

/** The configuration of an existing bucket. @throws S3Error NoSuchBucket */
async function readConfig(ctx: StoreContext, bucket: string): Promise<BucketConfig> {
  return (await ctx.core.requireBucket(bucket)).config ?? {};
}

/**
 * Replaces (or, with undefined, removes) one configuration document under the bucket's lock,
 * after `check` accepted the bucket state it applies to.
 */
async function writeConfig<K extends keyof BucketConfig>(ctx: StoreContext, bucket: string, field: K, value: BucketConfig[K] | undefined, check?: (state: BucketState) => void): Promise<void> {
  await ctx.core.updateBucketState(bucket, (old) => {
    check?.(old);
    const config: { -readonly [F in keyof BucketConfig]?: BucketConfig[F] } = { ...old.config };
    if (value === undefined) delete config[field];
    else config[field] = value;
    return { ...old, config };
  });
}

const xml = (body: string): UpstreamResponse => ({ status: 200, headers: { ...XML_HEADERS }, body });

// ---- tagging ----

/**
 * S3's bucket tag limits: each tag as for objects (and in AWS's resource tag alphabet), then at
 * most 50 tags (AWS checks the count after the tags).
 * @throws S3Error InvalidTag (400), BadRequest (400)
 */
export function validateBucketTags(tags: TagSet): TagSet {
  validateTagEntries(tags);
  for (const [k, v] of tags) {
    if (!TAG_CHARS.test(k)) throw new S3Error('InvalidTag', { message: 'The TagKey you have provided is invalid' });
    if (!TAG_CHARS.test(v)) throw new S3Error('InvalidTag', { message: 'The TagValue you have provided is invalid' });
  }
  if (tags.length > MAX_BUCKET_TAGS) throw new S3Error('BadRequest', { message: 'Bucket tag count cannot be greater than 50' });
  return tags;
}

/** PutBucketTagging: replaces the tag set (an empty set removes it). @throws S3Error NoSuchBucket, InvalidRequest (no digest), MalformedXML, InvalidTag, BadRequest */
export const putBucketTagging: Handler = async (ctx, req) => {
  const bucket = requireBucketName(req);
  const raw = await readConfigBody(ctx, req, bucket, MAX_CONFIG_BYTES);
  const tags = validateBucketTags(parseRequestXml('Tagging', raw, MAX_CONFIG_BYTES).TagSet.map((t) => [t.Key, t.Value] as const));
  await writeConfig(ctx, bucket, 'tags', tags.length === 0 ? undefined : tags);
  return { status: 204, headers: {} };
};

/** GetBucketTagging, sorted by key as S3. @throws S3Error NoSuchBucket, NoSuchTagSet (404) */
export const getBucketTagging: Handler = async (ctx, req) => {
  const bucket = requireBucketName(req);
  const { tags } = await readConfig(ctx, bucket);
  if (tags === undefined) throw new S3Error('NoSuchTagSet', { resource: bucket, details: { BucketName: bucket } });
  return xml(buildXml('Tagging', { TagSet: sortTags(tags).map(([Key, Value]) => ({ Key, Value })) }));
};

/** DeleteBucketTagging (204, also when there are none). @throws S3Error NoSuchBucket */
export const deleteBucketTagging: Handler = async (ctx, req) => deleteField(ctx, req, 'tags');

async function deleteField(ctx: StoreContext, req: UpstreamRequest, field: keyof BucketConfig): Promise<UpstreamResponse> {
  const bucket = requireBucketName(req);
  await writeConfig(ctx, bucket, field, undefined);
  return { status: 204, headers: {} };
}

// ---- website ----

/** PutBucketWebsite: stored and returned; the store serves no website. @throws S3Error NoSuchBucket, InvalidRequest, InvalidArgument, MalformedXML */
export const putBucketWebsite: Handler = async (ctx, req) => {
  const bucket = requireBucketName(req);
  const website = parseWebsite(await readConfigBody(ctx, req, bucket, MAX_CONFIG_BYTES), MAX_CONFIG_BYTES, bucket);
  await writeConfig(ctx, bucket, 'website', website);
  return { status: 200, headers: {} };
};

/** GetBucketWebsite. @throws S3Error NoSuchBucket, NoSuchWebsiteConfiguration (404) */
export const getBucketWebsite: Handler = async (ctx, req) => {
  const bucket = requireBucketName(req);
  const { website } = await readConfig(ctx, bucket);
  if (website === undefined) throw new S3Error('NoSuchWebsiteConfiguration', { resource: bucket, details: { BucketName: bucket } });
  return xml(buildXml('WebsiteConfiguration', website));
};

/** DeleteBucketWebsite (204, also when there is none). @throws S3Error NoSuchBucket */
export const deleteBucketWebsite: Handler = async (ctx, req) => deleteField(ctx, req, 'website');

// ---- logging ----

/**
 * PutBucketLogging: a `LoggingEnabled` names an existing target bucket and a prefix (and
 * optionally a `TargetObjectKeyFormat`: SimplePrefix or PartitionedPrefix); an empty
 * `BucketLoggingStatus` turns logging off. Stored and returned; the store writes no logs.
 * @throws S3Error NoSuchBucket, InvalidRequest (no digest), MalformedXML, InvalidTargetBucketForLogging (400)
 */
export const putBucketLogging: Handler = async (ctx, req) => {
  const bucket = requireBucketName(req);
  const doc = parseRequestXml('BucketLoggingStatus', await readConfigBody(ctx, req, bucket, MAX_CONFIG_BYTES), MAX_CONFIG_BYTES);
  const on = doc.LoggingEnabled;
  if (on !== undefined) {
    if (on.TargetBucket === undefined || on.TargetBucket === '' || on.TargetPrefix === undefined) throw new S3Error('MalformedXML', { resource: bucket });
    const format = on.TargetObjectKeyFormat;
    if (format !== undefined) {
      const partitioned = format.PartitionedPrefix;
      const source = partitioned?.PartitionDateSource;
      const one = (format.SimplePrefix === undefined) !== (partitioned === undefined);
      if (!one || (source !== undefined && source !== 'EventTime' && source !== 'DeliveryTime')) throw new S3Error('MalformedXML', { resource: bucket });
    }
    if ((await ctx.core.bucketState(on.TargetBucket)) === undefined) {
      throw new S3Error('InvalidTargetBucketForLogging', { resource: bucket, message: 'The target bucket for logging does not exist', details: { TargetBucket: on.TargetBucket } });
    }
  }
  await writeConfig(ctx, bucket, 'logging', on);
  return { status: 200, headers: {} };
};

/** GetBucketLogging: an empty `BucketLoggingStatus` when logging is off. @throws S3Error NoSuchBucket */
export const getBucketLogging: Handler = async (ctx, req) => {
  const bucket = requireBucketName(req);
  const { logging } = await readConfig(ctx, bucket);
  return xml(buildXml('BucketLoggingStatus', logging === undefined ? {} : { LoggingEnabled: logging }));
};

// ---- notification ----

/**
 * PutBucketNotificationConfiguration (and the 2006 `PutBucketNotification` form, routed here):
 * validated, stored and returned; an empty configuration removes it. The store sends no events.
 * @throws S3Error NoSuchBucket, MalformedXML, InvalidArgument
 */
export const putBucketNotification: Handler = async (ctx, req) => {
  const bucket = requireBucketName(req);
  const notification = parseNotification(await readConfigBody(ctx, req, bucket, MAX_CONFIG_BYTES, false), MAX_CONFIG_BYTES, bucket, ctx.webhooks?.arns);
  await writeConfig(ctx, bucket, 'notification', notification);
  return { status: 200, headers: {} };
};

/** GetBucketNotificationConfiguration: an empty configuration when none. @throws S3Error NoSuchBucket */
export const getBucketNotification: Handler = async (ctx, req) => {
  const bucket = requireBucketName(req);
  const { notification } = await readConfig(ctx, bucket);
  return xml(buildXml('NotificationConfiguration', notification ?? {}));
};

// ---- replication ----

/**
 * PutBucketReplication: needs versioning Enabled on the bucket and on each destination bucket of
 * the store. Stored and returned; the store replicates nothing.
 * @throws S3Error NoSuchBucket, InvalidRequest, MalformedXML, InvalidArgument, InvalidStorageClass
 */
export const putBucketReplication: Handler = async (ctx, req) => {
  const bucket = requireBucketName(req);
  const replication = parseReplication(await readConfigBody(ctx, req, bucket, MAX_CONFIG_BYTES), MAX_CONFIG_BYTES, bucket);
  const versioned = (state: BucketState): void => {
    if (state.versioning !== 'Enabled') {
      throw new S3Error('InvalidRequest', { resource: bucket, message: "Versioning must be 'Enabled' on the bucket to apply a replication configuration" });
    }
  };
  versioned(await ctx.core.requireBucket(bucket));
  await checkReplicationTargets(ctx, bucket, replication);
  await writeConfig(ctx, bucket, 'replication', replication, versioned);
  return { status: 200, headers: {} };
};

/** GetBucketReplication. @throws S3Error NoSuchBucket, ReplicationConfigurationNotFoundError (404) */
export const getBucketReplication: Handler = async (ctx, req) => {
  const bucket = requireBucketName(req);
  const { replication } = await readConfig(ctx, bucket);
  if (replication === undefined) throw new S3Error('ReplicationConfigurationNotFoundError', { resource: bucket, details: { BucketName: bucket } });
  return xml(buildXml('ReplicationConfiguration', replication));
};

/** DeleteBucketReplication (204, also when there is none). @throws S3Error NoSuchBucket */
export const deleteBucketReplication: Handler = async (ctx, req) => deleteField(ctx, req, 'replication');

/** The InvalidBucketState S3 answers to suspending versioning under a replication configuration. */
export function replicationBlocksSuspend(state: BucketState, bucket: string): S3Error | undefined {
  if (state.config?.replication === undefined) return undefined;
  return new S3Error('InvalidBucketState', { resource: bucket, message: 'A replication configuration is present on this bucket, so the versioning state cannot be changed.' });
}

// ---- request payment ----

/** PutBucketRequestPayment: Payer is BucketOwner or Requester. @throws S3Error NoSuchBucket, InvalidRequest (no digest), MalformedXML */
export const putBucketRequestPayment: Handler = async (ctx, req) => {
  const bucket = requireBucketName(req);
  const { Payer } = parseRequestXml('RequestPaymentConfiguration', await readConfigBody(ctx, req, bucket, MAX_CONFIG_BYTES), MAX_CONFIG_BYTES);
  if (Payer !== 'BucketOwner' && Payer !== 'Requester') throw new S3Error('MalformedXML', { resource: bucket });
  await writeConfig(ctx, bucket, 'requestPayer', Payer === 'Requester' ? Payer : undefined);
  return { status: 200, headers: {} };
};

/** GetBucketRequestPayment: BucketOwner unless set. @throws S3Error NoSuchBucket */
export const getBucketRequestPayment: Handler = async (ctx, req) => {
  const bucket = requireBucketName(req);
  const { requestPayer } = await readConfig(ctx, bucket);
  return xml(buildXml('RequestPaymentConfiguration', { Payer: requestPayer ?? 'BucketOwner' }));
};

// ---- transfer acceleration ----

/**
 * PutBucketAccelerateConfiguration: Enabled or Suspended; refused for bucket names with dots,
 * as S3. Stored and returned; the store has no acceleration endpoint.
 * @throws S3Error NoSuchBucket, MalformedXML, InvalidRequest
 */
export const putBucketAccelerate: Handler = async (ctx, req) => {
  const bucket = requireBucketName(req);
  const { Status } = parseRequestXml('AccelerateConfiguration', await readConfigBody(ctx, req, bucket, MAX_CONFIG_BYTES, false), MAX_CONFIG_BYTES);
  if (Status !== 'Enabled' && Status !== 'Suspended') throw new S3Error('MalformedXML', { resource: bucket });
  if (bucket.includes('.')) {
    throw new S3Error('InvalidRequest', { resource: bucket, message: 'S3 Transfer Acceleration is not supported for buckets with periods (.) in their names' });
  }
  await writeConfig(ctx, bucket, 'accelerate', Status);
  return { status: 200, headers: {} };
};

/** GetBucketAccelerateConfiguration: empty until first set. @throws S3Error NoSuchBucket */
export const getBucketAccelerate: Handler = async (ctx, req) => {
  const bucket = requireBucketName(req);
  const { accelerate } = await readConfig(ctx, bucket);
  return xml(buildXml('AccelerateConfiguration', accelerate === undefined ? {} : { Status: accelerate }));
};
