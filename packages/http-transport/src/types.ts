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

/** What `request()` resolves to. */
export interface TransportResponse<Body extends ResponseBodyMixin = ResponseBodyMixin> {
  statusCode: number;
  statusMessage: string;
  /** Lowercase names; repeated headers joined with `, ` (as fetch does). */
  headers: Record<string, string>;
  /** Streams; HEAD, 204 and 304 responses have an empty body. */
  body: Body;
}
