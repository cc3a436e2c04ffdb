import { randomBytes } from 'node:crypto';
import { S3Error } from '@s3kit/errors';
import type { Shape } from '@s3kit/xml-shapes';
import { requireBucketName, type StoreContext } from './context.js';
import { requireConfigDigest } from './object-lock-config.js';
import { readSmallBody } from './write-temp.js';
import { XML_HEADERS, buildXml, parseRequestXml } from './xml.js';
import type { UpstreamRequest, UpstreamResponse } from '../upstreams/upstream.js';
import { abortOf } from '../pipeline/abort.js';

// Put/Get/DeleteBucketLifecycleConfiguration (the 2006 `?lifecycle` operations are routed to
// the same names). Validation follows what S3 answers: schema problems (a missing Status, both
// Prefix and Filter, two predicates in a Filter, Days and Date together, more than 1000 rules)
// are MalformedXML; bad values (Days <= 0, a Date not at midnight UTC, duplicate IDs, an ID over
// 255 characters) InvalidArgument; combinations S3 refuses (no action, tags with
// AbortIncompleteMultipartUpload) InvalidRequest.

type XmlRule = Shape<'LifecycleConfiguration'>['Rule'][number];
type XmlFilter = NonNullable<XmlRule['Filter']>;

/** A rule's object filter as stored: the XML `Filter` (dates are never in it). */
export type LifecycleFilter = XmlFilter;

/** One lifecycle rule as `bucket.json` keeps it (dates in milliseconds since the epoch). */
export interface LifecycleRule {
  readonly id: string;
  readonly status: 'Enabled' | 'Disabled';
  /** The 2006 form's rule-level Prefix (then `filter` is absent). */
  readonly prefix?: string;
  readonly filter?: LifecycleFilter;
  readonly expiration?: { readonly days?: number; readonly date?: number; readonly expiredObjectDeleteMarker?: boolean };
  readonly noncurrentExpiration?: { readonly days: number; readonly newer?: number };
  readonly abortDays?: number;
  /** Stored and returned, never applied: the store has one storage class (see README). */
  readonly transitions?: readonly { readonly days?: number; readonly date?: number; readonly storageClass: string }[];
  readonly noncurrentTransitions?: readonly { readonly days: number; readonly storageClass: string; readonly newer?: number }[];
}

/** A bucket's lifecycle configuration as stored in `bucket.json`. */
export interface StoredLifecycle {
  readonly rules: readonly LifecycleRule[];
  /** `x-amz-transition-default-minimum-object-size` of the Put (S3's default when absent). */
  readonly minSize?: string;
}

/** Largest body: 1000 rules with long prefixes and tags. */
const MAX_LIFECYCLE_BYTES = 2 * 1024 * 1024;
const MAX_RULES = 1000;
const MAX_ID = 255;
const MAX_PREFIX = 1024;
const DAY_MS = 86_400_000;
/** S3's TransitionStorageClass values. */
const TRANSITION_CLASSES = new Set(['GLACIER', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'DEEP_ARCHIVE', 'GLACIER_IR']);
/** Classes S3 transitions to only after 30 days. */
const MIN_30_DAYS = new Set(['STANDARD_IA', 'ONEZONE_IA']);
const MIN_SIZE_HEADER = 'x-amz-transition-default-minimum-object-size';
const MIN_SIZE_VALUES = new Set(['all_storage_classes_128K', 'varies_by_storage_class']);
const DEFAULT_MIN_SIZE = 'all_storage_classes_128K';

function malformed(resource: string, message?: string): S3Error {
  return new S3Error('MalformedXML', { resource, ...(message === undefined ? {} : { message }) });
}

function invalidArgument(resource: string, message: string): S3Error {
  return new S3Error('InvalidArgument', { resource, message });
}

function invalidRequest(resource: string, message: string): S3Error {
  return new S3Error('InvalidRequest', { resource, message });
}

/** A `Date` element's milliseconds, which S3 wants at midnight UTC. @throws S3Error InvalidArgument */
function midnight(d: Date, resource: string): number {
  const ms = d.getTime();
  if (ms % DAY_MS !== 0) throw invalidArgument(resource, "'Date' must be at midnight GMT");
  return ms;
}

/** The tags a filter names (Tag, or And's Tags). */
export function filterTags(f: LifecycleFilter | undefined): readonly { readonly Key: string; readonly Value: string }[] {
  if (f === undefined) return [];
  if (f.Tag !== undefined) return [f.Tag];
  return f.And?.Tag ?? [];
}

