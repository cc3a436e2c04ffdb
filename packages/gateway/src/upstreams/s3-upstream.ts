import { s3Error } from '@s3kit/errors';
import { buildXml, OPERATIONS, parseCopySource, parseXml, type OperationName } from '@s3kit/xml-shapes';
import { createS3ConfigStore, type S3ConfigStoreLocation } from '../bucket-config/s3-config-store.js';
import { createTransport, type Transport, type TransportOptions } from '@s3kit/http-transport';
import { SigV4Signer } from '@s3kit/sigv4';
import { forwardHttp } from '../pipeline/forward.js';
import { takesAbortAsIs, type AbortableRequest } from '../pipeline/abort.js';
import { resign } from '../pipeline/resign.js';
import { asAsyncIterable, type Upstream, type UpstreamRequest, type UpstreamResponse } from './upstream.js';

/** What a remote S3 accepts (see README "Upstream profiles"). */
export interface UpstreamProfile {
  /**
   * Forward `x-amz-checksum-*` and `x-amz-sdk-checksum-algorithm` request headers.
   * **Default:** `true`. Ceph RGW: `false` (it ignores them; the gateway verifies trailers itself).
   */
  readonly checksumHeaders?: boolean | undefined;
  /** Sign a verified hex SHA-256 so the upstream checks the body again. **Default:** `true`. */
  readonly signPayloadHash?: boolean | undefined;
  /**
   * The upstream accepts `STREAMING-UNSIGNED-PAYLOAD-TRAILER` (AWS S3, MinIO): bodies that came
   * with a trailer checksum are re-framed with one, so the upstream verifies and stores it.
   * **Default:** `false` (decoded body, `UNSIGNED-PAYLOAD`; Ceph RGW rejects trailers).
   */
  readonly trailers?: boolean | undefined;
  /**
   * Catalogue operation names (`@s3kit/xml-shapes` `OPERATIONS`) the upstream does not know:
   * the gateway answers them `NotImplemented` (501) without forwarding. For an upstream that would
   * act on the bucket instead (Ceph RGW 16.2 takes `DELETE /bucket?encryption` as DeleteBucket).
   * **Default:** `[]`. Ceph RGW 16.2: {@link RGW_16_UNSUPPORTED}.
   */
  readonly unsupported?: readonly string[] | undefined;
  /**
   * The upstream is MinIO and speaks MinIO's own operations (catalogue `origin: 'minio'`:
   * ListenBucketNotification, ListenNotification), which are forwarded. **Default:** `false`:
   * they answer `NotImplemented` (501); AWS S3 and Ceph RGW would take them for ListObjects.
   */
  readonly minioExtensions?: boolean | undefined;
}

/**
 * The operations Ceph RGW 16.2 does not know and answers as another operation on the bucket
 * (GET as ListObjects, PUT as CreateBucket, DELETE as DeleteBucket): the recommended
 * {@link UpstreamProfile.unsupported} for it.
 */
export const RGW_16_UNSUPPORTED: readonly OperationName[] = Object.freeze([
  'GetBucketEncryption',
  'PutBucketEncryption',
  'DeleteBucketEncryption',
  'GetBucketOwnershipControls',
  'PutBucketOwnershipControls',
  'DeleteBucketOwnershipControls',
  'GetBucketAccelerateConfiguration',
  'PutBucketAccelerateConfiguration',
] as const);

/** Credentials of a remote S3 (`sessionToken` for temporary ones). */
export interface UpstreamCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
}

