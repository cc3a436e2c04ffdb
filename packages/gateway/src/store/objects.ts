import { unlink, type FileHandle } from 'node:fs/promises';
import { S3Error } from '@s3kit/errors';
import { parseCopySource } from '@s3kit/xml-shapes/operations';
import { checkKey, declaredLength, objectTarget, requireBucketName, type StoreContext } from './context.js';
import { objectAclOnWrite } from './acl-on-write.js';
import { checksumHeaders, checksumModeEnabled, checksumXml, parseAlgorithm } from './checksums.js';
import { checkDeleteConditions, checkWriteConditions, checkWriteConditionsAtCommit, hasWriteConditions } from './conditions.js';
import { checkConditions, checkCopySourceConditions, metaFromHeaders, objectHeaders, parseRange, quoteEtag, type ByteRange } from './http-headers.js';
import { expirationHeader } from './lifecycle-rules.js';
import { checkDeletable, lockHeaders, lockOnWrite, requireLockDigest, writeIsLocked } from './object-lock.js';
import {
  asksEncryption,
  COPY_SOURCE_CUSTOMER,
  CUSTOMER,
  plainBuffer,
  plainBytes,
  plainStream,
  readKey,
  rejectSseOnRead,
  seedOf,
  segmentWriter,
  writeEncryption,
  writeHeaders,
  type ReadKey,
  type SegmentWriter,
} from './sse.js';
import { changeSourceOf } from './events.js';
import type { ObjectMeta, Opened } from './store-core.js';
import { checkVersionId } from './versions.js';
import { missing, parseTaggingHeader, type TagSet } from './tagging.js';
import { readSmallBody, writeTemp, type TempFile } from './write-temp.js';
import { XML_HEADERS, buildXml, parseRequestXml } from './xml.js';
import { asAsyncIterable, type UpstreamRequest, type UpstreamResponse } from '../upstreams/upstream.js';
import { abortOf } from '../pipeline/abort.js';

/**
 * PutObject: body to a temp file (MD5, Content-MD5, checksums, length checked), fsync,
 * then an atomic commit. A failed or aborted upload leaves nothing.
 */
export async function putObject(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const { bucket, key, resource } = objectTarget(req);
  const enc = await writeEncryption(ctx, req.headers);
  const fields = metaFromHeaders(req.headers);
  const tags = parseTaggingHeader(req.headers['x-amz-tagging']);
  const state = await ctx.core.requireBucket(bucket);
  const lock = lockOnWrite(state, req.headers, resource);
  const acl = objectAclOnWrite(ctx, state, req.headers, resource);
  requireLockDigest(writeIsLocked(state, req.headers), req.headers, resource);
  if (hasWriteConditions(req.headers)) checkWriteConditions(req.headers, await ctx.core.readMeta(bucket, key), resource);
  const seed = seedOf(enc);
  const seg = segmentWriter(seed, enc.root);
  const temp = await writeTemp(req.body, {
    tmpDir: ctx.core.tmpDir,
    expectedLength: declaredLength(req.headers),
    headers: req.headers,
    maxSize: ctx.maxObjectSize,
    signal: abortOf(req),
    fsync: ctx.core.fsyncEnabled,
    encrypt: seg.encrypt,
    storedMd5: seg.cipherEtag,
  });
  if (abortOf(req)?.aborted) {
    await unlink(temp.path).catch(() => {});
    throw new S3Error('RequestTimeout', { message: 'The request was aborted.' });
  }
  const meta = await ctx.core.commit(
    bucket,
    key,
    temp,
    (current) => {
      checkWriteConditionsAtCommit(req.headers, current, resource);
      return { ...fields, size: temp.size, etag: etagOf(temp, seg), lastModified: Date.now(), tags, ...lock, ...acl, ...withChecksum(temp), sse: { ...seed, ivs: [seg.iv] } };
    },
    { via: req.requester?.via ?? 'Put', source: changeSourceOf(req) },
  );
  return {
    status: 200,
    headers: { etag: quoteEtag(meta.etag), ...versionHeader(meta.id), ...checksumHeaders(meta.checksum), ...writeHeaders(enc), ...expirationHeader(await ctx.core.bucketState(bucket), key, meta) },
  };
}

