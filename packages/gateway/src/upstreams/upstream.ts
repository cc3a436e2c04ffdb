import type { ConfigStore } from '../bucket-config/config-store.js';

/**
 * The upstream interface: what the gateway forwards an authenticated S3 request to. A remote S3
 * (through @s3kit/http-transport) and the embedded local store both implement it, so the
 * gateway treats them alike.
 */

/** A request body: a Node stream, a Web `ReadableStream`, or any async iterable of bytes. */
export type UpstreamBody = AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>;

/** One S3 request, already routed (operation, bucket, key) and authenticated. */
export interface UpstreamRequest {
  /** The HTTP method, upper case. */
  readonly method: string;
  /** The operation name from the @s3kit/xml-shapes catalogue, e.g. `PutObject`. */
  readonly operation: string;
  /** The bucket, or `undefined` for service-level requests (ListBuckets). */
  readonly bucket?: string | undefined;
  /** The object key (decoded), or `undefined` for bucket- and service-level requests. */
  readonly key?: string | undefined;
  /** The decoded query parameters (first value of each). */
  readonly query: Readonly<Record<string, string>>;
  /** The request headers, lowercase names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /**
   * The decoded payload. A verifying decoder (aws-chunked signatures, trailing checksums)
   * must make the iteration THROW, not end, when verification fails: the store commits only
   * a body that ended normally, so a bad chunk or checksum leaves nothing behind.
   */
  readonly body?: UpstreamBody | undefined;
  /** Aborts the request: an upload in progress is discarded. */
  readonly signal?: AbortSignal | undefined;
  /**
   * The account shown as `Owner` (canonical id and display name) in the answer: the bucket
   * owner's for bucket and object requests, the caller's for ListBuckets. Set by the gateway for
   * accounts other than the default one; the embedded store shows it (and keeps it in ACLs it
   * writes), remote S3 upstreams ignore it. Absent: the store's own owner.
   */
  readonly owner?: { readonly id: string; readonly displayName: string } | undefined;
  /**
   * Who sent the request (the identity's access key id, the client's address, the gateway's
   * request id), for the event records of the embedded store; remote S3 upstreams ignore it.
   * `via: 'Post'` marks the PutObject of a browser POST form (`s3:ObjectCreated:Post`).
   */
  readonly requester?: { readonly principalId?: string | undefined; readonly sourceIp?: string | undefined; readonly requestId?: string | undefined; readonly via?: 'Post' | undefined } | undefined;
}

/**
 * The response body: streamed object data, or a complete XML document. A streamed body holds
 * an open file: read it to the end or release it (`destroy()` on the Node stream, or
 * `return()` on its iterator), or the file stays open until garbage collection.
 */
export type UpstreamResponseBody = AsyncIterable<Uint8Array> | Uint8Array | string;

/** One S3 response. Errors are not responses: `handle` rejects with an `S3Error`. */
export interface UpstreamResponse {
  readonly status: number;
  /** Response headers, lowercase names. */
  readonly headers: Record<string, string>;
  readonly body?: UpstreamResponseBody;
}

/**
 * What an upstream can do beyond `handle`, declared by the upstream itself (the gateway never
 * guesses from its shape). Wrappers such as `mapBuckets` pass them through.
 */
export interface UpstreamCapabilities {
  /**
   * A presigned URL on the upstream for the same request, valid `expiresIn` seconds (the
   * gateway's `presignedRedirect` offload); `undefined` when this request cannot be served that
   * way (e.g. its answer must be rewritten). Absent: the upstream cannot presign.
   */
  readonly presign?: ((req: UpstreamRequest, expiresIn: number) => string | undefined) | undefined;
  /**
   * Takes a PUT body of unknown length (no Content-Length), committing only a body that ended
   * cleanly. False for S3 and Ceph RGW (MissingContentLength, 411): a POST form's file, whose
   * size is known only at its end, is then spooled first.
   */
  readonly acceptsUnknownLength: boolean;
  /**
   * Where the gateway keeps bucket policies, CORS rules and public access blocks set through the
   * S3 API, so every gateway in front of this upstream sees them. Absent: those operations answer
   * NotImplemented for this upstream.
   */
  readonly configStore?: ConfigStore | undefined;
}

/** The capabilities of an upstream that declares none. */
export const NO_CAPABILITIES: UpstreamCapabilities = Object.freeze({ acceptsUnknownLength: false });

/** Anything the gateway can forward to. */
export interface Upstream {
  /**
   * Performs one S3 request.
   * @throws S3Error with the S3 code, status and headers of the failure.
   */
  handle(req: UpstreamRequest): Promise<UpstreamResponse>;
  /** What it can do besides. **Default:** {@link NO_CAPABILITIES} (no presigning, lengths required). */
  readonly capabilities?: UpstreamCapabilities | undefined;
}

/** The capabilities an upstream declares, or {@link NO_CAPABILITIES}. */
export function capabilitiesOf(upstream: Upstream): UpstreamCapabilities {
  return upstream.capabilities ?? NO_CAPABILITIES;
}

/**
 * A body as an async iterable: Node streams and Web `ReadableStream`s (Node 18+) both are one,
 * though the DOM typings do not say so for the latter.
 */
export function asAsyncIterable(body: UpstreamBody | UpstreamResponseBody): AsyncIterable<Uint8Array>;
export function asAsyncIterable(body: UpstreamBody | UpstreamResponseBody | undefined): AsyncIterable<Uint8Array> | undefined;
export function asAsyncIterable(body: UpstreamBody | UpstreamResponseBody | undefined): AsyncIterable<Uint8Array> | undefined {
  if (body === undefined) return undefined;
  if (typeof body === 'string') return single(new TextEncoder().encode(body));
  if (body instanceof Uint8Array) return single(body);
  return body as AsyncIterable<Uint8Array>;
}

async function* single(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}