/** Options of {@link createS3Upstream}. */
export interface S3UpstreamOptions {
  /** `http(s)://host[:port]`. */
  readonly endpoint: string;
  readonly region: string;
  /**
   * Fixed credentials, or a provider called before each request attempt (it should cache and
   * refresh before expiry, as `@s3kit/client`'s providers do); session tokens are sent.
   */
  readonly credentials: UpstreamCredentials | (() => UpstreamCredentials | Promise<UpstreamCredentials>);
  /** **Default:** `'path'`. */
  readonly addressing?: 'path' | 'virtual' | undefined;
  /** Client bucket → upstream bucket. **Default:** `{}` (same names). */
  readonly buckets?: Readonly<Record<string, string>> | undefined;
  readonly profile?: UpstreamProfile | undefined;
  /**
   * A bucket (and key prefix) of the upstream where the gateway keeps bucket policies, CORS rules
   * and public access blocks set through the S3 API, shared by every gateway in front of this
   * upstream. The bucket is hidden from clients whole (see {@link S3ConfigStoreLocation}).
   * **Default:** none (those operations answer NotImplemented).
   */
  readonly configStore?: S3ConfigStoreLocation | undefined;
  /** Transport options (connections, timeouts, TLS, proxy). Retries are off for streamed bodies by nature. */
  readonly transport?: Omit<TransportOptions, 'sign'> | undefined;
}

/** A remote S3 endpoint as an {@link Upstream}: re-signs each request with its credentials. */
export interface S3Upstream extends Upstream {
  readonly endpoint: string;
  /**
   * A presigned URL on the upstream for the same request (for the gateway's redirect offload).
   * @throws Error while a credentials provider has not given credentials yet (before the first request).
   */
  presign(req: UpstreamRequest, expiresIn: number): string;
  close(): Promise<void>;
}

/**
 * Creates an upstream that re-signs requests for a remote S3 (SigV4 with the upstream's
 * credentials and region) and forwards them through @s3kit/http-transport.
 */
export function createS3Upstream(options: S3UpstreamOptions): S3Upstream {
  const given = options.credentials;
  // The latest credentials, for presigned URLs (synchronous): a provider's are those of the last request.
  let latest: UpstreamCredentials | undefined = typeof given === 'function' ? undefined : { ...given };
  const credentials =
    typeof given === 'function'
      ? async () => {
          latest = await given();
          return latest;
        }
      : latest!;
  const transport: Transport = createTransport({
    retry: { maxAttempts: 2 },
    ...options.transport,
    sign: { credentials, region: options.region },
  });
  const target = {
    endpoint: options.endpoint.replace(/\/+$/, ''),
    addressing: options.addressing ?? 'path',
    buckets: options.buckets ?? {},
    checksumHeaders: options.profile?.checksumHeaders ?? true,
    signPayloadHash: options.profile?.signPayloadHash ?? true,
    trailers: options.profile?.trailers ?? false,
  } as const;
  const unsupported = unsupportedSet(options.profile?.unsupported, options.profile?.minioExtensions === true);
  let signer: { for: UpstreamCredentials; signer: SigV4Signer } | undefined;
  const presign = (req: UpstreamRequest, expiresIn: number): string => {
    if (latest === undefined) throw new Error('createS3Upstream: no credentials from the provider yet');
    if (signer?.for !== latest) signer = { for: latest, signer: new SigV4Signer({ credentials: latest, region: options.region }) };
    const t = resign({ ...req, body: undefined }, target);
    return signer.signer.presign({ method: req.method, url: `${t.origin}${t.path}`, expiresIn }).url;
  };
  const send = (req: AbortableRequest): Promise<UpstreamResponse> => forwardHttp(transport, resign(req, target));
  const system = options.configStore;
  const upstreamBucket = (b: string): string => target.buckets[b] ?? b;
  /** A request for an operation the profile leaves out, or one that may name the system bucket. */
  const guarded = async (req: UpstreamRequest): Promise<UpstreamResponse> => {
    if (unsupported.has(req.operation)) throw notImplemented(req);
    if (system === undefined) return send(req);
    hideSystemBucket(req, system.bucket, upstreamBucket);
    const res = await send(req);
    return req.operation === 'ListBuckets' && res.body !== undefined ? withoutBucket(res, system.bucket) : res;
  };
  // Its transport listens to the exchange's abort as it is: no AbortSignal per request.
  return takesAbortAsIs({
    endpoint: target.endpoint,
    presign,
    capabilities: {
      // The redirect offload never hands out a URL into the system bucket: such a request goes through handle (AccessDenied).
      // Neither hands out a URL for an operation the upstream does not know: it goes through handle (NotImplemented).
      presign: (req, expiresIn) =>
        latest === undefined || unsupported.has(req.operation) || (system !== undefined && req.bucket !== undefined && upstreamBucket(req.bucket) === system.bucket)
          ? undefined
          : presign(req, expiresIn),
      acceptsUnknownLength: false,
      configStore: system === undefined ? undefined : createS3ConfigStore(system, send),
    },
    handle(req: UpstreamRequest): Promise<UpstreamResponse> {
      // The usual request goes straight to send: no async wrapper (and its extra promise) around it.
      if (system !== undefined || unsupported.has(req.operation)) return guarded(req);
      try {
        return send(req);
      } catch (err) {
        return Promise.reject(err);
      }
    },
    close: () => transport.close(),
  });
}

