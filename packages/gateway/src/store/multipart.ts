import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { S3Error } from '@s3kit/errors';
import { declaredLength, objectTarget, requireBucketName, type StoreContext } from './context.js';
import { metaFromHeaders, quoteEtag } from './http-headers.js';
import { compareKeys } from './key-order.js';
import { expirationHeader } from './lifecycle-rules.js';
import { encodingType, maxParam } from './listing.js';
import { objectAclOnWrite } from './acl-on-write.js';
import { checksumHeaders, checksumXml, compositeChecksum, parseAlgorithm, requestChecksum, s3Name, type ChecksumRequest, type S3ChecksumAlgorithm } from './checksums.js';
import { checkWriteConditions, checkWriteConditionsAtCommit, hasWriteConditions } from './conditions.js';
import { completedUpload, expectedObjectChecksum, listedChecksumProblem, missingPartChecksum, uploadChecksum, type UploadChecksum } from './multipart-checksums.js';
import { hasLockHeaders, lockFromHeaders, requireLockDigest, withDefaultRetention, type LockFields } from './object-lock.js';
import { openCopySource, versionHeader } from './objects.js';
import { isNotFound, readJson } from './files.js';
import { changeSourceOf } from './events.js';
import type { MetaFields, ObjectMeta, StoredChecksum } from './versions.js';
import {
  completeHeaders,
  COPY_SOURCE_CUSTOMER,
  partKey,
  plainBytes,
  readKey,
  seedOf,
  segmentPlaintext,
  segmentsEncryptor,
  segmentWriter,
  writeEncryption,
  writeHeaders,
  type SegmentWriter,
} from './sse.js';
import type { SseSeed } from './sse-cipher.js';
import { parseTaggingHeader } from './tagging.js';
import { readSmallBody, tempName, writeTemp } from './write-temp.js';
import { XML_HEADERS as XML, buildXml, parseRequestXml } from './xml.js';
import type { UpstreamRequest, UpstreamResponse } from '../upstreams/upstream.js';
import { abortOf } from '../pipeline/abort.js';

/** `uploads/<id>/upload.json`: what CreateMultipartUpload was given. */
interface UploadState {
  readonly key: string;
  readonly initiated: number;
  /** With the create's ACL (`x-amz-acl`, `x-amz-grant-*`), applied at Complete. */
  readonly fields: Pick<MetaFields, 'contentType' | 'headers' | 'userMeta' | 'tags' | 'acl'>;
  /** `x-amz-checksum-algorithm` / `x-amz-checksum-type` of the create: every part gets this checksum. */
  readonly checksum?: UploadChecksum;
  /** Object lock settings from the create's `x-amz-object-lock-*` headers, applied at Complete. */
  readonly lock?: LockFields;
  /** The upload's encryption (salt, SSE-C key check): every part is encrypted with its data key. */
  readonly sse?: SseSeed;
}

/** `uploads/<id>/part-<n>.json`. */
interface PartState {
  readonly etag: string;
  readonly size: number;
  readonly lastModified: number;
  readonly data: string;
  /** The part's checksum (base64) and its algorithm: sent with the part, or computed for an upload with an algorithm. */
  readonly checksum?: string;
  readonly checksumAlgorithm?: S3ChecksumAlgorithm;
  /** The part's IV, in an encrypted upload. */
  readonly iv?: string;
}

const MAX_COMPLETE_BYTES = 4 * 1024 * 1024;
const UPLOAD_ID = /^[0-9a-f]{32}$/;
const MAX_PARTS = 10000;

function noSuchUpload(resource: string, uploadId: string | undefined): S3Error {
  return new S3Error('NoSuchUpload', { resource, details: { UploadId: uploadId ?? '' } });
}

/** The upload directory and state; the id is validated first, so it can never name a path outside. */
async function openUpload(ctx: StoreContext, bucket: string, key: string, uploadId: string | undefined, resource: string): Promise<{ dir: string; state: UploadState; id: string }> {
  if (uploadId === undefined || !UPLOAD_ID.test(uploadId)) throw noSuchUpload(resource, uploadId);
  const dir = join(ctx.core.uploadsDir(bucket), uploadId);
  const state = await readJson<UploadState>(join(dir, 'upload.json'));
  if (state === undefined) {
    await ctx.core.requireBucket(bucket);
    throw noSuchUpload(resource, uploadId);
  }
  if (state.key !== key) throw noSuchUpload(resource, uploadId);
  return { dir, state, id: uploadId };
}

