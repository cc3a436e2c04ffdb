import { S3Error } from '@s3kit/errors';
import { requireBucketName, type StoreContext } from './context.js';
import { quoteEtag } from './http-headers.js';
import type { KeyIndex } from './key-index.js';
import { compareKeys, lowerBound } from './key-order.js';
import { XML_HEADERS, buildXml } from './xml.js';
import type { UpstreamRequest, UpstreamResponse } from '../upstreams/upstream.js';

const MAX_KEYS = 1000;

/** Reads `max-keys`-like parameters. @throws S3Error InvalidArgument */
export function maxParam(query: Readonly<Record<string, string>>, name: string, cap: number): number {
  const v = query[name];
  if (v === undefined) return cap;
  if (!/^\d{1,10}$/.test(v)) {
    throw new S3Error('InvalidArgument', { message: `Provided ${name} not an integer or within integer range`, details: { ArgumentName: name, ArgumentValue: v } });
  }
  return Math.min(Number(v), cap);
}

/**
 * `encoding-type=url`: the XML builder then encodes keys, prefixes, markers and the
 * delimiter as S3 does (UTF-8 form encoding: space as `+`, `/` kept).
 * @throws S3Error InvalidArgument for any other encoding type.
 */
export function encodingType(query: Readonly<Record<string, string>>): { EncodingType?: 'url' } {
  const e = query['encoding-type'];
  if (e === undefined) return {};
  if (e.toLowerCase() !== 'url') {
    throw new S3Error('InvalidArgument', { message: 'Invalid Encoding Method specified in Request', details: { ArgumentName: 'encoding-type', ArgumentValue: e } });
  }
  return { EncodingType: 'url' };
}

/** One page of a listing. */
export interface ListPage {
  readonly contents: readonly string[];
  readonly prefixes: readonly string[];
  readonly truncated: boolean;
  /** The last key or common prefix returned (the resume point). */
  readonly last: string | undefined;
}

/**
 * Walks sorted `keys` after `after`, within `prefix`, rolling keys up at `delimiter`: O(log n)
 * to seek, then O(log n) per common prefix and O(1) per key returned.
 * A common prefix that sorts at or before `after` was already returned by an earlier page
 * and is skipped, with every key under it.
 */
export function listPage(keys: readonly string[], prefix: string, delimiter: string, after: string, maxKeys: number): ListPage {
  const contents: string[] = [];
  const prefixes: string[] = [];
  let i = after === '' ? 0 : lowerBound(keys, after, true);
  if (prefix !== '' && compareKeys(prefix, after) > 0) i = Math.max(i, lowerBound(keys, prefix));
  let last: string | undefined;
  let truncated = false;
  let count = 0;
  const n = keys.length;
  while (i < n) {
    const k = keys[i]!;
    if (!k.startsWith(prefix)) break; // keys under a prefix are contiguous in byte order
    if (delimiter !== '') {
      const d = k.indexOf(delimiter, prefix.length);
      if (d !== -1) {
        const cp = k.slice(0, d + delimiter.length);
        const seen = after !== '' && compareKeys(cp, after) <= 0;
        if (!seen) {
          if (count === maxKeys) {
            truncated = maxKeys > 0;
            break;
          }
          prefixes.push(cp);
          last = cp;
          count++;
        }
        // Skip every key under cp: they are contiguous, so binary-search their end.
        let lo = i + 1;
        let hi = n;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (keys[mid]!.startsWith(cp)) lo = mid + 1;
          else hi = mid;
        }
        i = lo;
        continue;
      }
    }
    if (count === maxKeys) {
      truncated = maxKeys > 0;
      break;
    }
    contents.push(k);
    last = k;
    count++;
    i++;
  }
  return { contents, prefixes, truncated, last };
}

function contents(keys: readonly string[], idx: KeyIndex, owner: { ID: string; DisplayName: string } | undefined) {
  return keys.map((k) => {
    const e = idx.current(k)!;
    return {
      Key: k,
      LastModified: new Date(e.lastModified),
      ETag: quoteEtag(e.etag),
      Size: e.size,
      ...(owner === undefined ? {} : { Owner: owner }),
      StorageClass: 'STANDARD',
    };
  });
}

/**
 * ListObjects (v1) and ListObjectsV2: prefix, delimiter, max-keys (cap 1000), marker /
 * continuation-token (opaque base64 of the resume point) / start-after, encoding-type=url.
 * @throws S3Error NoSuchBucket, InvalidArgument
 */
export async function listObjects(ctx: StoreContext, req: UpstreamRequest, v2: boolean): Promise<UpstreamResponse> {
  const bucket = requireBucketName(req);
  const q = req.query;
  const maxKeys = maxParam(q, 'max-keys', MAX_KEYS);
  const enc = encodingType(q);
  const prefix = q['prefix'] ?? '';
  const delimiter = q['delimiter'] ?? '';
  let after: string;
  // An empty token is no token (SDKs send `continuation-token=` on a first page), as S3 reads it.
  const token = q['continuation-token'] === '' ? undefined : q['continuation-token'];
  if (v2) {
    if (token !== undefined) {
      after = decodeToken(token);
    } else after = q['start-after'] ?? '';
  } else after = q['marker'] ?? '';
  await ctx.core.requireBucket(bucket);
  const idx = await ctx.core.index(bucket);
  const page = listPage(idx.keys, prefix, delimiter, after, maxKeys);
  const owner = { ID: ctx.owner.id, DisplayName: ctx.owner.displayName };
  const CommonPrefixes = page.prefixes.map((Prefix) => ({ Prefix }));
  const Delimiter = delimiter === '' ? {} : { Delimiter: delimiter };
  const body = v2
    ? buildXml('ListBucketResult', {
        Name: bucket,
        Prefix: prefix,
        ...(q['start-after'] === undefined ? {} : { StartAfter: q['start-after'] }),
        ...(token === undefined ? {} : { ContinuationToken: token }),
        ...(page.truncated && page.last !== undefined ? { NextContinuationToken: Buffer.from(page.last, 'utf8').toString('base64') } : {}),
        KeyCount: page.contents.length + page.prefixes.length,
        MaxKeys: maxKeys,
        ...Delimiter,
        ...enc,
        IsTruncated: page.truncated,
        Contents: contents(page.contents, idx, q['fetch-owner'] === 'true' ? owner : undefined),
        CommonPrefixes,
      })
    : buildXml('ListBucketResult', {
        Name: bucket,
        Prefix: prefix,
        Marker: after,
        // S3 sends NextMarker only with a delimiter; without one, clients resume from the last key.
        ...(page.truncated && delimiter !== '' && page.last !== undefined ? { NextMarker: page.last } : {}),
        MaxKeys: maxKeys,
        ...Delimiter,
        ...enc,
        IsTruncated: page.truncated,
        Contents: contents(page.contents, idx, owner),
        CommonPrefixes,
      });
  return { status: 200, headers: { ...XML_HEADERS }, body };
}

function decodeToken(token: string): string {
  const bytes = Buffer.from(token, 'base64');
  const s = bytes.toString('utf8');
  if (token === '' || Buffer.from(s, 'utf8').toString('base64') !== token) {
    throw new S3Error('InvalidArgument', { message: 'The continuation token provided is incorrect', details: { ArgumentName: 'continuation-token' } });
  }
  return s;
}
