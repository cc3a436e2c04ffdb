// Typed bucket configuration objects (MinIO client API style) and their mapping to and from the
// `@s3kit/xml-shapes` wire shapes. Internal module: bucket-config.ts builds on it.

import type { Shape } from '@s3kit/xml-shapes';

/** A bucket's or object's tags: key → value (a `Map` is accepted too when setting). */
export type Tags = Record<string, string>;

/** GetBucketVersioning / PutBucketVersioning. `status` is `'Off'` for a bucket that never had versioning (MinIO's OFF). */
export interface VersioningConfig {
  status: 'Enabled' | 'Suspended' | 'Off';
  /** `'Enabled'` / `'Disabled'` when the server reports it. */
  mfaDelete?: 'Enabled' | 'Disabled';
}

/**
 * A lifecycle configuration: `Rule`s with `Filter` (prefix, tag, size, `And`), `Transition`s,
 * `Expiration`, noncurrent-version actions and `AbortIncompleteMultipartUpload`, in S3's own
 * element names (as in the S3 API reference and MinIO's `LifecycleConfig` XML).
 */
export type LifecycleConfig = Shape<'LifecycleConfiguration'>;
/** One lifecycle rule. */
export type LifecycleRule = LifecycleConfig['Rule'][number];

/** A replication configuration: `Role` and `Rule`s (`Destination`, `Filter`, `Priority`, ...), in S3's element names. */
export type ReplicationConfig = Shape<'ReplicationConfiguration'>;
/** One replication rule. */
export type ReplicationRule = ReplicationConfig['Rule'][number];

/** A notification configuration: topic, queue and cloud-function configurations, in S3's element names. */
export type NotificationConfig = Shape<'NotificationConfiguration'>;

/** One default-encryption rule (MinIO's `SSEConfig` rule). */
export interface SSERule {
  /** `'AES256'` (SSE-S3), `'aws:kms'` or `'aws:kms:dsse'`. */
  sseAlgorithm: string;
  kmsMasterKeyId?: string;
  bucketKeyEnabled?: boolean;
}

/** Bucket default encryption (GetBucketEncryption / PutBucketEncryption). */
export interface SSEConfig {
  rules: SSERule[];
}

/** Object lock configuration: enabled flag and the optional default retention (mode + validity in days or years). */
export interface ObjectLockConfig {
  /** `true` when `ObjectLockEnabled` is `Enabled`. */
  enabled: boolean;
  mode?: 'GOVERNANCE' | 'COMPLIANCE';
  validity?: number;
  unit?: 'Days' | 'Years';
}

type TagsXml = Shape<'Tagging'>;
type SseXml = Shape<'ServerSideEncryptionConfiguration'>;
type LockXml = Shape<'ObjectLockConfiguration'>;

/** Tags → `<Tagging>` shape (insertion order kept). */
export function tagsToXml(tags: Tags | Map<string, string>): TagsXml {
  const entries = tags instanceof Map ? [...tags] : Object.entries(tags);
  return { TagSet: entries.map(([Key, Value]) => ({ Key, Value: String(Value) })) };
}

/** `<Tagging>` shape → tags. */
export function tagsFromXml(x: TagsXml): Tags {
  const out: Tags = {};
  for (const t of x.TagSet ?? []) out[t.Key] = t.Value;
  return out;
}

export function sseToXml(c: SSEConfig): SseXml {
  return {
    Rule: c.rules.map((r) => ({
      ApplyServerSideEncryptionByDefault: { SSEAlgorithm: r.sseAlgorithm, ...(r.kmsMasterKeyId !== undefined ? { KMSMasterKeyID: r.kmsMasterKeyId } : {}) },
      ...(r.bucketKeyEnabled !== undefined ? { BucketKeyEnabled: r.bucketKeyEnabled } : {}),
    })),
  } as SseXml;
}

export function sseFromXml(x: SseXml): SSEConfig {
  return {
    rules: (x.Rule ?? []).map((r) => {
      const d = r.ApplyServerSideEncryptionByDefault;
      const rule: SSERule = { sseAlgorithm: d?.SSEAlgorithm ?? '' };
      if (d?.KMSMasterKeyID) rule.kmsMasterKeyId = d.KMSMasterKeyID;
      if (r.BucketKeyEnabled !== undefined) rule.bucketKeyEnabled = r.BucketKeyEnabled;
      return rule;
    }),
  };
}

export function lockToXml(c: ObjectLockConfig): LockXml {
  const x: Record<string, unknown> = { ObjectLockEnabled: 'Enabled' };
  if (c.mode !== undefined || c.validity !== undefined) {
    if (c.mode === undefined || c.validity === undefined || (c.unit !== 'Days' && c.unit !== 'Years')) {
      throw new TypeError('ObjectLockConfig: mode, validity and unit (Days or Years) go together');
    }
    x['Rule'] = { DefaultRetention: { Mode: c.mode, [c.unit]: c.validity } };
  }
  return x as LockXml;
}

export function lockFromXml(x: LockXml): ObjectLockConfig {
  const out: ObjectLockConfig = { enabled: x.ObjectLockEnabled === 'Enabled' };
  const d = x.Rule?.DefaultRetention;
  if (d?.Mode) out.mode = d.Mode as 'GOVERNANCE' | 'COMPLIANCE';
  if (d?.Days !== undefined) [out.validity, out.unit] = [d.Days, 'Days'];
  else if (d?.Years !== undefined) [out.validity, out.unit] = [d.Years, 'Years'];
  return out;
}