function partNumber(query: Readonly<Record<string, string>>, resource: string): number {
  const v = query['partNumber'];
  if (v === undefined || !/^\d{1,5}$/.test(v) || Number(v) < 1 || Number(v) > MAX_PARTS) {
    throw new S3Error('InvalidArgument', {
      resource,
      message: 'Part number must be an integer between 1 and 10000, inclusive',
      details: { ArgumentName: 'partNumber', ArgumentValue: v ?? '' },
    });
  }
  return Number(v);
}

/** CreateMultipartUpload: a random upload id and its state, staged and renamed into place. */
export async function createMultipartUpload(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const { bucket, key, resource } = objectTarget(req);
  const enc = await writeEncryption(ctx, req.headers);
  const meta = { ...metaFromHeaders(req.headers), tags: parseTaggingHeader(req.headers['x-amz-tagging']) };
  const checksum = uploadChecksum(req.headers, resource);
  const bucketState = await ctx.core.requireBucket(bucket);
  const lock = lockFromHeaders(bucketState, req.headers, resource);
  const fields = { ...meta, ...objectAclOnWrite(ctx, bucketState, req.headers, resource) };
  const id = randomBytes(16).toString('hex');
  const stage = tempName(ctx.core.tmpDir, 'upload');
  await mkdir(stage);
  try {
    const state: UploadState = { key, initiated: Date.now(), fields, ...(checksum === undefined ? {} : { checksum }), ...(hasLockHeaders(req.headers) ? { lock } : {}), sse: seedOf(enc) };
    await ctx.core.writeJsonAtomic(join(stage, 'upload.json'), state);
    await rename(stage, join(ctx.core.uploadsDir(bucket), id));
  } catch (err) {
    await rm(stage, { recursive: true, force: true });
    if (isNotFound(err)) throw new S3Error('NoSuchBucket', { resource: bucket });
    throw err;
  }
  const body = buildXml('InitiateMultipartUploadResult', { Bucket: bucket, Key: key, UploadId: id });
  const sumHeaders = checksum === undefined ? {} : { 'x-amz-checksum-algorithm': checksum.algorithm, 'x-amz-checksum-type': checksum.type };
  return { status: 200, headers: { ...XML, ...sumHeaders, ...writeHeaders(enc) }, body };
}

async function commitPart(
  ctx: StoreContext,
  bucket: string,
  upload: { dir: string; id: string },
  n: number,
  temp: { path: string; size: number; md5: string; checksum?: StoredChecksum | undefined; storedMd5?: string | undefined },
  resource: string,
  seg: SegmentWriter | undefined,
): Promise<PartState> {
  try {
    return await ctx.core.locks.run(`u\0${bucket}\0${upload.id}`, async () => {
      const jsonPath = join(upload.dir, `part-${n}.json`);
      if ((await readJson(join(upload.dir, 'upload.json'))) === undefined) throw noSuchUpload(resource, upload.id);
      const old = await readJson<PartState>(jsonPath);
      const sum = temp.checksum === undefined ? {} : { checksum: temp.checksum.value, checksumAlgorithm: temp.checksum.algorithm };
      const etag = seg?.cipherEtag === true && temp.storedMd5 !== undefined ? temp.storedMd5 : temp.md5;
      const part: PartState = { etag, size: temp.size, lastModified: Date.now(), data: `part-${n}.${randomBytes(8).toString('hex')}.data`, ...sum, ...(seg === undefined ? {} : { iv: seg.iv }) };
      try {
        await ctx.core.placeData(temp.path, join(upload.dir, part.data), jsonPath, part);
      } catch (err) {
        if (isNotFound(err)) throw noSuchUpload(resource, upload.id); // aborted or completed meanwhile
        throw err;
      }
      if (old !== undefined) await unlink(join(upload.dir, old.data)).catch(() => {});
      return part;
    });
  } finally {
    await unlink(temp.path).catch(() => {});
  }
}