/** Bodies up to this size are read into memory and sent in one piece. */
const SMALL_BODY = 64 * 1024;

/** What a GetObject or HeadObject of a version answers, before any body. */
interface ObjectAnswer {
  status: number;
  headers: Record<string, string>;
  /** The bytes to send: a Range or a part, or the whole object. */
  range: ByteRange | undefined;
  length: number;
  sseKey: ReadKey | undefined;
}

/** HeadObject: the version's metadata only; its data file is not opened. */
export async function headObject(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const { bucket, key, resource } = objectTarget(req);
  const versionId = checkVersionId(req.query['versionId'], resource);
  const meta = await readExisting(ctx, bucket, key, versionId, resource);
  const { status, headers } = await readAnswer(ctx, req, meta, bucket, key, versionId, resource);
  return { status, headers };
}

/** GetObject: conditionals, Range or partNumber, response-* overrides, streamed body. */
export async function getObject(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const { bucket, key, resource } = objectTarget(req);
  const versionId = checkVersionId(req.query['versionId'], resource);
  const { meta, fh } = await openExisting(ctx, bucket, key, versionId, resource);
  let keepOpen = false;
  try {
    const { status, headers, range, length, sseKey } = await readAnswer(ctx, req, meta, bucket, key, versionId, resource);
    if (length === 0) return { status, headers, body: new Uint8Array(0) };
    // A small body is read whole (fh closes below): no read stream to set up and tear down.
    if (length <= SMALL_BODY) return { status, headers, body: asAsyncIterable(await plainBuffer(fh, meta, sseKey, range)) };
    const stream =
      sseKey !== undefined ? plainStream(fh, meta, sseKey, range) : fh.createReadStream(range === undefined ? { autoClose: true } : { start: range.start, end: range.end, autoClose: true });
    const abort = abortOf(req);
    if (abort !== undefined) {
      const onAbort = { handleEvent: (): void => void stream.destroy() };
      abort.addEventListener('abort', onAbort, { once: true });
      stream.once('close', () => abort.removeEventListener('abort', onAbort));
    }
    keepOpen = true;
    return { status, headers, body: stream };
  } finally {
    if (!keepOpen) await fh.close();
  }
}

/** The status, headers and byte range a read of `meta` answers: SSE keys, conditionals, Range or partNumber. */
async function readAnswer(ctx: StoreContext, req: UpstreamRequest, meta: ObjectMeta, bucket: string, key: string, versionId: string | undefined, resource: string): Promise<ObjectAnswer> {
  rejectSseOnRead(req.headers, resource);
  const sseKey = await readKey(ctx, meta, req.headers, CUSTOMER, resource);
  checkConditions(req.headers, meta, resource);
  const headers = { ...objectHeaders(meta, req.query), ...lockHeaders(meta), ...versionHeader(meta.id, await showsNullVersion(ctx, bucket, versionId)), ...sseKey?.headers };
  // S3 names the expiration rule of the current version (what the sweeper will apply).
  if (versionId === undefined) Object.assign(headers, expirationHeader(await ctx.core.bucketState(bucket), key, meta));
  let range: ByteRange | undefined;
  const pn = req.query['partNumber'];
  if (pn !== undefined) {
    if (req.headers['range'] !== undefined) throw new S3Error('InvalidRequest', { resource, message: 'Cannot specify both Range header and partNumber query parameter.' });
    range = partRange(meta, pn, resource);
    headers['x-amz-mp-parts-count'] = String(meta.parts?.length ?? 1);
    if (checksumModeEnabled(req.headers)) Object.assign(headers, partChecksumHeaders(meta, Number(pn)));
  } else {
    range = parseRange(req.headers['range'], meta.size, resource);
    // S3 returns the stored checksum only when asked, and never for a range (it covers the whole object).
    if (range === undefined && checksumModeEnabled(req.headers)) Object.assign(headers, checksumHeaders(meta.checksum));
  }
  let status = 200;
  let length = meta.size;
  if (range !== undefined) {
    status = 206;
    length = range.end - range.start + 1;
    headers['content-range'] = `bytes ${range.start}-${range.end}/${meta.size}`;
  }
  headers['content-length'] = String(length);
  return { status, headers, range, length, sseKey };
}

