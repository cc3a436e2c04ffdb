// Uploads: putObject (single PUT or parallel multipart) and the low-level multipart calls, over the request core.
// Internal module: S3Client (client.ts) delegates here; option types live beside their functions.
// Runtime-neutral (fPutObject, over file ranges, is in node/files.ts).

import { isS3Error, s3Error } from '@s3kit/errors';
import { isRetryable, isTransportError, TransportAbortedError } from '@s3kit/http-transport/fetch';
import { utf8 } from '@s3kit/sigv4';
import { buildXml, parseXml } from '@s3kit/xml-shapes';
import { checkBucket, checkKey, type RequestCore, type RequestOptions } from './core.js';
import { checksumAlgorithm, withChecksum, type ChecksumAlgorithm, type ChecksumLocation } from './checksum.js';
import { md5Base64, sseHeaders, unquote, writeHeaders, type ObjectWriteOptions, type ServerSideEncryption } from './headers.js';
import { conditionHeaders, copySourceHeader, statObject, type CopyConditions, type CopySource } from './objects.js';
import { boundedAll, chunks, knownSize, MAX_OBJECT_SIZE, MAX_PARTS, partSizeFor, PartPool, unknownLengthPartSize, type PutData } from './parts.js';
import { unlimitedListeners } from './runtime.js';
import type { ClientBody } from './transport.js';

export interface UploadProgress {
  /** Bytes acknowledged by the server so far. */
  loaded: number;
  total: number | undefined;
  /** Part just finished (multipart). */
  partNumber?: number;
}

export interface PutObjectOptions extends ObjectWriteOptions, RequestOptions {
  /** Length of a stream body; unknown lengths are uploaded in parts of growing size. */
  size?: number;
  /** **Default:** the client's `partSize`. */
  partSize?: number;
  /** **Default:** the client's `concurrency`. */
  concurrency?: number;
  onProgress?: (p: UploadProgress) => void;
  /** `If-None-Match: *`: write only if no object has the key (else `PreconditionFailed`, 412). */
  ifNoneMatch?: '*';
  /** `If-Match: <etag>` (sent as given; the bare ETag works everywhere): overwrite only the object with this ETag (else `PreconditionFailed`; a missing key `NoSuchKey`). */
  ifMatch?: string;
  /**
   * Send an `x-amz-checksum-*` of the data with this algorithm (`CRC32`, `CRC32C`, `CRC64NVME`,
   * `SHA1`, `SHA256`, any case); S3 verifies and stores it. A multipart upload is created with
   * `x-amz-checksum-algorithm` (S3's default type: COMPOSITE, FULL_OBJECT for CRC64NVME) and sends
   * each part's checksum as a header (file parts are then read into memory to checksum them).
   */
  checksumAlgorithm?: ChecksumAlgorithm | Uppercase<ChecksumAlgorithm>;
  /** `'header'` (default) or `'trailer'` (unsigned aws-chunked body with the checksum in the trailer; single-request uploads). */
  checksumLocation?: ChecksumLocation;
}

export interface UploadedObject {
  etag: string;
  versionId: string | undefined;
  /** The checksum sent with `checksumAlgorithm` (base64), as S3 echoed it when it did. */
  checksum?: string;
}

/** `If-None-Match` / `If-Match` of a conditional write. */
export function conditionalWriteHeaders(options: PutObjectOptions, out: Record<string, string>): void {
  if (options.ifNoneMatch !== undefined) {
    if (options.ifNoneMatch !== '*') throw new TypeError("putObject: ifNoneMatch must be '*'");
    out['if-none-match'] = '*';
  }
  // As given: Ceph RGW 16.2 matches only the bare ETag on PutObject (a quoted one never matches); S3 takes both.
  if (options.ifMatch !== undefined) out['if-match'] = options.ifMatch;
}

