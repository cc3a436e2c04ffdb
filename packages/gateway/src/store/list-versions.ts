import { S3Error } from '@s3kit/errors';
import { requireBucketName, type StoreContext } from './context.js';
import { quoteEtag } from './http-headers.js';
import type { IndexVersion, KeyIndex } from './key-index.js';
import { compareKeys, lowerBound } from './key-order.js';
import { encodingType, maxParam } from './listing.js';
import { checkVersionId, seqOfVersionId } from './versions.js';
import { XML_HEADERS, buildXml } from './xml.js';
import type { UpstreamRequest, UpstreamResponse } from '../upstreams/upstream.js';

const MAX_KEYS = 1000;

/** One listed version or delete marker. */
export interface VersionItem {
  readonly key: string;
  readonly v: IndexVersion;
  readonly latest: boolean;
}

/** One page of ListObjectVersions. */
export interface VersionsPage {
  /** Versions and delete markers in S3's order: keys in UTF-8 byte order, each newest first. */
  readonly items: readonly VersionItem[];
  readonly prefixes: readonly string[];
  readonly truncated: boolean;
  /** The resume point: the last key (or common prefix) returned, and the last version id. */
  readonly nextKey?: string | undefined;
  readonly nextVersionId?: string | undefined;
}

/** Where a page starts: after `key` (all of it), or after version `versionId` of `key`. */
export interface VersionsMarker {
  readonly key: string;
  readonly versionId?: string | undefined;
}

/** The commit order of an index entry: version ids begin with their seq; null versions carry theirs. */
function seqOf(v: IndexVersion): number {
  return seqOfVersionId(v.id) ?? v.seq ?? v.lastModified * 4096;
}

/**
 * Where to resume in `versions` (newest first) after version `versionId`. If that version was
 * deleted since the previous page, its seq (the start of its id) still says where it stood, so
 * the listing neither skips nor repeats a version. A deleted `null` marker has no seq: the key
 * is taken as done.
 */
export function resumeAt(versions: readonly IndexVersion[], versionId: string): number {
  const at = versions.findIndex((v) => v.id === versionId);
  if (at !== -1) return at + 1;
  const seq = seqOfVersionId(versionId);
  if (seq === undefined) return versions.length;
  const next = versions.findIndex((v) => seqOf(v) < seq);
  return next === -1 ? versions.length : next;
}

/**
 * Walks the index from `marker`, within `prefix`, rolling keys up at `delimiter`, until
 * `maxKeys` entries (versions, delete markers and common prefixes alike): O(log n) to seek,
 * O(log n) per common prefix, O(1) per version returned.
 */
export function versionsPage(idx: KeyIndex, prefix: string, delimiter: string, marker: VersionsMarker, maxKeys: number): VersionsPage {
  const keys = idx.allKeys;
  const after = marker.key;
  const items: VersionItem[] = [];
  const prefixes: string[] = [];
  let nextKey: string | undefined;
  let nextVersionId: string | undefined;
  let truncated = false;
  let count = 0;
  // With a version-id-marker the marker key itself may have versions left.
  let i = after === '' ? 0 : lowerBound(keys, after, marker.versionId === undefined);
  if (prefix !== '' && compareKeys(prefix, after) > 0) i = Math.max(i, lowerBound(keys, prefix));
  const n = keys.length;
  outer: while (i < n) {
    const k = keys[i]!;
    if (!k.startsWith(prefix)) break; // keys under a prefix are contiguous in byte order
    if (delimiter !== '') {
      const d = k.indexOf(delimiter, prefix.length);
      if (d !== -1) {
        const cp = k.slice(0, d + delimiter.length);
        if (after === '' || compareKeys(cp, after) > 0) {
          if (count === maxKeys) {
            truncated = maxKeys > 0;
            break;
          }
          prefixes.push(cp);
          [nextKey, nextVersionId] = [cp, undefined];
          count++;
        }
        i = endOfPrefix(keys, cp, i + 1);
        continue;
      }
    }
    const versions = idx.entries.get(k)!;
    let j = k === after && marker.versionId !== undefined ? resumeAt(versions, marker.versionId) : 0;
    for (; j < versions.length; j++) {
      if (count === maxKeys) {
        truncated = maxKeys > 0;
        break outer;
      }
      const v = versions[j]!;
      items.push({ key: k, v, latest: j === 0 });
      [nextKey, nextVersionId] = [k, v.id];
      count++;
    }
    i++;
  }
  return truncated ? { items, prefixes, truncated, nextKey, nextVersionId } : { items, prefixes, truncated };
}