function partRange(meta: ObjectMeta, pn: string, resource: string): ByteRange {
  if (!/^\d{1,5}$/.test(pn) || Number(pn) < 1 || Number(pn) > 10000) {
    throw new S3Error('InvalidArgument', { resource, message: 'Part number must be an integer between 1 and 10000, inclusive.', details: { ArgumentName: 'partNumber', ArgumentValue: pn } });
  }
  const n = Number(pn);
  const parts = meta.parts ?? [meta.size];
  if (n > parts.length) {
    // S3's code for this case; not in the shared table (InvalidPartNumber, 416).
    throw new S3Error('InvalidPartNumber', { status: 416, resource, message: 'The requested partnumber is not satisfiable' });
  }
  let start = 0;
  for (let i = 0; i < n - 1; i++) start += parts[i]!;
  if (parts[n - 1] === 0) throw new S3Error('InvalidRange', { resource, headers: { 'Content-Range': `bytes */${meta.size}` } });
  return { start, end: start + parts[n - 1]! - 1 };
}

/**
 * The checksum headers of a partNumber GET/HEAD: the part's own checksum for a multipart object
 * with part checksums (as S3), the object's for a single-part object (part 1 is all of it).
 */
function partChecksumHeaders(meta: ObjectMeta, n: number): Record<string, string> {
  if (meta.parts === undefined) return checksumHeaders(meta.checksum);
  const value = meta.partChecksums?.[n - 1];
  if (meta.checksum === undefined || value === undefined) return {};
  return checksumHeaders({ algorithm: meta.checksum.algorithm, value, type: meta.checksum.type });
}

/** A new version's ETag: the MD5 of its plaintext, or of its ciphertext for SSE-C (see SegmentWriter.cipherEtag). */
export function etagOf(temp: TempFile, seg: SegmentWriter): string {
  return seg.cipherEtag && temp.storedMd5 !== undefined ? temp.storedMd5 : temp.md5;
}

/** The checksum a temp file was verified against, as a version field. */
export function withChecksum(temp: TempFile): Pick<ObjectMeta, 'checksum'> {
  return temp.checksum === undefined ? {} : { checksum: temp.checksum };
}

/**
 * `x-amz-version-id` for a version with an id. The null version's `null` only with `showNull`:
 * S3 sends it on reads when the request named a version or the bucket has versioning
 * configured (Enabled or Suspended), never on a write to a suspended bucket.
 */
export function versionHeader(id: string, showNull: boolean | string | undefined = false): Record<string, string> {
  // A string is the version id the request named (which shows `null` too).
  return id !== 'null' || showNull === true || typeof showNull === 'string' ? { 'x-amz-version-id': id } : {};
}

/** Whether a read answers `x-amz-version-id: null` for the null version (see versionHeader). */
export async function showsNullVersion(ctx: StoreContext, bucket: string, requested: string | undefined): Promise<boolean> {
  return requested !== undefined || (await ctx.core.bucketState(bucket))?.versioning !== undefined;
}

/**
 * Opens version `versionId` of `key` (the current one when omitted).
 * @throws S3Error NoSuchKey (404) or NoSuchVersion (404); for a delete marker NoSuchKey when it
 *   is current and MethodNotAllowed (405) when named, both with `x-amz-delete-marker: true`.
 */
