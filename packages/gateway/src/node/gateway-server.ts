import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer, type ServerOptions as HttpsServerOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import { s3Error } from '@s3kit/errors';
import type { Gateway } from '../gateway.js';
import { rawErrorResponse } from './client-error.js';
import { toNodeListener, type NodeListener, type NodeListenerOptions } from './listener.js';

/** Options of {@link createGatewayServer}: the listener's, plus the server's limits. */
export interface GatewayServerOptions extends NodeListenerOptions {
  /** Bytes of request line and headers (all headers counted). **Default:** `16384`. */
  readonly maxHeaderSize?: number | undefined;
  /** Time to receive a whole request, headers and body (ms); 0 turns it off. **Default:** `900000`. */
  readonly requestTimeoutMs?: number | undefined;
  /** Time to receive the request headers (ms). **Default:** `60000`. */
  readonly headersTimeoutMs?: number | undefined;
  /** How long an idle keep-alive connection stays open (ms). **Default:** `5000`. */
  readonly keepAliveTimeoutMs?: number | undefined;
  /** Serve HTTPS with these TLS options (`key`, `cert`, `ca`, …); `setSecureContext()` swaps them later. */
  readonly tls?: HttpsServerOptions | undefined;
  /**
   * Requests the caller answers itself, before the gateway (e.g. a program's own pages): return
   * true when `res` was taken. They hold no concurrency slot.
   */
  readonly routes?: ((req: IncomingMessage, res: ServerResponse) => boolean) | undefined;
  /**
   * Serve with this listener instead of `toNodeListener(gateway, options)` (e.g. one that switches
   * to a new gateway and limits on reload while requests in flight finish on theirs).
   */
  readonly listener?: NodeListener | undefined;
}

/** How long a refused CONNECT's connection may stay open after its answer (ms). */
const CONNECT_GRACE_MS = 1000;

/** A `node:http` (or `node:https`) server around a gateway, with its listener (in-flight count). */
export type GatewayServer<S extends HttpServer = HttpServer> = S & { readonly listener: NodeListener };

/** The connection-check period: a tenth of the shortest timeout, so timeouts fire within 10 % (Node's default of 30 s made a 3 s timeout fire at ~15 s). */
function checkingInterval(...timeoutsMs: number[]): number {
  const shortest = Math.min(...timeoutsMs.filter((t) => t > 0));
  return Math.min(30_000, Math.max(50, Math.floor(shortest / 10)));
}

/**
 * Creates a `node:http` server (`node:https` with `tls`) serving `gateway` as S3 does at the
 * HTTP level: the header size counts every header, Node's timeouts fire near their values and
 * are answered `RequestTimeout`, malformed requests get S3 error XML (`clientError`), `CONNECT`
 * is `MethodNotAllowed` (405), `Expect: 100-continue` is answered only once the request was
 * authorized, and other `Expect` values are ignored (as S3 does) instead of `417`.
 * Call `listen()` on it; `server.listener.active` counts requests in flight (for draining).
 * @example
 * const server = createGatewayServer(gateway, { maxConcurrentRequests: 256 });
 * server.listen(9000, '127.0.0.1');
 */
export function createGatewayServer(gateway: Gateway, options: GatewayServerOptions & { tls: HttpsServerOptions }): GatewayServer<HttpsServer>;
export function createGatewayServer(gateway: Gateway, options?: GatewayServerOptions): GatewayServer;
export function createGatewayServer(gateway: Gateway, options: GatewayServerOptions = {}): GatewayServer<HttpServer | HttpsServer> {
  const maxHeaderSize = options.maxHeaderSize ?? 16 * 1024;
  const requestTimeout = options.requestTimeoutMs ?? 15 * 60_000;
  const headersTimeout = options.headersTimeoutMs ?? 60_000;
  const listener = options.listener ?? toNodeListener(gateway, { ...options, maxHeaderSize });
  const serverOptions = {
    maxHeaderSize,
    requestTimeout,
    // Node refuses a headers timeout longer than the request timeout.
    headersTimeout: requestTimeout > 0 ? Math.min(headersTimeout, requestTimeout) : headersTimeout,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 5000,
    connectionsCheckingInterval: checkingInterval(requestTimeout, headersTimeout),
    // Host is checked by the listener, to answer S3 XML instead of an empty 400.
    requireHostHeader: false,
  };
  const routes = options.routes;
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    if (routes === undefined || !routes(req, res)) listener(req, res);
  };
  const server = options.tls === undefined ? createHttpServer(serverOptions, onRequest) : createHttpsServer({ ...options.tls, ...serverOptions }, onRequest);
  // Count every header (the listener checks their total size); Node would drop those past 2000.
  server.maxHeadersCount = 0;
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (routes === undefined || !routes(req, res)) listener.checkContinue(req, res);
    // The caller's own routes read their (small) bodies at once.
    else if (!res.headersSent) res.writeContinue();
  });
  // S3 ignores Expect values other than 100-continue (clients of the awscli/boto3 era send some).
  server.on('checkExpectation', onRequest);
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => listener.clientError(err, socket));
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    socket.on('error', () => socket.destroy());
    // The socket comes unread: drain what the client sends (so its end is seen), and close it
    // for good shortly after the answer, whatever the client does.
    socket.resume();
    const closing = setTimeout(() => socket.destroy(), CONNECT_GRACE_MS).unref();
    socket.once('close', () => clearTimeout(closing));
    socket.end(rawErrorResponse(s3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.', { details: { Method: 'CONNECT', ResourceType: 'SERVICE' } })));
  });
  return Object.assign(server, { listener });
}