/**
 * The profile's unsupported operations, checked against the catalogue, and MinIO's own ones
 * unless the upstream is MinIO.
 * @throws TypeError naming an entry that is not a catalogue operation.
 */
function unsupportedSet(names: readonly string[] | undefined, minio: boolean): ReadonlySet<string> {
  for (const name of names ?? []) {
    if (!Object.hasOwn(OPERATIONS, name)) throw new TypeError(`profile.unsupported: "${name}" is not an S3 operation name of the @s3kit/xml-shapes catalogue`);
  }
  const minioOnly = minio
    ? []
    : Object.values(OPERATIONS)
        .filter((op) => op.origin === 'minio')
        .map((op) => op.name);
  return new Set([...(names ?? []), ...minioOnly]);
}

/** NotImplemented (501) for an operation the upstream's profile lists as unsupported. */
function notImplemented(req: UpstreamRequest): Error {
  const why = OPERATIONS[req.operation as OperationName]?.origin === 'minio' ? "a MinIO extension: set the profile's minioExtensions for a MinIO upstream" : 'its profile lists it as unsupported';
  return s3Error('NotImplemented', `${req.operation} is not implemented by this gateway's upstream S3 (${why}), so the gateway does not forward it.`, {
    ...(req.bucket === undefined ? {} : { resource: `/${req.bucket}${req.key === undefined ? '' : `/${req.key}`}` }),
  });
}

/**
 * The gateway's system bucket is no client's: every request naming it (as its bucket or copy
 * source) is AccessDenied, as S3 answers for another account's bucket; CreateBucket of its name
 * is BucketAlreadyExists.
 * @throws S3Error AccessDenied (403), BucketAlreadyExists (409).
 */
function hideSystemBucket(req: UpstreamRequest, system: string, upstreamBucket: (b: string) => string): void {
  const copySource = req.headers['x-amz-copy-source'];
  let sourceBucket: string | undefined;
  if (copySource !== undefined) {
    try {
      sourceBucket = parseCopySource(copySource).bucket;
    } catch {
      sourceBucket = undefined;
    }
  }
  const named = [req.bucket, sourceBucket].some((b) => b !== undefined && upstreamBucket(b) === system);
  if (!named) return;
  if (req.operation === 'CreateBucket') throw s3Error('BucketAlreadyExists', undefined, { resource: `/${req.bucket}` });
  throw s3Error('AccessDenied', undefined, { details: { reason: 'the gateway system bucket' } });
}

/** A ListBuckets answer without the system bucket. */
async function withoutBucket(res: UpstreamResponse, system: string): Promise<UpstreamResponse> {
  const chunks: Uint8Array[] = [];
  for await (const c of asAsyncIterable(res.body!)) chunks.push(c);
  const doc = parseXml('ListAllMyBucketsResult', Buffer.concat(chunks));
  const xml = buildXml('ListAllMyBucketsResult', { ...doc, Buckets: doc.Buckets.filter((b) => b.Name !== system) });
  const headers: Record<string, string> = { ...res.headers, 'content-length': String(Buffer.byteLength(xml)) };
  delete headers['content-md5'];
  return { status: res.status, headers, body: xml };
}
