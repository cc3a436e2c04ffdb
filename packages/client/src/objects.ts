// Object reads, copies and deletes (HeadObject, GetObject, CopyObject, compose, DeleteObject(s)) over the request core.
// Internal module: S3Client (client.ts) delegates here; option types live beside their functions.
// Runtime-neutral (fGetObject, to a file, is in node/files.ts).

import { s3Error } from '@s3kit/errors';
import type { ResponseBodyMixin } from '@s3kit/http-transport/fetch';
import { buildXml, parseXml } from '@s3kit/xml-shapes';
import { checkBucket, checkKey, xmlBody, type RequestCore, type RequestOptions } from './core.js';
import { sseHeaders, statFromHeaders, unquote, writeHeaders, type ObjectStat, type ObjectWriteOptions, type ServerSideEncryption } from './headers.js';
import { boundedAll, MAX_PART_SIZE, MAX_PARTS, MIN_PART_SIZE } from './parts.js';
import { abortMultipartUpload, completeMultipartUpload, createMultipartUpload, uploadPartCopy, type UploadedObject } from './upload.js';

/** Options HeadObject and GetObject share: which version, SSE-C key, conditions, extra headers/query. */
export interface ReadObjectOptions extends RequestOptions {
  versionId?: string;
  /** SSE-C key the object was written with. */
  sse?: Extract<ServerSideEncryption, { type: 'SSE-C' }>;
  /** `If-Match`: fails with `PreconditionFailed` (412) unless the ETag matches. */
  ifMatch?: string;
  /** `If-None-Match`: answers `NotModified` (304) when the ETag matches. */
  ifNoneMatch?: string;
  ifModifiedSince?: Date;
  ifUnmodifiedSince?: Date;
  /**
   * `x-amz-checksum-mode: ENABLED`: the stored checksums come back in `stat.checksums` (on AWS an
   * SSE-KMS object then needs `kms:Decrypt`, even for HEAD). **Default:** `true` for statObject, `false` for getObject.
   */
  checksumMode?: boolean;
  /** `response-content-type`, `response-content-disposition`, ... (names with or without `response-`). */
  responseHeaders?: Record<string, string>;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** Extra query parameters. */
  query?: Record<string, string>;
}

export interface GetObjectOptions extends ReadObjectOptions {
  /** First byte (`Range: bytes=offset-`). */
  offset?: number;
  /** Bytes from `offset` (`Range: bytes=offset-(offset+length-1)`). */
  length?: number;
}

/**
 * The object's bytes (`.stream()` a Web `ReadableStream`, `.bytes()`, `.text()`, `.json()`, `.dump()`)
 * plus what the response said. `Body` is the transport's body: on the Node entry's default (undici)
 * transport it is also a Node `Readable`.
 */
export type ObjectStream<Body extends ResponseBodyMixin = ResponseBodyMixin> = Body & { readonly stat: ObjectStat };

export type StatObjectOptions = ReadObjectOptions;

export interface CopyConditions {
  matchETag?: string;
  noneMatchETag?: string;
  modifiedSince?: Date;
  unmodifiedSince?: Date;
}

export interface CopySource {
  bucket: string;
  key: string;
  versionId?: string;
  /** SSE-C key of the source. */
  sse?: Extract<ServerSideEncryption, { type: 'SSE-C' }>;
}

export interface CopyObjectOptions extends ObjectWriteOptions, RequestOptions {
  conditions?: CopyConditions;
  /** `'REPLACE'` writes `metadata`/`contentType`/... instead of the source's. **Default:** `'COPY'`, or `'REPLACE'` when metadata or contentType is given. */
  metadataDirective?: 'COPY' | 'REPLACE';
  taggingDirective?: 'COPY' | 'REPLACE';
}

export interface CopiedObject {
  etag: string;
  lastModified: Date | undefined;
  versionId: string | undefined;
}

export interface ComposeSource extends CopySource {
  /** First byte (inclusive). */
  start?: number;
  /** Last byte (inclusive). */
  end?: number;
}

export interface ComposeObjectOptions extends ObjectWriteOptions, RequestOptions {
  /** **Default:** the client's `concurrency`. */
  concurrency?: number;
}

export interface RemoveObjectOptions extends RequestOptions {
  versionId?: string;
  governanceBypass?: boolean;
}

export interface RemoveObjectsError {
  key: string;
  versionId: string | undefined;
  code: string;
  message: string;
}

