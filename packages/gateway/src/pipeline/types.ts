import type { AbortSignalLike } from '@s3kit/http-transport';
import type { AuthKind, PayloadMode } from '@s3kit/sigv4';
import type { RouteResult } from '@s3kit/xml-shapes/operations';
import type { DeleteResult } from '@s3kit/xml-shapes';
import type { UpstreamBody } from '../upstreams/upstream.js';

/** A request as the gateway receives it, independent of the server that received it. */
export interface GatewayRequest {
  /** HTTP method, any case. */
  readonly method: string;
  /** The request target exactly as received (`/bucket/key?x=1`): not decoded or normalized. */
  readonly target: string;
  /**
   * The headers as received, as `[name, value]` pairs (repeated headers repeated, as in Node's
   * `rawHeaders`) so signatures canonicalize exactly; a record is accepted too.
   */
  readonly headers: readonly (readonly [string, string])[] | Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The body as sent (still aws-chunked framed if the client framed it). */
  readonly body?: UpstreamBody | undefined;
  /**
   * Aborted when the client goes away: the upstream request is aborted with it. An `AbortSignal`,
   * or any `AbortSignalLike` (`@s3kit/http-transport`): `toNodeListener` passes a cheaper one of
   * its own, and upstreams that need a real `AbortSignal` get one made from it.
   */
  readonly signal?: AbortSignalLike | undefined;
  /** The client's IP address (for `aws:SourceIp`). */
  readonly remoteAddress?: string | undefined;
  /** True when the client connected over TLS (for `aws:SecureTransport`). */
  readonly secure?: boolean | undefined;
  /**
   * The host the client addressed when a trusted proxy forwarded it (`X-Forwarded-Host`), for the
   * URLs the gateway hands out (upload tickets, POST `Location`); absent: the `Host` header.
   * Never used to check signatures: clients sign the Host they sent.
   */
  readonly host?: string | undefined;
  /**
   * Called once a request the server could not tell was signed proved its signature (a POST
   * form, once its fields were verified; never for an anonymous form), so the server stops
   * counting it as unauthenticated (`toNodeListener`'s `maxUnauthenticatedShare`).
   */
  readonly onAuthenticated?: (() => void) | undefined;
}

/** What the parse stage found. */
export interface ParsedRequest {
  readonly method: string;
  readonly target: string;
  /** Header pairs with lowercase names, as received. */
  readonly headerPairs: readonly (readonly [string, string])[];
  /** Headers by lowercase name; repeated values joined with `,`. */
  readonly headers: Readonly<Record<string, string>>;
  readonly route: RouteResult;
  /** `/bucket/key` for error responses. */
  readonly resource: string;
  /** The client's IP address (`aws:SourceIp`), copied from the GatewayRequest. */
  readonly remoteAddress?: string | undefined;
  /** The client connected over TLS (`aws:SecureTransport`). */
  readonly secure?: boolean | undefined;
  /** The forwarded host, copied from the GatewayRequest (for URLs handed out; not for signatures). */
  readonly host?: string | undefined;
}

/** Who sent the request. */
export interface Principal {
  /** The identity's name (its access key id when unnamed), or `anonymous`. */
  readonly name: string;
  readonly accessKeyId: string | undefined;
  readonly authKind: AuthKind;
  /** The identity's allow-list. */
  readonly allow: readonly AllowRule[];
  /** The gateway identity (undefined for anonymous). */
  readonly identity?: Identity | undefined;
  /** Name of the upstream this principal's requests go to. */
  readonly upstream: string;
  /** When the request was signed (ms since the epoch), for `s3:signatureAge`; absent when unknown. */
  readonly signedAt?: number | undefined;
  /**
   * `s3:signatureversion` when the auth kind does not tell (POST forms: `AWS4-HMAC-SHA256` or
   * `AWS`); header and presigned kinds derive it.
   */
  readonly signatureVersion?: 'AWS4-HMAC-SHA256' | 'AWS' | undefined;
}

/** One allow-list entry: a bucket (or `*`) and what may be done in it. */
export interface AllowRule {
  readonly bucket: string;
  readonly access: 'read' | 'write' | 'readwrite';
}

/** A gateway-issued key and what it may do. */
export interface Identity {
  /** Shown in logs; defaults to the access key id. */
  readonly name?: string | undefined;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Upstream name (a key of `upstreams`). **Default:** `'default'`. */
  readonly upstream?: string | undefined;
  /**
   * The account the identity belongs to (1 to 64 letters, digits, `.`, `_`, `-`): buckets it
   * creates are its account's, and another account's buckets are open to it only where their
   * bucket policy or ACL allows too (see the README's "Accounts"). **Default:** the default
   * account, shared by every identity without one.
   */
  readonly account?: string | undefined;
  /**
   * Shorthand allow-list (buckets × read/write), translated into an equivalent identity policy
   * (see the README's "Policies" section). Identities with neither `allow` nor `policies` may
   * only list their buckets (ListBuckets).
   */
  readonly allow?: readonly AllowRule[] | undefined;
  /** Identity policies (AWS JSON policy documents, as objects or JSON text), validated by `createGateway`. */
  readonly policies?: readonly unknown[] | undefined;
}