function checkTag(t: { Key: string; Value: string }, resource: string): void {
  if ([...t.Key].length === 0 || [...t.Key].length > 128) throw invalidRequest(resource, 'The TagKey you have provided is invalid');
  if ([...t.Value].length > 256) throw invalidRequest(resource, 'The TagValue you have provided is invalid');
}

function checkPrefix(p: string | undefined, resource: string): void {
  if (p !== undefined && Buffer.byteLength(p) > MAX_PREFIX) throw invalidRequest(resource, 'The maximum size of a prefix is 1024.');
}

function checkSize(n: number | undefined, resource: string): void {
  if (n !== undefined && n < 0) throw invalidArgument(resource, 'ObjectSizeGreaterThan and ObjectSizeLessThan must be non-negative');
}

/** A Filter: at most one of Prefix, Tag, ObjectSizeGreaterThan, ObjectSizeLessThan, And; And with two predicates or more. */
function checkFilter(f: XmlFilter, resource: string): void {
  const present = [f.Prefix, f.Tag, f.ObjectSizeGreaterThan, f.ObjectSizeLessThan, f.And].filter((x) => x !== undefined).length;
  if (present > 1) throw malformed(resource);
  checkPrefix(f.Prefix, resource);
  if (f.Tag !== undefined) checkTag(f.Tag, resource);
  checkSize(f.ObjectSizeGreaterThan, resource);
  checkSize(f.ObjectSizeLessThan, resource);
  const a = f.And;
  if (a === undefined) return;
  const predicates = (a.Prefix === undefined ? 0 : 1) + a.Tag.length + (a.ObjectSizeGreaterThan === undefined ? 0 : 1) + (a.ObjectSizeLessThan === undefined ? 0 : 1);
  if (predicates < 2) throw malformed(resource);
  checkPrefix(a.Prefix, resource);
  const keys = new Set<string>();
  for (const t of a.Tag) {
    checkTag(t, resource);
    if (keys.has(t.Key)) throw invalidRequest(resource, 'Duplicate Tag Keys are not allowed.');
    keys.add(t.Key);
  }
  checkSize(a.ObjectSizeGreaterThan, resource);
  checkSize(a.ObjectSizeLessThan, resource);
  if (a.ObjectSizeGreaterThan !== undefined && a.ObjectSizeLessThan !== undefined && a.ObjectSizeGreaterThan >= a.ObjectSizeLessThan) {
    throw invalidArgument(resource, 'ObjectSizeGreaterThan must be less than ObjectSizeLessThan');
  }
}

function positive(n: number | undefined, what: string, action: string, resource: string): void {
  if (n !== undefined && n <= 0) throw invalidArgument(resource, `'${what}' for ${action} action must be a positive integer`);
}

