/**
 * `@s3kit/http-transport/fetch`: the same request interface on top of `fetch`, for browsers,
 * Workers, Deno and Bun. Web APIs only: no `node:` imports, no Buffer, no process.
 */
import { EMPTY_SHA256, SigV4Signer, UNSIGNED_PAYLOAD, type Credentials } from '@s3kit/sigv4';
import { abortError, TransportNotReplayableError, TransportSocketError, toTransportError } from './errors.js';
import { isRetryable, retryDelay, retryPolicy, type RetryOptions } from './retry-policy.js';
import { s3ErrorFromResponse } from './s3-error-response.js';
import type { ResponseBodyMixin, TransportResponse } from './types.js';

export * from './neutral.js';
export type { RetryOptions } from './retry-policy.js';

/** A body `fetch` can send. Streams need `duplex: 'half'` support (Chromium, Node, Workers). */
export type FetchBodySource = string | Uint8Array | ReadableStream<Uint8Array> | Blob;
/** Called once per attempt: makes a stream body replayable. */
export type FetchBodyFactory = () => FetchBodySource;

export interface FetchSignOptions {
  credentials: Credentials | (() => Credentials | Promise<Credentials>);
  region: string;
  /** **Default:** `'s3'`. */
  service?: string;
  /** `'auto'` hashes strings and byte arrays and sends streams/Blobs as `UNSIGNED-PAYLOAD`. **Default:** `'auto'`. */
  payload?: 'auto' | 'unsigned';
  clock?: () => number;
}

export interface FetchTransportOptions {
  /** **Default:** `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** **Default:** `{}` (3 attempts); `false` for one attempt. */
  retry?: RetryOptions | false;
  /** Sign each attempt with SigV4. */
  sign?: FetchSignOptions;
}

export interface FetchTransportRequest {
  method: string;
  url?: string | URL;
  origin?: string;
  path?: string;
  headers?: Record<string, string | number | undefined>;
  body?: FetchBodySource | FetchBodyFactory | null;
  signal?: AbortSignal;
  /**
   * Per-request signing: `false` sends unsigned; `payloadHash` overrides the hash; `payload: 'hashed'`
   * hashes a string or byte-array body even when the transport signs `'unsigned'` (XML control bodies).
   */
  signing?: false | { payloadHash?: string; payload?: 'hashed' };
}

export interface FetchTransport {
  request(req: FetchTransportRequest): Promise<TransportResponse<FetchResponseBody>>;
  close(): Promise<void>;
}

/** Headers a browser sets itself (setting them fails or is ignored). */
const BROWSER_OWNED = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive']);

function headersToRecord(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name] = value;
  });
  return out;
}

function mapError(err: unknown, signal: AbortSignal | undefined): Error {
  if (signal?.aborted) return abortError(signal.reason);
  if (err instanceof Error && err.name === 'TypeError') {
    // fetch reports every network failure as TypeError; Node's undici adds a coded cause.
    const mapped = toTransportError(err);
    if (mapped.name !== 'TransportRequestError') return mapped;
    return new TransportSocketError(`network error: ${err.message}`, { cause: err });
  }
  return toTransportError(err);
}

/** A fetch `Response` body with the same reading methods as the undici transport's body; errors become transport errors. */
export class FetchResponseBody implements ResponseBodyMixin {
  readonly #response: Response;
  readonly #signal: AbortSignal | undefined;

  constructor(response: Response, signal: AbortSignal | undefined) {
    this.#response = response;
    this.#signal = signal;
  }