/** The first index at or after `from` whose key does not start with `cp` (they are contiguous). */
function endOfPrefix(keys: readonly string[], cp: string, from: number): number {
  let lo = from;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]!.startsWith(cp)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Reads `key-marker` and `version-id-marker`.
 * @throws S3Error InvalidArgument for a version-id-marker without a key-marker, or a malformed one.
 */
function markerOf(q: Readonly<Record<string, string>>, bucket: string): VersionsMarker {
  const key = q['key-marker'] ?? '';
  const raw = q['version-id-marker'];
  const versionId = raw === '' ? undefined : raw;
  if (versionId === undefined) return { key };
  if (key === '') {
    throw new S3Error('InvalidArgument', {
      resource: `/${bucket}`,
      message: 'A version-id marker cannot be specified without a key marker.',
      details: { ArgumentName: 'version-id-marker', ArgumentValue: versionId },
    });
  }
  return { key, versionId: checkVersionId(versionId, `/${bucket}`) };
}

/**
 * ListObjectVersions: every version and delete marker, keys in UTF-8 byte order and each key's
 * newest first, with prefix, delimiter, key-marker / version-id-marker, max-keys (cap 1000,
 * counting versions, delete markers and common prefixes) and encoding-type=url. Served from
 * the in-memory index.
 * @throws S3Error NoSuchBucket, InvalidArgument
 */
export async function listObjectVersions(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const bucket = requireBucketName(req);
  const q = req.query;
  const maxKeys = maxParam(q, 'max-keys', MAX_KEYS);
  const enc = encodingType(q);
  const prefix = q['prefix'] ?? '';
  const delimiter = q['delimiter'] ?? '';
  const marker = markerOf(q, bucket);
  await ctx.core.requireBucket(bucket);
  const idx = await ctx.core.index(bucket);
  const page = versionsPage(idx, prefix, delimiter, marker, maxKeys);
  const Owner = { ID: ctx.owner.id, DisplayName: ctx.owner.displayName };
  const Version = [];
  const DeleteMarker = [];
  const order: ('Version' | 'DeleteMarker')[] = [];
  for (const { key: Key, v, latest: IsLatest } of page.items) {
    const LastModified = new Date(v.lastModified);
    if (v.deleteMarker === true) {
      DeleteMarker.push({ Key, VersionId: v.id, IsLatest, LastModified, Owner });
      order.push('DeleteMarker');
    } else {
      const checksum = v.checksumAlgorithm === undefined ? {} : { ChecksumAlgorithm: [v.checksumAlgorithm], ...(v.checksumType === undefined ? {} : { ChecksumType: v.checksumType }) };
      Version.push({ Key, VersionId: v.id, IsLatest, LastModified, ETag: quoteEtag(v.etag), ...checksum, Size: v.size, Owner, StorageClass: 'STANDARD' });
      order.push('Version');
    }
  }
  const body = buildXml(
    'ListVersionsResult',
    {
      Name: bucket,
      Prefix: prefix,
      KeyMarker: marker.key,
      VersionIdMarker: marker.versionId ?? '',
      ...(page.nextKey === undefined ? {} : { NextKeyMarker: page.nextKey }),
      ...(page.nextVersionId === undefined ? {} : { NextVersionIdMarker: page.nextVersionId }),
      MaxKeys: maxKeys,
      ...(delimiter === '' ? {} : { Delimiter: delimiter }),
      ...enc,
      IsTruncated: page.truncated,
      Version,
      DeleteMarker,
      CommonPrefixes: page.prefixes.map((Prefix) => ({ Prefix })),
    },
    { interleave: order },
  );
  return { status: 200, headers: { ...XML_HEADERS }, body };
}