/** One rule, validated, in its stored form. */
function toRule(r: XmlRule, resource: string): LifecycleRule {
  if (r.Status !== 'Enabled' && r.Status !== 'Disabled') throw malformed(resource);
  if (r.ID !== undefined && [...r.ID].length > MAX_ID) throw invalidArgument(resource, 'ID length should not exceed allowed limit of 255');
  if ((r.Prefix === undefined) === (r.Filter === undefined)) throw malformed(resource);
  checkPrefix(r.Prefix, resource);
  if (r.Filter !== undefined) checkFilter(r.Filter, resource);
  const tagged = filterTags(r.Filter).length > 0;
  const sized = r.Filter !== undefined && (r.Filter.ObjectSizeGreaterThan ?? r.Filter.ObjectSizeLessThan ?? r.Filter.And?.ObjectSizeGreaterThan ?? r.Filter.And?.ObjectSizeLessThan) !== undefined;
  const e = r.Expiration;
  const nve = r.NoncurrentVersionExpiration;
  const abort = r.AbortIncompleteMultipartUpload;
  if (e === undefined && nve === undefined && abort === undefined && r.Transition.length === 0 && r.NoncurrentVersionTransition.length === 0) {
    throw invalidRequest(resource, 'At least one action needs to be specified in a rule');
  }
  let expiration: LifecycleRule['expiration'];
  if (e !== undefined) {
    const eodm = e.ExpiredObjectDeleteMarker;
    const count = (e.Days === undefined ? 0 : 1) + (e.Date === undefined ? 0 : 1) + (eodm === undefined ? 0 : 1);
    // One of Days, Date, ExpiredObjectDeleteMarker: an empty Expiration or two of them is a schema error at S3.
    if (count !== 1) throw malformed(resource);
    positive(e.Days, 'Days', 'Expiration', resource);
    if (eodm !== undefined && (tagged || sized)) throw invalidRequest(resource, 'ExpiredObjectDeleteMarker cannot be specified with a tag or object size filter.');
    expiration = e.Days !== undefined ? { days: e.Days } : e.Date !== undefined ? { date: midnight(e.Date, resource) } : { expiredObjectDeleteMarker: eodm! };
  }
  let noncurrentExpiration: LifecycleRule['noncurrentExpiration'];
  if (nve !== undefined) {
    if (nve.NoncurrentDays === undefined) throw malformed(resource);
    positive(nve.NoncurrentDays, 'NoncurrentDays', 'NoncurrentVersionExpiration', resource);
    const n = nve.NewerNoncurrentVersions;
    if (n !== undefined && (n < 1 || n > 100)) throw invalidArgument(resource, "'NewerNoncurrentVersions' for NoncurrentVersionExpiration action must be a positive integer up to 100");
    noncurrentExpiration = { days: nve.NoncurrentDays, ...(n === undefined ? {} : { newer: n }) };
  }
  if (abort !== undefined) {
    if (abort.DaysAfterInitiation === undefined) throw malformed(resource);
    positive(abort.DaysAfterInitiation, 'DaysAfterInitiation', 'AbortIncompleteMultipartUpload', resource);
    if (tagged) throw invalidRequest(resource, 'AbortIncompleteMultipartUpload cannot be specified with Tags.');
  }
  const transitions = r.Transition.map((t) => {
    if (t.StorageClass === undefined || !TRANSITION_CLASSES.has(t.StorageClass) || (t.Days === undefined) === (t.Date === undefined)) throw malformed(resource);
    if (t.Days !== undefined && t.Days < 0) throw invalidArgument(resource, "'Days' in Transition action must be nonnegative");
    if (t.Days !== undefined && t.Days < 30 && MIN_30_DAYS.has(t.StorageClass)) {
      throw invalidArgument(resource, `'Days' in Transition action must be greater than or equal to 30 for storageClass '${t.StorageClass}'`);
    }
    return t.Days !== undefined ? { days: t.Days, storageClass: t.StorageClass } : { date: midnight(t.Date!, resource), storageClass: t.StorageClass };
  });
  const noncurrentTransitions = r.NoncurrentVersionTransition.map((t) => {
    if (t.StorageClass === undefined || !TRANSITION_CLASSES.has(t.StorageClass) || t.NoncurrentDays === undefined) throw malformed(resource);
    if (t.NoncurrentDays < 0) throw invalidArgument(resource, "'NoncurrentDays' in NoncurrentVersionTransition action must be nonnegative");
    if (t.NoncurrentDays < 30 && MIN_30_DAYS.has(t.StorageClass)) {
      throw invalidArgument(resource, `'NoncurrentDays' in NoncurrentVersionTransition action must be greater than or equal to 30 for storageClass '${t.StorageClass}'`);
    }
    return { days: t.NoncurrentDays, storageClass: t.StorageClass, ...(t.NewerNoncurrentVersions === undefined ? {} : { newer: t.NewerNoncurrentVersions }) };
  });
  for (const list of [transitions, noncurrentTransitions]) {
    if (new Set(list.map((t) => t.storageClass)).size !== list.length) {
      throw invalidRequest(resource, `'StorageClass' must be different for '${list === transitions ? 'Transition' : 'NoncurrentVersionTransition'}' actions in same 'Rule'`);
    }
  }
  return {
    // S3 gives a rule without an ID a generated one, returned by Get.
    id: r.ID === undefined || r.ID === '' ? randomBytes(24).toString('base64url').slice(0, 32) : r.ID,
    status: r.Status,
    ...(r.Prefix === undefined ? {} : { prefix: r.Prefix }),
    ...(r.Filter === undefined ? {} : { filter: r.Filter }),
    ...(expiration === undefined ? {} : { expiration }),
    ...(noncurrentExpiration === undefined ? {} : { noncurrentExpiration }),
    ...(abort === undefined ? {} : { abortDays: abort.DaysAfterInitiation! }),
    ...(transitions.length === 0 ? {} : { transitions }),
    ...(noncurrentTransitions.length === 0 ? {} : { noncurrentTransitions }),
  };
}

/**
 * Reads and validates a `LifecycleConfiguration` body as S3 does.
 * @throws S3Error MalformedXML, InvalidArgument, InvalidRequest (all 400)
 */