/** The `x-amz-copy-source` value for `src`. */
export function copySourceHeader(src: CopySource): string {
  let v = `/${src.bucket}/${encodeURIComponent(src.key).replace(/%2F/g, '/')}`;
  if (src.versionId) v += `?versionId=${encodeURIComponent(src.versionId)}`;
  return v;
}

/** Adds the `x-amz-copy-source-if-*` headers for `c` to `out`. */
export function conditionHeaders(c: CopyConditions | undefined, out: Record<string, string>, compatCopyConditions: boolean): void {
  if (!c) return;
  const set = (name: string, value: string) => {
    out[`x-amz-copy-source-${name}`] = value;
    // Ceph RGW (through Pacific at least) reads only the pre-2006 names `x-amz-copy-if-*` and
    // silently ignores the documented ones; AWS ignores the old names. Send both when asked.
    if (compatCopyConditions) out[`x-amz-copy-${name}`] = value;
  };
  if (c.matchETag) set('if-match', c.matchETag);
  if (c.noneMatchETag) set('if-none-match', c.noneMatchETag);
  if (c.modifiedSince) set('if-modified-since', c.modifiedSince.toUTCString());
  if (c.unmodifiedSince) set('if-unmodified-since', c.unmodifiedSince.toUTCString());
}

/** The headers and query of a HeadObject/GetObject for `options`. */
function readCall(options: ReadObjectOptions, checksumMode: boolean): { headers: Record<string, string>; query: Record<string, string | undefined> } {
  const headers: Record<string, string> = {};
  if (options.ifMatch) headers['if-match'] = options.ifMatch;
  if (options.ifNoneMatch) headers['if-none-match'] = options.ifNoneMatch;
  if (options.ifModifiedSince) headers['if-modified-since'] = options.ifModifiedSince.toUTCString();
  if (options.ifUnmodifiedSince) headers['if-unmodified-since'] = options.ifUnmodifiedSince.toUTCString();
  if (options.checksumMode ?? checksumMode) headers['x-amz-checksum-mode'] = 'ENABLED';
  sseHeaders(options.sse, headers);
  if (options.headers) for (const [k, v] of Object.entries(options.headers)) headers[k.toLowerCase()] = v;
  const query: Record<string, string | undefined> = { ...options.query };
  if (options.responseHeaders) {
    for (const [k, v] of Object.entries(options.responseHeaders)) query[k.startsWith('response-') ? k : `response-${k}`] = v;
  }
  query['versionId'] = options.versionId;
  return { headers, query };
}

/** A 304 (If-None-Match / If-Modified-Since held) rejects with `NotModified`, as the AWS SDKs do: there is no object to return. */
function notModified(status: number, headers: Record<string, string>, bucket: string, key: string): void {
  if (status === 304) throw s3Error('NotModified', 'Not Modified', { resource: `/${bucket}/${key}`, headers });
}

/** HeadObject: size, ETag, metadata, version id and stored checksums (`checksumMode`). */
export async function statObject(core: RequestCore, bucket: string, key: string, options: StatObjectOptions = {}): Promise<ObjectStat> {
  checkBucket(bucket);
  checkKey(key);
  const { headers, query } = readCall(options, true);
  const res = await core.send({ method: 'HEAD', bucket, key, query, headers, signal: options.signal });
  await res.body.dump();
  notModified(res.statusCode, res.headers, bucket, key);
  return statFromHeaders(res.headers);
}

/** GetObject: a stream of the object (or the range `offset`..`offset+length-1`) with its metadata. */
export async function getObject(core: RequestCore, bucket: string, key: string, options: GetObjectOptions = {}): Promise<ObjectStream> {
  checkBucket(bucket);
  checkKey(key);
  const { headers, query } = readCall(options, false);
  const { offset, length } = options;
  if (offset !== undefined || length !== undefined) {
    const start = offset ?? 0;
    if (!Number.isSafeInteger(start) || start < 0) throw new TypeError('getObject: offset must be a non-negative integer');
    if (length !== undefined && (!Number.isSafeInteger(length) || length < 1)) throw new TypeError('getObject: length must be a positive integer');
    headers['range'] ??= `bytes=${start}-${length !== undefined ? start + length - 1 : ''}`;
  }
  const res = await core.send({ method: 'GET', bucket, key, query, headers, signal: options.signal });
  if (res.statusCode === 304) await res.body.dump();
  notModified(res.statusCode, res.headers, bucket, key);
  const stat = statFromHeaders(res.headers, res.statusCode === 206);
  return Object.assign(res.body, { stat }) as ObjectStream;
}

