import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chunkedHeaders, encodeChunked, streamingPayloadHash, type ChunkedMode, type SigV4Signer } from '@s3kit/sigv4';
import {
  createGateway,
  createGatewayServer,
  type AccessLogEntry,
  type Gateway,
  type GatewayOptions,
  type GatewayServer,
  type GatewayServerOptions,
  type Identity,
  type Upstream,
} from '../../src/index.js';

export const ADMIN: Identity = { name: 'admin', accessKeyId: 'AKIAGATEWAYADMIN0001', secretAccessKey: 'admin-secret-key-for-tests-only-000000000', allow: [{ bucket: '*', access: 'readwrite' }] };
export const READER: Identity = { name: 'reader', accessKeyId: 'AKIAGATEWAYREADER001', secretAccessKey: 'reader-secret-key-for-tests-only-00000000', allow: [{ bucket: '*', access: 'read' }] };

export interface RunningGateway {
  gateway: Gateway;
  server: GatewayServer;
  endpoint: string;
  port: number;
  log: AccessLogEntry[];
  /** Waits until the access log has an entry for `key` (the request's upstream work is over). */
  loggedFor(key: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A gateway over `upstream` on 127.0.0.1, port 0, served by `createGatewayServer` (as the
 * program does) with `server` options (limits, timeouts).
 */
export async function startGateway(
  upstream: Upstream,
  opts: Partial<GatewayOptions> & { maxConcurrentRequests?: number; server?: Omit<GatewayServerOptions, 'onResponse'> } = {},
): Promise<RunningGateway> {
  const { maxConcurrentRequests, server: serverOptions, ...gatewayOptions } = opts;
  const gateway = createGateway({ identities: [ADMIN, READER], upstreams: { default: upstream }, ...gatewayOptions });
  const log: AccessLogEntry[] = [];
  const server = createGatewayServer(gateway, { maxConcurrentRequests, ...serverOptions, onResponse: (e) => log.push(e) });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    gateway,
    server,
    endpoint: `http://127.0.0.1:${port}`,
    port,
    log,
    async loggedFor(key, timeoutMs = 5000) {
      for (const end = Date.now() + timeoutMs; Date.now() < end; ) {
        if (log.some((e) => e.key === key)) return;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`no log entry for ${key}`);
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One raw HTTP request (for hand-made signatures and framing). */
export function rawRequest(
  port: number,
  init: { method: string; path: string; headers?: Record<string, string>; body?: Uint8Array | string | AsyncIterable<Uint8Array>; abortAfter?: number },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: init.method, path: init.path, headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    const b = init.body;
    if (b === undefined) req.end();
    else if (typeof b === 'string' || b instanceof Uint8Array) req.end(b);
    else
      void (async () => {
        for await (const c of b) if (!req.write(c)) await new Promise((r) => req.once('drain', r));
        req.end();
      })().catch((e: unknown) => req.destroy(e as Error));
  });
}

/**
 * A raw aws-chunked PUT of `data` to `/<bucket>/<key>` through the gateway: 8 KiB chunks and a
 * `checksumAlgorithm` trailer, signed by `signer` (chunk signatures too, unless the mode is
 * unsigned); `tamper` may change the framed body before it is sent.
 */
export async function chunkedPut(
  g: Pick<RunningGateway, 'endpoint' | 'port'>,
  signer: SigV4Signer,
  path: `/${string}/${string}`,
  data: Uint8Array,
  mode: ChunkedMode,
  opts: { checksumAlgorithm: 'crc32' | 'crc32c'; tamper?: (framed: Buffer) => void },
): Promise<RawResponse> {
  const framing = { mode, chunkSize: 8192, checksumAlgorithm: opts.checksumAlgorithm };
  const s = signer.sign({ method: 'PUT', url: `${g.endpoint}${path}`, headers: chunkedHeaders(data.length, framing), payloadHash: streamingPayloadHash(mode) });
  const parts: Buffer[] = [];
  for await (const c of encodeChunked([data], mode === 'streaming-unsigned-trailer' ? undefined : s, framing)) parts.push(Buffer.from(c));
  const framed = Buffer.concat(parts);
  opts.tamper?.(framed);
  return rawRequest(g.port, { method: 'PUT', path, headers: s.headers, body: framed });
}
