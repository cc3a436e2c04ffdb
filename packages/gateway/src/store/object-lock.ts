import { S3Error } from '@s3kit/errors';
import { objectTarget, type StoreContext } from './context.js';
import { defaultUntil, hasContentDigest, missingLockConfiguration, requireConfigDigest, requireLockEnabled, retentionMode } from './object-lock-config.js';
import { deleteMarkerError } from './objects.js';
import type { BucketState, ObjectMeta } from './store-core.js';
import { missing } from './tagging.js';
import { checkVersionId, type ObjectVersion, type Retention, type Version } from './versions.js';
import { readSmallBody } from './write-temp.js';
import { XML_HEADERS, buildXml, parseRequestXml } from './xml.js';
import type { UpstreamRequest, UpstreamResponse } from '../upstreams/upstream.js';
import { abortOf } from '../pipeline/abort.js';

export { getObjectLockConfiguration, putObjectLockConfiguration } from './object-lock-config.js';

type Headers = Readonly<Record<string, string | undefined>>;
/** The lock fields of a version. */
export type LockFields = Pick<ObjectVersion, 'retention' | 'legalHold'>;

const MAX_LOCK_XML_BYTES = 64 * 1024;
const MODE = 'x-amz-object-lock-mode';
const UNTIL = 'x-amz-object-lock-retain-until-date';
const HOLD = 'x-amz-object-lock-legal-hold';

/** Whether the request names object lock settings (mode, until date, legal hold). */
export function hasLockHeaders(headers: Headers): boolean {
  return headers[MODE] !== undefined || headers[UNTIL] !== undefined || headers[HOLD] !== undefined;
}

function invalidArgument(resource: string, message: string, name: string, value: string): S3Error {
  return new S3Error('InvalidArgument', { resource, message, details: { ArgumentName: name, ArgumentValue: value } });
}

/**
 * The lock settings named by `x-amz-object-lock-*` headers (PUT, POST form, copy, multipart
 * create), validated as S3 does; `{}` when there are none.
 * @throws S3Error InvalidRequest (bucket without object lock), InvalidArgument (400)
 */
export function lockFromHeaders(state: BucketState, headers: Headers, resource: string, now = Date.now()): LockFields {
  if (!hasLockHeaders(headers)) return {};
  if (state.objectLock === undefined) throw missingLockConfiguration(resource, 'headers');
  const out: { retention?: Retention; legalHold?: boolean } = {};
  const m = headers[MODE];
  const u = headers[UNTIL];
  if ((m === undefined) !== (u === undefined)) {
    throw invalidArgument(resource, `${UNTIL} and ${MODE} must both be supplied`, m === undefined ? MODE : UNTIL, '');
  }
  if (m !== undefined && u !== undefined) {
    const mode = retentionMode(m);
    if (mode === undefined) throw invalidArgument(resource, 'Unknown wormMode directive.', MODE, m);
    const until = parseUntil(u);
    if (until === undefined) throw invalidArgument(resource, 'The retain until date must be provided in ISO 8601 format', UNTIL, u);
    if (until <= now) throw invalidArgument(resource, 'The retain until date must be in the future!', UNTIL, u);
    out.retention = { mode, until };
  }
  const h = headers[HOLD];
  if (h !== undefined) {
    if (h !== 'ON' && h !== 'OFF') throw invalidArgument(resource, "Legal Hold must be either of 'ON' or 'OFF'", HOLD, h);
    out.legalHold = h === 'ON';
  }
  return out;
}

/** An ISO 8601 date-time in milliseconds, or undefined. */
function parseUntil(v: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/i.test(v.trim())) return undefined;
  const t = v.includes('T') && !/(Z|[+-]\d{2}:?\d{2})$/i.test(v.trim()) ? `${v.trim()}Z` : v.trim();
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * The lock a new version gets: the headers' settings, and the bucket's default retention
 * when the headers name none (until = now + the default period).
 * @throws S3Error as {@link lockFromHeaders}
 */
export function lockOnWrite(state: BucketState, headers: Headers, resource: string): LockFields {
  return withDefaultRetention(state, lockFromHeaders(state, headers, resource), Date.now());
}

/** `lock` completed with the bucket's default retention when it has no retention of its own. */
export function withDefaultRetention(state: BucketState, lock: LockFields, now: number): LockFields {
  const rule = state.objectLock?.rule;
  if (lock.retention !== undefined || rule === undefined) return lock;
  return { ...lock, retention: { mode: rule.mode, until: defaultUntil(rule, now) } };
}