/** CopyObject (server-side, up to 5 GiB; use composeObject for larger). */
export async function copyObject(core: RequestCore, bucket: string, key: string, source: CopySource, options: CopyObjectOptions = {}): Promise<CopiedObject> {
  checkBucket(bucket);
  checkKey(key);
  checkBucket(source.bucket);
  checkKey(source.key);
  const headers = writeHeaders(options);
  headers['x-amz-copy-source'] = copySourceHeader(source);
  const replace = options.metadataDirective ?? (options.metadata || options.contentType ? 'REPLACE' : undefined);
  if (replace) headers['x-amz-metadata-directive'] = replace;
  if (options.taggingDirective ?? (options.tags ? 'REPLACE' : undefined)) headers['x-amz-tagging-directive'] = options.taggingDirective ?? 'REPLACE';
  conditionHeaders(options.conditions, headers, !core.endpoint.aws);
  sseHeaders(source.sse, headers, true);
  const res = await core.send({ method: 'PUT', bucket, key, headers, signal: options.signal });
  const r = parseXml('CopyObjectResult', await res.body.bytes()); // a 200 with <Error> throws
  return { etag: unquote(r.ETag), lastModified: r.LastModified, versionId: res.headers['x-amz-version-id'] };
}

/**
 * Builds one object from parts of others with UploadPartCopy (ranges allowed), `concurrency`
 * copies at a time. Every source but the last must be at least 5 MiB (S3's minimum part).
 */
export async function composeObject(core: RequestCore, bucket: string, key: string, sources: ComposeSource[], options: ComposeObjectOptions = {}): Promise<UploadedObject> {
  checkBucket(bucket);
  checkKey(key);
  if (!Array.isArray(sources) || sources.length === 0) throw new TypeError('composeObject: at least one source');
  if (sources.length > MAX_PARTS) throw s3Error('InvalidArgument', `composeObject: at most ${MAX_PARTS} sources`);
  const { signal } = options;
  // Resolve each source's byte range.
  const ranges = await boundedAll(sources, options.concurrency ?? core.concurrency, async (src) => {
    const st = await statObject(core, src.bucket, src.key, { ...(src.versionId ? { versionId: src.versionId } : {}), ...(src.sse ? { sse: src.sse } : {}), ...(signal ? { signal } : {}) });
    const start = src.start ?? 0;
    const end = src.end ?? st.size - 1;
    if (start < 0 || end >= st.size || end < start) throw s3Error('InvalidRange', `composeObject: range ${start}-${end} is outside ${src.bucket}/${src.key} (${st.size} bytes)`);
    return { src, start, end, etag: st.etag };
  });
  const pieces: Array<{ src: ComposeSource; start: number; end: number; etag: string }> = [];
  ranges.forEach((r, i) => {
    const len = r.end - r.start + 1;
    if (i < ranges.length - 1 && len < MIN_PART_SIZE) throw s3Error('EntityTooSmall', `composeObject: source ${i + 1} is ${len} bytes; all but the last must be >= 5 MiB`);
    // Split sources above 5 GiB into 5 GiB copies (remainder >= 5 MiB by construction of the split).
    const n = Math.ceil(len / MAX_PART_SIZE);
    const each = Math.ceil(len / n);
    for (let s = r.start; s <= r.end; s += each) pieces.push({ ...r, start: s, end: Math.min(r.end, s + each - 1) });
  });
  if (pieces.length > MAX_PARTS) throw s3Error('InvalidArgument', `composeObject: more than ${MAX_PARTS} parts`);
  const headers = writeHeaders(options);
  const uploadId = await createMultipartUpload(core, bucket, key, { headers, ...(signal ? { signal } : {}) });
  try {
    const parts = await boundedAll(pieces, options.concurrency ?? core.concurrency, (p, i) =>
      uploadPartCopy(core, bucket, key, uploadId, i + 1, p.src, {
        range: { start: p.start, end: p.end },
        conditions: { matchETag: p.etag },
        ...(p.src.sse ? { sse: p.src.sse } : {}),
        ...(signal ? { signal } : {}),
      }),
    );
    return await completeMultipartUpload(core, bucket, key, uploadId, parts, signal ? { signal } : {});
  } catch (err) {
    await abortMultipartUpload(core, bucket, key, uploadId).catch(() => undefined);
    throw err;
  }
}

