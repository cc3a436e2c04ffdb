import diagnosticsChannel from 'node:diagnostics_channel';

/**
 * `diagnostics_channel` names this package publishes on. Subscribe with
 * `diagnostics_channel.subscribe(channels.response, (msg) => ...)`. Messages carry timings
 * and byte counts, never header values, credentials or query-string values (a presigned
 * URL's signature stays out of logs).
 */
export const channels = {
  /** A request attempt was handed to the connection pool. {@link RequestMessage} */
  request: 's3kit:transport:request',
  /** Response headers arrived. {@link ResponseMessage} */
  response: 's3kit:transport:response',
  /** The response body ended. {@link DoneMessage} */
  done: 's3kit:transport:done',
  /** An attempt failed and another one is scheduled. {@link RetryMessage} */
  retry: 's3kit:transport:retry',
  /**
   * An attempt failed at the transport level (connect, timeout, reset, truncation, abort),
   * before or during the response body. S3 error responses are not failures here: they show
   * as `response`/`done` with their status (events describe the wire, per attempt).
   * {@link ErrorMessage}
   */
  error: 's3kit:transport:error',
} as const;

export interface RequestMessage {
  /** Per-process attempt id, shared by the messages of one attempt. */
  id: number;
  method: string;
  origin: string;
  /** Path with query values removed (`/b/k?uploadId&partNumber`). */
  path: string;
  /** Request body bytes when known. */
  bytesOut: number | undefined;
}
export interface ResponseMessage extends RequestMessage {
  statusCode: number;
  /** Milliseconds from dispatch to response headers. */
  headersMs: number;
}
export interface DoneMessage extends ResponseMessage {
  /** Milliseconds from dispatch to the end of the body. */
  durationMs: number;
  bytesIn: number;
}
export interface ErrorMessage extends RequestMessage {
  statusCode: number | undefined;
  durationMs: number;
  bytesIn: number;
  error: { name: string; code: string | undefined; message: string };
}
export interface RetryMessage {
  method: string;
  origin: string;
  path: string;
  /** The attempt that failed (1-based) and the wait before the next. */
  attempt: number;
  delayMs: number;
  error: { name: string; code: string | undefined; message: string };
}

export const requestChannel = diagnosticsChannel.channel(channels.request);
export const responseChannel = diagnosticsChannel.channel(channels.response);
export const doneChannel = diagnosticsChannel.channel(channels.done);
export const retryChannel = diagnosticsChannel.channel(channels.retry);
export const errorChannel = diagnosticsChannel.channel(channels.error);

/** Drops query-string values: presigned URLs carry credentials and signatures there. */
export function redactPath(path: string): string {
  const q = path.indexOf('?');
  if (q < 0) return path;
  const names = path
    .slice(q + 1)
    .split('&')
    .map((pair) => pair.split('=', 1)[0])
    .join('&');
  return `${path.slice(0, q)}?${names}`;
}

export function errorSummary(err: unknown): { name: string; code: string | undefined; message: string } {
  const e = err as { name?: unknown; code?: unknown; message?: unknown } | null;
  return {
    name: typeof e?.name === 'string' ? e.name : 'Error',
    code: typeof e?.code === 'string' ? e.code : undefined,
    message: typeof e?.message === 'string' ? e.message : String(err),
  };
}
