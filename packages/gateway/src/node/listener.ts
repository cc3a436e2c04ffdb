import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { s3Error, type S3Error } from '@s3kit/errors';
import type { Gateway } from '../gateway.js';
import { ExchangeAbort } from '../pipeline/abort.js';
import type { GatewayRequest, GatewayResponse } from '../pipeline/types.js';
import type { AccessLogEntry } from './access-log.js';
import { ClientBody, drainRest } from './client-body.js';
import { clientErrorOf, rawErrorResponse } from './client-error.js';
import { forwardedClient, trustProxy, type ProxyTrust } from './forwarded.js';
import { watchHangUp, type HangUp } from './hang-up.js';
import { isUnsigned, malformedRequest } from './request-checks.js';
import { sendResponse } from './send.js';
import { Slots, unauthenticatedLimit } from './slots.js';

/** Options of {@link toNodeListener}. */
export interface NodeListenerOptions {
  /** Requests handled at once; the excess is answered `SlowDown` (503). **Default:** `Infinity`. */
  readonly maxConcurrentRequests?: number | undefined;
  /**
   * The share of `maxConcurrentRequests` that requests without a signature (anonymous ones, and
   * POST forms until their signature was verified) may hold; the excess is answered `SlowDown`
   * (503). **Default:** `0.5`.
   */
  readonly maxUnauthenticatedShare?: number | undefined;
  /**
   * Bytes of request line and headers, all headers counted; more is `RequestHeaderSectionTooLarge`
   * (400). **Default:** `Infinity` (only Node's own `maxHeaderSize`; {@link createGatewayServer} sets 16 KiB).
   */
  readonly maxHeaderSize?: number | undefined;
  /**
   * Longest wait for the next request body bytes (ms), timed only while the gateway waits for the
   * client; also the grace period of `minBodyBytesPerSecond`. Longer is `RequestTimeout` (400).
   * **Default:** `20000`.
   */
  readonly bodyTimeoutMs?: number | undefined;
  /**
   * Body bytes per second of waiting a client must keep up once the gateway has waited
   * `bodyTimeoutMs` for its body (so a trickle cannot hold a slot); 0 turns it off.
   * **Default:** `1024`.
   */
  readonly minBodyBytesPerSecond?: number | undefined;
  /** Called once per request when its response is done (for access logs and metrics). */
  readonly onResponse?: ((entry: AccessLogEntry) => void) | undefined;
  /**
   * Trusted reverse proxies (addresses, CIDRs, `loopback`; see `trustProxy()`): only from them do
   * `X-Forwarded-For/Proto/Host` set the client's address (`aws:SourceIp`, the access log), TLS
   * (`aws:SecureTransport`) and host (URLs handed out). **Default:** none (the headers are ignored).
   */
  readonly trustProxy?: readonly string[] | ProxyTrust | undefined;
}

/** A `node:http` request listener with its in-flight count (for readiness and draining). */
export interface NodeListener {
  (req: IncomingMessage, res: ServerResponse): void;
  /** Requests in flight (holding a concurrency slot). */
  readonly active: number;
  /**
   * The server's `checkContinue` handler: `100 Continue` is sent only when the gateway first
   * reads the body, i.e. after the request was authenticated and authorized; a refused request
   * gets its error without the body being sent.
   */
  checkContinue(req: IncomingMessage, res: ServerResponse): void;
  /**
   * The server's `clientError` handler: a request whose body Node could not parse is answered
   * with S3 error XML through its response (logged, its slot released); a connection with no
   * request in flight gets the raw S3 error and is closed.
   */
  clientError(err: NodeJS.ErrnoException, socket: Duplex): void;
}

/** One request being handled, as seen by the socket's `clientError`. */
interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly body: ClientBody | undefined;
  readonly abort: ExchangeAbort;
  /** Set when the exchange must be answered with this error, whatever the gateway returns. */
  override: S3Error | undefined;
  /** Refused before the gateway saw it (no slot, malformed): its error answer is already on its way. */
  readonly refused?: true;
}

const noop = (): void => {};
/** How long a request whose connection broke may take to answer before the socket is destroyed. */
const BROKEN_ANSWER_MS = 5000;
/** The most of a refused body read before answering, and how long that may take. */
const DRAIN_FIRST_BYTES = 64 * 1024;
const DRAIN_FIRST_MS = 1000;
const wentAway = (): S3Error => s3Error('RequestTimeout', 'The client went away.');

/**
 * Adapts a gateway to `node:http` (or `node:https`): streams both ways with backpressure,
 * aborts the upstream request when the client disconnects, and destroys the response when the
 * upstream body fails mid-way (the client sees a reset, never a truncated success). Each
 * request's slot is released when its response ends, whatever ended it (finished, socket
 * closed, parse error). Wire `checkContinue` and `clientError` too, or use
 * {@link createGatewayServer}, which does.
 */
