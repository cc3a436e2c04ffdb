import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, stat as fsStat, unlink } from 'node:fs/promises';
import { setMaxListeners } from 'node:events';
import { basename, dirname, join } from 'node:path';
import { addAbortSignal, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isS3Error, s3Error, type S3Error } from '@s3kit/errors';
import {
  createTransport,
  isRetryable,
  isTransportError,
  TransportAbortedError,
  type PayloadSigning,
  type RequestBody,
  type ResponseBody,
  type Transport,
  type TransportOptions,
  type TransportResponse,
} from '@s3kit/http-transport';
import { presignedPostPolicy as signPostPolicy, type PostPolicy, type PresignedPostPolicy } from '@s3kit/post-policy';
import { SigV4Signer, type Credentials } from '@s3kit/sigv4';
import { buildXml, parseXml, validBucketName, type ShapeName, type Shape } from '@s3kit/xml-shapes';
import { staticCredentials, type CredentialsProvider } from './credentials.js';
import { buildQuery, parseEndpoint, targetFor, type Endpoint } from './endpoint.js';
import { md5Base64, sseHeaders, statFromHeaders, unquote, writeHeaders, type ObjectStat, type ObjectWriteOptions, type ServerSideEncryption } from './headers.js';
import {
  boundedAll,
  chunks,
  MAX_OBJECT_SIZE,
  MAX_PART_SIZE,
  MAX_PARTS,
  MiB,
  MIN_PART_SIZE,
  partSizeFor,
  PartPool,
  unknownLengthPartSize,
  type PutData,
} from './parts.js';

/** When to send a body checksum (`Content-MD5`). */
export type ChecksumMode = 'none' | 'when_required' | 'always';

export interface S3ClientOptions {
  /** `https://host[:port][/prefix]`, `http://…`, or `host[:port]` (scheme from `secure`). */
  endpoint: string | URL;
  accessKey?: string;
  secretKey?: string;
  sessionToken?: string;
  /** A provider (see `chainCredentials`, `envCredentials`, …) or fixed credentials; wins over accessKey/secretKey. */
  credentials?: CredentialsProvider | Credentials;
  /** Scheme for an endpoint without one. **Default:** `true` (https). */
  secure?: boolean;
  /** Fixed region for every bucket (no discovery). **Default:** discovered per bucket with GetBucketLocation. */
  region?: string;
  /** **Default:** `false` for AWS hosts (virtual-hosted), `true` for IPs, localhost and other hosts. */
  pathStyle?: boolean;
  /** Options for the `@s3kit/http-transport` transports the client creates (one per region; pass `dispatcher` to share a pool). */
  transport?: Omit<TransportOptions, 'sign'>;
  /**
   * `'when_required'` sends `Content-MD5` only where S3 requires it (DeleteObjects, ...);
   * `'always'` also on PutObject/UploadPart buffers; `'none'` never. Never sends the 2025 SDK
   * `x-amz-checksum-*`/trailer defaults that older servers reject. **Default:** `'when_required'`.
   */
  checksum?: ChecksumMode;
  /**
   * How bodies are covered by the signature: `'auto'` (hash buffers, `UNSIGNED-PAYLOAD` for streams
   * and files), `'unsigned'` (for TLS), `'hashed'`, `'streaming'` (signed `aws-chunked`).
   * **Default:** `'unsigned'` for https endpoints, `'auto'` for http.
   */
  payloadSigning?: PayloadSigning;
  /** Minimum multipart part size; also the single-PUT threshold. **Default:** 8 MiB. */
  partSize?: number;
  /** Parts uploaded at the same time. **Default:** 4. */
  concurrency?: number;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface MakeBucketOptions extends RequestOptions {
  /** Location constraint. **Default:** the client's region; none for us-east-1. */
  region?: string;
  objectLocking?: boolean;
}

export interface BucketItem {
  name: string;
  creationDate: Date | undefined;
}

export interface GetObjectOptions extends RequestOptions {
  offset?: number;
  length?: number;
  versionId?: string;
  /** SSE-C key the object was written with. */
  sse?: Extract<ServerSideEncryption, { type: 'SSE-C' }>;
  ifMatch?: string;
  ifNoneMatch?: string;
  ifModifiedSince?: Date;
  ifUnmodifiedSince?: Date;
  /** `response-content-type`, `response-content-disposition`, ... (names with or without `response-`). */
  responseHeaders?: Record<string, string>;
  /** Extra request headers. */
  headers?: Record<string, string>;
}

/** The object's bytes as a Node `Readable` (with `.stream()`, `.text()`, ...) plus what the response said. */
export type ObjectStream = ResponseBody & { readonly stat: ObjectStat };

export interface StatObjectOptions extends RequestOptions {
  versionId?: string;
  sse?: Extract<ServerSideEncryption, { type: 'SSE-C' }>;
}

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
}

export interface UploadedObject {
  etag: string;
  versionId: string | undefined;
}

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

export interface ListObjectsOptions extends RequestOptions {
  prefix?: string;
  /** `true` lists every key under the prefix; `false` groups by `/` into prefixes. **Default:** `false`. */
  recursive?: boolean;
  /** Overrides `recursive`. */
  delimiter?: string;
  startAfter?: string;
  /** ListObjects v1 (marker) instead of v2. **Default:** `false`. */
  useV1?: boolean;
  /** Lists versions and delete markers (ListObjectVersions). */
  includeVersion?: boolean;
  /** Asks a MinIO server for user metadata (`metadata=true`); other servers ignore it. */
  includeUserMeta?: boolean;
  /** Keys per page. **Default:** 1000. */
  pageSize?: number;
}

export interface ObjectItem {
  key: string;
  size: number;
  etag: string;
  lastModified: Date | undefined;
  storageClass: string | undefined;
  versionId?: string | undefined;
  isLatest?: boolean | undefined;
  isDeleteMarker?: boolean;
}

