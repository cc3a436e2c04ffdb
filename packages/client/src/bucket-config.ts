// Bucket configuration (versioning, replication, lifecycle, tags, policy, notification, default
// encryption, object lock) over the request core, with MinIO client API names.
// Internal module: S3Client (client.ts) delegates here; option types live beside their functions.

import { buildXml, type ShapeInput, type ShapeName } from '@s3kit/xml-shapes';
import { checkBucket, xmlBody, type RequestCore, type RequestOptions } from './core.js';
import {
  lockFromXml,
  lockToXml,
  sseFromXml,
  sseToXml,
  tagsFromXml,
  tagsToXml,
  type LifecycleConfig,
  type NotificationConfig,
  type ObjectLockConfig,
  type ReplicationConfig,
  type SSEConfig,
  type Tags,
  type VersioningConfig,
} from './config-types.js';

export type {
  LifecycleConfig,
  LifecycleRule,
  NotificationConfig,
  ObjectLockConfig,
  ReplicationConfig,
  ReplicationRule,
  SSEConfig,
  SSERule,
  Tags,
  VersioningConfig,
} from './config-types.js';

/** What setBucketLifecycle accepts: a {@link LifecycleConfig} whose lists may be omitted. */
export type LifecycleConfigInput = ShapeInput<'LifecycleConfiguration'>;
/** What setBucketReplication accepts: a {@link ReplicationConfig} whose lists may be omitted. */
export type ReplicationConfigInput = ShapeInput<'ReplicationConfiguration'>;
/** What setBucketNotification accepts: a {@link NotificationConfig} whose lists may be omitted. */
export type NotificationConfigInput = ShapeInput<'NotificationConfiguration'>;

/** GET `?sub` on the bucket, parsed as `shape`. */
async function getConfig<N extends ShapeName>(core: RequestCore, shape: N, bucket: string, sub: string, options: RequestOptions) {
  checkBucket(bucket);
  return core.xml(shape, { method: 'GET', bucket, query: { [sub]: '' }, signal: options.signal });
}

/** PUT `?sub` with an XML body (Content-MD5 as S3 requires for configuration writes). */
async function putXml(core: RequestCore, bucket: string, sub: string, body: string, options: RequestOptions, contentType = 'application/xml'): Promise<void> {
  checkBucket(bucket);
  await core.empty({ method: 'PUT', bucket, query: { [sub]: '' }, ...xmlBody(core, body, { 'content-type': contentType }), signal: options.signal });
}

/** DELETE `?sub` on the bucket. */
async function deleteConfig(core: RequestCore, bucket: string, sub: string, options: RequestOptions): Promise<void> {
  checkBucket(bucket);
  await core.empty({ method: 'DELETE', bucket, query: { [sub]: '' }, signal: options.signal });
}

// ------------------------------------------------------------------ versioning

/** GetBucketVersioning; `status: 'Off'` for a bucket that never had versioning enabled. */
export async function getBucketVersioning(core: RequestCore, bucket: string, options: RequestOptions = {}): Promise<VersioningConfig> {
  const x = await getConfig(core, 'VersioningConfiguration', bucket, 'versioning', options);
  const out: VersioningConfig = { status: (x.Status as 'Enabled' | 'Suspended' | undefined) ?? 'Off' };
  if (x.MfaDelete) out.mfaDelete = x.MfaDelete as 'Enabled' | 'Disabled';
  return out;
}

/** PutBucketVersioning (`'Enabled'` or `'Suspended'`; a versioned bucket cannot go back to `'Off'`). */
export async function setBucketVersioning(core: RequestCore, bucket: string, config: VersioningConfig, options: RequestOptions = {}): Promise<void> {
  checkBucket(bucket);
  if (config.status !== 'Enabled' && config.status !== 'Suspended') throw new TypeError(`setBucketVersioning: status must be Enabled or Suspended`);
  const body = buildXml('VersioningConfiguration', { Status: config.status, ...(config.mfaDelete ? { MfaDelete: config.mfaDelete } : {}) });
  await putXml(core, bucket, 'versioning', body, options);
}

// ------------------------------------------------------------------ replication

/** GetBucketReplication; rejects `ReplicationConfigurationNotFoundError` when none is set. */
export function getBucketReplication(core: RequestCore, bucket: string, options: RequestOptions = {}): Promise<ReplicationConfig> {
  return getConfig(core, 'ReplicationConfiguration', bucket, 'replication', options);
}

/** PutBucketReplication (the bucket must be versioned). */
export async function setBucketReplication(core: RequestCore, bucket: string, config: ReplicationConfigInput, options: RequestOptions = {}): Promise<void> {
  await putXml(core, bucket, 'replication', buildXml('ReplicationConfiguration', config), options);
}

/** DeleteBucketReplication. */
export function deleteBucketReplication(core: RequestCore, bucket: string, options: RequestOptions = {}): Promise<void> {
  return deleteConfig(core, bucket, 'replication', options);
}

// ------------------------------------------------------------------ lifecycle

/** GetBucketLifecycleConfiguration; rejects `NoSuchLifecycleConfiguration` when none is set. */
export function getBucketLifecycle(core: RequestCore, bucket: string, options: RequestOptions = {}): Promise<LifecycleConfig> {
  return getConfig(core, 'LifecycleConfiguration', bucket, 'lifecycle', options);
}