/** One PutObject of a buffer (with the chosen checksum, header or trailer). */
export async function putOnce(core: RequestCore, bucket: string, key: string, body: Uint8Array, headers: Record<string, string>, options: PutObjectOptions): Promise<UploadedObject> {
  let payloadHash: string | undefined;
  let checksum: string | undefined;
  let alg: ChecksumAlgorithm | undefined;
  if (options.checksumAlgorithm !== undefined) {
    alg = checksumAlgorithm(options.checksumAlgorithm);
    const c = withChecksum(body, alg, options.checksumLocation ?? 'header', headers['content-encoding']);
    Object.assign(headers, c.headers);
    body = c.body;
    payloadHash = c.payloadHash;
    checksum = c.checksum;
  } else if (core.checksum === 'always') headers['content-md5'] = md5Base64(body);
  const h = await core.empty({ method: 'PUT', bucket, key, headers, body, signal: options.signal, ...(payloadHash ? { payloadHash } : {}) });
  const out: UploadedObject = { etag: unquote(h['etag']), versionId: h['x-amz-version-id'] };
  const echoed = alg ? (h[`x-amz-checksum-${alg}`] ?? checksum) : undefined;
  if (echoed !== undefined) out.checksum = echoed;
  return out;
}

export interface PartInfo {
  partNumber: number;
  etag: string;
  size?: number | undefined;
  lastModified?: Date | undefined;
  /** The part's checksum (base64) when uploaded with `checksumAlgorithm`; sent again in CompleteMultipartUpload. */
  checksum?: string | undefined;
  checksumAlgorithm?: ChecksumAlgorithm | undefined;
}

export interface UploadPartOptions extends RequestOptions {
  /** Length of a stream body. */
  size?: number;
  sse?: Extract<ServerSideEncryption, { type: 'SSE-C' }>;
  /** Send the part's `x-amz-checksum-*` (buffer and string bodies only); the upload must have been created with the same algorithm. */
  checksumAlgorithm?: ChecksumAlgorithm | Uppercase<ChecksumAlgorithm>;
}

export interface UploadPartCopyOptions extends RequestOptions {
  /** Inclusive byte range of the source. */
  range?: { start: number; end: number };
  conditions?: CopyConditions;
  sse?: Extract<ServerSideEncryption, { type: 'SSE-C' }>;
}

/**
 * PutObject, or a multipart upload when the data is larger than one part: parts are uploaded
 * `concurrency` at a time (the source is read only as fast as they go), each retried by the
 * transport; on failure or abort the upload is aborted, so nothing is left behind.
 */
export async function putObject(core: RequestCore, bucket: string, key: string, data: PutData, options: PutObjectOptions = {}): Promise<UploadedObject> {
  checkBucket(bucket);
  checkKey(key);
  if (data == null) throw new TypeError('putObject: data is required');
  const { signal } = options;
  // A stalled source must not outlive an abort: the signal destroys a Node stream being read
  // (a Web stream is cancelled by chunks() when the upload stops pulling).
  const stream = data as { destroy?: (err: unknown) => void };
  const destroy = signal && typeof stream.destroy === 'function' ? () => stream.destroy!(signal.reason) : undefined;
  if (destroy) signal!.addEventListener('abort', destroy, { once: true });
  try {
    return await put(core, bucket, key, typeof data === 'string' ? utf8(data) : data, options);
  } catch (err) {
    if (signal?.aborted && !isTransportError(err) && !isS3Error(err)) throw new TransportAbortedError('putObject aborted', { cause: signal.reason });
    throw err;
  } finally {
    if (destroy) signal!.removeEventListener('abort', destroy);
  }
}

