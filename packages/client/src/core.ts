import { isS3Error, s3Error, type S3Error } from '@s3kit/errors';
import type { FetchTransportOptions, PayloadSigning, ResponseBodyMixin, TransportResponse } from '@s3kit/http-transport/fetch';
import { SigV4Signer, utf8, type Credentials } from '@s3kit/sigv4';
import { parseXml, validBucketName, type ShapeName, type Shape } from '@s3kit/xml-shapes';
import { staticCredentials, type CredentialsProvider } from './credentials/index.js';
import { buildQuery, parseEndpoint, targetFor, type Endpoint } from './endpoint.js';
import { md5Base64 } from './headers.js';
import { MAX_PART_SIZE, MiB, MIN_PART_SIZE } from './parts.js';
import { fetchTransport, transportFactory, type ClientBody, type ClientTransport, type TransportFactory } from './transport.js';

// Internal: the request core every method module (`buckets.ts`, `objects.ts`, ...) builds on.
// Not exported from the package index; `S3Client` holds one and delegates to the modules.
// Runtime-neutral: the network is a transport factory (fetch by default; undici from the Node entry).

/** When to send a body checksum (`Content-MD5`). */
export type ChecksumMode = 'none' | 'when_required' | 'always';

export interface S3ClientOptions<Body extends ResponseBodyMixin = ResponseBodyMixin> {
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
  /**
   * How requests reach the network: a {@link TransportFactory} (`fetchTransport()`, `undiciTransport()`
   * from the Node entry, or your own), or options for the entry's default transport: the fetch
   * transport's (`fetch`, `retry`) here, undici's (timeouts, `retry`, `tls`, `proxy`, `dispatcher`) from
   * the Node entry. One transport per region.
   */
  transport?: TransportFactory<Body> | Omit<FetchTransportOptions, 'sign'>;
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

/** The core's options: the client's, with `transport` options of any entry's default transport. */
export type CoreOptions = Omit<S3ClientOptions, 'transport'> & { transport?: TransportFactory<ResponseBodyMixin> | object };

export interface RequestOptions {
  signal?: AbortSignal;
}

const REGION_CODES = new Set(['PermanentRedirect', 'AuthorizationHeaderMalformed', 'IllegalLocationConstraintException', 'Redirect', 'TemporaryRedirect']);

/** The region S3 says a bucket lives in, from an error (301/400/307 bodies or `x-amz-bucket-region`). */
function regionHint(err: S3Error): string | undefined {
  const r = err.details['Region'] ?? err.headers['x-amz-bucket-region'];
  if (r && (REGION_CODES.has(err.code) || err.status === 301 || err.status === 400)) return r;
  return undefined;
}

function replayable(body: ClientBody | null | undefined): boolean {
  return (
    body == null ||
    typeof body === 'string' ||
    body instanceof Uint8Array ||
    typeof body === 'function' ||
    (typeof body === 'object' && 'path' in body && typeof (body as { path: unknown }).path === 'string')
  );
}

function locationToRegion(v: string | undefined): string {
  if (!v) return 'us-east-1';
  if (v === 'EU') return 'eu-west-1';
  return v;
}

/** Legacy us-east-1 names (S3 and RGW may still hold them): `A-Z`, `_`, up to 255 characters, letter or digit at both ends. */
const LEGACY_BUCKET = /^[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]$/;

/**
 * Throws `InvalidBucketName` (an `S3Error`) unless `bucket` can name a bucket. As minio-py's
 * `check_bucket_name`: by default (`strict = false`) legacy names pass too (they are sent
 * path-style), with no `..`, `.-`, `-.` and no IPv4 form; `strict` (new buckets) asks for
 * today's DNS-compatible rules.
 */
export function checkBucket(bucket: string, strict = false): void {
  const ok = typeof bucket === 'string' && (strict ? validBucketName(bucket, false) : LEGACY_BUCKET.test(bucket) && validBucketName(bucket, true));
  if (!ok) throw s3Error('InvalidBucketName', `Invalid bucket name: ${String(bucket)}`, { resource: `/${String(bucket)}` });
}

/** Throws `InvalidArgument`/`KeyTooLongError` unless `key` is a non-empty string of at most 1024 bytes. */
export function checkKey(key: string): void {
  if (typeof key !== 'string' || key === '') throw s3Error('InvalidArgument', 'Object key must be a non-empty string');
  // UTF-8 takes at most 3 bytes per UTF-16 unit: only long keys are encoded to measure them.
  if (key.length > 341 && utf8(key).byteLength > 1024) throw s3Error('KeyTooLongError', 'Object key is longer than 1024 bytes');
}

/**
 * The body, headers and `control` flag of a Call sending an XML (or JSON policy) document:
 * `content-type` (overridable through `headers`) and `Content-MD5` as S3 requires on
 * configuration writes and DeleteObjects, unless checksums are off.
 */
export function xmlBody(core: RequestCore, body: string, headers: Record<string, string> = {}): Pick<Call, 'body' | 'headers' | 'control'> {
  const h: Record<string, string> = { 'content-type': 'application/xml', ...headers };
  if (core.checksum !== 'none') h['content-md5'] = md5Base64(body);
  return { body, headers: h, control: true };
}

/** The most an answer expected to be empty (PUT, DELETE, HEAD ...) is read whole; a larger one is drained as a stream. */
const EMPTY_READ_WHOLE = 64 * 1024;

/** One S3 request, before addressing and signing. */
export interface Call {
  /** HTTP method (`GET`, `PUT`, ...). */
  method: string;
  /** Omitted for service-level calls (ListBuckets). */
  bucket?: string;
  key?: string;
  /** Sub-resources and parameters; `undefined` values are left out, `''` gives a bare name (`?tagging`), a list repeats the name. */
  query?: Record<string, string | number | readonly string[] | undefined>;
  /** Lower-case request headers. */
  headers?: Record<string, string>;
  body?: ClientBody | null;
  /** Length of a stream body (`'unknown'`: aws-chunked/chunked). */
  contentLength?: number | 'unknown';
  signal?: AbortSignal | undefined;
  /** Sign for this region (skips discovery). */
  region?: string;
  /** An XML control body (DeleteObjects, CompleteMultipartUpload, ...): always hashed, never aws-chunked. */
  control?: boolean;
  /** A precomputed `x-amz-content-sha256` (e.g. `STREAMING-UNSIGNED-PAYLOAD-TRAILER` for a body framed by the caller). */
  payloadHash?: string;
}

/** A signed request to a path of the endpoint outside S3's bucket/key space (a gateway's own route). */
export interface PathCall {
  method: string;
  /** Percent-encoded path and query after the endpoint's base path, starting with `/` (e.g. `/_s3kit/upload-tickets`). */
  path: string;
  /** Lower-case request headers. */
  headers?: Record<string, string>;
  /** A small body, hashed into the signature. */
  body?: string | Uint8Array;
  /** Region to sign for. */
  region: string;
  signal?: AbortSignal | undefined;
}

/** An unsigned request to an absolute URL (a POST form action, a presigned URL). */
export interface UrlCall {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: ClientBody | null;
  /** Length of a stream body (`'unknown'`: chunked). */
  contentLength?: number | 'unknown';
  signal?: AbortSignal | undefined;
}

/**
 * The request core: addressing (path/virtual-host style), per-region transports and signers,
 * bucket-region discovery and following, and the three ways to send a `Call`:
 *
 * - `send(call)`: the raw response (status, headers, body stream), for callers that read the body themselves;
 * - `xml(shape, call)`: the body parsed as a `@s3kit/xml-shapes` shape (a 200 with `<Error>` throws);
 * - `empty(call)`: drains the body and resolves to the response headers.
 *
 * Every method rejects with `S3Error` (non-2xx answers) or a `TransportError`.
 */
export class RequestCore {
  readonly endpoint: Endpoint;
  /** The fixed region (option or endpoint host), or `undefined` when discovered per bucket. */
  readonly region: string | undefined;
  readonly checksum: ChecksumMode;
  readonly payload: PayloadSigning;
  /** Default multipart part size. */
  readonly partSize: number;
  /** Default parts/copies in flight. */
  readonly concurrency: number;
  /** Bucket → region (or the discovery in flight). */
  readonly regions = new Map<string, string | Promise<string>>();
  readonly #provider: CredentialsProvider | undefined;
  readonly #factory: TransportFactory;
  readonly #transports = new Map<string, ClientTransport>();
  #signers = new WeakMap<Credentials, Map<string, SigV4Signer>>();

