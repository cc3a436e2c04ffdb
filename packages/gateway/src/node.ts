import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { s3Error } from '@s3kit/errors';
import { buildErrorXml } from '@s3kit/xml-shapes';
import type { Gateway } from './gateway.js';
import type { GatewayResponse } from './pipeline/types.js';

/** One access-log line: who did what, with which outcome (never secrets or signatures). */
export interface AccessLogEntry {
  readonly requestId: string;
  readonly method: string;
  readonly identity: string | undefined;
  readonly operation: string | undefined;
  readonly bucket: string | undefined;
  readonly key: string | undefined;
  readonly status: number;
  readonly errorCode: string | undefined;
  readonly authFailure: string | undefined;
  readonly upstreamError: string | undefined;
  /** DeleteObjects keys the policies denied (their AccessDenied entries are in the 200 DeleteResult). */
  readonly deniedKeys: number | undefined;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly durationMs: number;
  /** False when the response was cut short (client gone, upstream reset mid-body). */
  readonly complete: boolean;
  readonly remoteAddress: string | undefined;
}

/** Options of {@link toNodeListener}. */
export interface NodeListenerOptions {
  /** Requests handled at once; the excess is answered `SlowDown` (503). **Default:** `Infinity`. */
  readonly maxConcurrentRequests?: number | undefined;
  /** Called once per request when its response is done (for access logs and metrics). */
  readonly onResponse?: ((entry: AccessLogEntry) => void) | undefined;
}

/** A `node:http` request listener with its in-flight count (for readiness and draining). */
export interface NodeListener {
  (req: IncomingMessage, res: ServerResponse): void;
  /** Requests in flight. */
  readonly active: number;
}

function headerPairs(raw: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i]!, raw[i + 1]!]);
  return pairs;
}

/**
 * Adapts a gateway to `node:http` (or `node:https`): streams both ways with backpressure,
 * aborts the upstream request when the client disconnects, and destroys the response when the
 * upstream body fails mid-way (the client sees a reset, never a truncated success).
 */
export function toNodeListener(gateway: Gateway, options: NodeListenerOptions = {}): NodeListener {
  const max = options.maxConcurrentRequests ?? Infinity;
  let active = 0;
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    const method = req.method ?? 'GET';
    if (active >= max) {
      const out = gateway.errorResponse(s3Error('SlowDown'), method, (req.url ?? '/').split('?')[0]!);
      void send(req, res, out, method, options);
      return;
    }
    active++;
    const ac = new AbortController();
    const abort = (): void => ac.abort(s3Error('RequestTimeout', 'The client went away.'));
    req.once('close', () => {
      if (!req.complete) abort();
    });
    res.once('close', () => {
      if (!res.writableFinished) abort();
    });
    const hasBody = method !== 'GET' && method !== 'HEAD';
    void gateway
      .handle({
        method,
        target: req.url ?? '/',
        headers: headerPairs(req.rawHeaders),
        body: hasBody ? req : undefined,
        signal: ac.signal,
        remoteAddress: req.socket?.remoteAddress,
        secure: (req.socket as { encrypted?: boolean } | undefined)?.encrypted === true,
      })
      .then((out) => send(req, res, out, method, options))
      .finally(() => active--);
  };
  Object.defineProperty(listener, 'active', { get: () => active });
  return listener as NodeListener;
}

async function send(req: IncomingMessage, res: ServerResponse, out: GatewayResponse, method: string, options: NodeListenerOptions): Promise<void> {
  let complete = false;
  const remoteAddress = req.socket?.remoteAddress;
  const { body } = out;
  try {
    if (res.destroyed) return;
    // A refused upload whose body is still coming: answer, read the rest, then close (as S3 does).
    const len = req.headers['content-length'];
    const bodyPending = !req.complete && ((len !== undefined && len !== '0') || req.headers['transfer-encoding'] !== undefined);
    if (out.status >= 400 && bodyPending) out.headers['connection'] = 'close';
    res.writeHead(out.status, out.headers);
    if (body === undefined || typeof body === 'string' || body instanceof Uint8Array) {
      await new Promise<void>((resolve) => res.end(body, () => resolve()));
    } else {
      await pipeline(body instanceof Readable ? body : Readable.from(body, { objectMode: false }), res);
    }
    complete = true;
    // Read what the client still sends, so it sees the answer instead of a reset.
    if (bodyPending) req.resume();
  } catch {
    res.destroy();
  } finally {
    const len = Number(out.headers['content-length'] ?? (typeof body === 'string' ? Buffer.byteLength(body) : body instanceof Uint8Array ? body.length : 0));
    const { info } = out;
    options.onResponse?.({
      requestId: info.requestId,
      method,
      identity: info.identity,
      operation: info.operation,
      bucket: info.bucket,
      key: info.key,
      status: out.status,
      errorCode: info.errorCode,
      authFailure: info.authFailure,
      upstreamError: info.upstreamError,
      deniedKeys: info.deniedKeys,
      bytesIn: info.bytesIn(),
      bytesOut: complete && method !== 'HEAD' ? len : 0,
      durationMs: performance.now() - info.startedAt,
      complete,
      remoteAddress,
    });
  }
}

/**
 * The raw HTTP response for a request Node's parser refused before any handler ran (the
 * server's `clientError` event): S3 error XML with the S3 code, then the connection closes.
 * Oversized headers (`HPE_HEADER_OVERFLOW`) are `RequestHeaderSectionTooLarge` (400);
 * anything else malformed is `InvalidRequest` (400).
 */
export function clientErrorResponse(err: { code?: string | undefined }): string {
  const e =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? s3Error('RequestHeaderSectionTooLarge')
      : s3Error('InvalidRequest', 'The HTTP request could not be parsed.');
  const xml = buildErrorXml(e, {});
  return (
    `HTTP/1.1 ${e.status} Bad Request\r\nContent-Type: application/xml\r\n` +
    `Content-Length: ${Buffer.byteLength(xml)}\r\nConnection: close\r\n\r\n${xml}`
  );
}