  stream(): ReadableStream<Uint8Array> {
    const source = this.#response.body;
    if (source === null) return new ReadableStream<Uint8Array>({ start: (c) => c.close() });
    const reader = source.getReader();
    const signal = this.#signal;
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) controller.close();
          else controller.enqueue(value);
        } catch (err) {
          controller.error(mapError(err, signal));
        }
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    });
  }

  async bytes(): Promise<Uint8Array> {
    try {
      return new Uint8Array(await this.#response.arrayBuffer());
    } catch (err) {
      throw mapError(err, this.#signal);
    }
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.bytes();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  async text(): Promise<string> {
    return new TextDecoder().decode(await this.bytes());
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }

  async dump(): Promise<void> {
    await this.#response.body?.cancel();
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal.reason));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError(signal?.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function targetUrl(req: FetchTransportRequest): string {
  if (req.origin !== undefined) {
    const path = req.path ?? '/';
    return req.origin + (path.startsWith('/') ? path : `/${path}`);
  }
  if (req.url === undefined) throw new TypeError('request: url or origin is required');
  return String(req.url);
}

/**
 * Creates the fetch transport: same `request()` shape as `createTransport`, with retries
 * (full-jitter backoff, `Retry-After`), S3 errors as `S3Error`, typed transport errors and
 * optional SigV4 signing. Connection pooling, timeouts other than the caller's signal, proxies
 * and TLS settings are the runtime's business.
 *
 * @param options see {@link FetchTransportOptions}
 * @returns a {@link FetchTransport}
 * @throws TypeError when no `fetch` is available or options are invalid
 */
export function createFetchTransport(options: FetchTransportOptions = {}): FetchTransport {
  const fetchFn = options.fetch ?? globalThis.fetch;
  if (typeof fetchFn !== 'function') throw new TypeError('createFetchTransport: no fetch available; pass options.fetch');
  const policy = retryPolicy(options.retry === false ? { maxAttempts: 1 } : (options.retry ?? {}));
  const signOpts = options.sign;
  let signer: SigV4Signer | undefined;
  let signerCreds: Credentials | undefined;
  if (signOpts !== undefined) {
    if (typeof signOpts.region !== 'string' || signOpts.region === '') throw new TypeError('createFetchTransport: sign.region is required');
    if (signOpts.payload !== undefined && signOpts.payload !== 'auto' && signOpts.payload !== 'unsigned') {
      throw new TypeError(`createFetchTransport: sign.payload must be 'auto' or 'unsigned', got ${String(signOpts.payload)}`);
    }
  }

  async function signerFor(s: FetchSignOptions): Promise<SigV4Signer> {
    const creds = typeof s.credentials === 'function' ? await s.credentials() : s.credentials;
    if (signer === undefined || signerCreds !== creds) {
      // fetch sends header values as ByteStrings (one byte per code unit): sign those very bytes.
      signer = new SigV4Signer({ credentials: creds, region: s.region, service: s.service ?? 's3', headerEncoding: 'latin1', ...(s.clock ? { clock: s.clock } : {}) });
      signerCreds = creds;
    }
    return signer;
  }

  async function attempt(req: FetchTransportRequest, url: string, body: FetchBodySource | undefined): Promise<Response> {
    let headers: Record<string, string> = {};
    if (req.headers) {
      for (const name in req.headers) {
        const v = req.headers[name];
        if (v !== undefined) headers[name.toLowerCase()] = String(v);
      }
    }
    if (signOpts !== undefined && req.signing !== false) {
      const s = await signerFor(signOpts);
      const explicit = req.signing?.payloadHash;
      const hashable = (signOpts.payload !== 'unsigned' || req.signing?.payload === 'hashed') && (typeof body === 'string' || body instanceof Uint8Array);
      const signed =
        explicit !== undefined
          ? s.sign({ method: req.method, url, headers, payloadHash: explicit })
          : body === undefined
            ? s.sign({ method: req.method, url, headers, payloadHash: EMPTY_SHA256 })
            : hashable
              ? s.sign({ method: req.method, url, headers, body: body as string | Uint8Array })
              : s.sign({ method: req.method, url, headers, payloadHash: UNSIGNED_PAYLOAD });
      headers = signed.headers;
    }
    for (const name of BROWSER_OWNED) delete headers[name];
    const init: RequestInit & { duplex?: 'half' } = { method: req.method, headers, redirect: 'manual' };
    if (body !== undefined) {
      init.body = body as NonNullable<RequestInit['body']>;
      if (body instanceof ReadableStream) init.duplex = 'half';
    }
    if (req.signal) init.signal = req.signal;
    return fetchFn(url, init);
  }

  async function request(req: FetchTransportRequest): Promise<TransportResponse<FetchResponseBody>> {
    if (typeof req !== 'object' || req === null || typeof req.method !== 'string') throw new TypeError('request: method is required');
    const url = targetUrl(req);
    const signal = req.signal;
    const factory = typeof req.body === 'function' ? req.body : undefined;
    const replayable = req.body == null || factory !== undefined || typeof req.body === 'string' || req.body instanceof Uint8Array || req.body instanceof Blob;
    for (let n = 1; ; n++) {
      if (signal?.aborted) throw abortError(signal.reason);
      const body = factory ? factory() : ((req.body as FetchBodySource | null | undefined) ?? undefined);
      let failure: Error;
      try {
        const res = await attempt(req, url, body);
        if (res.type === 'opaqueredirect') {
          // Browsers hide manual redirects; S3 redirects mean "wrong region or endpoint".
          failure = s3ErrorFromResponse(301, {}, '');
        } else if (res.status < 300 || res.status === 304) {
          return { statusCode: res.status, statusMessage: res.statusText, headers: headersToRecord(res.headers), body: new FetchResponseBody(res, signal) };
        } else {
          const text = req.method === 'HEAD' ? '' : await res.text();
          failure = s3ErrorFromResponse(res.status, headersToRecord(res.headers), text);
        }
      } catch (err) {
        failure = mapError(err, signal);
      }
      if (signal?.aborted) throw abortError(signal.reason);
      if (n >= policy.maxAttempts || !isRetryable(failure)) throw failure;
      if (!replayable) {
        throw new TransportNotReplayableError(
          `request failed (${failure.message}) and was not retried: its body is a one-shot stream. Pass a string, Uint8Array, Blob or a body factory to allow retries.`,
          { cause: failure },
        );
      }
      await sleep(retryDelay(policy, n, failure), signal);
    }
  }

  return { request, close: async () => {} };
}