export function toNodeListener(gateway: Gateway, options: NodeListenerOptions = {}): NodeListener {
  const max = options.maxConcurrentRequests ?? Infinity;
  const slots = new Slots(max, unauthenticatedLimit(max, options.maxUnauthenticatedShare ?? 0.5));
  const maxHeaderSize = options.maxHeaderSize ?? Infinity;
  const timeouts = { idleMs: options.bodyTimeoutMs ?? 20_000, minBytesPerSecond: options.minBodyBytesPerSecond ?? 1024 };
  // The exchange a socket carries, kept on the socket (one shared property, no WeakMap entry per request).
  const EXCHANGE: unique symbol = Symbol('s3kit.exchange');
  type Carrying = Duplex & { [EXCHANGE]?: Exchange | undefined };
  const trusted = typeof options.trustProxy === 'function' ? options.trustProxy : options.trustProxy === undefined ? undefined : trustProxy(options.trustProxy);

  const serve = (req: IncomingMessage, res: ServerResponse, expectsContinue: boolean): void => {
    const startedAt = performance.now();
    const method = req.method ?? 'GET';
    const client = forwardedClient({ remoteAddress: req.socket?.remoteAddress, secure: (req.socket as { encrypted?: boolean } | undefined)?.encrypted === true }, req.headers, trusted);
    // Errors of the request stream reach us through close/complete; never as an uncaught event.
    req.on('error', noop);
    const refused = malformedRequest(req, maxHeaderSize);
    const slot = refused === undefined ? slots.acquire(isUnsigned(req)) : undefined;
    if (slot === undefined) {
      // Known to clientError, so a body Node then fails to parse cannot answer over this one.
      const refusedExchange: Exchange = { req, res, abort: new ExchangeAbort(), body: undefined, override: undefined, refused: true };
      const refusedSocket: Carrying = req.socket;
      refusedSocket[EXCHANGE] = refusedExchange;
      res.on('close', () => {
        if (refusedSocket[EXCHANGE] === refusedExchange) refusedSocket[EXCHANGE] = undefined;
      });
      const hangUp = watchHangUp(res, req.socket);
      void answer(req, res, gateway.errorResponse(refused ?? s3Error('SlowDown'), method, resourceOf(req)), {
        method,
        startedAt,
        body: undefined,
        continued: !expectsContinue,
        options,
        remoteAddress: client.remoteAddress,
        hangUp,
      }).finally(() => hangUp.dispose());
      return;
    }
    // Not an AbortController: a real AbortSignal is made from it only for an upstream that needs one.
    const abort = new ExchangeAbort();
    const hasBody = method !== 'GET' && method !== 'HEAD';
    let continued = !expectsContinue;
    const exchange: Exchange = {
      req,
      res,
      abort,
      override: undefined,
      body: hasBody
        ? new ClientBody(req, timeouts, {
            onFirstPull: () => {
              if (continued) return;
              continued = true;
              if (!res.headersSent && !res.destroyed) res.writeContinue();
            },
            onTimeout: (err) => {
              exchange.override ??= err;
              abort.abort(err);
            },
          })
        : undefined,
    };
    const socket: Carrying = req.socket;
    socket[EXCHANGE] = exchange;
    const done = (): void => {
      slot.release();
      if (socket[EXCHANGE] === exchange) socket[EXCHANGE] = undefined;
    };
    // on(), not once(): each fires once per exchange (no wrapper to make, no list to search).
    res.on('close', done);
    // Also when the response never gets the socket (pipelined behind one the client left): no 'close' comes for it.
    const hangUp = watchHangUp(res, socket, () => {
      abort.abort(wentAway());
      done();
    });
    req.on('close', () => {
      if (!req.complete) abort.abort(wentAway());
    });
    void exchangeAnswer({
      method,
      target: req.url ?? '/',
      headers: headerPairs(req.rawHeaders),
      body: exchange.body,
      signal: abort,
      remoteAddress: client.remoteAddress,
      secure: client.secure,
      host: client.host,
      onAuthenticated: slot.promote,
    });
    // One async function instead of a .catch/.then/.finally chain: fewer promises per request.
    async function exchangeAnswer(request: GatewayRequest): Promise<void> {
      let out: GatewayResponse;
      try {
        out = await gateway.handle(request);
      } catch (err) {
        out = gateway.errorResponse(s3Error('InternalError', undefined, { cause: err }), method, resourceOf(req));
      }
      try {
        await answer(req, res, exchange.override === undefined ? out : overridden(gateway, out, exchange.override, method, resourceOf(req)), {
          method,
          startedAt,
          body: exchange.body,
          continued,
          drainFirst: exchange.override === undefined,
          options,
          remoteAddress: client.remoteAddress,
          hangUp,
        });
      } finally {
        done();
        hangUp.dispose();
      }
    }
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => serve(req, res, false);
  Object.defineProperty(listener, 'active', { get: () => slots.active });
  return Object.assign(listener, {
    checkContinue: (req: IncomingMessage, res: ServerResponse): void => serve(req, res, true),
    clientError: (err: NodeJS.ErrnoException, socket: Duplex): void => {
      const e = clientErrorOf(err);
      const exchange = (socket as Carrying)[EXCHANGE];
      if (err.code === 'ECONNRESET') socket.destroy();
      else if (exchange?.refused === true) {
        // Its SlowDown (or malformed-request) answer is being sent and logged: let it finish, then close.
        setTimeout(() => socket.destroy(), BROKEN_ANSWER_MS).unref();
      } else if (err.code === 'HPE_INVALID_EOF_STATE' && exchange !== undefined && !exchange.req.complete) {
        // The client ended the connection in the middle of its body: it hung up, nothing to parse.
        exchange.abort.abort(wentAway());
        socket.destroy();
      } else if (exchange !== undefined && !exchange.res.headersSent) {
        // Node parsed the headers and dispatched the request, then its body failed to parse:
        // answer through the response (logged, slot released), then the connection closes.
        exchange.override ??= e;
        exchange.body?.fail(e);
        exchange.abort.abort(e);
        setTimeout(() => socket.destroy(), BROKEN_ANSWER_MS).unref();
      } else if (exchange === undefined && socket.writable) socket.end(rawErrorResponse(e));
      else socket.destroy();
    },
  }) as unknown as NodeListener;
}

/** The request's path, for error answers (the gateway's own are built from what it parsed). */
function resourceOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

function headerPairs(raw: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i]!, raw[i + 1]!]);
  return pairs;
}

