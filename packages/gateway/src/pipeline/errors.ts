import { S3Error, isS3Error } from '@s3kit/errors';
import { isTransportError } from '@s3kit/http-transport';
import { buildErrorXml } from '@s3kit/xml-shapes';
import type { GatewayResponse, RequestInfo } from './types.js';

/** Context for {@link toErrorResponse}. */
export interface ErrorContext {
  readonly method: string;
  readonly resource: string;
  readonly info: RequestInfo;
  /** Called with anything that is not an S3Error (a gateway bug or an upstream transport failure). */
  readonly onUnexpected?: ((err: unknown, info: RequestInfo) => void) | undefined;
}

/** An upstream that cannot be reached answers like S3 does when overloaded: retryable 503. */
function fromTransport(err: unknown): S3Error {
  const code = (err as { code?: string }).code ?? 'transport';
  return new S3Error('ServiceUnavailable', { message: 'The upstream could not be reached.', cause: err, details: { reason: code } });
}

/**
 * The single error boundary: an S3Error becomes its XML body with its status and headers;
 * transport failures become ServiceUnavailable (503); anything else InternalError (500),
 * reported to `onUnexpected` with the request id. HEAD and 304 get status and headers only.
 */
export function toErrorResponse(err: unknown, ctx: ErrorContext): GatewayResponse {
  let e: S3Error;
  if (isS3Error(err)) e = err;
  else if (isTransportError(err)) {
    e = fromTransport(err);
    ctx.info.upstreamError ??= (err as { code?: string }).code;
    ctx.onUnexpected?.(err, ctx.info);
  } else {
    e = new S3Error('InternalError', { cause: err });
    ctx.onUnexpected?.(err, ctx.info);
  }
  ctx.info.errorCode = e.code;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(e.headers ?? {})) if (v !== undefined) headers[k.toLowerCase()] = String(v);
  headers['x-amz-request-id'] = ctx.info.requestId;
  if (ctx.method === 'HEAD' || e.status === 304) return { status: e.status, headers, info: ctx.info };
  const xml = buildErrorXml(e, { requestId: ctx.info.requestId, resource: e.resource ?? ctx.resource });
  headers['content-type'] = 'application/xml';
  headers['content-length'] = String(Buffer.byteLength(xml));
  return { status: e.status, headers, body: xml, info: ctx.info };
}
