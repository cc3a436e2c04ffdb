import { isS3Error } from '@s3kit/errors';
import { createTransport, isTransportError, type Transport, type TransportOptions } from '@s3kit/http-transport';
import { SigV4Signer } from '@s3kit/sigv4';
import { forwardHttp } from '../pipeline/forward.js';
import { resign } from '../pipeline/resign.js';
import type { Upstream, UpstreamRequest, UpstreamResponse } from './upstream.js';

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
}

/** Options of {@link createS3Upstream}. */
export interface S3UpstreamOptions {
  /** `http(s)://host[:port]`. */
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string | undefined };
  /** **Default:** `'path'`. */
  readonly addressing?: 'path' | 'virtual' | undefined;
  /** Client bucket → upstream bucket. **Default:** `{}` (same names). */
  readonly buckets?: Readonly<Record<string, string>> | undefined;
  readonly profile?: UpstreamProfile | undefined;
  /** Transport options (connections, timeouts, TLS, proxy). Retries are off for streamed bodies by nature. */
  readonly transport?: Omit<TransportOptions, 'sign'> | undefined;
}

/** A remote S3 endpoint as an {@link Upstream}: re-signs each request with its credentials. */
export interface S3Upstream extends Upstream {
  readonly endpoint: string;
  /** A presigned URL on the upstream for the same request (for the gateway's redirect offload). */
  presign(req: UpstreamRequest, expiresIn: number): string;
  close(): Promise<void>;
}

/**
 * Creates an upstream that re-signs requests for a remote S3 (SigV4 with the upstream's
 * credentials and region) and forwards them through @s3kit/http-transport.
 */
export function createS3Upstream(options: S3UpstreamOptions): S3Upstream {
  const transport: Transport = createTransport({
    retry: { maxAttempts: 2 },
    ...options.transport,
    sign: { credentials: { ...options.credentials }, region: options.region },
  });
  const target = {
    endpoint: options.endpoint.replace(/\/+$/, ''),
    addressing: options.addressing ?? 'path',
    buckets: options.buckets ?? {},
    checksumHeaders: options.profile?.checksumHeaders ?? true,
    signPayloadHash: options.profile?.signPayloadHash ?? true,
    trailers: options.profile?.trailers ?? false,
  } as const;
  const signer = new SigV4Signer({ credentials: { ...options.credentials }, region: options.region });
  const presign = (req: UpstreamRequest, expiresIn: number): string => {
    const t = resign({ ...req, body: undefined }, target);
    return signer.presign({ method: req.method, url: `${t.origin}${t.path}`, expiresIn }).url;
  };
  return {
    endpoint: target.endpoint,
    presign,
    capabilities: { presign, acceptsUnknownLength: false },
    handle(req: UpstreamRequest): Promise<UpstreamResponse> {
      return forwardHttp(transport, resign(req, target)).catch(upstreamAnswer);
    },
    close: () => transport.close(),
  };
}

/**
 * The upstream's own S3 error answer when the transport wrapped it: a retryable answer (500
 * InternalError, 503 SlowDown) to a request whose streamed body cannot be replayed comes back as
 * a not-replayable transport error. The client gets the upstream's status, code and message;
 * only failures with no S3 answer behind them stay transport errors.
 */
function upstreamAnswer(err: unknown): never {
  if (isTransportError(err) && isS3Error(err.cause)) throw err.cause;
  throw err;
}
