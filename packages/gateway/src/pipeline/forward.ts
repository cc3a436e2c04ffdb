import { isS3Error } from '@s3kit/errors';
import { isTransportError, type Transport, type TransportRequest } from '@s3kit/http-transport';
import type { Upstream, UpstreamResponse } from '../upstreams/upstream.js';
import { forUpstream, type AbortableRequest } from './abort.js';

/**
 * Stage 5: hands the request to its upstream. The body streams with backpressure (the upstream
 * pulls it); the exchange's abort (client disconnect) aborts the upstream request: as it is for
 * the S3 upstream and the local store, as a real `signal` for every other one.
 * @throws S3Error as the upstream answered it; transport errors for a remote upstream.
 */
export function forward(upstream: Upstream, req: AbortableRequest): Promise<UpstreamResponse> {
  return upstream.handle(forUpstream(upstream, req));
}

/** Responses up to this size are read whole: one buffer, no stream per response (small objects, XML answers). */
const READ_WHOLE_UP_TO = 64 * 1024;

/**
 * Stage 5 for a remote S3: one transport request, response headers as soon as they arrive, the
 * body streamed (a reset mid-download errors the stream, so the client never sees a truncated
 * success); a small body is read whole first (a reset then fails the request before any answer).
 * Takes `req` over: it is sent as it is, with `readWholeUpTo` set on it.
 */
export async function forwardHttp(transport: Transport, req: TransportRequest): Promise<UpstreamResponse> {
  // `req` was made for this call (resign): set on it, not spread into a copy per request.
  if (req.method !== 'HEAD') req.readWholeUpTo = READ_WHOLE_UP_TO;
  let res: Awaited<ReturnType<Transport['request']>>;
  try {
    res = await transport.request(req);
  } catch (err) {
    throw upstreamAnswer(err);
  }
  const headers: Record<string, string> = {};
  // for-in: no entries array per response.
  const from = res.headers;
  for (const k in from) {
    const v = from[k];
    if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  if (req.method === 'HEAD' || res.statusCode === 204 || res.statusCode === 304) {
    // A body read whole is done with; only a streamed one is drained (no replay stream made to dump it).
    if (res.bytes === undefined) await res.body.dump();
    return { status: res.statusCode, headers };
  }
  return { status: res.statusCode, headers, body: res.bytes ?? res.body };
}

/**
 * The upstream's own S3 error answer when the transport wrapped it: a retryable answer (500
 * InternalError, 503 SlowDown) to a request whose streamed body cannot be replayed comes back as
 * a not-replayable transport error. The client gets the upstream's status, code and message;
 * only failures with no S3 answer behind them stay transport errors.
 */
function upstreamAnswer(err: unknown): unknown {
  return isTransportError(err) && isS3Error(err.cause) ? err.cause : err;
}
