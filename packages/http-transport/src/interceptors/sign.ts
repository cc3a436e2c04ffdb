import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { chunkedHeaders, EMPTY_SHA256, SigV4Signer, STREAMING_PAYLOAD, UNSIGNED_PAYLOAD, type Credentials } from '@s3kit/sigv4';
import type { Dispatcher } from 'undici';
import { awsChunked } from '../aws-chunked.js';
import { toDispatchValue, type BodyFactory } from '../body.js';
import { TransportRequestError } from '../errors.js';

export type { Credentials } from '@s3kit/sigv4';

import type { PayloadSigning } from '../types.js';

export type { PayloadSigning } from '../types.js';

export type CredentialsProvider = () => Credentials | Promise<Credentials>;

export interface SignOptions {
  /** Static credentials or a provider called before each attempt (it should cache). */
  credentials: Credentials | CredentialsProvider;
  region: string;
  /** **Default:** `'s3'`. */
  service?: string;
  /** **Default:** `'auto'`. */
  payload?: PayloadSigning;
  /** Chunk size for `'streaming'`. **Default:** `65536`. */
  chunkSize?: number;
  /** Milliseconds since the epoch, for tests. **Default:** `Date.now`. */
  clock?: () => number;
}

/** Per-request signing choices (the `signing` field of a request or of dispatch options). */
export interface RequestSigning {
  payload?: PayloadSigning;
  /** A precomputed hex SHA-256 (or any `x-amz-content-sha256` value): overrides `payload`. */
  payloadHash?: string;
}

interface SignDispatchOptions extends Omit<Dispatcher.DispatchOptions, 'body'> {
  body?: Dispatcher.DispatchOptions['body'] | BodyFactory;
  /** Set by `retry()` when it materialised `body` from a factory: lets 'hashed' read the body once more. */
  bodyFactory?: BodyFactory;
  signing?: RequestSigning | false;
}

const PAYLOADS = new Set<PayloadSigning>(['auto', 'unsigned', 'hashed', 'streaming']);

const settledController: Dispatcher.DispatchController = {
  aborted: true,
  paused: false,
  reason: null,
  abort() {},
  pause() {},
  resume() {},
};

function headerObject(headers: Dispatcher.DispatchOptions['headers']): Record<string, string> {
  if (headers == null) return {};
  const out: Record<string, string> = {};
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) out[String(headers[i]).toLowerCase()] = String(headers[i + 1]);
    return out;
  }
  if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function') {
    for (const [k, v] of headers as Iterable<[string, unknown]>) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
    return out;
  }
  // for-in over a plain record (the usual case): no entries array per request.
  const record = headers as Record<string, unknown>;
  for (const k in record) {
    const v = record[k];
    if (v !== undefined) out[k.toLowerCase()] = typeof v === 'string' ? v : Array.isArray(v) ? v.join(', ') : String(v);
  }
  return out;
}

function isPromiseLike<T>(v: T | Promise<T>): v is Promise<T> {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}