export interface PrefixItem {
  prefix: string;
}

export interface ListVersionsOptions extends RequestOptions {
  prefix?: string;
  recursive?: boolean;
  delimiter?: string;
  keyMarker?: string;
  versionIdMarker?: string;
  pageSize?: number;
}

export interface IncompleteUpload {
  key: string;
  uploadId: string;
  initiated: Date | undefined;
  storageClass: string | undefined;
}

export interface ListUploadsOptions extends RequestOptions {
  prefix?: string;
  recursive?: boolean;
  delimiter?: string;
  keyMarker?: string;
  uploadIdMarker?: string;
}

export interface PartInfo {
  partNumber: number;
  etag: string;
  size?: number | undefined;
  lastModified?: Date | undefined;
}

export interface UploadPartOptions extends RequestOptions {
  /** Length of a stream body. */
  size?: number;
  sse?: Extract<ServerSideEncryption, { type: 'SSE-C' }>;
}

export interface UploadPartCopyOptions extends RequestOptions {
  /** Inclusive byte range of the source. */
  range?: { start: number; end: number };
  conditions?: CopyConditions;
  sse?: Extract<ServerSideEncryption, { type: 'SSE-C' }>;
}

export interface PresignOptions extends RequestOptions {
  /** Seconds, 1–604800. **Default:** 604800 (7 days, as MinIO). */
  expires?: number;
  /** Response header overrides (`response-content-type`, ...) or any extra query parameters. */
  query?: Record<string, string>;
  versionId?: string;
  /** Signing time. **Default:** now. */
  requestDate?: Date;
  /** Headers the user of the URL must send (signed), e.g. `content-type`. */
  headers?: Record<string, string>;
}

const REGION_CODES = new Set(['PermanentRedirect', 'AuthorizationHeaderMalformed', 'IllegalLocationConstraintException', 'Redirect', 'TemporaryRedirect']);

/** The region S3 says a bucket lives in, from an error (301/400/307 bodies or `x-amz-bucket-region`). */
function regionHint(err: S3Error): string | undefined {
  const r = err.details['Region'] ?? err.headers['x-amz-bucket-region'];
  if (r && (REGION_CODES.has(err.code) || err.status === 301 || err.status === 400)) return r;
  return undefined;
}

function replayable(body: RequestBody | null | undefined): boolean {
  return body == null || typeof body === 'string' || body instanceof Uint8Array || typeof body === 'function' || (typeof body === 'object' && 'path' in body && typeof (body as { path: unknown }).path === 'string');
}

function locationToRegion(v: string | undefined): string {
  if (!v) return 'us-east-1';
  if (v === 'EU') return 'eu-west-1';
  return v;
}

function checkBucket(bucket: string): void {
  if (typeof bucket !== 'string' || !validBucketName(bucket, true)) throw s3Error('InvalidBucketName', `Invalid bucket name: ${String(bucket)}`, { resource: `/${String(bucket)}` });
}
function checkKey(key: string): void {
  if (typeof key !== 'string' || key === '') throw s3Error('InvalidArgument', 'Object key must be a non-empty string');
  if (Buffer.byteLength(key) > 1024) throw s3Error('KeyTooLongError', 'Object key is longer than 1024 bytes');
}

function copySourceHeader(src: CopySource): string {
  let v = `/${src.bucket}/${encodeURIComponent(src.key).replace(/%2F/g, '/')}`;
  if (src.versionId) v += `?versionId=${encodeURIComponent(src.versionId)}`;
  return v;
}