export async function openExisting(ctx: StoreContext, bucket: string, key: string, versionId: string | undefined, resource: string): Promise<Extract<Opened, { fh: unknown }>> {
  const opened = await ctx.core.openObject(bucket, key, versionId);
  if (opened === undefined) throw await missing(ctx, bucket, resource, versionId);
  if (opened.marker !== undefined) throw deleteMarkerError(opened.marker.id, versionId !== undefined, resource);
  return opened;
}

/** The metadata of an existing object version, as {@link openExisting} finds it, without opening its data. */
async function readExisting(ctx: StoreContext, bucket: string, key: string, versionId: string | undefined, resource: string): Promise<ObjectMeta> {
  const v = await ctx.core.readVersion(bucket, key, versionId);
  if (v === undefined) throw await missing(ctx, bucket, resource, versionId);
  if (v.deleteMarker === true) throw deleteMarkerError(v.id, versionId !== undefined, resource);
  return v;
}

/** What S3 answers for a delete marker: 404 NoSuchKey when current, 405 MethodNotAllowed when named. */
export function deleteMarkerError(id: string, named: boolean, resource: string): S3Error {
  const headers = { 'x-amz-delete-marker': 'true', 'x-amz-version-id': id };
  return named
    ? new S3Error('MethodNotAllowed', { resource, headers: { ...headers, Allow: 'DELETE' }, message: 'The specified method is not allowed against this resource.' })
    : new S3Error('NoSuchKey', { resource, headers });
}

/** Opens the object named by `x-amz-copy-source` and checks its conditions. */
export async function openCopySource(ctx: StoreContext, req: UpstreamRequest): Promise<{ bucket: string; key: string; meta: ObjectMeta; fh: FileHandle; versionId: string | undefined }> {
  const header = req.headers['x-amz-copy-source'];
  if (header === undefined) throw new S3Error('InvalidRequest', { message: 'x-amz-copy-source is required.' });
  const src = parseCopySource(header);
  const resource = `/${src.bucket}/${src.key}`;
  const versionId = checkVersionId(src.versionId, resource);
  const bucket = requireBucketName({ ...req, bucket: src.bucket });
  const key = checkKey(src.key, resource);
  const found = await ctx.core.openObject(bucket, key, versionId);
  if (found === undefined) throw await missing(ctx, bucket, resource, versionId);
  if (found.marker !== undefined) {
    // S3 (CopyObject, UploadPartCopy): a source naming a delete marker by id is a 400, not GET's 405.
    if (versionId === undefined) throw deleteMarkerError(found.marker.id, false, resource);
    throw new S3Error('InvalidRequest', { resource, message: 'The source of a copy request may not specifically refer to a delete marker by version id.' });
  }
  const opened = found;
  try {
    checkCopySourceConditions(req.headers, opened.meta, resource);
  } catch (err) {
    await opened.fh.close();
    throw err;
  }
  return { bucket, key, meta: opened.meta, fh: opened.fh, versionId };
}