/**
 * S3 needs a digest on a write that gets object lock settings (headers or the bucket's default
 * retention): "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests
 * with Object Lock parameters" (and "Put Part" for a part of such an upload).
 * @throws S3Error InvalidRequest (400)
 */
export function requireLockDigest(locked: boolean, headers: Headers, resource: string, what: 'Put Object' | 'Put Part' = 'Put Object'): void {
  if (locked && !hasContentDigest(headers)) {
    throw new S3Error('InvalidRequest', { resource, message: `Content-MD5 OR x-amz-checksum- HTTP header is required for ${what} requests with Object Lock parameters` });
  }
}

/** Whether a write with these headers into this bucket gets lock settings. */
export function writeIsLocked(state: BucketState, headers: Headers): boolean {
  return state.objectLock?.rule !== undefined || hasLockHeaders(headers);
}

function bypassing(headers: Headers): boolean {
  return headers['x-amz-bypass-governance-retention']?.trim().toLowerCase() === 'true';
}

function protectedError(resource: string): S3Error {
  return new S3Error('AccessDenied', { resource, message: 'Access Denied because object protected by object lock.' });
}

/** Whether `r` still protects its version at `now`. */
function active(r: Retention | undefined, now: number): r is Retention {
  return r !== undefined && r.until > now;
}

/**
 * Refuses to remove a version under legal hold, under COMPLIANCE retention, or under GOVERNANCE
 * retention without `x-amz-bypass-governance-retention: true` (whose permission,
 * s3:BypassGovernanceRetention, the gateway checked). A delete that only adds a delete marker
 * removes nothing (victim undefined) and is always allowed.
 * @throws S3Error AccessDenied (403)
 */
export function checkDeletable(victim: Version | undefined, headers: Headers, resource: string, now = Date.now()): void {
  if (victim === undefined || victim.deleteMarker === true) return;
  if (victim.legalHold === true) throw protectedError(resource);
  const r = victim.retention;
  if (active(r, now) && (r.mode === 'COMPLIANCE' || !bypassing(headers))) throw protectedError(resource);
}

/**
 * Whether a version's retention may change from `old` to `next` (undefined = removed): an
 * expired or absent retention may be set freely; an active one may be extended in the same
 * mode; anything else (shorten, remove, change the mode) needs the bypass header under
 * GOVERNANCE and is refused under COMPLIANCE.
 * @throws S3Error AccessDenied (403)
 */
export function checkRetentionChange(old: Retention | undefined, next: Retention | undefined, headers: Headers, resource: string, now = Date.now()): void {
  if (!active(old, now)) return;
  const extends_ = next !== undefined && next.mode === old.mode && next.until >= old.until;
  if (extends_) return;
  if (old.mode === 'GOVERNANCE' && bypassing(headers)) return;
  throw protectedError(resource);
}

/** `x-amz-object-lock-*` response headers of GET and HEAD. */
export function lockHeaders(meta: LockFields): Record<string, string> {
  const h: Record<string, string> = {};
  if (meta.retention !== undefined) {
    h[MODE] = meta.retention.mode;
    h[UNTIL] = new Date(meta.retention.until).toISOString();
  }
  if (meta.legalHold !== undefined) h[HOLD] = meta.legalHold ? 'ON' : 'OFF';
  return h;
}

/**
 * Target and version id of a retention / legal hold request, whose bucket must have object lock.
 * @throws S3Error NoSuchBucket, InvalidRequest (400, no object lock), InvalidArgument (bad versionId)
 */
async function lockTarget(ctx: StoreContext, req: UpstreamRequest): Promise<{ bucket: string; key: string; resource: string; versionId: string | undefined }> {
  const { bucket, key, resource } = objectTarget(req);
  const versionId = checkVersionId(req.query['versionId'], resource);
  requireLockEnabled(await ctx.core.requireBucket(bucket), resource);
  return { bucket, key, resource, versionId };
}

/** The object version a Get* reads (current when no versionId). @throws S3Error NoSuchKey, NoSuchVersion, MethodNotAllowed */
async function readObjectVersion(ctx: StoreContext, t: { bucket: string; key: string; resource: string; versionId: string | undefined }): Promise<ObjectMeta> {
  const v = await ctx.core.readVersion(t.bucket, t.key, t.versionId);
  if (v === undefined) throw await missing(ctx, t.bucket, t.resource, t.versionId);
  if (v.deleteMarker === true) throw deleteMarkerError(v.id, t.versionId !== undefined, t.resource);
  return v;
}