/** DeleteObject (S3 answers 204 for a missing key too). */
export async function removeObject(core: RequestCore, bucket: string, key: string, options: RemoveObjectOptions = {}): Promise<void> {
  checkBucket(bucket);
  checkKey(key);
  const headers: Record<string, string> = {};
  if (options.governanceBypass) headers['x-amz-bypass-governance-retention'] = 'true';
  await core.empty({ method: 'DELETE', bucket, key, query: { versionId: options.versionId }, headers, signal: options.signal });
}

/**
 * DeleteObjects in batches of 1000 (quiet mode, `Content-MD5` as S3 requires); yields one
 * entry per key S3 could not delete. Request failures reject the iteration.
 */
export async function* removeObjects(
  core: RequestCore,
  bucket: string,
  objects: Iterable<string | DeleteObjectEntry> | AsyncIterable<string | DeleteObjectEntry>,
  options: RemoveObjectOptions = {},
): AsyncGenerator<RemoveObjectsError> {
  checkBucket(bucket);
  let batch: Array<string | DeleteObjectEntry> = [];
  async function* flush(): AsyncGenerator<RemoveObjectsError> {
    const r = await deleteObjects(core, bucket, batch, { ...options, quiet: true });
    batch = [];
    yield* r.errors;
  }
  for await (const o of objects as AsyncIterable<string | DeleteObjectEntry>) {
    checkKey(typeof o === 'string' ? o : o.key);
    batch.push(o);
    if (batch.length === 1000) yield* flush();
  }
  if (batch.length > 0) yield* flush();
}

// ---------------------------------------------------------------- DeleteObjects, one request (issue 15: object configuration part)

/** One key of a DeleteObjects request. */
export interface DeleteObjectEntry {
  key: string;
  versionId?: string;
  /** Deletes only if the object's ETag matches (S3's per-key `<ETag>`, a conditional delete); else `PreconditionFailed`. */
  etag?: string;
}

export interface DeleteObjectsOptions extends RemoveObjectOptions {
  /** Quiet mode: S3 reports only the keys it could not delete. **Default:** `false`. */
  quiet?: boolean;
}

export interface DeletedObject {
  key: string;
  versionId: string | undefined;
  deleteMarker: boolean;
  deleteMarkerVersionId: string | undefined;
}

/** DeleteObjects' answer: what was deleted (none in quiet mode) and what was not. */
export interface DeleteObjectsResult {
  deleted: DeletedObject[];
  errors: RemoveObjectsError[];
}

/** DeleteObjects: one request of at most 1000 keys (with versions, per-key ETag conditions, `Quiet`). */
export async function deleteObjects(core: RequestCore, bucket: string, objects: Array<string | DeleteObjectEntry>, options: DeleteObjectsOptions = {}): Promise<DeleteObjectsResult> {
  checkBucket(bucket);
  if (!Array.isArray(objects) || objects.length === 0 || objects.length > 1000) throw s3Error('MalformedXML', 'deleteObjects: 1 to 1000 keys per request');
  const items = objects.map((o) => {
    const e = typeof o === 'string' ? { key: o } : o;
    checkKey(e.key);
    return { Key: e.key, ...(e.versionId ? { VersionId: e.versionId } : {}), ...(e.etag ? { ETag: e.etag.startsWith('"') ? e.etag : `"${e.etag}"` } : {}) };
  });
  const body = buildXml('Delete', { Object: items, Quiet: options.quiet === true });
  const bypass = options.governanceBypass ? { 'x-amz-bypass-governance-retention': 'true' } : {};
  const r = await core.xml('DeleteResult', { method: 'POST', bucket, query: { delete: '' }, ...xmlBody(core, body, bypass), signal: options.signal });
  return {
    deleted: r.Deleted.map((d) => ({ key: d.Key ?? '', versionId: d.VersionId, deleteMarker: d.DeleteMarker ?? false, deleteMarkerVersionId: d.DeleteMarkerVersionId })),
    errors: r.Error.map((e) => ({ key: e.Key ?? '', versionId: e.VersionId, code: e.Code ?? '', message: e.Message ?? '' })),
  };
}