/** The gateway's answer replaced by `err` (timeouts, parse errors), keeping what it learned of the request. */
function overridden(gateway: Gateway, out: GatewayResponse, err: S3Error, method: string, resource: string): GatewayResponse {
  const e = gateway.errorResponse(err, method, resource);
  const { info } = out;
  Object.assign(e.info, { identity: info.identity, operation: info.operation, bucket: info.bucket, key: info.key, authFailure: info.authFailure });
  return e;
}

async function answer(
  req: IncomingMessage,
  res: ServerResponse,
  out: GatewayResponse,
  ctx: {
    method: string;
    startedAt: number;
    body: ClientBody | undefined;
    continued: boolean;
    /** A small rest of a refused body may be read before answering (not after a body timeout). */
    drainFirst?: boolean;
    options: NodeListenerOptions;
    remoteAddress: string | undefined;
    hangUp: HangUp;
  },
): Promise<void> {
  const len = req.headers['content-length'];
  let bodyPending = !req.complete && ((len !== undefined && len !== '0') || req.headers['transfer-encoding'] !== undefined);
  // A refused request (a POST form with a bad signature ...) whose small rest is still coming: read
  // it first (briefly), so a client still sending sees the answer, not a reset of a closed connection.
  if (bodyPending && out.status >= 400 && ctx.continued && ctx.drainFirst === true && len !== undefined && Number(len) - (ctx.body?.bytes ?? 0) <= DRAIN_FIRST_BYTES && !req.destroyed) {
    await drainRest(req, ctx.body, DRAIN_FIRST_MS);
    bodyPending = !req.complete;
  }
  // A refused upload whose body is still coming, or one the client holds back for a 100 Continue
  // never sent: answer, then close (as S3 does) instead of reading the body as the next request.
  if (bodyPending && (out.status >= 400 || !ctx.continued)) out.headers['connection'] = 'close';
  const sent = await sendResponse(res, out, ctx.method, ctx.hangUp);
  // Read what the client still sends, so it sees the answer instead of a reset.
  if (bodyPending && !req.destroyed) {
    req.on('data', (c: Buffer) => ctx.body?.countDrained(c.length));
    req.resume();
  }
  const { info } = out;
  // An open-ended answer (ListenBucketNotification) ends when the client leaves: that is its end, not a failure.
  const ended = sent.clientGone && info.openEnded === true && info.errorCode === undefined;
  if (sent.clientGone && !ended && info.errorCode === undefined) {
    // Gone in the middle of the answer (a download cut short): a disconnect, whatever was sent.
    info.clientGone = true;
    info.errorCode = 'ClientDisconnected';
  }
  ctx.options.onResponse?.({
    requestId: info.requestId,
    method: ctx.method,
    identity: info.identity,
    operation: info.operation,
    bucket: info.bucket,
    key: info.key,
    status: res.headersSent ? out.status : 0,
    errorCode: info.errorCode,
    authFailure: info.authFailure,
    upstreamError: info.upstreamError,
    deniedKeys: info.deniedKeys,
    bytesIn: ctx.body?.bytes ?? 0,
    bytesOut: sent.bytesOut,
    durationMs: performance.now() - ctx.startedAt,
    complete: sent.complete || ended,
    remoteAddress: ctx.remoteAddress,
  });
}