/** CopyObject: streams the source into a new object; COPY or REPLACE metadata and tags. */
export async function copyObject(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const { bucket, key, resource } = objectTarget(req);
  const enc = await writeEncryption(ctx, req.headers);
  const metaDirective = directive(req.headers, 'x-amz-metadata-directive');
  const tagDirective = directive(req.headers, 'x-amz-tagging-directive');
  const replacing = metaDirective === 'REPLACE' ? metaFromHeaders(req.headers) : undefined;
  const newTags = tagDirective === 'REPLACE' ? parseTaggingHeader(req.headers['x-amz-tagging']) : undefined;
  const state = await ctx.core.requireBucket(bucket);
  const lock = lockOnWrite(state, req.headers, resource);
  const acl = objectAclOnWrite(ctx, state, req.headers, resource);
  if (hasWriteConditions(req.headers)) checkWriteConditions(req.headers, await ctx.core.readMeta(bucket, key), resource);
  const src = await openCopySource(ctx, req);
  const seed = seedOf(enc);
  const seg = segmentWriter(seed, enc.root);
  let temp;
  try {
    const srcKey = await readKey(ctx, src.meta, req.headers, COPY_SOURCE_CUSTOMER, `/${src.bucket}/${src.key}`);
    if (src.bucket === bucket && src.key === key && src.versionId === undefined && metaDirective === 'COPY' && tagDirective === 'COPY' && !asksEncryption(req.headers)) {
      throw new S3Error('InvalidRequest', {
        resource,
        message:
          "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
      });
    }
    if (src.meta.size > ctx.maxObjectSize) {
      throw new S3Error('InvalidRequest', { resource, message: `The specified copy source is larger than the maximum allowable size for a copy source: ${ctx.maxObjectSize}` });
    }
    temp = await writeTemp(plainBytes(src.fh, src.meta, srcKey), {
      tmpDir: ctx.core.tmpDir,
      checksum: copyChecksum(req.headers, src.meta),
      expectedLength: src.meta.size,
      maxSize: ctx.maxObjectSize,
      signal: abortOf(req),
      fsync: ctx.core.fsyncEnabled,
      encrypt: seg.encrypt,
      storedMd5: seg.cipherEtag,
    });
  } finally {
    await src.fh.close();
  }
  const s = src.meta;
  const tags: TagSet = newTags ?? s.tags;
  const meta = await ctx.core.commit(
    bucket,
    key,
    temp,
    (current) => {
      checkWriteConditionsAtCommit(req.headers, current, resource);
      return {
        contentType: replacing?.contentType ?? s.contentType,
        headers: replacing?.headers ?? s.headers,
        userMeta: replacing?.userMeta ?? s.userMeta,
        size: temp.size,
        etag: etagOf(temp, seg),
        lastModified: Date.now(),
        tags,
        ...lock,
        ...acl,
        ...withChecksum(temp),
        sse: { ...seed, ivs: [seg.iv] },
      };
    },
    { via: 'Copy', source: changeSourceOf(req) },
  );
  const body = buildXml('CopyObjectResult', { LastModified: new Date(meta.lastModified), ETag: quoteEtag(meta.etag), ...checksumXml(meta.checksum, true) });
  const sourceVersion = s.id !== 'null' || src.versionId !== undefined ? { 'x-amz-copy-source-version-id': s.id } : {};
  return { status: 200, headers: { ...XML_HEADERS, ...versionHeader(meta.id), ...sourceVersion, ...writeHeaders(enc), ...expirationHeader(await ctx.core.bucketState(bucket), key, meta) }, body };
}

/**
 * The checksum of a copy: `x-amz-checksum-algorithm` when asked, else the source's algorithm,
 * computed over the copied bytes (so a copy of a multipart object gets a full-object checksum).
 */
function copyChecksum(headers: Readonly<Record<string, string | undefined>>, src: ObjectMeta): { algorithm: ReturnType<typeof parseAlgorithm> } | null {
  const asked = headers['x-amz-checksum-algorithm'];
  if (asked !== undefined) return { algorithm: parseAlgorithm(asked, 'x-amz-checksum-algorithm') };
  return src.checksum === undefined ? null : { algorithm: parseAlgorithm(src.checksum.algorithm, 'x-amz-checksum-algorithm') };
}

function directive(headers: Readonly<Record<string, string | undefined>>, name: string): 'COPY' | 'REPLACE' {
  const v = headers[name];
  if (v === undefined || v === 'COPY') return 'COPY';
  if (v === 'REPLACE') return 'REPLACE';
  throw new S3Error('InvalidArgument', { message: `Unknown ${name}.`, details: { ArgumentName: name, ArgumentValue: v } });
}

