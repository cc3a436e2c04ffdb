import { Readable } from 'node:stream';
import type { Agent as UndiciAgent, Dispatcher } from 'undici';
import { prepareBody, type RequestBody } from './body.js';
import { TransportRequestError, abortError } from './errors.js';
import { observe } from './interceptors/observe.js';
import { retry } from './interceptors/retry.js';
import { s3Errors } from './interceptors/s3-errors.js';
import { sign, type RequestSigning, type SignOptions } from './interceptors/sign.js';
import { RequestHandler } from './request-handler.js';
import { Agent, EnvHttpProxyAgent, ProxyAgent } from './undici-dispatchers.js';
import type { ResponseBody } from './response-body.js';
import type { AbortSignalLike, TransportResponse } from './types.js';
import type { RetryOptions } from './retry-policy.js';

export interface TlsOptions {
  /** Extra trusted CA certificates (PEM). */
  ca?: string | Buffer | Array<string | Buffer>;
  /** `false` accepts any certificate: for local test endpoints only. **Default:** `true`. */
  rejectUnauthorized?: boolean;
  servername?: string;
}

/**
 * Proxy selection. `'env'` reads `HTTP_PROXY`/`HTTPS_PROXY`/`NO_PROXY` (either case) once, when
 * the transport is created; a string sends every request through that proxy; an object sets
 * the three values explicitly; `false` never uses a proxy.
 */
export type ProxyOption = 'env' | false | string | { http?: string; https?: string; noProxy?: string };

export interface TransportOptions {
  /** Most connections per origin (HTTP/1.1 keep-alive pool). **Default:** `64`. */
  connections?: number;
  /** How long an idle kept-alive connection stays open. **Default:** `4000`. */
  keepAliveTimeoutMs?: number;
  /** **Default:** `10000`. */
  connectTimeoutMs?: number;
  /** Time allowed from sending the request until the response headers arrive. **Default:** `60000`. */
  headersTimeoutMs?: number;
  /** Longest gap between two response body chunks. **Default:** `60000`. */
  bodyTimeoutMs?: number;
  tls?: TlsOptions;
  /** **Default:** `'env'`. */
  proxy?: ProxyOption;
  /** Retry policy, or `false` for a single attempt. **Default:** `{}` (3 attempts). */
  retry?: RetryOptions | false;
  /** Sign every request with SigV4 (see {@link SignOptions}); absent: requests go unsigned. */
  sign?: SignOptions;
  /** Use this dispatcher instead of creating one (connection, TLS and proxy options are then ignored). */
  dispatcher?: Dispatcher;
}

/** One request. Give `url`, or `origin` + `path` (cheaper: no URL parsing). */
export interface TransportRequest {
  method: string;
  url?: string | URL;
  /** `https://host[:port]` */
  origin?: string;
  /** Path and query, already percent-encoded as they are sent. */
  path?: string;
  headers?: Record<string, string | number | undefined>;
  body?: RequestBody | null;
  /**
   * Body length for streaming bodies. `'unknown'` sends `Transfer-Encoding: chunked` (S3 itself
   * needs a length; other endpoints may not). Buffers and files know their length.
   */
  contentLength?: number | 'unknown';
  /**
   * Aborts the request in any phase; the promise or the body stream fails with `TransportAbortedError`
   * (or `TransportTimeoutError` for `AbortSignal.timeout`). An `AbortSignal`, or any {@link AbortSignalLike}.
   */
  signal?: AbortSignalLike;
  /** Per-request signing choice, or `false` to send unsigned (e.g. a presigned URL). */
  signing?: RequestSigning | false;
  /** Response body stream buffer (bytes). **Default:** Node's stream default (16 KiB on Node 20). */
  highWaterMark?: number;
  /**
   * Read a response whose `Content-Length` is at most this many bytes whole before resolving:
   * it arrives as `bytes` (no stream per response: cheaper for small objects and XML answers),
   * and `body` replays them. Larger or unsized responses stream as usual. **Default:** never.
   */
  readWholeUpTo?: number;
}

export interface Transport {
  /**
   * Sends a request; resolves at response headers with a streaming body. Non-2xx responses
   * (except 304) reject with `S3Error`; failures reject with a `TransportError`.
   */
  request(req: TransportRequest): Promise<TransportResponse<ResponseBody>>;
  /** The composed undici dispatcher (pool + interceptors), for `undici.request(url, { dispatcher })`. */
  readonly dispatcher: Dispatcher;
  /** Waits for in-flight requests, then closes the pool. */
  close(): Promise<void>;
  /** Closes the pool now; in-flight requests fail. */
  destroy(): Promise<void>;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`createTransport: ${name} must be a non-negative number, got ${String(value)}`);
  }
  return value;
}

function envProxy(): { http?: string; https?: string; noProxy?: string } | undefined {
  const env = process.env;
  const http = env['http_proxy'] ?? env['HTTP_PROXY'];
  const https = env['https_proxy'] ?? env['HTTPS_PROXY'];
  if (!http && !https) return undefined;
  const noProxy = env['no_proxy'] ?? env['NO_PROXY'];
  return { ...(http ? { http } : {}), ...(https ? { https } : {}), ...(noProxy ? { noProxy } : {}) };
}

