import { S3Error } from '@s3kit/errors';
import { objectTarget, type StoreContext } from './context.js';
import { compareKeys } from './key-order.js';
import { deleteMarkerError, showsNullVersion, versionHeader } from './objects.js';
import { checkVersionId, type ObjectVersion, type Version } from './versions.js';
import { readSmallBody } from './write-temp.js';
import { XML_HEADERS, buildXml, parseRequestXml } from './xml.js';
import type { UpstreamRequest, UpstreamResponse } from '../upstreams/upstream.js';
import { abortOf } from '../pipeline/abort.js';

export type TagSet = readonly (readonly [string, string])[];

const MAX_TAGS = 10;
const MAX_TAGGING_BYTES = 64 * 1024;
const MAX_TAG_KEY = 128;
const MAX_TAG_VALUE = 256;

function invalidTag(message: string): S3Error {
  return new S3Error('InvalidTag', { message });
}

/**
 * S3's object tag limits: at most 10 tags, keys 1–128 and values 0–256 Unicode characters,
 * keys unique, no `aws:` prefix.
 * @throws S3Error InvalidTag (400)
 */
export function validateTags(tags: TagSet): TagSet {
  if (tags.length > MAX_TAGS) throw invalidTag('Object tags cannot be greater than 10');
  return validateTagEntries(tags);
}

/**
 * The per-tag limits shared by object and bucket tags (the count differs): keys 1–128 and
 * values 0–256 Unicode characters, keys unique, no `aws:` prefix.
 * @throws S3Error InvalidTag (400)
 */
export function validateTagEntries(tags: TagSet): TagSet {
  const seen = new Set<string>();
  for (const [k, v] of tags) {
    const kl = [...k].length;
    if (kl === 0 || kl > MAX_TAG_KEY) throw invalidTag('The TagKey you have provided is invalid');
    if ([...v].length > MAX_TAG_VALUE) throw invalidTag('The TagValue you have provided is invalid');
    if (k.toLowerCase().startsWith('aws:')) throw invalidTag('Your TagKey cannot be prefixed with aws:');
    if (seen.has(k)) throw invalidTag('Cannot provide multiple Tags with the same key');
    seen.add(k);
  }
  return tags;
}

/** Parses the `x-amz-tagging` header (URL query encoding). @throws S3Error InvalidTag */
export function parseTaggingHeader(value: string | undefined): TagSet {
  if (value === undefined || value === '') return [];
  const tags: [string, string][] = [];
  for (const [k, v] of new URLSearchParams(value)) tags.push([k, v]);
  return validateTags(tags);
}

/** GetObjectTagging. @throws S3Error NoSuchBucket, NoSuchKey */
export async function getObjectTagging(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const { bucket, key, resource } = objectTarget(req);
  const versionId = checkVersionId(req.query['versionId'], resource);
  const v = await ctx.core.readVersion(bucket, key, versionId);
  if (v === undefined) throw await missing(ctx, bucket, resource, versionId);
  if (v.deleteMarker === true) throw deleteMarkerError(v.id, versionId !== undefined, resource);
  const body = buildXml('Tagging', { TagSet: sortTags(v.tags).map(([Key, Value]) => ({ Key, Value })) });
  return { status: 200, headers: { ...XML_HEADERS, ...versionHeader(v.id, await showsNullVersion(ctx, bucket, versionId)) }, body };
}

/** PutObjectTagging: replaces the whole tag set. @throws S3Error InvalidTag, MalformedXML, NoSuchKey */
export async function putObjectTagging(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const { bucket, key, resource } = objectTarget(req);
  const versionId = checkVersionId(req.query['versionId'], resource);
  const raw = await readSmallBody(req.body, MAX_TAGGING_BYTES, req.headers, abortOf(req));
  const tags: [string, string][] = parseRequestXml('Tagging', raw, MAX_TAGGING_BYTES).TagSet.map((t) => [t.Key, t.Value]);
  validateTags(tags);
  const updated = await setTags(ctx, bucket, key, versionId, resource, tags);
  return { status: 200, headers: versionHeader(updated.id, await showsNullVersion(ctx, bucket, versionId)) };
}

/** DeleteObjectTagging (204). @throws S3Error NoSuchKey */
export async function deleteObjectTagging(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const { bucket, key, resource } = objectTarget(req);
  const versionId = checkVersionId(req.query['versionId'], resource);
  const updated = await setTags(ctx, bucket, key, versionId, resource, []);
  return { status: 204, headers: versionHeader(updated.id, await showsNullVersion(ctx, bucket, versionId)) };
}

async function setTags(ctx: StoreContext, bucket: string, key: string, versionId: string | undefined, resource: string, tags: TagSet): Promise<ObjectVersion> {
  const updated = await ctx.core.updateVersion(bucket, key, versionId, (old: Version) => {
    if (old.deleteMarker === true) throw deleteMarkerError(old.id, versionId !== undefined, resource);
    return { ...old, tags };
  });
  if (updated === undefined) throw await missing(ctx, bucket, resource, versionId);
  return updated;
}

/** S3 returns a tag set sorted by key (UTF-8 byte order). */
export function sortTags(tags: TagSet): TagSet {
  return [...tags].sort(([a], [b]) => compareKeys(a, b));
}

/** NoSuchBucket when the bucket is gone, else NoSuchVersion (a version was named) or NoSuchKey. */
export async function missing(ctx: StoreContext, bucket: string, resource: string, versionId?: string): Promise<S3Error> {
  await ctx.core.requireBucket(bucket);
  const key = resource.slice(bucket.length + 2);
  if (versionId !== undefined) return new S3Error('NoSuchVersion', { resource, details: { Key: key, VersionId: versionId } });
  return new S3Error('NoSuchKey', { resource, details: { Key: key } });
}