/** One CORS rule of a bucket, in the shape of S3's `CORSRule` (PutBucketCors). */
export interface CorsRule {
  readonly id?: string | undefined;
  /** Origins, each may hold one `*` wildcard (`https://*.example.com`, or `*`). */
  readonly allowedOrigins: readonly string[];
  /** GET, PUT, POST, DELETE, HEAD. */
  readonly allowedMethods: readonly string[];
  /** Request headers a preflight may ask for (case-insensitive, one `*` wildcard each). */
  readonly allowedHeaders?: readonly string[] | undefined;
  /** Response headers the browser may read (`Access-Control-Expose-Headers`). */
  readonly exposeHeaders?: readonly string[] | undefined;
  /** `Access-Control-Max-Age` of preflight answers. */
  readonly maxAgeSeconds?: number | undefined;
}

/** The authenticate stage's result: who, and the body to forward (verified while it streams). */
export interface Authenticated {
  readonly principal: Principal;
  readonly payloadMode: PayloadMode | 'none';
  /**
   * The decoded body: verification failures (chunk signature, trailer checksum, SHA-256,
   * length) make its iteration THROW before the last byte is released, so an upstream never
   * sees a complete body that was not verified.
   */
  readonly body: AsyncIterable<Uint8Array> | undefined;
  /** Bytes of client body read so far (for logs and metrics). */
  readonly bytesIn: () => number;
  /**
   * True when `body` can fail verification (hash, chunk signatures, checksums, length): its
   * errors are the client's answer. False for a plain pass-through of the client's stream.
   */
  readonly verifying: boolean;
  /** Presigned requests: when the client's URL expires (ms since the epoch). */
  readonly expiresAt?: number | undefined;
  /**
   * `Content-MD5` / `x-amz-checksum-*` that came in the (signed) query, by lowercase header name:
   * verified against the body like the headers, and sent upstream as headers.
   */
  readonly queryDigests?: Readonly<Record<string, string>> | undefined;
}

/** A key named in a request body (DeleteObjects), with its version. */
export interface BodyKey {
  readonly key: string;
  readonly versionId?: string | undefined;
}

/** One `<Error>` entry of a DeleteResult. */
export type DeleteError = DeleteResult['Error'][number];

/** DeleteObjects keys the policies denied: never sent upstream, reported in the DeleteResult. */
export interface DeniedKeys {
  /** One `<Error>` (AccessDenied) per denied key, in request order. */
  readonly errors: readonly DeleteError[];
  /** Every key of the request, in order (to order the DeleteResult's errors). */
  readonly keys: readonly BodyKey[];
}

/** The authorize stage's result: the request goes on upstream, with this body. */
export interface Forward {
  readonly forward: true;
  /**
   * The body to forward: the bytes read to authorize (DeleteObjects, PutObjectTagging when a
   * policy reads its tags) or a DeleteObjects body rewritten without its denied keys, else the
   * verified stream (reporting its failure), else the client's.
   */
  readonly body: AsyncIterable<Uint8Array> | undefined;
  /** Upstream headers that change with a rewritten body (length, digests); `undefined` removes one. */
  readonly headers?: Readonly<Record<string, string | undefined>> | undefined;
  /** DeleteObjects keys denied (some, not all): their errors join the upstream's DeleteResult. */
  readonly denied?: DeniedKeys | undefined;
}

/** The authorize stage's result: nothing left to send upstream (every DeleteObjects key denied). */
export interface AnswerDenied {
  readonly forward: false;
  readonly denied: DeniedKeys;
}

export type Authorized = Forward | AnswerDenied;

/** What the gateway answers (status, headers, streamed body). */
export interface GatewayResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body?: AsyncIterable<Uint8Array> | Uint8Array | string | undefined;
  /** Facts for the access log and metrics. */
  readonly info: RequestInfo;
}

/** Per-request facts for the access log (never secrets or signatures). */
export interface RequestInfo {
  readonly requestId: string;
  readonly startedAt: number;
  identity?: string | undefined;
  operation?: string | undefined;
  bucket?: string | undefined;
  key?: string | undefined;
  /** The S3 error code when the answer is an error. */
  errorCode?: string | undefined;
  /** Set when authentication failed (the code), for the auth-failure metric. */
  authFailure?: string | undefined;
  /** Set when the upstream failed (S3 code from upstream, or a transport error code). */
  upstreamError?: string | undefined;
  /**
   * Set when the request was aborted before its answer (the client hung up, or the server gave up
   * on it): then `errorCode` is `ClientDisconnected`, and it is neither an upstream failure nor unexpected.
   */
  clientGone?: boolean | undefined;
  /** DeleteObjects keys the policies denied (reported as AccessDenied in the DeleteResult). */
  deniedKeys?: number | undefined;
  /** The answer streams until the client leaves (ListenBucketNotification): a hang-up ends it normally. */
  openEnded?: boolean | undefined;
  bytesIn: () => number;
}