/** PutBucketLifecycleConfiguration (replaces every rule). */
export async function setBucketLifecycle(core: RequestCore, bucket: string, config: LifecycleConfigInput, options: RequestOptions = {}): Promise<void> {
  await putXml(core, bucket, 'lifecycle', buildXml('LifecycleConfiguration', config), options);
}

/** DeleteBucketLifecycle. */
export function deleteBucketLifecycle(core: RequestCore, bucket: string, options: RequestOptions = {}): Promise<void> {
  return deleteConfig(core, bucket, 'lifecycle', options);
}

// ------------------------------------------------------------------ tags

/** GetBucketTagging; rejects `NoSuchTagSet` when the bucket has no tags. */
export async function getBucketTags(core: RequestCore, bucket: string, options: RequestOptions = {}): Promise<Tags> {
  return tagsFromXml(await getConfig(core, 'Tagging', bucket, 'tagging', options));
}

/** PutBucketTagging (replaces every tag). */
export async function setBucketTags(core: RequestCore, bucket: string, tags: Tags | Map<string, string>, options: RequestOptions = {}): Promise<void> {
  await putXml(core, bucket, 'tagging', buildXml('Tagging', tagsToXml(tags)), options);
}

/** DeleteBucketTagging. */
export function deleteBucketTags(core: RequestCore, bucket: string, options: RequestOptions = {}): Promise<void> {
  return deleteConfig(core, bucket, 'tagging', options);
}

// ------------------------------------------------------------------ policy

/** GetBucketPolicy: the policy JSON text; rejects `NoSuchBucketPolicy` when none is set. */
export async function getBucketPolicy(core: RequestCore, bucket: string, options: RequestOptions = {}): Promise<string> {
  checkBucket(bucket);
  const res = await core.send({ method: 'GET', bucket, query: { policy: '' }, signal: options.signal });
  return res.body.text();
}

/** PutBucketPolicy (a JSON text, or an object serialized with `JSON.stringify`). */
export async function setBucketPolicy(core: RequestCore, bucket: string, policy: string | object, options: RequestOptions = {}): Promise<void> {
  const body = typeof policy === 'string' ? policy : JSON.stringify(policy);
  await putXml(core, bucket, 'policy', body, options, 'application/json');
}

/** DeleteBucketPolicy. */
export function deleteBucketPolicy(core: RequestCore, bucket: string, options: RequestOptions = {}): Promise<void> {
  return deleteConfig(core, bucket, 'policy', options);
}

// ------------------------------------------------------------------ notification

/** GetBucketNotificationConfiguration (empty lists when none is set). */
export function getBucketNotification(core: RequestCore, bucket: string, options: RequestOptions = {}): Promise<NotificationConfig> {
  return getConfig(core, 'NotificationConfiguration', bucket, 'notification', options);
}

/** PutBucketNotificationConfiguration (replaces every configuration). */
export async function setBucketNotification(core: RequestCore, bucket: string, config: NotificationConfigInput, options: RequestOptions = {}): Promise<void> {
  await putXml(core, bucket, 'notification', buildXml('NotificationConfiguration', config), options);
}

/** Removes every notification configuration (S3 has no DELETE: an empty configuration, as MinIO does). */
export function deleteBucketNotification(core: RequestCore, bucket: string, options: RequestOptions = {}): Promise<void> {
  return setBucketNotification(core, bucket, {}, options);
}

// ------------------------------------------------------------------ default encryption

/** GetBucketEncryption; rejects `ServerSideEncryptionConfigurationNotFoundError` when none is set. */
export async function getBucketEncryption(core: RequestCore, bucket: string, options: RequestOptions = {}): Promise<SSEConfig> {
  return sseFromXml(await getConfig(core, 'ServerSideEncryptionConfiguration', bucket, 'encryption', options));
}

/** PutBucketEncryption. */
export async function setBucketEncryption(core: RequestCore, bucket: string, config: SSEConfig, options: RequestOptions = {}): Promise<void> {
  if (!Array.isArray(config?.rules) || config.rules.length === 0) throw new TypeError('setBucketEncryption: at least one rule is required');
  await putXml(core, bucket, 'encryption', buildXml('ServerSideEncryptionConfiguration', sseToXml(config)), options);
}

/** DeleteBucketEncryption. */
export function deleteBucketEncryption(core: RequestCore, bucket: string, options: RequestOptions = {}): Promise<void> {
  return deleteConfig(core, bucket, 'encryption', options);
}

// ------------------------------------------------------------------ object lock

/** GetObjectLockConfiguration; rejects `ObjectLockConfigurationNotFoundError` for a bucket made without object lock. */
export async function getObjectLockConfig(core: RequestCore, bucket: string, options: RequestOptions = {}): Promise<ObjectLockConfig> {
  return lockFromXml(await getConfig(core, 'ObjectLockConfiguration', bucket, 'object-lock', options));
}

/** PutObjectLockConfiguration: the default retention (`mode`, `validity`, `unit`), or none. */
export async function setObjectLockConfig(core: RequestCore, bucket: string, config: Omit<ObjectLockConfig, 'enabled'>, options: RequestOptions = {}): Promise<void> {
  await putXml(core, bucket, 'object-lock', buildXml('ObjectLockConfiguration', lockToXml({ enabled: true, ...config })), options);
}

/** Removes the default retention (S3 has no DELETE: object lock stays enabled, as MinIO does). */
export function deleteObjectLockConfig(core: RequestCore, bucket: string, options: RequestOptions = {}): Promise<void> {
  return setObjectLockConfig(core, bucket, {}, options);
}
