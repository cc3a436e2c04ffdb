import { S3Error } from '@s3kit/errors';
import { requireBucketName, type StoreContext } from './context.js';
import { isoDate, quoteEtag } from './http-headers.js';
import type { IndexEntry } from './key-index.js';
import { compareKeys, lowerBound } from './key-order.js';
import { xmlDocument, type XmlChild } from './xml.js';
import type { UpstreamRequest, UpstreamResponse } from './types.js';

const MAX_KEYS = 1000;

/**
 * `encoding-type=url`: every byte outside `A-Z a-z 0-9 - _ . ~ /` is percent-encoded from UTF-8
 * (space as `%20`, which both `decodeURIComponent` and form decoders read back).
 */
export function urlEncodeKey(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%2F/g, '/');
}

/** Reads `max-keys`-like parameters. @throws S3Error InvalidArgument */
export function maxParam(query: Readonly<Record<string, string>>, name: string, cap: number): number {
  const v = query[name];
  if (v === undefined) return cap;
  if (!/^\d{1,10}$/.test(v)) {
    throw new S3Error('InvalidArgument', { message: `Provided ${name} not an integer or within integer range`, details: { ArgumentName: name, ArgumentValue: v } });
  }
  return Math.min(Number(v), cap);
}

export function encodingType(query: Readonly<Record<string, string>>): ((s: string) => string) | undefined {
  const e = query['encoding-type'];
  if (e === undefined) return undefined;
  if (e.toLowerCase() !== 'url') {
    throw new S3Error('InvalidArgument', { message: 'Invalid Encoding Method specified in Request', details: { ArgumentName: 'encoding-type', ArgumentValue: e } });
  }
  return urlEncodeKey;
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
 * Walks sorted `keys` after `after`, within `prefix`, rolling keys up at `delimiter`.
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
        i++;
        while (i < n && keys[i]!.startsWith(cp)) i++;
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

function contentsXml(
  keys: readonly string[],
  entries: ReadonlyMap<string, IndexEntry>,
  enc: (s: string) => string,
  owner: XmlChild | undefined,
): XmlChild[] {
  return keys.map((k) => {
    const e = entries.get(k)!;
    return [
      'Contents',
      [
        ['Key', enc(k)],
        ['LastModified', isoDate(e.lastModified)],
        ['ETag', quoteEtag(e.etag)],
        ['Size', e.size],
        ...(owner === undefined ? [] : [owner]),
        ['StorageClass', 'STANDARD'],
      ],
    ] as const;
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
  const e = enc ?? ((s: string) => s);
  const prefix = q['prefix'] ?? '';
  const delimiter = q['delimiter'] ?? '';
  let after: string;
  const token = q['continuation-token'];
  if (v2) {
    if (token !== undefined) {
      after = decodeToken(token);
    } else after = q['start-after'] ?? '';
  } else after = q['marker'] ?? '';
  await ctx.core.requireBucket(bucket);
  const idx = await ctx.core.index(bucket);
  const page = listPage(idx.keys, prefix, delimiter, after, maxKeys);
  const owner: XmlChild = ['Owner', [['ID', ctx.owner.id], ['DisplayName', ctx.owner.displayName]]];
  const common: XmlChild[] = page.prefixes.map((p) => ['CommonPrefixes', [['Prefix', e(p)]]] as const);
  let children: XmlChild[];
  if (v2) {
    children = [
      ['Name', bucket],
      ['Prefix', e(prefix)],
      ['MaxKeys', maxKeys],
      ['Delimiter', delimiter === '' ? undefined : e(delimiter)],
      ['IsTruncated', page.truncated],
      ['KeyCount', page.contents.length + page.prefixes.length],
      ['ContinuationToken', token],
      ['NextContinuationToken', page.truncated && page.last !== undefined ? Buffer.from(page.last, 'utf8').toString('base64') : undefined],
      ['StartAfter', q['start-after'] === undefined ? undefined : e(q['start-after'])],
      ['EncodingType', enc === undefined ? undefined : 'url'],
      ...contentsXml(page.contents, idx.entries, e, q['fetch-owner'] === 'true' ? owner : undefined),
      ...common,
    ];
  } else {
    children = [
      ['Name', bucket],
      ['Prefix', e(prefix)],
      ['Marker', e(after)],
      ['MaxKeys', maxKeys],
      ['Delimiter', delimiter === '' ? undefined : e(delimiter)],
      ['IsTruncated', page.truncated],
      ['NextMarker', page.truncated && delimiter !== '' && page.last !== undefined ? e(page.last) : undefined],
      ['EncodingType', enc === undefined ? undefined : 'url'],
      ...contentsXml(page.contents, idx.entries, e, owner),
      ...common,
    ];
  }
  return { status: 200, headers: { 'content-type': 'application/xml' }, body: xmlDocument('ListBucketResult', children) };
}

function decodeToken(token: string): string {
  const bytes = Buffer.from(token, 'base64');
  const s = bytes.toString('utf8');
  if (token === '' || Buffer.from(s, 'utf8').toString('base64') !== token) {
    throw new S3Error('InvalidArgument', { message: 'The continuation token provided is incorrect', details: { ArgumentName: 'continuation-token' } });
  }
  return s;
}