  /**
   * @param options the client's options; `transport` may be options of another entry's default transport
   * @param defaultTransport makes the entry's default transport from the `transport` options object
   */
  constructor(options: CoreOptions, defaultTransport: (options: object) => TransportFactory = fetchTransport) {
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
    this.region = options.region ?? this.endpoint.hostRegion;
    this.#factory = transportFactory(options.transport, defaultTransport);
    this.checksum = options.checksum ?? 'when_required';
    if (!['none', 'when_required', 'always'].includes(this.checksum)) throw new TypeError(`S3Client: checksum must be none, when_required or always`);
    // As minio-js: over TLS the payload is not hashed (TLS protects it; saves a SHA-256 pass on both
    // ends); over plain http buffers are hashed into the signature.
    this.payload = options.payloadSigning ?? (this.endpoint.protocol === 'https:' ? 'unsigned' : 'auto');
    this.partSize = options.partSize ?? 8 * MiB;
    if (!Number.isSafeInteger(this.partSize) || this.partSize < MIN_PART_SIZE || this.partSize > MAX_PART_SIZE) {
      throw new TypeError('S3Client: partSize must be an integer from 5 MiB to 5 GiB');
    }
    this.concurrency = options.concurrency ?? 4;
    if (!Number.isSafeInteger(this.concurrency) || this.concurrency < 1) throw new TypeError('S3Client: concurrency must be a positive integer');
  }

