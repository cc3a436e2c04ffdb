import { S3Error } from '@s3kit/errors';
import type { MetaFields, ObjectMeta } from './store-core.js';

/** `Last-Modified` and friends: RFC 7231 IMF-fixdate. */
export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

export function quoteEtag(etag: string): string {
  return `"${etag}"`;
}

/** True when an `If-Match`/`If-None-Match` list names `etag` (or is `*`). */
export function etagMatches(list: string, etag: string): boolean {
  for (const raw of list.split(',')) {
    let t = raw.trim();
    if (t === '*') return true;
    if (t.startsWith('W/')) t = t.slice(2);
    if (t.startsWith('"') && t.endsWith('"') && t.length >= 2) t = t.slice(1, -1);
    if (t === etag) return true;
  }
  return false;
}

function parseHttpDate(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.floor(t / 1000);
}

/**
 * GET/HEAD conditional headers with S3's (RFC 7232's) precedence: If-Match, else
 * If-Unmodified-Since (412); then If-None-Match, else If-Modified-Since (304).
 * @throws S3Error PreconditionFailed (412), NotModified (304, with ETag and Last-Modified)
 */
export function checkConditions(headers: Readonly<Record<string, string | undefined>>, meta: ObjectMeta, resource: string): void {
  const lm = Math.floor(meta.lastModified / 1000);
  const im = headers['if-match'];
  if (im !== undefined) {
    if (!etagMatches(im, meta.etag)) throw new S3Error('PreconditionFailed', { resource, details: { Condition: 'If-Match' } });
  } else {
    const ius = parseHttpDate(headers['if-unmodified-since']);
    if (ius !== undefined && lm > ius) throw new S3Error('PreconditionFailed', { resource, details: { Condition: 'If-Unmodified-Since' } });
  }
  const notModified = (): S3Error => new S3Error('NotModified', { resource, headers: { ETag: quoteEtag(meta.etag), 'Last-Modified': httpDate(meta.lastModified) } });
  const inm = headers['if-none-match'];
  if (inm !== undefined) {
    if (etagMatches(inm, meta.etag)) throw notModified();
  } else {
    const ims = parseHttpDate(headers['if-modified-since']);
    if (ims !== undefined && lm <= ims) throw notModified();
  }
}

/**
 * `x-amz-copy-source-if-*`, as the S3 CopyObject reference states them: a failing condition is
 * 412 (never 304 for a copy); when if-match is present and holds, if-unmodified-since is not
 * evaluated; when if-none-match is present, if-modified-since is not evaluated.
 * @throws S3Error PreconditionFailed (412)
 */
export function checkCopySourceConditions(headers: Readonly<Record<string, string | undefined>>, meta: ObjectMeta, resource: string): void {
  const lm = Math.floor(meta.lastModified / 1000);
  const fail = (c: string): S3Error => new S3Error('PreconditionFailed', { resource, details: { Condition: c } });
  const im = headers['x-amz-copy-source-if-match'];
  const ius = parseHttpDate(headers['x-amz-copy-source-if-unmodified-since']);
  const inm = headers['x-amz-copy-source-if-none-match'];
  const ims = parseHttpDate(headers['x-amz-copy-source-if-modified-since']);
  if (im !== undefined) {
    if (!etagMatches(im, meta.etag)) throw fail('x-amz-copy-source-If-Match');
  } else if (ius !== undefined && lm > ius) throw fail('x-amz-copy-source-If-Unmodified-Since');
  if (inm !== undefined) {
    if (etagMatches(inm, meta.etag)) throw fail('x-amz-copy-source-If-None-Match');
  } else if (ims !== undefined && lm <= ims) throw fail('x-amz-copy-source-If-Modified-Since');
}

/** An inclusive byte range. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Parses a single `Range: bytes=…` against `size`. A header S3 would ignore (not `bytes=`,
 * several ranges, last < first) gives `undefined`: the whole object is served.
 * @throws S3Error InvalidRange (416, with `Content-Range: bytes *\/size`)
 */
export function parseRange(header: string | undefined, size: number, resource: string): ByteRange | undefined {
  if (header === undefined) return undefined;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (m === null) return undefined;
  const [, a, b] = m as unknown as [string, string, string];
  const unsatisfiable = (): S3Error => new S3Error('InvalidRange', { resource, headers: { 'Content-Range': `bytes */${size}` }, details: { RangeRequested: header, ActualObjectSize: String(size) } });
  if (a === '' && b === '') return undefined;
  if (a === '') {
    const n = Number(b);
    if (n === 0 || size === 0) throw unsatisfiable();
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  if (b !== '' && Number(b) < start) return undefined; // last < first: syntactically invalid, ignored
  const end = b === '' ? size - 1 : Number(b);
  if (start >= size) throw unsatisfiable();
  return { start, end: Math.min(end, size - 1) };
}

const STORED_HEADERS = ['content-encoding', 'content-disposition', 'content-language', 'cache-control', 'expires'] as const;

/** User metadata S3 allows: 2 KB of names and values. */
const MAX_USER_META = 2048;

/**
 * The metadata a PUT/Create/Copy(REPLACE) stores from request headers.
 * @throws S3Error MetadataTooLarge (400)
 */
export function metaFromHeaders(headers: Readonly<Record<string, string | undefined>>): Pick<MetaFields, 'contentType' | 'headers' | 'userMeta'> {
  const stored: Record<string, string> = {};
  for (const h of STORED_HEADERS) {
    const v = headers[h];
    if (v !== undefined) stored[h] = v;
  }
  const userMeta: Record<string, string> = {};
  let total = 0;
  for (const [name, v] of Object.entries(headers)) {
    if (v === undefined || !name.startsWith('x-amz-meta-')) continue;
    userMeta[name] = v;
    total += name.length - 'x-amz-meta-'.length + Buffer.byteLength(v);
  }
  if (total > MAX_USER_META) throw new S3Error('MetadataTooLarge', { details: { MaxSizeAllowed: String(MAX_USER_META) } });
  return { contentType: headers['content-type'] ?? 'binary/octet-stream', headers: stored, userMeta };
}

const RESPONSE_OVERRIDES: readonly (readonly [string, string])[] = [
  ['response-content-type', 'content-type'],
  ['response-content-language', 'content-language'],
  ['response-expires', 'expires'],
  ['response-cache-control', 'cache-control'],
  ['response-content-disposition', 'content-disposition'],
  ['response-content-encoding', 'content-encoding'],
];

/** The object headers of a GET/HEAD response, with `response-*` query overrides applied. */
export function objectHeaders(meta: ObjectMeta, query: Readonly<Record<string, string>>): Record<string, string> {
  const h: Record<string, string> = {
    'content-type': meta.contentType,
    etag: quoteEtag(meta.etag),
    'last-modified': httpDate(meta.lastModified),
    'accept-ranges': 'bytes',
    ...meta.headers,
    ...meta.userMeta,
  };
  if (meta.tags.length > 0) h['x-amz-tagging-count'] = String(meta.tags.length);
  for (const [q, name] of RESPONSE_OVERRIDES) {
    const v = query[q];
    if (v !== undefined) h[name] = v;
  }
  return h;
}

/** Reads a non-negative decimal header. @throws S3Error InvalidArgument */
export function intHeader(headers: Readonly<Record<string, string | undefined>>, name: string): number | undefined {
  const v = headers[name];
  if (v === undefined) return undefined;
  if (!/^\d{1,16}$/.test(v.trim())) throw new S3Error('InvalidArgument', { message: `Invalid ${name}.`, details: { ArgumentName: name, ArgumentValue: v } });
  return Number(v.trim());
}