/** UploadPart: like PutObject, into the upload's directory. */
export async function uploadPart(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const { bucket, key, resource } = objectTarget(req);
  const n = partNumber(req.query, resource);
  const upload = await openUpload(ctx, bucket, key, req.query['uploadId'], resource);
  // As S3: the parts of an upload that gets lock settings need a digest.
  const locked = upload.state.lock !== undefined || (await ctx.core.requireBucket(bucket)).objectLock?.rule !== undefined;
  requireLockDigest(locked, req.headers, resource, 'Put Part');
  const enc = await partEncryption(ctx, upload.state, req.headers, resource);
  const temp = await writeTemp(req.body, {
    tmpDir: ctx.core.tmpDir,
    checksum: partChecksum(upload.state, requestChecksum(req.headers), resource),
    expectedLength: declaredLength(req.headers),
    headers: req.headers,
    maxSize: ctx.maxObjectSize,
    signal: abortOf(req),
    fsync: ctx.core.fsyncEnabled,
    encrypt: enc.seg?.encrypt,
    storedMd5: enc.seg?.cipherEtag === true,
  });
  const part = await commitPart(ctx, bucket, upload, n, temp, resource, enc.seg);
  return { status: 200, headers: { etag: quoteEtag(part.etag), ...checksumHeaders(storedOf(part), false), ...enc.headers } };
}

/** A part's encryption: the upload's (its SSE-C key sent again), none for an upload made before the store encrypted. */
async function partEncryption(
  ctx: StoreContext,
  state: UploadState,
  headers: Readonly<Record<string, string | undefined>>,
  resource: string,
): Promise<{ seg?: SegmentWriter; headers: Record<string, string> }> {
  if (state.sse === undefined) return { headers: {} };
  const k = await partKey(ctx, state.sse, headers, resource);
  return { seg: segmentWriter(state.sse, k.root), headers: k.headers };
}

/**
 * The checksum a part gets: the one it was sent with; for an upload created with an algorithm,
 * that algorithm (computed when the part carries none, which S3 would refuse; see README).
 * @throws S3Error InvalidRequest (400) for a part checksum of another algorithm than the upload's.
 */
function partChecksum(state: UploadState, sent: ChecksumRequest | undefined, resource: string): ChecksumRequest | null {
  const want = state.checksum?.algorithm;
  if (want === undefined) return sent ?? null;
  if (sent !== undefined && s3Name(sent.algorithm) !== want) {
    throw new S3Error('InvalidRequest', {
      resource,
      message: `Checksum Type mismatch occurred, expected checksum Type: ${want.toLowerCase()}, actual checksum Type: ${sent.algorithm}`,
    });
  }
  return sent ?? { algorithm: parseAlgorithm(want, 'x-amz-checksum-algorithm') };
}

/** A part's checksum as a StoredChecksum (for headers and XML). */
function storedOf(p: PartState): StoredChecksum | undefined {
  return p.checksum === undefined || p.checksumAlgorithm === undefined ? undefined : { algorithm: p.checksumAlgorithm, value: p.checksum, type: 'FULL_OBJECT' };
}

/** UploadPartCopy: a part from (a byte range of) an existing object. */
export async function uploadPartCopy(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const { bucket, key, resource } = objectTarget(req);
  const n = partNumber(req.query, resource);
  const upload = await openUpload(ctx, bucket, key, req.query['uploadId'], resource);
  const enc = await partEncryption(ctx, upload.state, req.headers, resource);
  const src = await openCopySource(ctx, req);
  let temp;
  try {
    const srcKey = await readKey(ctx, src.meta, req.headers, COPY_SOURCE_CUSTOMER, `/${src.bucket}/${src.key}`);
    const size = src.meta.size;
    let start = 0;
    let end = size - 1;
    const rh = req.headers['x-amz-copy-source-range'];
    if (rh !== undefined) {
      const m = /^bytes=(\d+)-(\d+)$/.exec(rh.trim());
      if (m === null) {
        throw new S3Error('InvalidArgument', {
          resource,
          message: 'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy',
          details: { ArgumentName: 'x-amz-copy-source-range', ArgumentValue: rh },
        });
      }
      // A well-formed range outside the source: InvalidRange (416), as the issue and s3-tests take it.
      if (Number(m[1]) > Number(m[2]) || Number(m[2]) >= size) {
        throw new S3Error('InvalidRange', { resource, message: `The requested range is not satisfiable: the source object has ${size} bytes.`, headers: { 'Content-Range': `bytes */${size}` } });
      }
      start = Number(m[1]);
      end = Number(m[2]);
    }
    const length = end - start + 1;
    const stream = length === 0 ? undefined : plainBytes(src.fh, src.meta, srcKey, { start, end });
    temp = await writeTemp(stream, {
      tmpDir: ctx.core.tmpDir,
      checksum: partChecksum(upload.state, undefined, resource),
      expectedLength: length,
      maxSize: ctx.maxObjectSize,
      signal: abortOf(req),
      fsync: ctx.core.fsyncEnabled,
      encrypt: enc.seg?.encrypt,
      storedMd5: enc.seg?.cipherEtag === true,
    });
  } finally {
    await src.fh.close();
  }
  const part = await commitPart(ctx, bucket, upload, n, temp, resource, enc.seg);
  const body = buildXml('CopyPartResult', { LastModified: new Date(part.lastModified), ETag: quoteEtag(part.etag), ...checksumXml(storedOf(part), false) });
  const sourceVersion = src.meta.id !== 'null' || src.versionId !== undefined ? { 'x-amz-copy-source-version-id': src.meta.id } : {};
  return { status: 200, headers: { ...XML, ...sourceVersion, ...enc.headers }, body };
}