/**
 * DeleteObject: 204 whether or not the key existed; a version, a delete marker, or the object
 * (see StoreCore.deleteObject). @throws S3Error NoSuchBucket, InvalidArgument
 */
export async function deleteObject(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const { bucket, key, resource } = objectTarget(req);
  const versionId = checkVersionId(req.query['versionId'], resource);
  const out = await ctx.core.deleteObject(bucket, key, {
    versionId,
    check: (victim, current) => {
      checkDeleteConditions(req.headers, current, resource);
      checkDeletable(victim, req.headers, resource);
    },
    change: { source: changeSourceOf(req) },
  });
  const headers: Record<string, string> = {};
  if (out.versionId !== undefined) headers['x-amz-version-id'] = out.versionId;
  if (out.deleteMarker) headers['x-amz-delete-marker'] = 'true';
  return { status: 204, headers };
}

const MAX_DELETE_KEYS = 1000;
const MAX_DELETE_BYTES = 2 * 1024 * 1024;
const CHECKSUM_HEADERS = ['x-amz-checksum-crc32', 'x-amz-checksum-crc32c', 'x-amz-checksum-crc64nvme', 'x-amz-checksum-sha1', 'x-amz-checksum-sha256', 'x-amz-sdk-checksum-algorithm'];

/**
 * DeleteObjects: up to 1000 keys, verbose or quiet. Like S3, the request needs Content-MD5
 * or a checksum header (the S3 API reference: "The Content-MD5 or x-amz-sdk-checksum-algorithm
 * header is required for all Multi-Object Delete requests").
 * @throws S3Error InvalidRequest (no digest), BadDigest, MalformedXML, NoSuchBucket
 */
export async function deleteObjects(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const bucket = requireBucketName(req);
  if (req.headers['content-md5'] === undefined && !CHECKSUM_HEADERS.some((h) => req.headers[h] !== undefined)) {
    throw new S3Error('InvalidRequest', { resource: `/${bucket}`, message: 'Missing required header for this request: Content-Md5.' });
  }
  await ctx.core.requireBucket(bucket);
  const raw = await readSmallBody(req.body, MAX_DELETE_BYTES, req.headers, abortOf(req));
  const doc = parseRequestXml('Delete', raw, MAX_DELETE_BYTES);
  const quiet = doc.Quiet === true;
  if (doc.Object.length === 0 || doc.Object.length > MAX_DELETE_KEYS) {
    throw new S3Error('MalformedXML', { message: `A Delete request names 1 to ${MAX_DELETE_KEYS} objects.` });
  }
  const source = changeSourceOf(req);
  const deleted: { Key: string; VersionId?: string; DeleteMarker?: boolean; DeleteMarkerVersionId?: string }[] = [];
  const errors: { Key: string; VersionId?: string; Code: string; Message: string }[] = [];
  for (const { Key, VersionId, ETag } of doc.Object) {
    const v = VersionId === undefined ? {} : { VersionId };
    try {
      checkKey(Key, `/${bucket}/${Key}`);
      checkVersionId(VersionId, `/${bucket}/${Key}`);
      const out = await ctx.core.deleteObject(bucket, Key, {
        versionId: VersionId,
        check: (victim, current) => {
          checkDeleteConditions(ETag === undefined ? {} : { 'if-match': ETag }, current, `/${bucket}/${Key}`);
          checkDeletable(victim, req.headers, `/${bucket}/${Key}`);
        },
        change: { source },
      });
      const marker = out.deleteMarker && out.versionId !== undefined ? { DeleteMarker: true, DeleteMarkerVersionId: out.versionId } : {};
      if (!quiet) deleted.push({ Key, ...v, ...marker });
    } catch (err) {
      if (!(err instanceof S3Error)) throw err;
      errors.push({ Key, ...v, Code: err.code, Message: err.message });
    }
  }
  return { status: 200, headers: { ...XML_HEADERS }, body: buildXml('DeleteResult', { Deleted: deleted, Error: errors }) };
}