  /** Closes the connection pools (waits for requests in flight). */
  async close(): Promise<void> {
    const all = [...this.#transports.values()];
    this.#transports.clear();
    await Promise.all(all.map((t) => t.close()));
  }

  /** One transport (connection pool + signing) per region. */
  #transportFor(region: string): ClientTransport {
    let t = this.#transports.get(region);
    if (!t) {
      const provider = this.#provider;
      t = this.#factory(provider ? { sign: { credentials: () => provider.getCredentials(), region, payload: this.payload } } : {});
      this.#transports.set(region, t);
    }
    return t;
  }

  /** The region requests for `bucket` are signed for: the client's, else discovered once and cached. */
  async bucketRegion(bucket: string, options: RequestOptions = {}): Promise<string> {
    if (this.region) return this.region;
    const cached = this.regions.get(bucket);
    if (cached !== undefined) return cached;
    const pending = (async () => {
      try {
        const res = await this.send({ method: 'GET', bucket, query: { location: '' }, region: 'us-east-1', signal: options.signal }, false);
        const text = await res.body.text();
        const region = locationToRegion(parseXml('LocationConstraint', text));
        this.regions.set(bucket, region);
        return region;
      } catch (err) {
        if (isS3Error(err)) {
          const hint = regionHint(err);
          if (hint) {
            this.regions.set(bucket, hint);
            return hint;
          }
          // No permission for GetBucketLocation, or a server without it: sign for us-east-1.
          if (err.code === 'AccessDenied' || err.code === 'NotImplemented' || err.status === 405) {
            this.regions.set(bucket, 'us-east-1');
            return 'us-east-1';
          }
        }
        this.regions.delete(bucket);
        throw err;
      }
    })();
    this.regions.set(bucket, pending);
    return pending;
  }