export function parseLifecycle(raw: Uint8Array, resource: string): LifecycleRule[] {
  const doc = parseRequestXml('LifecycleConfiguration', raw, MAX_LIFECYCLE_BYTES);
  if (doc.Rule.length === 0 || doc.Rule.length > MAX_RULES) throw malformed(resource);
  const rules = doc.Rule.map((r) => toRule(r, resource));
  const ids = new Set<string>();
  for (const r of rules) {
    if (ids.has(r.id)) throw invalidArgument(resource, 'Rule ID must be unique. Found same ID for more than one rule');
    ids.add(r.id);
  }
  return rules;
}

/** The stored rules as S3 returns them. */
export function lifecycleXml(rules: readonly LifecycleRule[]): string {
  return buildXml('LifecycleConfiguration', {
    Rule: rules.map((r) => ({
      ID: r.id,
      ...(r.prefix === undefined ? {} : { Prefix: r.prefix }),
      ...(r.filter === undefined ? {} : { Filter: r.filter }),
      Status: r.status,
      Transition: (r.transitions ?? []).map((t) => (t.days !== undefined ? { Days: t.days, StorageClass: t.storageClass } : { Date: new Date(t.date!), StorageClass: t.storageClass })),
      NoncurrentVersionTransition: (r.noncurrentTransitions ?? []).map((t) => ({
        NoncurrentDays: t.days,
        StorageClass: t.storageClass,
        ...(t.newer === undefined ? {} : { NewerNoncurrentVersions: t.newer }),
      })),
      ...(r.expiration === undefined ? {} : { Expiration: expirationXml(r.expiration) }),
      ...(r.noncurrentExpiration === undefined
        ? {}
        : {
            NoncurrentVersionExpiration: {
              NoncurrentDays: r.noncurrentExpiration.days,
              ...(r.noncurrentExpiration.newer === undefined ? {} : { NewerNoncurrentVersions: r.noncurrentExpiration.newer }),
            },
          }),
      ...(r.abortDays === undefined ? {} : { AbortIncompleteMultipartUpload: { DaysAfterInitiation: r.abortDays } }),
    })),
  });
}

function expirationXml(e: NonNullable<LifecycleRule['expiration']>): { Days?: number; Date?: Date; ExpiredObjectDeleteMarker?: boolean } {
  if (e.days !== undefined) return { Days: e.days };
  if (e.date !== undefined) return { Date: new Date(e.date) };
  return { ExpiredObjectDeleteMarker: e.expiredObjectDeleteMarker === true };
}

/**
 * PutBucketLifecycleConfiguration (and the 2006 PutBucketLifecycle): replaces the bucket's
 * rules, kept in `bucket.json` (written atomically).
 * @throws S3Error NoSuchBucket, InvalidRequest (no Content-MD5 or checksum), BadDigest, MalformedXML, InvalidArgument
 */
export async function putBucketLifecycle(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const bucket = requireBucketName(req);
  await ctx.core.requireBucket(bucket);
  requireConfigDigest(req.headers, bucket);
  const minSize = req.headers[MIN_SIZE_HEADER];
  if (minSize !== undefined && !MIN_SIZE_VALUES.has(minSize)) {
    throw new S3Error('InvalidRequest', { resource: bucket, message: `Invalid value for ${MIN_SIZE_HEADER}: ${minSize}` });
  }
  const raw = await readSmallBody(req.body, MAX_LIFECYCLE_BYTES, req.headers, abortOf(req));
  const rules = parseLifecycle(raw, bucket);
  await ctx.core.updateBucketState(bucket, (old) => ({ ...old, lifecycle: { rules, ...(minSize === undefined ? {} : { minSize }) } }));
  return { status: 200, headers: { [MIN_SIZE_HEADER]: minSize ?? DEFAULT_MIN_SIZE } };
}

/** GetBucketLifecycleConfiguration. @throws S3Error NoSuchBucket, NoSuchLifecycleConfiguration (404) */
export async function getBucketLifecycle(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const bucket = requireBucketName(req);
  const lc = (await ctx.core.requireBucket(bucket)).lifecycle;
  if (lc === undefined) throw new S3Error('NoSuchLifecycleConfiguration', { resource: bucket, details: { BucketName: bucket } });
  return { status: 200, headers: { ...XML_HEADERS, [MIN_SIZE_HEADER]: lc.minSize ?? DEFAULT_MIN_SIZE }, body: lifecycleXml(lc.rules) };
}

/** DeleteBucketLifecycle: 204, also when there was none (as S3). @throws S3Error NoSuchBucket */
export async function deleteBucketLifecycle(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const bucket = requireBucketName(req);
  await ctx.core.updateBucketState(bucket, (old) => {
    const { lifecycle: _gone, ...rest } = old;
    return rest;
  });
  return { status: 204, headers: {} };
}