function stripQuotes(etag: string): string {
  const t = etag.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

/** The parts' stored bytes one after the other; their plaintext with `plain` (an encrypted upload's seed and key). */
async function* concatParts(dir: string, parts: readonly PartState[], plain?: { seed: SseSeed; root: Buffer }): AsyncGenerator<Uint8Array> {
  for (const p of parts) {
    if (p.size === 0) continue;
    if (plain !== undefined) yield* segmentPlaintext(join(dir, p.data), plain.seed, plain.root, p.iv ?? '', p.size);
    else for await (const chunk of createReadStream(join(dir, p.data))) yield chunk as Uint8Array;
  }
}

/**
 * How Complete reads an encrypted upload's parts: as stored, unless a FULL_OBJECT checksum needs
 * their plaintext; then they are decrypted (SSE-C: with the key sent again, as S3 requires for
 * a checksummed upload) and re-encrypted to the same bytes.
 */
async function completeCipher(
  ctx: StoreContext,
  state: UploadState,
  parts: readonly PartState[],
  headers: Readonly<Record<string, string | undefined>>,
  resource: string,
): Promise<{ plain?: { seed: SseSeed; root: Buffer }; encrypt?: { update(chunk: Uint8Array): Uint8Array } }> {
  if (state.sse === undefined || state.checksum?.type !== 'FULL_OBJECT') return {};
  const seed = state.sse;
  const { root } = await partKey(ctx, seed, headers, resource);
  completedSse(state, parts, resource); // every part is encrypted
  return {
    plain: { seed, root },
    encrypt: segmentsEncryptor(
      seed,
      root,
      parts.map((p) => p.size),
      parts.map((p) => p.iv!),
    ),
  };
}

/**
 * CompleteMultipartUpload: checks the part list (ascending, ETags and checksums match, every
 * part but the last at least `minPartSize`), concatenates the parts into a temp file (computing
 * a FULL_OBJECT checksum on the way), and commits it atomically with ETag `md5(part md5s)-N`
 * and the upload id, so a repeated Complete (SDKs retry it) answers the same result, also when
 * a crash came between the commit and the upload's removal.
 * @throws S3Error MalformedXML, InvalidPartOrder, InvalidPart, EntityTooSmall, NoSuchUpload,
 *   PreconditionFailed, NoSuchKey, ConditionalRequestConflict, BadDigest, InvalidRequest
 */
export async function completeMultipartUpload(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const { bucket, key, resource } = objectTarget(req);
  let upload: Awaited<ReturnType<typeof openUpload>>;
  try {
    upload = await openUpload(ctx, bucket, key, req.query['uploadId'], resource);
  } catch (err) {
    const done = err instanceof S3Error && err.code === 'NoSuchUpload' ? await completedUpload(ctx.core, bucket, key, req.query['uploadId']) : undefined;
    if (done === undefined) throw err;
    return completeResult(bucket, key, done);
  }
  // The XML's checksum headers describe the object (FULL_OBJECT), not the XML body.
  const raw = await readSmallBody(req.body, MAX_COMPLETE_BYTES, req.headers, abortOf(req), null);
  const listed = parseRequestXml('CompleteMultipartUpload', raw, MAX_COMPLETE_BYTES).Part.map((p) => ({ ...p, n: p.PartNumber, etag: stripQuotes(p.ETag) }));
  if (listed.length === 0) throw new S3Error('MalformedXML', { message: 'You must specify at least one part.' });
  for (let i = 1; i < listed.length; i++) {
    if (listed[i]!.n <= listed[i - 1]!.n) throw new S3Error('InvalidPartOrder', { resource, details: { UploadId: upload.id } });
  }
  const sum = upload.state.checksum;
  const expected = expectedObjectChecksum(req.headers, sum, resource);
  if (hasWriteConditions(req.headers)) checkWriteConditions(req.headers, await ctx.core.readMeta(bucket, key), resource);
  return ctx.core.locks.run(`u\0${bucket}\0${upload.id}`, async () => {
    const done = await completedUpload(ctx.core, bucket, key, upload.id);
    if (done !== undefined) {
      // Committed before (a retry, or a crash before the upload was removed): the same answer.
      await removeUpload(ctx, upload.dir).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
      return completeResult(bucket, key, done);
    }
    if ((await readJson(join(upload.dir, 'upload.json'))) === undefined) throw noSuchUpload(resource, upload.id);
    const parts: PartState[] = [];
    for (const l of listed) {
      const p = await readJson<PartState>(join(upload.dir, `part-${l.n}.json`));
      const problem = listedChecksumProblem(l, p?.checksum, sum);
      if (p === undefined || p.etag !== l.etag || problem === 'mismatch') {
        throw new S3Error('InvalidPart', { resource, details: { UploadId: upload.id, PartNumber: String(l.n), ETag: l.etag } });
      }
      if (problem === 'missing') throw missingPartChecksum(sum!, l.n, resource);
      parts.push(p);
    }
    for (let i = 0; i < parts.length - 1; i++) {
      if (parts[i]!.size < ctx.minPartSize) {
        throw new S3Error('EntityTooSmall', {
          resource,
          details: { UploadId: upload.id, PartNumber: String(listed[i]!.n), ProposedSize: String(parts[i]!.size), MinSizeAllowed: String(ctx.minPartSize) },
        });
      }
    }
    const total = parts.reduce((s, p) => s + p.size, 0);
    const cipher = await completeCipher(ctx, upload.state, parts, req.headers, resource);
    const temp = await writeTemp(concatParts(upload.dir, parts, cipher.plain), {
      encrypt: cipher.encrypt,
      tmpDir: ctx.core.tmpDir,
      checksum: sum?.type === 'FULL_OBJECT' ? { algorithm: parseAlgorithm(sum.algorithm, 'x-amz-checksum-algorithm'), expected } : null,
      expectedLength: total,
      maxSize: Number.MAX_SAFE_INTEGER,
      fsync: ctx.core.fsyncEnabled,
    });
    const md5s = createHash('md5');
    for (const p of parts) md5s.update(Buffer.from(p.etag, 'hex'));
    const etag = `${md5s.digest('hex')}-${parts.length}`;
    const partChecksums = sum === undefined ? undefined : parts.map((p) => p.checksum ?? '');
    const checksum: StoredChecksum | undefined =
      sum === undefined ? undefined : sum.type === 'FULL_OBJECT' ? temp.checksum : { algorithm: sum.algorithm, value: compositeChecksum(sum.algorithm, partChecksums!), type: 'COMPOSITE' };
    // The create's lock settings; the bucket's default retention counts from completion.
    const lock = withDefaultRetention(await ctx.core.requireBucket(bucket), upload.state.lock ?? {}, Date.now());
    const meta = await ctx.core.commit(
      bucket,
      key,
      temp,
      (old) => {
        checkWriteConditionsAtCommit(req.headers, old, resource);
        return {
          ...upload.state.fields,
          ...lock,
          size: total,
          etag,
          lastModified: Date.now(),
          parts: parts.map((p) => p.size),
          uploadId: upload.id,
          ...completedSse(upload.state, parts, resource),
          ...(checksum === undefined ? {} : { checksum, partChecksums: partChecksums! }),
        };
      },
      { via: 'CompleteMultipartUpload', source: changeSourceOf(req) },
    );
    await removeUpload(ctx, upload.dir);
    const result = completeResult(bucket, key, meta);
    return { ...result, headers: { ...result.headers, ...expirationHeader(await ctx.core.bucketState(bucket), key, meta) } };
  });
}

/**
 * The encryption of a completed upload: the parts' ciphertexts are concatenated as they are
 * (no key is needed at Complete, as on S3), each keeping its IV.
 * @throws S3Error InvalidPart for a part stored without encryption in an encrypted upload
 */
function completedSse(state: UploadState, parts: readonly PartState[], resource: string): Pick<MetaFields, 'sse'> {
  if (state.sse === undefined) return {};
  const ivs = parts.map((p) => p.iv);
  if (ivs.some((iv) => iv === undefined)) throw new S3Error('InvalidPart', { resource, message: 'A part of this encrypted upload was stored without encryption.' });
  return { sse: { ...state.sse, ivs: ivs as string[] } };
}

/** CompleteMultipartUpload's answer for the version it made. */
function completeResult(bucket: string, key: string, meta: ObjectMeta): UpstreamResponse {
  const body = buildXml('CompleteMultipartUploadResult', {
    Location: `/${bucket}/${encodeURIComponent(key).replace(/%2F/g, '/')}`,
    Bucket: bucket,
    Key: key,
    ETag: quoteEtag(meta.etag),
    ...checksumXml(meta.checksum, true),
  });
  return { status: 200, headers: { ...XML, ...versionHeader(meta.id), ...completeHeaders(meta) }, body };
}

async function removeUpload(ctx: StoreContext, dir: string): Promise<void> {
  // Rename first: the upload disappears at once, then its files are removed.
  const gone = tempName(ctx.core.tmpDir, 'upload-gone');
  await rename(dir, gone);
  await rm(gone, { recursive: true, force: true });
}

/** AbortMultipartUpload (204): removes the upload and all its parts. */
export async function abortMultipartUpload(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const { bucket, key, resource } = objectTarget(req);
  const upload = await openUpload(ctx, bucket, key, req.query['uploadId'], resource);
  await ctx.core.locks.run(`u\0${bucket}\0${upload.id}`, async () => {
    try {
      await removeUpload(ctx, upload.dir);
    } catch (err) {
      if (isNotFound(err)) throw noSuchUpload(resource, upload.id);
      throw err;
    }
  });
  return { status: 204, headers: {} };
}

/**
 * Aborts upload `uploadId` of `bucket` for the lifecycle sweeper (AbortIncompleteMultipartUpload),
 * under the upload's lock, so it never races a Complete. False when it is gone already.
 */
export async function expireUpload(ctx: StoreContext, bucket: string, uploadId: string): Promise<boolean> {
  if (!UPLOAD_ID.test(uploadId)) return false;
  const dir = join(ctx.core.uploadsDir(bucket), uploadId);
  return ctx.core.locks.run(`u\0${bucket}\0${uploadId}`, async () => {
    try {
      await removeUpload(ctx, dir);
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  });
}

async function readParts(dir: string): Promise<(PartState & { n: number })[]> {
  const out: (PartState & { n: number })[] = [];
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if (isNotFound(err)) return out;
    throw err;
  }
  for (const f of names) {
    const m = /^part-(\d+)\.json$/.exec(f);
    if (m === null) continue;
    const p = await readJson<PartState>(join(dir, f));
    if (p !== undefined) out.push({ ...p, n: Number(m[1]) });
  }
  return out.sort((a, b) => a.n - b.n);
}

/** ListParts: max-parts (cap 1000), part-number-marker. */
export async function listParts(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const { bucket, key, resource } = objectTarget(req);
  const upload = await openUpload(ctx, bucket, key, req.query['uploadId'], resource);
  const max = maxParam(req.query, 'max-parts', 1000);
  const markerRaw = req.query['part-number-marker'] ?? '0';
  if (!/^\d{1,5}$/.test(markerRaw)) {
    throw new S3Error('InvalidArgument', {
      resource,
      message: 'Provided part-number-marker not an integer or within integer range',
      details: { ArgumentName: 'part-number-marker', ArgumentValue: markerRaw },
    });
  }
  const marker = Number(markerRaw);
  const all = (await readParts(upload.dir)).filter((p) => p.n > marker);
  const page = all.slice(0, max);
  const truncated = all.length > page.length;
  const owner = { ID: ctx.owner.id, DisplayName: ctx.owner.displayName };
  const body = buildXml('ListPartsResult', {
    Bucket: bucket,
    Key: key,
    UploadId: upload.id,
    Initiator: owner,
    Owner: owner,
    StorageClass: 'STANDARD',
    PartNumberMarker: marker,
    NextPartNumberMarker: page.length > 0 ? page[page.length - 1]!.n : marker,
    MaxParts: max,
    IsTruncated: truncated,
    Part: page.map((p) => ({ PartNumber: p.n, LastModified: new Date(p.lastModified), ETag: quoteEtag(p.etag), Size: p.size, ...checksumXml(storedOf(p), false) })),
    ...(upload.state.checksum === undefined ? {} : { ChecksumAlgorithm: upload.state.checksum.algorithm, ChecksumType: upload.state.checksum.type }),
  });
  return { status: 200, headers: { ...XML }, body };
}

/** ListMultipartUploads: prefix, delimiter, key-marker, upload-id-marker, max-uploads (cap 1000), encoding-type. */
export async function listMultipartUploads(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const bucket = requireBucketName(req);
  const q = req.query;
  const max = maxParam(q, 'max-uploads', 1000);
  const enc = encodingType(q);
  const prefix = q['prefix'] ?? '';
  const delimiter = q['delimiter'] ?? '';
  const keyMarker = q['key-marker'] ?? '';
  const idMarker = keyMarker === '' ? '' : (q['upload-id-marker'] ?? '');
  await ctx.core.requireBucket(bucket);
  const dir = ctx.core.uploadsDir(bucket);
  const uploads: { key: string; id: string; initiated: number; checksum?: UploadChecksum | undefined }[] = [];
  for (const id of await readdir(dir).catch(() => [] as string[])) {
    if (!UPLOAD_ID.test(id)) continue;
    const s = await readJson<UploadState>(join(dir, id, 'upload.json'));
    if (s?.key.startsWith(prefix)) uploads.push({ key: s.key, id, initiated: s.initiated, checksum: s.checksum });
  }
  uploads.sort((a, b) => compareKeys(a.key, b.key) || a.initiated - b.initiated || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  let start = 0;
  if (keyMarker !== '') {
    const at = idMarker === '' ? -1 : uploads.findIndex((u) => u.key === keyMarker && u.id === idMarker);
    start = at !== -1 ? at + 1 : uploads.findIndex((u) => compareKeys(u.key, keyMarker) > 0);
    if (start === -1) start = uploads.length;
  }
  const page: typeof uploads = [];
  const prefixes: string[] = [];
  let truncated = false;
  let last: { key: string; id: string } | undefined;
  for (let i = start; i < uploads.length; i++) {
    const u = uploads[i]!;
    let cp: string | undefined;
    if (delimiter !== '') {
      const d = u.key.indexOf(delimiter, prefix.length);
      if (d !== -1) cp = u.key.slice(0, d + delimiter.length);
    }
    if (cp !== undefined && (prefixes[prefixes.length - 1] === cp || (keyMarker !== '' && compareKeys(cp, keyMarker) <= 0))) continue;
    if (page.length + prefixes.length === max) {
      truncated = max > 0;
      break;
    }
    if (cp !== undefined) {
      prefixes.push(cp);
      last = { key: cp, id: '' };
    } else {
      page.push(u);
      last = u;
    }
  }
  const owner = { ID: ctx.owner.id, DisplayName: ctx.owner.displayName };
  const body = buildXml('ListMultipartUploadsResult', {
    Bucket: bucket,
    KeyMarker: keyMarker,
    UploadIdMarker: idMarker,
    ...(truncated && last !== undefined ? { NextKeyMarker: last.key, NextUploadIdMarker: last.id } : {}),
    ...(delimiter === '' ? {} : { Delimiter: delimiter }),
    Prefix: prefix,
    ...enc,
    MaxUploads: max,
    IsTruncated: truncated,
    Upload: page.map((u) => ({
      Key: u.key,
      UploadId: u.id,
      Initiator: owner,
      Owner: owner,
      StorageClass: 'STANDARD',
      Initiated: new Date(u.initiated),
      ...(u.checksum === undefined ? {} : { ChecksumAlgorithm: u.checksum.algorithm, ChecksumType: u.checksum.type }),
    })),
    CommonPrefixes: prefixes.map((Prefix) => ({ Prefix })),
  });
  return { status: 200, headers: { ...XML }, body };
}