  /**
   * Sends `call` to the bucket's region (discovered unless the call or the client fixes it) and
   * resolves to the raw response; a non-2xx answer rejects with `S3Error`. When S3 names another
   * region for the bucket, it is remembered and the call followed once (if its body can be replayed;
   * `followRegion = false` turns that off). The caller must consume or dump `res.body`, unless the
   * answer came whole in `res.bytes` (a `Content-Length` up to `readWholeUpTo`, Node transport).
   */
  async send(call: Call, followRegion = true, readWholeUpTo?: number): Promise<TransportResponse<ResponseBodyMixin>> {
    // A fixed or already discovered region is used without an await (no promise hop per call).
    const known = call.region ?? this.region ?? (call.bucket === undefined ? 'us-east-1' : this.regions.get(call.bucket));
    const region = typeof known === 'string' ? known : await this.bucketRegion(call.bucket as string, { signal: call.signal as AbortSignal });
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
        ...(readWholeUpTo !== undefined ? { readWholeUpTo } : {}),
        // RGW answers aws-chunked XML control bodies with 501 NotImplemented; AWS does not need it either.
        ...(call.control ? { signing: { payload: 'hashed' as const } } : call.payloadHash ? { signing: { payloadHash: call.payloadHash } } : {}),
      });
    };
    try {
      return await attempt(region);
    } catch (err) {
      if (!followRegion || !isS3Error(err) || call.bucket === undefined || this.region !== undefined) throw err;
      const hint = regionHint(err);
      if (!hint || hint === region || !replayable(call.body)) throw err;
      // S3 named the bucket's region: remember it and follow once.
      this.regions.set(call.bucket, hint);
      return attempt(hint);
    }
  }

  /** Sends `call` and parses the body as the `@s3kit/xml-shapes` shape `shape` (a 200 with `<Error>` rejects with `S3Error`). */
  async xml<N extends ShapeName>(shape: N, call: Call): Promise<Shape<N>> {
    const res = await this.send(call, true, Infinity);
    return parseXml(shape, res.bytes ?? (await res.body.bytes()));
  }

  /** Sends `call`, drains the body and resolves to the response headers (lower-case names). */
  async empty(call: Call): Promise<Record<string, string>> {
    const res = await this.send(call, true, EMPTY_READ_WHOLE);
    if (res.bytes === undefined) await res.body.dump();
    return res.headers;
  }

  /** Sends a signed request (payload hashed) to `call.path` under the endpoint's base path; non-2xx rejects with `S3Error`. */
  sendPath(call: PathCall): Promise<TransportResponse<ResponseBodyMixin>> {
    const { origin } = targetFor(this.endpoint, call.region, undefined, undefined, '');
    return this.#transportFor(call.region).request({
      method: call.method,
      origin,
      path: this.endpoint.basePath + call.path,
      ...(call.headers ? { headers: call.headers } : {}),
      ...(call.body !== undefined ? { body: call.body } : {}),
      ...(call.signal ? { signal: call.signal } : {}),
      signing: { payload: 'hashed' },
    });
  }

  /** Sends an unsigned request to an absolute URL on the client's connection pool; non-2xx rejects with `S3Error`. */
  sendUrl(call: UrlCall): Promise<TransportResponse<ResponseBodyMixin>> {
    return this.#transportFor(this.region ?? 'us-east-1').request({
      method: call.method,
      url: call.url,
      ...(call.headers ? { headers: call.headers } : {}),
      ...(call.body != null ? { body: call.body } : {}),
      ...(call.contentLength !== undefined ? { contentLength: call.contentLength } : {}),
      ...(call.signal ? { signal: call.signal } : {}),
      signing: false,
    });
  }

  /** The current credentials (for presigning); rejects without a provider. */
  async credentials(): Promise<Credentials> {
    if (!this.#provider) throw new TypeError('S3Client: credentials are required to presign');
    return this.#provider.getCredentials();
  }

  /** A SigV4 signer for these credentials and region (cached per credentials object). */
  signer(creds: Credentials, region: string): SigV4Signer {
    let byRegion = this.#signers.get(creds);
    if (!byRegion) this.#signers.set(creds, (byRegion = new Map()));
    let s = byRegion.get(region);
    if (!s) byRegion.set(region, (s = new SigV4Signer({ credentials: creds, region })));
    return s;
  }
}
