// Object configuration (tags, legal hold, retention) and object attributes/restore, over the request core.
// Internal module: S3Client (client.ts) delegates here; option types live beside their functions.

import { isS3Error } from '@s3kit/errors';
import { buildXml, parseXml } from '@s3kit/xml-shapes';
import { checkBucket, checkKey, xmlBody, type RequestCore, type RequestOptions } from './core.js';
import { unquote, type Retention } from './headers.js';

/** Options of the per-version object configuration calls. */
export interface ObjectVersionOptions extends RequestOptions {
  /** The version to read or change. **Default:** the current version. */
  versionId?: string;
}

export interface SetObjectRetentionOptions extends ObjectVersionOptions {
  /** Sends `x-amz-bypass-governance-retention: true` (shorten or remove a GOVERNANCE retention). */
  governanceBypass?: boolean;
}

/** The attributes `getObjectAttributes` can ask for (S3's `x-amz-object-attributes`). */
export type ObjectAttributeName = 'ETag' | 'Checksum' | 'ObjectParts' | 'StorageClass' | 'ObjectSize';

export interface GetObjectAttributesOptions extends ObjectVersionOptions {
  /** **Default:** all five. */
  attributes?: ObjectAttributeName[];
  /** Parts per answer (`x-amz-max-parts`). */
  maxParts?: number;
  /** Lists parts after this one (`x-amz-part-number-marker`). */
  partNumberMarker?: number;
}

/** Checksums S3 stored for an object or part (base64, as S3 sends them). */
export interface ObjectChecksums {
  crc32?: string;
  crc32c?: string;
  crc64nvme?: string;
  sha1?: string;
  sha256?: string;
}

export interface ObjectAttributePart extends ObjectChecksums {
  partNumber: number;
  size: number | undefined;
}

/** GetObjectAttributes' answer; fields S3 was not asked for (or did not send) are `undefined`. */
export interface ObjectAttributes {
  etag: string | undefined;
  checksum: (ObjectChecksums & { type?: string }) | undefined;
  parts:
    | {
        partsCount: number | undefined;
        partNumberMarker: number | undefined;
        nextPartNumberMarker: number | undefined;
        maxParts: number | undefined;
        isTruncated: boolean;
        parts: ObjectAttributePart[];
      }
    | undefined;
  storageClass: string | undefined;
  size: number | undefined;
  versionId: string | undefined;
  lastModified: Date | undefined;
  deleteMarker: boolean;
}

/** RestoreObject's request (MinIO's `RestoreRequest`): restore an archived copy for `days`. */
export interface RestoreRequest {
  days?: number;
  /** `'Standard'`, `'Bulk'` or `'Expedited'`. */
  tier?: string;
  description?: string;
}

/**
 * "This version has no legal hold/retention": S3's `NoSuchObjectLockConfiguration`; Ceph RGW 16.2
 * answers `ObjectLockConfigurationNotFoundError` (404) on an object-lock bucket instead.
 */
function noLockSetting(err: unknown): boolean {
  return isS3Error(err) && (err.code === 'NoSuchObjectLockConfiguration' || (err.code === 'ObjectLockConfigurationNotFoundError' && err.status === 404));
}

const ALL_ATTRIBUTES: ObjectAttributeName[] = ['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize'];

function checkObject(bucket: string, key: string): void {
  checkBucket(bucket);
  checkKey(key);
}

function tagsOf(tags: Record<string, string>): Array<{ Key: string; Value: string }> {
  if (typeof tags !== 'object' || tags === null) throw new TypeError('setObjectTags: tags must be an object of strings');
  return Object.entries(tags).map(([Key, Value]) => {
    if (typeof Value !== 'string') throw new TypeError(`setObjectTags: tag ${Key} must be a string`);
    return { Key, Value };
  });
}

/** GetObjectTagging: the object's tags (`{}` when it has none). */
export async function getObjectTags(core: RequestCore, bucket: string, key: string, options: ObjectVersionOptions = {}): Promise<Record<string, string>> {
  checkObject(bucket, key);
  const r = await core.xml('Tagging', { method: 'GET', bucket, key, query: { tagging: '', versionId: options.versionId }, signal: options.signal });
  return Object.fromEntries(r.TagSet.map((t) => [t.Key, t.Value]));
}

