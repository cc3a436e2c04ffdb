/**
 * Shapes shared by the undici transport and the fetch transport. Runtime-neutral.
 */

/** Web-style reading methods every transport's response body has. */
export interface ResponseBodyMixin {
  /** The body as a Web `ReadableStream` (consumes the body). */
  stream(): ReadableStream<Uint8Array>;
  bytes(): Promise<Uint8Array>;
  arrayBuffer(): Promise<ArrayBuffer>;
  text(): Promise<string>;
  json(): Promise<unknown>;
  /** Discards the rest of the body (the undici transport reads it so the connection is reused). */
  dump(): Promise<void>;
}

/**
 * What the undici transport reads of a request's `signal`: an `AbortSignal` is one; so is any
 * object with these members that calls `handleEvent()` of the listeners it was given, once, when
 * it aborts. A cheap one of your own (a plain class with a listener array) spares a request the
 * `AbortSignal` Node 20 makes per `AbortController`, and the garbage-collection work it brings: V8
 * promotes each such signal, with its listeners and all they reach, to the old generation.
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
  /** Why it aborted (the `TransportAbortedError`'s cause). */
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: { handleEvent(): void }, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: { handleEvent(): void }): void;
}

/** What `request()` resolves to. */
export interface TransportResponse<Body extends ResponseBodyMixin = ResponseBodyMixin> {
  statusCode: number;
  statusMessage: string;
  /** Lowercase names; repeated headers joined with `, ` (as fetch does). */
  headers: Record<string, string>;
  /** Streams; HEAD, 204 and 304 responses have an empty body. */
  body: Body;
  /** The whole body, when the request asked for small bodies read whole (`readWholeUpTo`) and this one was. */
  bytes?: Uint8Array;
}

/**
 * How the body is covered by the signature:
 * - `'auto'`: buffers are hashed, an empty body uses the empty hash, streams go `UNSIGNED-PAYLOAD`;
 * - `'unsigned'`: `UNSIGNED-PAYLOAD` (rely on TLS and checksums);
 * - `'hashed'`: SHA-256 of the body; a file or body factory is read once to hash it, a one-shot stream is refused;
 * - `'streaming'`: signed `aws-chunked` (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD`), needs a known length.
 *
 * The fetch transport has `'auto'` and `'unsigned'` (and `'hashed'` per request for buffers).
 */
export type PayloadSigning = 'auto' | 'unsigned' | 'hashed' | 'streaming';
