import { S3Error } from '@s3kit/errors';
import { requireBucketName, type StoreContext } from './context.js';
import type { BucketState, DefaultRetention } from './store-core.js';
import { readSmallBody } from './write-temp.js';
import { XML_HEADERS, buildXml, parseRequestXml } from './xml.js';
import type { UpstreamRequest, UpstreamResponse } from '../upstreams/upstream.js';
import { abortOf } from '../pipeline/abort.js';

type Headers = Readonly<Record<string, string | undefined>>;

const MAX_LOCK_XML_BYTES = 64 * 1024;
const DAY_MS = 86_400_000;
/** S3 counts a default-retention year as 365 days. */
const YEAR_DAYS = 365;
/** Our bound on a default retention (keeps every until-date a valid Date); S3 documents none lower. */
const MAX_DAYS = 36_500;
const MAX_YEARS = 100;

export type RetentionMode = 'GOVERNANCE' | 'COMPLIANCE';

/** A valid retention mode, else undefined (callers raise their operation's error). */
export function retentionMode(v: string | undefined): RetentionMode | undefined {
  return v === 'GOVERNANCE' || v === 'COMPLIANCE' ? v : undefined;
}

/**
 * What S3 answers to an object lock operation on a bucket without object lock:
 * InvalidRequest (400). PutObject's lock headers get the spelling S3 uses there.
 */
export function missingLockConfiguration(resource: string, spelling: 'operation' | 'headers' = 'operation'): S3Error {
  const message = spelling === 'operation' ? 'Bucket is missing Object Lock Configuration' : 'Bucket is missing ObjectLockConfiguration';
  return new S3Error('InvalidRequest', { resource, message });
}

/** @throws S3Error InvalidRequest (400) when the bucket has no object lock. */
export function requireLockEnabled(state: BucketState, resource: string): void {
  if (state.objectLock === undefined) throw missingLockConfiguration(resource);
}

/** Whether the request carries an integrity digest: Content-MD5, an x-amz-checksum-* header or trailer. */
export function hasContentDigest(headers: Headers): boolean {
  if (headers['content-md5'] !== undefined || headers['x-amz-sdk-checksum-algorithm'] !== undefined) return true;
  if (/x-amz-checksum-/i.test(headers['x-amz-trailer'] ?? '')) return true;
  return Object.keys(headers).some((h) => h.startsWith('x-amz-checksum-') && h !== 'x-amz-checksum-mode' && h !== 'x-amz-checksum-type' && headers[h] !== undefined);
}

/**
 * PutObjectLockConfiguration, PutObjectRetention and PutObjectLegalHold need a digest of their
 * body (S3's model marks them "request checksum required").
 * @throws S3Error InvalidRequest (400)
 */
export function requireConfigDigest(headers: Headers, resource: string): void {
  if (!hasContentDigest(headers)) {
    throw new S3Error('InvalidRequest', { resource, message: 'Missing required header for this request: Content-MD5 OR x-amz-checksum-*' });
  }
}

/**
 * The body of a bucket configuration Put, checked in S3's order: the bucket exists, then (where
 * S3's model requires one) a digest is sent, then the body is read, at most `maxBytes`.
 * @throws S3Error NoSuchBucket, InvalidRequest (no digest), MaxMessageLengthExceeded, IncompleteBody
 */
export async function readConfigBody(ctx: StoreContext, req: UpstreamRequest, bucket: string, maxBytes: number, digest = true): Promise<Buffer> {
  await ctx.core.requireBucket(bucket);
  if (digest) requireConfigDigest(req.headers, bucket);
  return readSmallBody(req.body, maxBytes, req.headers, abortOf(req));
}

/** When a version written now under the default retention `rule` is retained until. */
export function defaultUntil(rule: DefaultRetention, now: number): number {
  return now + (rule.days ?? (rule.years ?? 0) * YEAR_DAYS) * DAY_MS;
}

function invalidPeriod(resource: string): S3Error {
  return new S3Error('InvalidRetentionPeriod', { status: 400, resource, message: 'Default retention period must be a positive integer value.' });
}

/**
 * Reads an `ObjectLockConfiguration` body: `ObjectLockEnabled` must be `Enabled`; a `Rule`
 * holds a `DefaultRetention` with a mode and exactly one of Days, Years (positive).
 * Returns the default retention, or undefined for none.
 * @throws S3Error MalformedXML (400), InvalidRetentionPeriod (400)
 */
export function parseLockConfiguration(raw: Uint8Array, resource: string): DefaultRetention | undefined {
  const doc = parseRequestXml('ObjectLockConfiguration', raw, MAX_LOCK_XML_BYTES);
  if (doc.ObjectLockEnabled !== 'Enabled') throw new S3Error('MalformedXML', { resource });
  if (doc.Rule === undefined) return undefined;
  const d = doc.Rule.DefaultRetention;
  const mode = retentionMode(d?.Mode);
  if (d === undefined || mode === undefined || (d.Days === undefined) === (d.Years === undefined)) throw new S3Error('MalformedXML', { resource });
  if (d.Days !== undefined) {
    if (d.Days <= 0 || d.Days > MAX_DAYS) throw invalidPeriod(resource);
    return { mode, days: d.Days };
  }
  if (d.Years! <= 0 || d.Years! > MAX_YEARS) throw invalidPeriod(resource);
  return { mode, years: d.Years! };
}

/**
 * PutObjectLockConfiguration: sets (or clears, without a Rule) the default retention. On a
 * bucket created without object lock it enables object lock, as AWS allows since 2023,
 * provided versioning is Enabled; object lock can never be turned off again.
 * @throws S3Error NoSuchBucket, InvalidRequest (no digest), MalformedXML, InvalidRetentionPeriod,
 *   InvalidBucketState (409, versioning not Enabled)
 */
export async function putObjectLockConfiguration(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const bucket = requireBucketName(req);
  const rule = parseLockConfiguration(await readConfigBody(ctx, req, bucket, MAX_LOCK_XML_BYTES), bucket);
  await ctx.core.updateBucketState(bucket, (old) => {
    if (old.objectLock === undefined && old.versioning !== 'Enabled') {
      throw new S3Error('InvalidBucketState', { resource: bucket, message: "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration" });
    }
    return { ...old, objectLock: rule === undefined ? { enabled: true } : { enabled: true, rule } };
  });
  return { status: 200, headers: {} };
}

/** GetObjectLockConfiguration. @throws S3Error NoSuchBucket, ObjectLockConfigurationNotFoundError (404) */
export async function getObjectLockConfiguration(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const bucket = requireBucketName(req);
  const lock = (await ctx.core.requireBucket(bucket)).objectLock;
  if (lock === undefined) throw new S3Error('ObjectLockConfigurationNotFoundError', { resource: bucket, details: { BucketName: bucket } });
  const r = lock.rule;
  const period = r?.days !== undefined ? { Days: r.days } : r?.years !== undefined ? { Years: r.years } : {};
  const rule = r === undefined ? {} : { Rule: { DefaultRetention: { Mode: r.mode, ...period } } };
  return { status: 200, headers: { ...XML_HEADERS }, body: buildXml('ObjectLockConfiguration', { ObjectLockEnabled: 'Enabled', ...rule }) };
}

/** The bucket state a CreateBucket with `x-amz-bucket-object-lock-enabled: true` starts with. */
export function createdBucketState(headers: Headers, now: number): BucketState {
  const on = headers['x-amz-bucket-object-lock-enabled']?.trim().toLowerCase() === 'true';
  return on ? { created: now, versioning: 'Enabled', objectLock: { enabled: true } } : { created: now };
}