/** PutObjectTagging: replaces the object's tags. */
export async function setObjectTags(core: RequestCore, bucket: string, key: string, tags: Record<string, string>, options: ObjectVersionOptions = {}): Promise<void> {
  checkObject(bucket, key);
  const body = buildXml('Tagging', { TagSet: tagsOf(tags) });
  await core.empty({ method: 'PUT', bucket, key, query: { tagging: '', versionId: options.versionId }, ...xmlBody(core, body), signal: options.signal });
}

/** DeleteObjectTagging. */
export async function deleteObjectTags(core: RequestCore, bucket: string, key: string, options: ObjectVersionOptions = {}): Promise<void> {
  checkObject(bucket, key);
  await core.empty({ method: 'DELETE', bucket, key, query: { tagging: '', versionId: options.versionId }, signal: options.signal });
}

async function putLegalHold(core: RequestCore, bucket: string, key: string, on: boolean, options: ObjectVersionOptions): Promise<void> {
  checkObject(bucket, key);
  const body = buildXml('LegalHold', { Status: on ? 'ON' : 'OFF' });
  await core.empty({ method: 'PUT', bucket, key, query: { 'legal-hold': '', versionId: options.versionId }, ...xmlBody(core, body), signal: options.signal });
}

/** PutObjectLegalHold `ON` (the bucket must have object lock). */
export function enableObjectLegalHold(core: RequestCore, bucket: string, key: string, options: ObjectVersionOptions = {}): Promise<void> {
  return putLegalHold(core, bucket, key, true, options);
}

/** PutObjectLegalHold `OFF`. */
export function disableObjectLegalHold(core: RequestCore, bucket: string, key: string, options: ObjectVersionOptions = {}): Promise<void> {
  return putLegalHold(core, bucket, key, false, options);
}

/** GetObjectLegalHold: `true` when `ON`; `false` when `OFF` or never set (`NoSuchObjectLockConfiguration`, as minio-py; RGW's `ObjectLockConfigurationNotFoundError`). */
export async function isObjectLegalHoldEnabled(core: RequestCore, bucket: string, key: string, options: ObjectVersionOptions = {}): Promise<boolean> {
  checkObject(bucket, key);
  try {
    const r = await core.xml('LegalHold', { method: 'GET', bucket, key, query: { 'legal-hold': '', versionId: options.versionId }, signal: options.signal });
    return r.Status === 'ON';
  } catch (err) {
    if (noLockSetting(err)) return false;
    throw err;
  }
}

/** GetObjectRetention: the version's retention, or `undefined` when it has none (`NoSuchObjectLockConfiguration`, as minio-py). */
export async function getObjectRetention(core: RequestCore, bucket: string, key: string, options: ObjectVersionOptions = {}): Promise<Retention | undefined> {
  checkObject(bucket, key);
  try {
    const r = await core.xml('Retention', { method: 'GET', bucket, key, query: { retention: '', versionId: options.versionId }, signal: options.signal });
    if (!r.Mode || !r.RetainUntilDate) return undefined;
    return { mode: r.Mode as Retention['mode'], retainUntilDate: r.RetainUntilDate };
  } catch (err) {
    if (noLockSetting(err)) return undefined;
    throw err;
  }
}

/** PutObjectRetention: sets (or, with `governanceBypass`, shortens) the version's retention. */
export async function setObjectRetention(core: RequestCore, bucket: string, key: string, retention: Retention, options: SetObjectRetentionOptions = {}): Promise<void> {
  checkObject(bucket, key);
  if (retention.mode !== 'GOVERNANCE' && retention.mode !== 'COMPLIANCE') throw new TypeError('setObjectRetention: mode must be GOVERNANCE or COMPLIANCE');
  if (!(retention.retainUntilDate instanceof Date) || Number.isNaN(retention.retainUntilDate.getTime())) throw new TypeError('setObjectRetention: retainUntilDate must be a valid Date');
  await putRetention(core, bucket, key, buildXml('Retention', { Mode: retention.mode, RetainUntilDate: retention.retainUntilDate }), options);
}

/** PutObjectRetention with an empty `<Retention/>`: removes the version's retention (a GOVERNANCE one needs `governanceBypass`; a COMPLIANCE one cannot be removed). */
export async function clearObjectRetention(core: RequestCore, bucket: string, key: string, options: SetObjectRetentionOptions = {}): Promise<void> {
  checkObject(bucket, key);
  await putRetention(core, bucket, key, buildXml('Retention', {}), options);
}

