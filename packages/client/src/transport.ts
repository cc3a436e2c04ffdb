// How the client reaches the network: a factory the request core calls once per region. The
// neutral entry defaults to `@s3kit/http-transport/fetch`; the Node entry (`node.ts`) to undici.
// Runtime-neutral module: no `node:` imports.

import {
  createFetchTransport,
  type FetchBodySource,
  type FetchResponseBody,
  type FetchTransportOptions,
  type FetchTransportRequest,
  type PayloadSigning,
  type ResponseBodyMixin,
  type TransportResponse,
} from '@s3kit/http-transport/fetch';
import type { Credentials } from '@s3kit/sigv4';

/** A file or a byte range of it (`@s3kit/http-transport`'s `FileBody`): Node transport only. */
export interface FileRange {
  path: string;
  offset?: number;
  length?: number;
}

/**
 * A request body: bytes or a string (replayable); a Web `ReadableStream`, a `Blob` (fetch transport)
 * or an async iterable such as a Node `Readable` (Node transport); a file range (Node transport); or
 * a function returning a fresh one per attempt.
 */
export type ClientBody = string | Uint8Array | Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array | string> | FileRange | (() => unknown);

/** One request as the core hands it to a transport (the fields both `@s3kit/http-transport` transports take). */
export interface ClientRequest {
  method: string;
  /** `origin` + `path`, or an absolute `url` (a presigned URL, a form action). */
  origin?: string;
  path?: string;
  url?: string;
  headers?: Record<string, string>;
  body?: ClientBody;
  /** Length of a stream body (the fetch transport lets the runtime frame it). */
  contentLength?: number | 'unknown';
  signal?: AbortSignal;
  /** `payload: 'hashed'` for XML control bodies; `payloadHash` for a body the caller framed; `false`: unsigned. */
  signing?: { payload: 'hashed' } | { payloadHash: string } | false;
  /** Read a response with a `Content-Length` up to this many bytes whole into `bytes` (the Node transport; the fetch transport streams). */
  readWholeUpTo?: number;
}

/** What the core needs of a transport: `createTransport()` (undici) and `createFetchTransport()` both fit. */
export interface ClientTransport<Body extends ResponseBodyMixin = ResponseBodyMixin> {
  request(req: ClientRequest): Promise<TransportResponse<Body>>;
  close(): Promise<void>;
}

/** Signing the core asks of each transport it creates (absent for anonymous clients). */
export interface TransportSetup {
  sign?: { credentials: () => Credentials | Promise<Credentials>; region: string; payload: PayloadSigning };
}

/**
 * The `transport` option as a function: called once per region with the signing setup, returns the
 * transport for it. `fetchTransport()` and (Node entry) `undiciTransport()` make one; write your own to
 * wrap either (logging, a custom `fetch`, ...).
 */
export type TransportFactory<Body extends ResponseBodyMixin = ResponseBodyMixin> = (setup: TransportSetup) => ClientTransport<Body>;

/** Options of {@link fetchTransport}: `@s3kit/http-transport/fetch` options without `sign` (a custom `fetch`, `retry`). */
export type FetchOptions = Omit<FetchTransportOptions, 'sign'>;

/**
 * The fetch transport (`@s3kit/http-transport/fetch`): browsers, Workers, Deno, Bun and Node. It signs
 * `'auto'` or `'unsigned'`; `'hashed'` is `'auto'` here (the client only sends buffers), and
 * `'streaming'` (aws-chunked) needs the Node transport.
 */
export function fetchTransport(options: FetchOptions = {}): TransportFactory<FetchResponseBody> {
  return (setup) => {
    const s = setup.sign;
    if (s && s.payload === 'streaming') throw new TypeError("S3Client: payloadSigning 'streaming' needs the Node transport (undiciTransport)");
    const t = createFetchTransport({ ...options, ...(s ? { sign: { credentials: s.credentials, region: s.region, payload: s.payload === 'unsigned' ? 'unsigned' : 'auto' } } : {}) });
    return {
      // fetch takes bytes, strings, Blobs and Web streams: an async iterable (a form body, a Node stream) goes as a Web stream.
      request: (req) => t.request({ ...req, body: typeof req.body === 'function' ? () => fetchBody((req.body as () => unknown)()) : fetchBody(req.body) } as FetchTransportRequest),
      close: () => t.close(),
    };
  };
}

/** A body fetch can send: async iterables become a Web `ReadableStream` (pulled as fetch reads it). */
function fetchBody(body: unknown): FetchBodySource | undefined {
  if (body == null || typeof body === 'string' || body instanceof Uint8Array || body instanceof ReadableStream || (typeof Blob !== 'undefined' && body instanceof Blob)) return body ?? undefined;
  if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    const it = (body as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator]();
    const encoder = new TextEncoder();
    return new ReadableStream<Uint8Array>({
      async pull(c) {
        const r = await it.next();
        if (r.done) c.close();
        else c.enqueue(typeof r.value === 'string' ? encoder.encode(r.value) : r.value);
      },
      async cancel(reason) {
        await it.return?.(reason);
      },
    });
  }
  throw new TypeError('fetch transport: the body must be a string, Uint8Array, Blob, ReadableStream or async iterable (file bodies need the Node transport)');
}

/** A `transport` option: a factory, or options for the entry's default transport. */
export function transportFactory<O extends object>(option: TransportFactory | O | undefined, defaults: (options: O) => TransportFactory): TransportFactory {
  return typeof option === 'function' ? option : defaults(option ?? ({} as O));
}