function conditionHeaders(c: CopyConditions | undefined, out: Record<string, string>, compatCopyConditions: boolean): void {
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

interface Call {
  method: string;
  bucket?: string;
  key?: string;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  body?: RequestBody | null;
  contentLength?: number | 'unknown';
  signal?: AbortSignal | undefined;
  /** Sign for this region (skips discovery). */
  region?: string;
  /** An XML control body (DeleteObjects, CompleteMultipartUpload, ...): always hashed, never aws-chunked. */
  control?: boolean;
}

/**
 * A thin S3 client with the MinIO-client API. Works against AWS S3 and S3-compatible servers.
 * Every method rejects with `S3Error` (`@s3kit/errors`) or a `TransportError` (`@s3kit/http-transport`).
 */
export class S3Client {
  readonly endpoint: Endpoint;
  readonly #provider: CredentialsProvider | undefined;
  readonly #region: string | undefined;
  readonly #transportOptions: Omit<TransportOptions, 'sign'>;
  readonly #transports = new Map<string, Transport>();
  readonly #regions = new Map<string, string | Promise<string>>();
  readonly #checksum: ChecksumMode;
  readonly #payload: PayloadSigning;
  readonly #partSize: number;
  readonly #concurrency: number;
  #signers = new WeakMap<Credentials, Map<string, SigV4Signer>>();

  constructor(options: S3ClientOptions) {
    if (typeof options !== 'object' || options === null) throw new TypeError('S3Client: options are required');
    this.endpoint = parseEndpoint(options.endpoint, options.secure, options.pathStyle);
    const c = options.credentials;
    if (c && typeof (c as CredentialsProvider).getCredentials === 'function') this.#provider = c as CredentialsProvider;
    else if (c) this.#provider = staticCredentials(c as Credentials);
    else if (options.accessKey || options.secretKey) {
      this.#provider = staticCredentials({
        accessKeyId: options.accessKey ?? '',
        secretAccessKey: options.secretKey ?? '',
        ...(options.sessionToken ? { sessionToken: options.sessionToken } : {}),
      });
    }
    this.#region = options.region ?? this.endpoint.hostRegion;
    this.#transportOptions = options.transport ?? {};
    this.#checksum = options.checksum ?? 'when_required';
    if (!['none', 'when_required', 'always'].includes(this.#checksum)) throw new TypeError(`S3Client: checksum must be none, when_required or always`);
    // As minio-js: over TLS the payload is not hashed (TLS protects it; saves a SHA-256 pass on both
    // ends); over plain http buffers are hashed into the signature.
    this.#payload = options.payloadSigning ?? (this.endpoint.protocol === 'https:' ? 'unsigned' : 'auto');
    this.#partSize = options.partSize ?? 8 * MiB;
    if (!Number.isSafeInteger(this.#partSize) || this.#partSize < MIN_PART_SIZE || this.#partSize > MAX_PART_SIZE) {
      throw new TypeError('S3Client: partSize must be an integer from 5 MiB to 5 GiB');
    }
    this.#concurrency = options.concurrency ?? 4;
    if (!Number.isSafeInteger(this.#concurrency) || this.#concurrency < 1) throw new TypeError('S3Client: concurrency must be a positive integer');
  }

  /** Closes the connection pools (waits for requests in flight). */
  async close(): Promise<void> {
    const all = [...this.#transports.values()];
    this.#transports.clear();
    await Promise.all(all.map((t) => t.close()));
  }

  // ---------------------------------------------------------------- plumbing

  #transportFor(region: string): Transport {
    let t = this.#transports.get(region);
    if (!t) {
      const provider = this.#provider;
      t = createTransport({
        ...this.#transportOptions,
        ...(provider ? { sign: { credentials: () => provider.getCredentials(), region, payload: this.#payload } } : {}),
      });
      this.#transports.set(region, t);
    }
    return t;
  }

  /** The region requests for `bucket` are signed for: the client's, else discovered once and cached. */
  async getBucketRegion(bucket: string, options: RequestOptions = {}): Promise<string> {
    if (this.#region) return this.#region;
    const cached = this.#regions.get(bucket);
    if (cached !== undefined) return cached;
    const pending = (async () => {
      try {
        const res = await this.#send({ method: 'GET', bucket, query: { location: '' }, region: 'us-east-1', signal: options.signal }, false);
        const text = await res.body.text();
        const region = locationToRegion(parseXml('LocationConstraint', text));
        this.#regions.set(bucket, region);
        return region;
      } catch (err) {
        if (isS3Error(err)) {
          const hint = regionHint(err);
          if (hint) {
            this.#regions.set(bucket, hint);
            return hint;
          }
          // No permission for GetBucketLocation, or a server without it: sign for us-east-1.
          if (err.code === 'AccessDenied' || err.code === 'NotImplemented' || err.status === 405) {
            this.#regions.set(bucket, 'us-east-1');
            return 'us-east-1';
          }
        }
        this.#regions.delete(bucket);
        throw err;
      }
    })();
    this.#regions.set(bucket, pending);
    return pending;
  }

  async #send(call: Call, followRegion = true): Promise<TransportResponse<ResponseBody>> {
    const region = call.region ?? (call.bucket !== undefined ? await this.getBucketRegion(call.bucket, { signal: call.signal as AbortSignal }) : (this.#region ?? 'us-east-1'));
    const attempt = (r: string) => {
      const { origin, path } = targetFor(this.endpoint, r, call.bucket, call.key, buildQuery(call.query));
      return this.#transportFor(r).request({
        method: call.method,
        origin,
        path,
        ...(call.headers ? { headers: call.headers } : {}),
        ...(call.body != null ? { body: call.body } : {}),
        ...(call.contentLength !== undefined ? { contentLength: call.contentLength } : {}),
        ...(call.signal ? { signal: call.signal } : {}),
        // RGW answers aws-chunked XML control bodies with 501 NotImplemented; AWS does not need it either.
        ...(call.control ? { signing: { payload: 'hashed' as const } } : {}),
      });
    };
    try {
      return await attempt(region);
    } catch (err) {
      if (!followRegion || !isS3Error(err) || call.bucket === undefined || this.#region !== undefined) throw err;
      const hint = regionHint(err);
      if (!hint || hint === region || !replayable(call.body)) throw err;
      // S3 named the bucket's region: remember it and follow once.
      this.#regions.set(call.bucket, hint);
      return attempt(hint);
    }
  }

  async #xml<N extends ShapeName>(shape: N, call: Call): Promise<Shape<N>> {
    const res = await this.#send(call);
    return parseXml(shape, await res.body.bytes());
  }

  async #empty(call: Call): Promise<Record<string, string>> {
    const res = await this.#send(call);
    await res.body.dump();
    return res.headers;
  }

  async #credentials(): Promise<Credentials> {
    if (!this.#provider) throw new TypeError('S3Client: credentials are required to presign');
    return this.#provider.getCredentials();
  }

  // ---------------------------------------------------------------- buckets

  /** CreateBucket. */
  async makeBucket(bucket: string, options: MakeBucketOptions = {}): Promise<void> {
    checkBucket(bucket);
    const region = options.region ?? this.#region ?? 'us-east-1';
    const headers: Record<string, string> = {};
    if (options.objectLocking) headers['x-amz-bucket-object-lock-enabled'] = 'true';
    let body: string | undefined;
    if (region !== 'us-east-1') {
      body = buildXml('CreateBucketConfiguration', { LocationConstraint: region });
      headers['content-type'] = 'application/xml';
    }
    await this.#empty({ method: 'PUT', bucket, headers, body: body ?? null, region: this.#region ?? region, signal: options.signal, control: true });
    if (!this.#region) this.#regions.set(bucket, region);
  }

  /** ListBuckets. */
  async listBuckets(options: RequestOptions = {}): Promise<BucketItem[]> {
    const r = await this.#xml('ListAllMyBucketsResult', { method: 'GET', signal: options.signal });
    return r.Buckets.map((b) => ({ name: b.Name ?? '', creationDate: b.CreationDate }));
  }

  /** HeadBucket: `true` if it exists and is accessible, `false` on 404; other errors reject. */
  async bucketExists(bucket: string, options: RequestOptions = {}): Promise<boolean> {
    checkBucket(bucket);
    try {
      await this.#empty({ method: 'HEAD', bucket, signal: options.signal });
      return true;
    } catch (err) {
      if (isS3Error(err) && (err.code === 'NoSuchBucket' || err.code === 'NotFound' || err.status === 404)) return false;
      throw err;
    }
  }

  /** DeleteBucket (must be empty). */
  async removeBucket(bucket: string, options: RequestOptions = {}): Promise<void> {
    checkBucket(bucket);
    await this.#empty({ method: 'DELETE', bucket, signal: options.signal });
    this.#regions.delete(bucket);
  }

  // ---------------------------------------------------------------- listing

  /**
   * Lists objects (and, when not recursive, common prefixes), paging transparently.
   * `includeVersion` lists versions and delete markers instead.
   */
  async *listObjects(bucket: string, options: ListObjectsOptions = {}): AsyncGenerator<ObjectItem | PrefixItem> {
    checkBucket(bucket);
    if (options.includeVersion) {
      const { startAfter, useV1, includeUserMeta, includeVersion, ...rest } = options;
      yield* this.listObjectVersions(bucket, { ...rest, ...(startAfter ? { keyMarker: startAfter } : {}) });
      return;
    }
    const delimiter = options.delimiter ?? (options.recursive ? undefined : '/');
    const pageSize = options.pageSize ?? 1000;
    let token: string | undefined;
    let marker = options.startAfter;
    for (;;) {
      const query: Record<string, string | number | undefined> = options.useV1
        ? { delimiter, 'encoding-type': 'url', marker, 'max-keys': pageSize, prefix: options.prefix ?? '' }
        : {
            'continuation-token': token,
            delimiter,
            'encoding-type': 'url',
            'list-type': 2,
            'max-keys': pageSize,
            prefix: options.prefix ?? '',
            'start-after': token ? undefined : options.startAfter,
          };
      // TODO(xml-shapes): ListBucketResult has no <UserMetadata> (MinIO's extension), so it is requested but not parsed.
      if (options.includeUserMeta) query['metadata'] = 'true';
      const page = await this.#xml('ListBucketResult', { method: 'GET', bucket, query, signal: options.signal });
      for (const o of page.Contents) {
        yield { key: o.Key, size: o.Size ?? 0, etag: unquote(o.ETag), lastModified: o.LastModified, storageClass: o.StorageClass };
      }
      for (const p of page.CommonPrefixes) if (p.Prefix !== undefined) yield { prefix: p.Prefix };
      if (!page.IsTruncated) return;
      if (options.useV1) {
        const last = page.NextMarker ?? page.Contents.at(-1)?.Key ?? page.CommonPrefixes.at(-1)?.Prefix;
        if (!last || last === marker) return;
        marker = last;
      } else {
        if (!page.NextContinuationToken || page.NextContinuationToken === token) return;
        token = page.NextContinuationToken;
      }
    }
  }

  /** ListObjectVersions: versions and delete markers (and prefixes when not recursive), paging transparently. */
  async *listObjectVersions(bucket: string, options: ListVersionsOptions = {}): AsyncGenerator<ObjectItem | PrefixItem> {
    checkBucket(bucket);
    const delimiter = options.delimiter ?? (options.recursive ? undefined : '/');
    let keyMarker = options.keyMarker;
    let versionIdMarker = options.versionIdMarker;
    for (;;) {
      const page = await this.#xml('ListVersionsResult', {
        method: 'GET',
        bucket,
        query: {
          delimiter,
          'encoding-type': 'url',
          'key-marker': keyMarker,
          'max-keys': options.pageSize ?? 1000,
          prefix: options.prefix ?? '',
          'version-id-marker': keyMarker ? versionIdMarker : undefined,
          versions: '',
        },
        signal: options.signal,
      });
      const items: Array<ObjectItem & { order: number }> = [];
      let order = 0;
      for (const v of page.Version) {
        items.push({ key: v.Key, size: v.Size ?? 0, etag: unquote(v.ETag), lastModified: v.LastModified, storageClass: v.StorageClass, versionId: v.VersionId, isLatest: v.IsLatest, order: order++ });
      }
      for (const d of page.DeleteMarker) {
        items.push({ key: d.Key, size: 0, etag: '', lastModified: d.LastModified, storageClass: undefined, versionId: d.VersionId, isLatest: d.IsLatest, isDeleteMarker: true, order: order++ });
      }
      // S3 interleaves versions and delete markers by key, newest first; the XML groups them by kind.
      items.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : (b.lastModified?.getTime() ?? 0) - (a.lastModified?.getTime() ?? 0) || a.order - b.order));
      for (const { order: _o, ...item } of items) yield item;
      for (const p of page.CommonPrefixes) if (p.Prefix !== undefined) yield { prefix: p.Prefix };
      if (!page.IsTruncated || !page.NextKeyMarker) return;
      keyMarker = page.NextKeyMarker;
      versionIdMarker = page.NextVersionIdMarker;
    }
  }

  /** ListMultipartUploads, paging transparently. */
  async *listMultipartUploads(bucket: string, options: ListUploadsOptions = {}): AsyncGenerator<IncompleteUpload | PrefixItem> {
    checkBucket(bucket);
    const delimiter = options.delimiter ?? (options.recursive === false ? '/' : undefined);
    let keyMarker = options.keyMarker;
    let uploadIdMarker = options.uploadIdMarker;
    for (;;) {
      const page = await this.#xml('ListMultipartUploadsResult', {
        method: 'GET',
        bucket,
        query: { delimiter, 'encoding-type': 'url', 'key-marker': keyMarker, prefix: options.prefix ?? '', 'upload-id-marker': uploadIdMarker, uploads: '' },
        signal: options.signal,
      });
      for (const u of page.Upload) {
        yield { key: u.Key ?? '', uploadId: u.UploadId ?? '', initiated: u.Initiated, storageClass: u.StorageClass };
      }
      for (const p of page.CommonPrefixes) if (p.Prefix !== undefined) yield { prefix: p.Prefix };
      if (!page.IsTruncated || (!page.NextKeyMarker && !page.NextUploadIdMarker)) return;
      keyMarker = page.NextKeyMarker;
      uploadIdMarker = page.NextUploadIdMarker;
    }
  }

  /** MinIO's listIncompleteUploads: the uploads under `prefix` (recursive by default). */
  async *listIncompleteUploads(bucket: string, prefix = '', recursive = true, options: RequestOptions = {}): AsyncGenerator<IncompleteUpload> {
    for await (const u of this.listMultipartUploads(bucket, { prefix, recursive, ...options })) if ('uploadId' in u) yield u;
  }

  /** ListParts of one upload, paging transparently. */
  async *listParts(bucket: string, key: string, uploadId: string, options: RequestOptions = {}): AsyncGenerator<PartInfo> {
    checkBucket(bucket);
    checkKey(key);
    let marker: number | undefined;
    for (;;) {
      const page = await this.#xml('ListPartsResult', { method: 'GET', bucket, key, query: { 'part-number-marker': marker, uploadId }, signal: options.signal });
      for (const p of page.Part) yield { partNumber: p.PartNumber ?? 0, etag: unquote(p.ETag), size: p.Size, lastModified: p.LastModified };
      if (!page.IsTruncated || page.NextPartNumberMarker === undefined || page.NextPartNumberMarker === marker) return;
      marker = page.NextPartNumberMarker;
    }
  }

  // ---------------------------------------------------------------- objects

  /** HeadObject. */
  async statObject(bucket: string, key: string, options: StatObjectOptions = {}): Promise<ObjectStat> {
    checkBucket(bucket);
    checkKey(key);
    const headers: Record<string, string> = {};
    sseHeaders(options.sse, headers);
    const h = await this.#empty({ method: 'HEAD', bucket, key, query: { versionId: options.versionId }, headers, signal: options.signal });
    return statFromHeaders(h);
  }

  /** GetObject: a stream of the object (or the range `offset`..`offset+length-1`) with its metadata. */
  async getObject(bucket: string, key: string, options: GetObjectOptions = {}): Promise<ObjectStream> {
    checkBucket(bucket);
    checkKey(key);
    const headers: Record<string, string> = {};
    const { offset, length } = options;
    if (offset !== undefined || length !== undefined) {
      const start = offset ?? 0;
      if (!Number.isSafeInteger(start) || start < 0) throw new TypeError('getObject: offset must be a non-negative integer');
      if (length !== undefined && (!Number.isSafeInteger(length) || length < 1)) throw new TypeError('getObject: length must be a positive integer');
      headers['range'] = `bytes=${start}-${length !== undefined ? start + length - 1 : ''}`;
    }
    if (options.ifMatch) headers['if-match'] = options.ifMatch;
    if (options.ifNoneMatch) headers['if-none-match'] = options.ifNoneMatch;
    if (options.ifModifiedSince) headers['if-modified-since'] = options.ifModifiedSince.toUTCString();
    if (options.ifUnmodifiedSince) headers['if-unmodified-since'] = options.ifUnmodifiedSince.toUTCString();
    sseHeaders(options.sse, headers);
    if (options.headers) for (const [k, v] of Object.entries(options.headers)) headers[k.toLowerCase()] = v;
    const query: Record<string, string | undefined> = {};
    if (options.responseHeaders) {
      for (const [k, v] of Object.entries(options.responseHeaders)) query[k.startsWith('response-') ? k : `response-${k}`] = v;
    }
    query['versionId'] = options.versionId;
    const res = await this.#send({ method: 'GET', bucket, key, query, headers, signal: options.signal });
    const stat = statFromHeaders(res.headers, res.statusCode === 206);
    return Object.assign(res.body, { stat }) as ObjectStream;
  }

  /**
   * Downloads to `filePath` through a temporary file in the same directory, renamed on success:
   * an interrupted download never leaves a partial file at `filePath`.
   */
  async fGetObject(bucket: string, key: string, filePath: string, options: GetObjectOptions = {}): Promise<ObjectStat> {
    const obj = await this.getObject(bucket, key, options);
    const tmp = join(dirname(filePath), `.${basename(filePath)}.${randomBytes(6).toString('hex')}.part`);
    try {
      await pipeline(obj, createWriteStream(tmp, { flags: 'wx' }), options.signal ? { signal: options.signal } : {});
      await rename(tmp, filePath);
    } catch (err) {
      obj.destroy();
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
    return obj.stat;
  }

  /**
   * PutObject, or a multipart upload when the data is larger than one part: parts are uploaded
   * `concurrency` at a time (the source is read only as fast as they go), each retried by the
   * transport; on failure or abort the upload is aborted, so nothing is left behind.
   */
  async putObject(bucket: string, key: string, data: PutData, options: PutObjectOptions = {}): Promise<UploadedObject> {
    checkBucket(bucket);
    checkKey(key);
    if (data == null) throw new TypeError('putObject: data is required');
    const { signal } = options;
    // A stalled source must not outlive an abort: the signal destroys a Node stream being read.
    if (signal && data instanceof Readable) addAbortSignal(signal, data);
    try {
      return await this.#put(bucket, key, data, options);
    } catch (err) {
      if (signal?.aborted && !isTransportError(err) && !isS3Error(err)) throw new TransportAbortedError('putObject aborted', { cause: signal.reason });
      throw err;
    }
  }

  async #put(bucket: string, key: string, data: PutData, options: PutObjectOptions): Promise<UploadedObject> {
    const known = typeof data === 'string' ? Buffer.byteLength(data) : data instanceof Uint8Array ? data.byteLength : options.size;
    if (known !== undefined && (!Number.isSafeInteger(known) || known < 0)) throw new TypeError('putObject: size must be a non-negative integer');
    if (known !== undefined && known > MAX_OBJECT_SIZE) throw s3Error('EntityTooLarge', `Object size ${known} exceeds the 5 TiB maximum`);
    const base = options.partSize ?? this.#partSize;
    const partSize = partSizeFor(known, base);
    const sizeOf = known === undefined ? (n: number) => unknownLengthPartSize(n, base) : () => partSize;
    const headers = writeHeaders(options);
    headers['content-type'] ??= 'application/octet-stream';
    const concurrency = options.concurrency ?? this.#concurrency;
    // Strings and buffers are sliced, not copied: only streams need part buffers.
    const pool = typeof data === 'string' || data instanceof Uint8Array ? undefined : new PartPool(concurrency + 1);
    const it = chunks(data, sizeOf, pool)[Symbol.asyncIterator]();
    const first = await it.next();
    const firstPart = first.done ? Buffer.alloc(0) : first.value;
    const second = first.done ? first : await it.next();
    if (second.done) {
      // One part: a single PutObject with a buffer (replayable, retried by the transport).
      if (known !== undefined && firstPart.length !== known) throw new RangeError(`putObject: expected ${known} bytes, the stream gave ${firstPart.length}`);
      if (this.#checksum === 'always') headers['content-md5'] = md5Base64(firstPart);
      const h = await this.#empty({ method: 'PUT', bucket, key, headers, body: firstPart, signal: options.signal });
      options.onProgress?.({ loaded: firstPart.length, total: known ?? firstPart.length });
      return { etag: unquote(h['etag']), versionId: h['x-amz-version-id'] };
    }
    async function* all(): AsyncGenerator<Buffer> {
      yield firstPart;
      yield second.value as Buffer;
      for (;;) {
        const n = await it.next();
        if (n.done) return;
        yield n.value;
      }
    }
    return this.#multipart(bucket, key, headers, options, known, all(), (part) => part, pool);
  }

  /** putObject from a file; parts are read from the file by range (no buffering), so retries re-read them. */
  async fPutObject(bucket: string, key: string, filePath: string, options: Omit<PutObjectOptions, 'size'> = {}): Promise<UploadedObject> {
    checkBucket(bucket);
    checkKey(key);
    const { size } = await fsStat(filePath);
    if (size > MAX_OBJECT_SIZE) throw s3Error('EntityTooLarge', `File size ${size} exceeds the 5 TiB maximum`);
    const headers = writeHeaders(options);
    headers['content-type'] ??= 'application/octet-stream';
    const partSize = partSizeFor(size, options.partSize ?? this.#partSize);
    if (size <= partSize) {
      const h = await this.#empty({ method: 'PUT', bucket, key, headers, body: { path: filePath }, signal: options.signal });
      options.onProgress?.({ loaded: size, total: size });
      return { etag: unquote(h['etag']), versionId: h['x-amz-version-id'] };
    }
    function* ranges(): Generator<{ path: string; offset: number; length: number }> {
      for (let off = 0; off < size; off += partSize) yield { path: filePath, offset: off, length: Math.min(partSize, size - off) };
    }
    return this.#multipart(bucket, key, headers, options, size, ranges(), (r) => r);
  }

  async #multipart<T extends Buffer | { path: string; offset: number; length: number }>(
    bucket: string,
    key: string,
    headers: Record<string, string>,
    options: PutObjectOptions,
    total: number | undefined,
    parts: AsyncIterable<T> | Iterable<T>,
    body: (p: T) => RequestBody,
    pool?: PartPool,
  ): Promise<UploadedObject> {
    const controller = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
    // Every part in flight listens on it (transport and undici): not a leak.
    setMaxListeners(0, signal);
    const uploadId = await this.createMultipartUpload(bucket, key, { headers, ...(options.signal ? { signal: options.signal } : {}) });
    const sse = options.sse?.type === 'SSE-C' ? options.sse : undefined;
    let loaded = 0;
    let count = 0;
    try {
      const done = await boundedAll(parts, options.concurrency ?? this.#concurrency, async (p, index) => {
        const partNumber = index + 1;
        if (partNumber > MAX_PARTS) throw s3Error('EntityTooLarge', `Upload needs more than ${MAX_PARTS} parts`);
        const length = Buffer.isBuffer(p) ? p.length : p.length;
        let part: PartInfo;
        try {
          part = await this.#uploadPartWithRetry(bucket, key, uploadId, partNumber, body(p), length, signal, sse);
        } finally {
          // The request has settled (undici no longer reads the buffer): reuse it for a later part.
          if (pool && Buffer.isBuffer(p)) pool.give(p);
        }
        loaded += length;
        count++;
        options.onProgress?.({ loaded, total, partNumber });
        return part;
      });
      if (total !== undefined && loaded !== total) throw new RangeError(`putObject: expected ${total} bytes, the stream gave ${loaded}`);
      return await this.completeMultipartUpload(bucket, key, uploadId, done, options.signal ? { signal: options.signal } : {});
    } catch (err) {
      controller.abort(err);
      // Abort even when the caller's signal fired: no orphaned upload is left behind.
      await this.abortMultipartUpload(bucket, key, uploadId).catch(() => undefined);
      void count;
      throw err;
    }
  }

  async #uploadPartWithRetry(
    bucket: string,
    key: string,
    uploadId: string,
    partNumber: number,
    body: RequestBody,
    size: number,
    signal: AbortSignal,
    sse: Extract<ServerSideEncryption, { type: 'SSE-C' }> | undefined,
  ): Promise<PartInfo> {
    // The transport already retries each request (buffers and file ranges are replayable);
    // one more round here covers failures after the transport gave up (e.g. a reset mid-upload).
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.uploadPart(bucket, key, uploadId, partNumber, body, { size, signal, ...(sse ? { sse } : {}) });
      } catch (err) {
        if (attempt >= 2 || signal.aborted || !isRetryable(err)) throw err;
      }
    }
  }

  /** CopyObject (server-side, up to 5 GiB; use composeObject for larger). */
  async copyObject(bucket: string, key: string, source: CopySource, options: CopyObjectOptions = {}): Promise<CopiedObject> {
    checkBucket(bucket);
    checkKey(key);
    checkBucket(source.bucket);
    checkKey(source.key);
    const headers = writeHeaders(options);
    headers['x-amz-copy-source'] = copySourceHeader(source);
    const replace = options.metadataDirective ?? (options.metadata || options.contentType ? 'REPLACE' : undefined);
    if (replace) headers['x-amz-metadata-directive'] = replace;
    if (options.taggingDirective ?? (options.tags ? 'REPLACE' : undefined)) headers['x-amz-tagging-directive'] = options.taggingDirective ?? 'REPLACE';
    conditionHeaders(options.conditions, headers, !this.endpoint.aws);
    sseHeaders(source.sse, headers, true);
    const res = await this.#send({ method: 'PUT', bucket, key, headers, signal: options.signal });
    const r = parseXml('CopyObjectResult', await res.body.bytes()); // a 200 with <Error> throws
    return { etag: unquote(r.ETag), lastModified: r.LastModified, versionId: res.headers['x-amz-version-id'] };
  }

  /**
   * Builds one object from parts of others with UploadPartCopy (ranges allowed), `concurrency`
   * copies at a time. Every source but the last must be at least 5 MiB (S3's minimum part).
   */
  async composeObject(bucket: string, key: string, sources: ComposeSource[], options: ComposeObjectOptions = {}): Promise<UploadedObject> {
    checkBucket(bucket);
    checkKey(key);
    if (!Array.isArray(sources) || sources.length === 0) throw new TypeError('composeObject: at least one source');
    if (sources.length > MAX_PARTS) throw s3Error('InvalidArgument', `composeObject: at most ${MAX_PARTS} sources`);
    const { signal } = options;
    // Resolve each source's byte range.
    const ranges = await boundedAll(sources, options.concurrency ?? this.#concurrency, async (src) => {
      const st = await this.statObject(src.bucket, src.key, { ...(src.versionId ? { versionId: src.versionId } : {}), ...(src.sse ? { sse: src.sse } : {}), ...(signal ? { signal } : {}) });
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
    const uploadId = await this.createMultipartUpload(bucket, key, { headers, ...(signal ? { signal } : {}) });
    try {
      const parts = await boundedAll(pieces, options.concurrency ?? this.#concurrency, (p, i) =>
        this.uploadPartCopy(bucket, key, uploadId, i + 1, p.src, {
          range: { start: p.start, end: p.end },
          conditions: { matchETag: p.etag },
          ...(p.src.sse ? { sse: p.src.sse } : {}),
          ...(signal ? { signal } : {}),
        }),
      );
      return await this.completeMultipartUpload(bucket, key, uploadId, parts, signal ? { signal } : {});
    } catch (err) {
      await this.abortMultipartUpload(bucket, key, uploadId).catch(() => undefined);
      throw err;
    }
  }

  /** DeleteObject (S3 answers 204 for a missing key too). */
  async removeObject(bucket: string, key: string, options: RemoveObjectOptions = {}): Promise<void> {
    checkBucket(bucket);
    checkKey(key);
    const headers: Record<string, string> = {};
    if (options.governanceBypass) headers['x-amz-bypass-governance-retention'] = 'true';
    await this.#empty({ method: 'DELETE', bucket, key, query: { versionId: options.versionId }, headers, signal: options.signal });
  }

  /**
   * DeleteObjects in batches of 1000 (quiet mode, `Content-MD5` as S3 requires); yields one
   * entry per key S3 could not delete. Request failures reject the iteration.
   */
  async *removeObjects(
    bucket: string,
    objects: Iterable<string | { key: string; versionId?: string }> | AsyncIterable<string | { key: string; versionId?: string }>,
    options: RemoveObjectOptions = {},
  ): AsyncGenerator<RemoveObjectsError> {
    checkBucket(bucket);
    let batch: Array<{ Key: string; VersionId?: string }> = [];
    const self = this;
    async function* flush(): AsyncGenerator<RemoveObjectsError> {
      const body = buildXml('Delete', { Object: batch, Quiet: true });
      batch = [];
      const headers: Record<string, string> = { 'content-type': 'application/xml' };
      if (self.#checksum !== 'none') headers['content-md5'] = md5Base64(body);
      if (options.governanceBypass) headers['x-amz-bypass-governance-retention'] = 'true';
      const r = await self.#xml('DeleteResult', { method: 'POST', bucket, query: { delete: '' }, headers, body, signal: options.signal, control: true });
      for (const e of r.Error) yield { key: e.Key ?? '', versionId: e.VersionId, code: e.Code ?? '', message: e.Message ?? '' };
    }
    for await (const o of objects as AsyncIterable<string | { key: string; versionId?: string }>) {
      const item = typeof o === 'string' ? { Key: o } : o.versionId ? { Key: o.key, VersionId: o.versionId } : { Key: o.key };
      checkKey(item.Key);
      batch.push(item);
      if (batch.length === 1000) yield* flush();
    }
    if (batch.length > 0) yield* flush();
  }

  // ---------------------------------------------------------------- multipart, low level

  /** CreateMultipartUpload; resolves to the upload id. */
  async createMultipartUpload(bucket: string, key: string, options: ObjectWriteOptions & RequestOptions = {}): Promise<string> {
    checkBucket(bucket);
    checkKey(key);
    const headers = writeHeaders(options);
    const r = await this.#xml('InitiateMultipartUploadResult', { method: 'POST', bucket, key, query: { uploads: '' }, headers, signal: options.signal });
    if (!r.UploadId) throw s3Error('InternalError', 'CreateMultipartUpload returned no UploadId');
    return r.UploadId;
  }

  /** UploadPart. A stream body needs `size`. */
  async uploadPart(bucket: string, key: string, uploadId: string, partNumber: number, body: RequestBody, options: UploadPartOptions = {}): Promise<PartInfo> {
    if (!Number.isSafeInteger(partNumber) || partNumber < 1 || partNumber > MAX_PARTS) throw s3Error('InvalidArgument', `Part number must be an integer between 1 and ${MAX_PARTS}`);
    const headers: Record<string, string> = {};
    if (this.#checksum === 'always' && (typeof body === 'string' || body instanceof Uint8Array)) headers['content-md5'] = md5Base64(body);
    sseHeaders(options.sse, headers);
    const h = await this.#empty({
      method: 'PUT',
      bucket,
      key,
      query: { partNumber, uploadId },
      headers,
      body,
      ...(options.size !== undefined && !(typeof body === 'string' || body instanceof Uint8Array) ? { contentLength: options.size } : {}),
      signal: options.signal,
    });
    return { partNumber, etag: unquote(h['etag']) };
  }

  /** UploadPartCopy (optionally a byte range of the source). */
  async uploadPartCopy(bucket: string, key: string, uploadId: string, partNumber: number, source: CopySource, options: UploadPartCopyOptions = {}): Promise<PartInfo> {
    const headers: Record<string, string> = { 'x-amz-copy-source': copySourceHeader(source) };
    if (options.range) headers['x-amz-copy-source-range'] = `bytes=${options.range.start}-${options.range.end}`;
    conditionHeaders(options.conditions, headers, !this.endpoint.aws);
    sseHeaders(options.sse ?? source.sse, headers, true);
    const r = await this.#xml('CopyPartResult', { method: 'PUT', bucket, key, query: { partNumber, uploadId }, headers, signal: options.signal });
    return { partNumber, etag: unquote(r.ETag), lastModified: r.LastModified };
  }

  /** CompleteMultipartUpload (parts sorted by number). */
  async completeMultipartUpload(bucket: string, key: string, uploadId: string, parts: PartInfo[], options: RequestOptions = {}): Promise<UploadedObject> {
    const sorted = [...parts].sort((a, b) => a.partNumber - b.partNumber);
    const body = buildXml('CompleteMultipartUpload', { Part: sorted.map((p) => ({ PartNumber: p.partNumber, ETag: `"${p.etag}"` })) });
    const res = await this.#send({ method: 'POST', bucket, key, query: { uploadId }, headers: { 'content-type': 'application/xml' }, body, signal: options.signal, control: true });
    const r = parseXml('CompleteMultipartUploadResult', await res.body.bytes()); // 200 with <Error> throws
    let etag = unquote(r.ETag);
    const versionId = res.headers['x-amz-version-id'];
    if (!etag) {
      // Ceph RGW Pacific answers <ETag></ETag>; the object's HEAD has the real one.
      etag = (await this.statObject(bucket, key, { ...(versionId ? { versionId } : {}), ...(options.signal ? { signal: options.signal } : {}) })).etag;
    }
    return { etag, versionId };
  }

  /** AbortMultipartUpload. */
  async abortMultipartUpload(bucket: string, key: string, uploadId: string, options: RequestOptions = {}): Promise<void> {
    await this.#empty({ method: 'DELETE', bucket, key, query: { uploadId }, signal: options.signal });
  }

  // ---------------------------------------------------------------- presigned

  /** A presigned URL for any method (SigV4 query auth). */
  async getPresignedUrl(method: string, bucket: string, key: string | undefined, options: PresignOptions = {}): Promise<string> {
    checkBucket(bucket);
    if (key !== undefined) checkKey(key);
    const region = await this.getBucketRegion(bucket, options.signal ? { signal: options.signal } : {});
    const creds = await this.#credentials();
    const query: Record<string, string | undefined> = { ...options.query, versionId: options.versionId };
    const { origin, path } = targetFor(this.endpoint, region, bucket, key, buildQuery(query));
    const signer = this.#signer(creds, region);
    return signer.presign({
      method: method.toUpperCase(),
      url: origin + path,
      headers: options.headers,
      expiresIn: options.expires ?? 604_800,
      ...(options.requestDate ? { date: options.requestDate } : {}),
    }).url;
  }

  /** A presigned GET URL; `query` may carry `response-content-type` and friends. */
  presignedGetObject(bucket: string, key: string, options: PresignOptions = {}): Promise<string> {
    return this.getPresignedUrl('GET', bucket, key, options);
  }

  /** A presigned PUT URL. */
  presignedPutObject(bucket: string, key: string, options: PresignOptions = {}): Promise<string> {
    return this.getPresignedUrl('PUT', bucket, key, options);
  }

  /** Signs a `PostPolicy` (`@s3kit/post-policy`) for a browser form upload: `{ postURL, formData }`. */
  async presignedPostPolicy(policy: PostPolicy, options: RequestOptions = {}): Promise<PresignedPostPolicy> {
    const bucket = policy.formData['bucket'];
    if (bucket === undefined) throw new TypeError('PostPolicy needs setBucket()');
    const region = await this.getBucketRegion(bucket, options);
    const creds = await this.#credentials();
    const ep = this.endpoint;
    const { origin } = targetFor(ep, region, undefined, undefined, '');
    return signPostPolicy(policy, { credentials: creds, region, endpoint: origin + ep.basePath, forcePathStyle: ep.pathStyle });
  }

  #signer(creds: Credentials, region: string): SigV4Signer {
    let byRegion = this.#signers.get(creds);
    if (!byRegion) this.#signers.set(creds, (byRegion = new Map()));
    let s = byRegion.get(region);
    if (!s) byRegion.set(region, (s = new SigV4Signer({ credentials: creds, region })));
    return s;
  }
}