async function putRetention(core: RequestCore, bucket: string, key: string, body: string, options: SetObjectRetentionOptions): Promise<void> {
  const extra: Record<string, string> = options.governanceBypass ? { 'x-amz-bypass-governance-retention': 'true' } : {};
  await core.empty({ method: 'PUT', bucket, key, query: { retention: '', versionId: options.versionId }, ...xmlBody(core, body, extra), signal: options.signal });
}

/** GetObjectAttributes: ETag, checksum, parts (paged with `maxParts`/`partNumberMarker`), storage class and size in one call. */
export async function getObjectAttributes(core: RequestCore, bucket: string, key: string, options: GetObjectAttributesOptions = {}): Promise<ObjectAttributes> {
  checkObject(bucket, key);
  const attributes = options.attributes ?? ALL_ATTRIBUTES;
  if (!Array.isArray(attributes) || attributes.length === 0) throw new TypeError('getObjectAttributes: at least one attribute');
  const headers: Record<string, string> = { 'x-amz-object-attributes': attributes.join(',') };
  if (options.maxParts !== undefined) headers['x-amz-max-parts'] = String(options.maxParts);
  if (options.partNumberMarker !== undefined) headers['x-amz-part-number-marker'] = String(options.partNumberMarker);
  const res = await core.send({ method: 'GET', bucket, key, query: { attributes: '', versionId: options.versionId }, headers, signal: options.signal });
  const r = parseXml('GetObjectAttributesResponse', await res.body.bytes());
  const sums = (c: {
    ChecksumCRC32?: string | undefined;
    ChecksumCRC32C?: string | undefined;
    ChecksumCRC64NVME?: string | undefined;
    ChecksumSHA1?: string | undefined;
    ChecksumSHA256?: string | undefined;
  }): ObjectChecksums => ({
    ...(c.ChecksumCRC32 ? { crc32: c.ChecksumCRC32 } : {}),
    ...(c.ChecksumCRC32C ? { crc32c: c.ChecksumCRC32C } : {}),
    ...(c.ChecksumCRC64NVME ? { crc64nvme: c.ChecksumCRC64NVME } : {}),
    ...(c.ChecksumSHA1 ? { sha1: c.ChecksumSHA1 } : {}),
    ...(c.ChecksumSHA256 ? { sha256: c.ChecksumSHA256 } : {}),
  });
  const p = r.ObjectParts;
  const lm = res.headers['last-modified'];
  return {
    etag: r.ETag !== undefined ? unquote(r.ETag) : undefined,
    checksum: r.Checksum ? { ...sums(r.Checksum), ...(r.Checksum.ChecksumType ? { type: r.Checksum.ChecksumType } : {}) } : undefined,
    parts: p
      ? {
          partsCount: p.PartsCount,
          partNumberMarker: p.PartNumberMarker,
          nextPartNumberMarker: p.NextPartNumberMarker,
          maxParts: p.MaxParts,
          isTruncated: p.IsTruncated ?? false,
          parts: p.Part.map((x) => ({ partNumber: x.PartNumber ?? 0, size: x.Size, ...sums(x) })),
        }
      : undefined,
    storageClass: r.StorageClass,
    size: r.ObjectSize,
    versionId: res.headers['x-amz-version-id'],
    lastModified: lm ? new Date(lm) : undefined,
    deleteMarker: res.headers['x-amz-delete-marker'] === 'true',
  };
}

/** RestoreObject: asks S3 to restore an archived (GLACIER/DEEP_ARCHIVE) object for `days`. */
export async function restoreObject(core: RequestCore, bucket: string, key: string, request: RestoreRequest = {}, options: ObjectVersionOptions = {}): Promise<void> {
  checkObject(bucket, key);
  const body = buildXml('RestoreRequest', {
    ...(request.days !== undefined ? { Days: request.days } : {}),
    ...(request.tier ? { GlacierJobParameters: { Tier: request.tier } } : {}),
    ...(request.description ? { Description: request.description } : {}),
  });
  await core.empty({ method: 'POST', bucket, key, query: { restore: '', versionId: options.versionId }, ...xmlBody(core, body), signal: options.signal });
}