async function put(core: RequestCore, bucket: string, key: string, data: PutData, options: PutObjectOptions): Promise<UploadedObject> {
  const known = knownSize(data) ?? options.size;
  if (known !== undefined && (!Number.isSafeInteger(known) || known < 0)) throw new TypeError('putObject: size must be a non-negative integer');
  if (known !== undefined && known > MAX_OBJECT_SIZE) throw s3Error('EntityTooLarge', `Object size ${known} exceeds the 5 TiB maximum`);
  const base = options.partSize ?? core.partSize;
  const partSize = partSizeFor(known, base);
  const sizeOf = known === undefined ? (n: number) => unknownLengthPartSize(n, base) : () => partSize;
  const headers = writeHeaders(options);
  headers['content-type'] ??= 'application/octet-stream';
  conditionalWriteHeaders(options, headers);
  const concurrency = options.concurrency ?? core.concurrency;
  // Strings and buffers are sliced, not copied; Blob parts are read fresh: only streams need part buffers.
  const pool = typeof data === 'string' || data instanceof Uint8Array || knownSize(data) !== undefined ? undefined : new PartPool(concurrency + 1);
  const it = chunks(data, sizeOf, pool)[Symbol.asyncIterator]();
  const first = await it.next();
  const firstPart = first.done ? new Uint8Array(0) : first.value;
  const second = first.done ? first : await it.next();
  if (second.done) {
    // One part: a single PutObject with a buffer (replayable, retried by the transport).
    if (known !== undefined && firstPart.length !== known) throw new RangeError(`putObject: expected ${known} bytes, the stream gave ${firstPart.length}`);
    const r = await putOnce(core, bucket, key, firstPart, headers, options);
    options.onProgress?.({ loaded: firstPart.length, total: known ?? firstPart.length });
    return r;
  }
  async function* all(): AsyncGenerator<Uint8Array> {
    try {
      yield firstPart;
      yield second.value as Uint8Array;
      for (;;) {
        const n = await it.next();
        if (n.done) return;
        yield n.value;
      }
    } finally {
      // Stopped early (a failed part, an abort): close chunks() too, which stops the source.
      await it.return(undefined);
    }
  }
  return multipart(core, bucket, key, headers, options, known, all(), (part) => ({ length: part.length, body: part }), pool);
}

/** One part of a multipart upload: its length and body, and how to read its bytes for a checksum when the body is not bytes. */
export interface PartSource {
  length: number;
  body: ClientBody;
  bytes?: () => Promise<Uint8Array>;
}

/**
 * The parallel multipart upload behind putObject (and the Node entry's fPutObject): creates the
 * upload, sends `parts` `concurrency` at a time, completes it, and aborts it on any failure.
 * Pooled part buffers go back to `pool` once their request settled.
 */