/** Rewrites one object version's lock fields under the key lock. */
async function updateLock(
  ctx: StoreContext,
  t: { bucket: string; key: string; resource: string; versionId: string | undefined },
  change: (old: ObjectVersion) => ObjectVersion,
): Promise<ObjectVersion> {
  const updated = await ctx.core.updateVersion(t.bucket, t.key, t.versionId, (old) => {
    if (old.deleteMarker === true) throw deleteMarkerError(old.id, t.versionId !== undefined, t.resource);
    return change(old);
  });
  if (updated === undefined) throw await missing(ctx, t.bucket, t.resource, t.versionId);
  return updated;
}

/**
 * PutObjectRetention: sets, extends, shortens or (empty `<Retention/>`) removes a version's
 * retention, following {@link checkRetentionChange}. A new date must be in the future.
 * @throws S3Error InvalidRequest (no object lock, no digest), MalformedXML, InvalidArgument, AccessDenied, NoSuchKey, NoSuchVersion
 */
export async function putObjectRetention(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const t = await lockTarget(ctx, req);
  requireConfigDigest(req.headers, t.resource);
  const doc = parseRequestXml('Retention', await readSmallBody(req.body, MAX_LOCK_XML_BYTES, req.headers, abortOf(req)), MAX_LOCK_XML_BYTES);
  let next: Retention | undefined;
  if (doc.Mode !== undefined || doc.RetainUntilDate !== undefined) {
    const mode = retentionMode(doc.Mode);
    if (mode === undefined || doc.RetainUntilDate === undefined) throw new S3Error('MalformedXML', { resource: t.resource });
    if (doc.RetainUntilDate.getTime() <= Date.now()) {
      throw invalidArgument(t.resource, 'The retain until date must be in the future!', 'RetainUntilDate', doc.RetainUntilDate.toISOString());
    }
    next = { mode, until: doc.RetainUntilDate.getTime() };
  }
  await updateLock(ctx, t, (old) => {
    checkRetentionChange(old.retention, next, req.headers, t.resource);
    const { retention: _r, ...rest } = old;
    return next === undefined ? rest : { ...rest, retention: next };
  });
  return { status: 200, headers: {} };
}

/** GetObjectRetention. @throws S3Error InvalidRequest (no object lock), NoSuchObjectLockConfiguration (404), NoSuchKey, NoSuchVersion */
export async function getObjectRetention(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const t = await lockTarget(ctx, req);
  const v = await readObjectVersion(ctx, t);
  if (v.retention === undefined) throw new S3Error('NoSuchObjectLockConfiguration', { resource: t.resource });
  const body = buildXml('Retention', { Mode: v.retention.mode, RetainUntilDate: new Date(v.retention.until) });
  return { status: 200, headers: { ...XML_HEADERS }, body };
}

/**
 * PutObjectLegalHold: ON or OFF, freely (the permission is the gateway's business).
 * @throws S3Error InvalidRequest (no object lock, no digest), MalformedXML, NoSuchKey, NoSuchVersion
 */
export async function putObjectLegalHold(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const t = await lockTarget(ctx, req);
  requireConfigDigest(req.headers, t.resource);
  const doc = parseRequestXml('LegalHold', await readSmallBody(req.body, MAX_LOCK_XML_BYTES, req.headers, abortOf(req)), MAX_LOCK_XML_BYTES);
  if (doc.Status !== 'ON' && doc.Status !== 'OFF') throw new S3Error('MalformedXML', { resource: t.resource });
  await updateLock(ctx, t, (old) => ({ ...old, legalHold: doc.Status === 'ON' }));
  return { status: 200, headers: {} };
}

/** GetObjectLegalHold. @throws S3Error InvalidRequest (no object lock), NoSuchObjectLockConfiguration (404, never set), NoSuchKey, NoSuchVersion */
export async function getObjectLegalHold(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const t = await lockTarget(ctx, req);
  const v = await readObjectVersion(ctx, t);
  if (v.legalHold === undefined) throw new S3Error('NoSuchObjectLockConfiguration', { resource: t.resource });
  return { status: 200, headers: { ...XML_HEADERS }, body: buildXml('LegalHold', { Status: v.legalHold ? 'ON' : 'OFF' }) };
}