function baseDispatcher(options: TransportOptions): Dispatcher {
  const connections = positive('connections', options.connections, 64);
  const tls = options.tls ?? {};
  const connect = {
    timeout: positive('connectTimeoutMs', options.connectTimeoutMs, 10_000),
    ...(tls.ca === undefined ? {} : { ca: tls.ca }),
    ...(tls.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: tls.rejectUnauthorized }),
    ...(tls.servername === undefined ? {} : { servername: tls.servername }),
  };
  const agentOptions = {
    connections: connections === 0 ? null : connections,
    keepAliveTimeout: positive('keepAliveTimeoutMs', options.keepAliveTimeoutMs, 4_000),
    headersTimeout: positive('headersTimeoutMs', options.headersTimeoutMs, 60_000),
    bodyTimeout: positive('bodyTimeoutMs', options.bodyTimeoutMs, 60_000),
    connect,
  } satisfies UndiciAgent.Options;
  const proxy = options.proxy ?? 'env';
  const chosen = proxy === 'env' ? envProxy() : proxy;
  if (chosen === undefined || chosen === false) return new Agent(agentOptions);
  if (typeof chosen === 'string') return new ProxyAgent({ ...agentOptions, uri: chosen, requestTls: connect });
  if (typeof chosen !== 'object') throw new TypeError(`createTransport: proxy must be 'env', false, a URL string or { http, https, noProxy }`);
  return new EnvHttpProxyAgent({
    ...agentOptions,
    requestTls: connect,
    // An empty string keeps undici from falling back to the environment for the unset one.
    httpProxy: chosen.http ?? '',
    httpsProxy: chosen.https ?? chosen.http ?? '',
    noProxy: chosen.noProxy ?? '',
  });
}

const SPLIT_URL = /^(https?:\/\/[^/?#]+)(.*)$/i;

function target(req: TransportRequest): { origin: string; path: string } {
  if (req.origin !== undefined) {
    const path = req.path ?? '/';
    return { origin: req.origin, path: path.startsWith('/') ? path : `/${path}` };
  }
  if (req.url === undefined) throw new TypeError('request: url or origin is required');
  if (typeof req.url === 'string') {
    const m = SPLIT_URL.exec(req.url);
    if (m) {
      const rest = m[2] ?? '';
      const hash = rest.indexOf('#');
      const path = hash < 0 ? rest : rest.slice(0, hash);
      return { origin: (m[1] as string).toLowerCase(), path: path === '' || path.startsWith('?') ? `/${path}` : path };
    }
  }
  const url = typeof req.url === 'string' ? new URL(req.url) : req.url;
  return { origin: url.origin, path: url.pathname + url.search };
}

/**
 * Creates the undici transport: a keep-alive pool (or proxy agent) composed with the s3kit
 * interceptors `observe()` → `s3Errors()` → `sign()` → `retry()` (innermost first).
 *
 * @param options see {@link TransportOptions}
 * @returns a {@link Transport}
 * @throws TypeError for invalid options
 * @example
 * const transport = createTransport({ sign: { credentials, region: 'us-east-1' } });
 * const res = await transport.request({ method: 'GET', url: 'https://s3.amazonaws.com/bucket/key' });
 * const text = await res.body.text();
 */
export function createTransport(options: TransportOptions = {}): Transport {
  if (typeof options !== 'object' || options === null) throw new TypeError('createTransport: options must be an object');
  const base = options.dispatcher ?? baseDispatcher(options);
  const interceptors: Dispatcher.DispatchInterceptor[] = [observe(), s3Errors()];
  if (options.sign !== undefined) interceptors.push(sign(options.sign));
  // With retries off, retry() still turns body factories (files) into a stream per request.
  interceptors.push(retry(options.retry === false ? { maxAttempts: 1 } : (options.retry ?? {})));
  const dispatcher = base.compose(...interceptors);

  async function request(req: TransportRequest): Promise<TransportResponse<ResponseBody>> {
    if (typeof req !== 'object' || req === null || typeof req.method !== 'string') throw new TypeError('request: method is required');
    const { origin, path } = target(req);
    const headers: Record<string, string> = {};
    if (req.headers !== undefined) {
      for (const name in req.headers) {
        const v = req.headers[name];
        if (v !== undefined) headers[name.toLowerCase()] = typeof v === 'string' ? v : String(v);
      }
    }
    const declared = typeof req.contentLength === 'number' ? req.contentLength : headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
    const prepared = req.body == null ? undefined : await prepareBody(req.body, declared);
    if (prepared !== undefined) {
      if (prepared.length !== undefined) headers['content-length'] = String(prepared.length);
      else if (req.contentLength !== 'unknown') {
        throw new TypeError("request: a streaming body needs contentLength (or a content-length header); pass contentLength: 'unknown' to send it chunked");
      }
    }
    const signal = req.signal;
    // One shape for every request (absent fields undefined, no conditional spreads): the
    // interceptors copy it with a spread, which V8 does fast only while shapes do not vary.
    const opts = { origin, path, method: req.method, headers, body: prepared?.body ?? null, signal, signing: req.signing };
    const requestBody = prepared?.body instanceof Readable ? prepared.body : null;
    return new Promise<TransportResponse<ResponseBody>>((resolve, reject) => {
      const handler = new RequestHandler(resolve, reject, requestBody, signal, req);
      if (signal?.aborted) {
        handler.onResponseError(null, abortError(signal.reason));
        return;
      }
      try {
        dispatcher.dispatch(opts as Dispatcher.DispatchOptions, handler);
      } catch (err) {
        handler.onResponseError(null, err instanceof Error ? err : new TransportRequestError(String(err)));
      }
    });
  }

  return {
    request,
    dispatcher,
    close: () => base.close(),
    destroy: () => base.destroy(),
  };
}