export async function multipart<T>(
  core: RequestCore,
  bucket: string,
  key: string,
  headers: Record<string, string>,
  options: PutObjectOptions,
  total: number | undefined,
  parts: AsyncIterable<T> | Iterable<T>,
  source: (p: T) => PartSource,
  pool?: PartPool,
): Promise<UploadedObject> {
  const alg = options.checksumAlgorithm !== undefined ? checksumAlgorithm(options.checksumAlgorithm) : undefined;
  if (alg) headers = { ...headers, 'x-amz-checksum-algorithm': alg.toUpperCase() };
  // Conditions apply to CompleteMultipartUpload (S3 refuses them on CreateMultipartUpload).
  const { ['if-none-match']: ifNoneMatch, ['if-match']: ifMatch, ...createHeaders } = headers;
  const completeHeaders: Record<string, string> = {};
  if (ifNoneMatch) completeHeaders['if-none-match'] = ifNoneMatch;
  if (ifMatch) completeHeaders['if-match'] = ifMatch;
  headers = createHeaders;
  const controller = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
  // Every part in flight listens on it (transport and undici): not a leak.
  unlimitedListeners(signal);
  const uploadId = await createMultipartUpload(core, bucket, key, { headers, ...(options.signal ? { signal: options.signal } : {}) });
  const sse = options.sse?.type === 'SSE-C' ? options.sse : undefined;
  let loaded = 0;
  let count = 0;
  try {
    const done = await boundedAll(parts, options.concurrency ?? core.concurrency, async (p, index) => {
      const partNumber = index + 1;
      if (partNumber > MAX_PARTS) throw s3Error('EntityTooLarge', `Upload needs more than ${MAX_PARTS} parts`);
      const { length, body, bytes } = source(p);
      let part: PartInfo;
      try {
        // A checksum needs the bytes: a file range is read into memory first.
        const b = alg && !(body instanceof Uint8Array) && bytes ? await bytes() : body;
        part = await uploadPartWithRetry(core, bucket, key, uploadId, partNumber, b, length, signal, sse, alg);
      } finally {
        // The request has settled (the transport no longer reads the buffer): reuse it for a later part.
        if (pool && p instanceof Uint8Array) pool.give(p);
      }
      loaded += length;
      count++;
      options.onProgress?.({ loaded, total, partNumber });
      return part;
    });
    if (total !== undefined && loaded !== total) throw new RangeError(`putObject: expected ${total} bytes, the stream gave ${loaded}`);
    return await completeMultipartUpload(core, bucket, key, uploadId, done, { headers: completeHeaders, ...(options.signal ? { signal: options.signal } : {}) });
  } catch (err) {
    controller.abort(err);
    // Abort even when the caller's signal fired: no orphaned upload is left behind.
    await abortMultipartUpload(core, bucket, key, uploadId).catch(() => undefined);
    void count;
    throw err;
  }
}

async function uploadPartWithRetry(
  core: RequestCore,
  bucket: string,
  key: string,
  uploadId: string,
  partNumber: number,
  body: ClientBody,
  size: number,
  signal: AbortSignal,
  sse: Extract<ServerSideEncryption, { type: 'SSE-C' }> | undefined,
  alg: ChecksumAlgorithm | undefined,
): Promise<PartInfo> {
  // The transport already retries each request (buffers and file ranges are replayable);
  // one more round here covers failures after the transport gave up (e.g. a reset mid-upload).
  for (let attempt = 1; ; attempt++) {
    try {
      return await uploadPart(core, bucket, key, uploadId, partNumber, body, { size, signal, ...(sse ? { sse } : {}), ...(alg ? { checksumAlgorithm: alg } : {}) });
    } catch (err) {
      if (attempt >= 2 || signal.aborted || !isRetryable(err)) throw err;
    }
  }
}

// ---------------------------------------------------------------- multipart, low level

/** CreateMultipartUpload; resolves to the upload id. */
export async function createMultipartUpload(core: RequestCore, bucket: string, key: string, options: ObjectWriteOptions & RequestOptions = {}): Promise<string> {
  checkBucket(bucket);
  checkKey(key);
  const headers = writeHeaders(options);
  const r = await core.xml('InitiateMultipartUploadResult', { method: 'POST', bucket, key, query: { uploads: '' }, headers, signal: options.signal });
  if (!r.UploadId) throw s3Error('InternalError', 'CreateMultipartUpload returned no UploadId');
  return r.UploadId;
}

/** UploadPart. A stream body needs `size`. */
export async function uploadPart(core: RequestCore, bucket: string, key: string, uploadId: string, partNumber: number, body: ClientBody, options: UploadPartOptions = {}): Promise<PartInfo> {
  if (!Number.isSafeInteger(partNumber) || partNumber < 1 || partNumber > MAX_PARTS) throw s3Error('InvalidArgument', `Part number must be an integer between 1 and ${MAX_PARTS}`);
  const headers: Record<string, string> = {};
  const buffered = typeof body === 'string' || body instanceof Uint8Array;
  let checksum: string | undefined;
  const alg = options.checksumAlgorithm !== undefined ? checksumAlgorithm(options.checksumAlgorithm) : undefined;
  if (alg) {
    if (!buffered) throw new TypeError('uploadPart: checksumAlgorithm needs a string or buffer body');
    checksum = withChecksum(typeof body === 'string' ? utf8(body) : body, alg, 'header').checksum;
    headers[`x-amz-checksum-${alg}`] = checksum;
  } else if (core.checksum === 'always' && buffered) headers['content-md5'] = md5Base64(body);
  sseHeaders(options.sse, headers);
  const h = await core.empty({
    method: 'PUT',
    bucket,
    key,
    query: { partNumber, uploadId },
    headers,
    body,
    ...(options.size !== undefined && !(typeof body === 'string' || body instanceof Uint8Array) ? { contentLength: options.size } : {}),
    signal: options.signal,
  });
  return alg ? { partNumber, etag: unquote(h['etag']), checksum, checksumAlgorithm: alg } : { partNumber, etag: unquote(h['etag']) };
}