/** A signing failure as the request's error: `TypeError`s (bad input) as they are, others wrapped. */
function signingError(err: unknown): Error {
  return err instanceof TypeError ? err : new TransportRequestError(`signing failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}

async function hashStream(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Signs each attempt with AWS SigV4 through `@s3kit/sigv4` (header auth): a fresh
 * `x-amz-date` every time it runs, so compose it inside `retry()`. Requests with
 * `signing: false` in their dispatch options pass through unsigned.
 *
 * @param options see {@link SignOptions}
 * @returns an undici interceptor
 * @throws TypeError for missing credentials/region or an unknown payload mode
 * @example
 * const dispatcher = new Agent().compose(observe(), s3Errors(), sign({ credentials, region: 'eu-west-1' }), retry());
 */
export function sign(options: SignOptions): Dispatcher.DispatchInterceptor {
  if (typeof options !== 'object' || options === null) throw new TypeError('sign: options are required');
  const { credentials, region, service = 's3', payload = 'auto', chunkSize = 65_536, clock } = options;
  if (typeof region !== 'string' || region === '') throw new TypeError('sign: region is required');
  if (!PAYLOADS.has(payload)) throw new TypeError(`sign: payload must be one of ${[...PAYLOADS].join(', ')}, got ${String(payload)}`);
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 8192) throw new TypeError(`sign: chunkSize must be an integer >= 8192, got ${String(chunkSize)}`);
  const provider = typeof credentials === 'function' ? credentials : undefined;
  // undici writes header strings as latin1 (one byte per code unit): sign those very bytes.
  const make = (c: Credentials): SigV4Signer => new SigV4Signer({ credentials: c, region, service, headerEncoding: 'latin1', ...(clock ? { clock } : {}) });
  // Static credentials: one signer (and its signing-key cache) for the interceptor's life.
  let signer: SigV4Signer | undefined = provider ? undefined : make(credentials as Credentials);
  let signerCredentials: Credentials | undefined = provider ? undefined : (credentials as Credentials);
  const factoryHashes = new WeakMap<BodyFactory, Promise<string>>();

  function signerFor(c: Credentials): SigV4Signer {
    if (signer === undefined || signerCredentials !== c) {
      signer = make(c);
      signerCredentials = c;
    }
    return signer;
  }

  function signNow(s: SigV4Signer, opts: SignDispatchOptions, mode: PayloadSigning, payloadHash: string | undefined): Dispatcher.DispatchOptions {
    const headers = headerObject(opts.headers);
    let body = opts.body;
    const url = `${String(opts.origin ?? '')}${opts.path}`;
    if (payloadHash !== undefined) {
      const signed = s.sign({ method: opts.method, url, headers, payloadHash });
      return { ...(opts as Dispatcher.DispatchOptions), headers: signed.headers };
    }
    if (mode === 'streaming' && body != null) {
      const decoded = headers['content-length'] ?? (typeof body === 'string' ? String(Buffer.byteLength(body)) : body instanceof Uint8Array ? String(body.byteLength) : undefined);
      if (decoded === undefined) throw new TypeError("sign: payload 'streaming' needs a known body length (content-length)");
      const encoding = headers['content-encoding'];
      Object.assign(headers, chunkedHeaders(Number(decoded), { chunkSize, ...(encoding ? { contentEncoding: encoding } : {}) }));
      const signed = s.sign({ method: opts.method, url, headers, payloadHash: STREAMING_PAYLOAD });
      if (typeof body === 'function') body = toDispatchValue(body());
      return { ...(opts as Dispatcher.DispatchOptions), body: awsChunked(body as string | Uint8Array | Readable, signed, chunkSize), headers: signed.headers };
    }
    let hash: string;
    let hashBody: string | Uint8Array | undefined;
    if (body == null) hash = EMPTY_SHA256;
    else if ((mode === 'auto' || mode === 'hashed') && (typeof body === 'string' || body instanceof Uint8Array)) {
      hash = '';
      hashBody = body;
    } else if (mode === 'hashed') {
      throw new TypeError("sign: payload 'hashed' cannot hash a one-shot stream without buffering it; use a file, a buffer or a body factory");
    } else hash = UNSIGNED_PAYLOAD;
    const signed = hashBody === undefined ? s.sign({ method: opts.method, url, headers, payloadHash: hash }) : s.sign({ method: opts.method, url, headers, body: hashBody });
    return { ...(opts as Dispatcher.DispatchOptions), headers: signed.headers };
  }

  return (dispatch) => (rawOpts, handler) => {
    const opts = rawOpts as SignDispatchOptions;
    if (opts.signing === false) return dispatch(rawOpts, handler);
    const mode = opts.signing?.payload ?? payload;
    if (!PAYLOADS.has(mode)) throw new TypeError(`sign: signing.payload must be one of ${[...PAYLOADS].join(', ')}, got ${String(mode)}`);
    let payloadHash = opts.signing?.payloadHash;
    const factory = typeof opts.body === 'function' ? opts.body : opts.bodyFactory;
    const needsHash = mode === 'hashed' && payloadHash === undefined && factory !== undefined;
    if (!provider && !needsHash) return dispatch(signNow(signer as SigV4Signer, opts, mode, payloadHash), handler);
    // A provider that answers synchronously (fixed or cached credentials) signs in this tick:
    // no promise hops before the request is written.
    let now: Credentials | Promise<Credentials> | undefined;
    if (provider && !needsHash) {
      try {
        now = provider();
      } catch (err) {
        handler.onResponseError?.(settledController, signingError(err));
        return true;
      }
      if (!isPromiseLike(now)) return dispatch(signNow(signerFor(now), opts, mode, payloadHash), handler);
    }
    (async () => {
      const creds = now !== undefined ? await now : provider ? await provider() : (credentials as Credentials);
      if (needsHash && factory) {
        let pending = factoryHashes.get(factory);
        if (pending === undefined) {
          const first = toDispatchValue(factory());
          pending = typeof first === 'string' || first instanceof Uint8Array ? Promise.resolve(createHash('sha256').update(first).digest('hex')) : hashStream(first);
          factoryHashes.set(factory, pending);
        }
        payloadHash = await pending;
      }
      return signNow(signerFor(creds), opts, mode, payloadHash);
    })().then(
      (signed) => {
        try {
          dispatch(signed, handler);
        } catch (err) {
          handler.onResponseError?.(settledController, err instanceof Error ? err : new TransportRequestError(String(err)));
        }
      },
      (err: unknown) => handler.onResponseError?.(settledController, signingError(err)),
    );
    return true;
  };
}