/** UploadPartCopy (optionally a byte range of the source). */
export async function uploadPartCopy(core: RequestCore, bucket: string, key: string, uploadId: string, partNumber: number, source: CopySource, options: UploadPartCopyOptions = {}): Promise<PartInfo> {
  const headers: Record<string, string> = { 'x-amz-copy-source': copySourceHeader(source) };
  if (options.range) headers['x-amz-copy-source-range'] = `bytes=${options.range.start}-${options.range.end}`;
  conditionHeaders(options.conditions, headers, !core.endpoint.aws);
  sseHeaders(options.sse ?? source.sse, headers, true);
  const r = await core.xml('CopyPartResult', { method: 'PUT', bucket, key, query: { partNumber, uploadId }, headers, signal: options.signal });
  return { partNumber, etag: unquote(r.ETag), lastModified: r.LastModified };
}

/** CompleteMultipartUpload (parts sorted by number); `headers` may carry `if-none-match: *` / `if-match`. */
export async function completeMultipartUpload(
  core: RequestCore,
  bucket: string,
  key: string,
  uploadId: string,
  parts: PartInfo[],
  options: RequestOptions & { headers?: Record<string, string> } = {},
): Promise<UploadedObject> {
  const sorted = [...parts].sort((a, b) => a.partNumber - b.partNumber);
  const body = buildXml('CompleteMultipartUpload', {
    Part: sorted.map((p) => ({ PartNumber: p.partNumber, ETag: `"${p.etag}"`, ...(p.checksum && p.checksumAlgorithm ? { [XML_CHECKSUM[p.checksumAlgorithm]]: p.checksum } : {}) })),
  });
  const res = await core.send({ method: 'POST', bucket, key, query: { uploadId }, headers: { ...options.headers, 'content-type': 'application/xml' }, body, signal: options.signal, control: true });
  const r = parseXml('CompleteMultipartUploadResult', await res.body.bytes()); // 200 with <Error> throws
  let etag = unquote(r.ETag);
  const versionId = res.headers['x-amz-version-id'];
  const alg = sorted[0]?.checksumAlgorithm;
  const checksum = alg ? r[XML_CHECKSUM[alg]] : undefined;
  if (!etag) {
    // Ceph RGW Pacific answers <ETag></ETag>; the object's HEAD has the real one.
    etag = (await statObject(core, bucket, key, { ...(versionId ? { versionId } : {}), ...(options.signal ? { signal: options.signal } : {}) })).etag;
  }
  return checksum ? { etag, versionId, checksum } : { etag, versionId };
}

const XML_CHECKSUM = { crc32: 'ChecksumCRC32', crc32c: 'ChecksumCRC32C', crc64nvme: 'ChecksumCRC64NVME', sha1: 'ChecksumSHA1', sha256: 'ChecksumSHA256' } as const;

/** AbortMultipartUpload. */
export async function abortMultipartUpload(core: RequestCore, bucket: string, key: string, uploadId: string, options: RequestOptions = {}): Promise<void> {
  await core.empty({ method: 'DELETE', bucket, key, query: { uploadId }, signal: options.signal });
}
