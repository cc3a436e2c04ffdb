/**
 * Transport errors: failures of the connection, the clock or the caller, as opposed to an
 * S3 error response (those become `S3Error` from `@s3kit/errors`). One class per failure,
 * a stable `code`, the underlying undici/fetch error as `cause`, and a `Symbol.for` brand so
 * `instanceof` works across duplicate installs (undici `lib/core/errors.js`). Runtime-neutral:
 * the fetch transport uses this file too.
 */

const BRAND = Symbol.for('s3kit.TransportError');

export type TransportErrorCode =
  | 'S3KIT_TRANSPORT_TIMEOUT'
  | 'S3KIT_TRANSPORT_ABORTED'
  | 'S3KIT_TRANSPORT_CONNECT'
  | 'S3KIT_TRANSPORT_SOCKET'
  | 'S3KIT_TRANSPORT_BODY_MISMATCH'
  | 'S3KIT_TRANSPORT_NOT_REPLAYABLE'
  | 'S3KIT_TRANSPORT_PROXY'
  | 'S3KIT_TRANSPORT_REQUEST';

/** Which clock ran out: `connect`, `headers` (time to response headers), `body` (idle gap between body chunks) or the caller's `deadline` signal. */
export type TimeoutPhase = 'connect' | 'headers' | 'body' | 'deadline';

export interface TransportErrorInit {
  cause?: unknown;
}

/** Base class of every transport error. Match on `err.code`. */
export class TransportError extends Error {
  static readonly code: TransportErrorCode = 'S3KIT_TRANSPORT_REQUEST';
  override name = 'TransportError';
  readonly code: TransportErrorCode;

  constructor(message: string, init: TransportErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = (new.target as typeof TransportError).code;
  }

  get [BRAND](): true {
    return true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null || (value as Record<symbol, unknown>)[BRAND] !== true) return false;
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class `instanceof` asked about (a subclass matches by code).
    return this === TransportError || (value as TransportError).code === this.code;
  }
}

/** A connect, headers or body-idle timeout fired, or the caller's deadline signal (`AbortSignal.timeout`). */
export class TransportTimeoutError extends TransportError {
  static override readonly code = 'S3KIT_TRANSPORT_TIMEOUT';
  override name = 'TransportTimeoutError';
  readonly phase: TimeoutPhase;
  constructor(phase: TimeoutPhase, message: string, init?: TransportErrorInit) {
    super(message, init);
    this.phase = phase;
  }
}

/** The caller's `AbortSignal` fired (or the response body was destroyed early). `cause` is the signal's reason. */
export class TransportAbortedError extends TransportError {
  static override readonly code = 'S3KIT_TRANSPORT_ABORTED';
  override name = 'TransportAbortedError';
}

/** The connection could not be opened (refused, DNS, TLS handshake). */
export class TransportConnectError extends TransportError {
  static override readonly code = 'S3KIT_TRANSPORT_CONNECT';
  override name = 'TransportConnectError';
}

/** The connection failed after it was opened (reset, closed by the peer). */
export class TransportSocketError extends TransportError {
  static override readonly code = 'S3KIT_TRANSPORT_SOCKET';
  override name = 'TransportSocketError';
}

/** A body did not match its `Content-Length` (request or response), or a response body was cut short. */
export class TransportBodyMismatchError extends TransportError {
  static override readonly code = 'S3KIT_TRANSPORT_BODY_MISMATCH';
  override name = 'TransportBodyMismatchError';
  /** Bytes actually seen, and the declared length, when known. */
  readonly received: number | undefined;
  readonly expected: number | undefined;
  constructor(message: string, init: TransportErrorInit & { received?: number; expected?: number } = {}) {
    super(message, init);
    this.received = init.received;
    this.expected = init.expected;
  }
}

/**
 * A retryable failure happened, but the request body was a one-shot stream, so it was not
 * retried. `cause` is the failure (an `S3Error` or another transport error).
 */
export class TransportNotReplayableError extends TransportError {
  static override readonly code = 'S3KIT_TRANSPORT_NOT_REPLAYABLE';
  override name = 'TransportNotReplayableError';
}

/** The proxy refused the tunnel or failed. */
export class TransportProxyError extends TransportError {
  static override readonly code = 'S3KIT_TRANSPORT_PROXY';
  override name = 'TransportProxyError';
}

/** Anything else the HTTP stack reported (invalid request, parser error, ...). */
export class TransportRequestError extends TransportError {
  static override readonly code = 'S3KIT_TRANSPORT_REQUEST';
  override name = 'TransportRequestError';
}

/** True for any s3kit transport error (from any installed copy of this package). */
export function isTransportError(value: unknown): value is TransportError {
  return value instanceof TransportError;
}

/** Maps the reason of an aborted `AbortSignal` to a transport error. */
export function abortError(reason: unknown): TransportError {
  if (reason instanceof TransportError) return reason;
  if (typeof reason === 'object' && reason !== null && (reason as { name?: unknown }).name === 'TimeoutError') {
    return new TransportTimeoutError('deadline', 'request deadline exceeded (the AbortSignal timed out)', { cause: reason });
  }
  return new TransportAbortedError('request aborted', { cause: reason });
}

const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL']);
const SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_DESTROYED', 'ETIMEDOUT']);

export interface ErrorContext {
  /** The response started (headers delivered) before the failure. */
  responseStarted?: boolean;
  /** Response body bytes received so far, and the declared `Content-Length` (if any). */
  received?: number;
  expected?: number | undefined;
}

/**
 * Classifies an error raised by undici (or by a fetch implementation) into a transport error.
 * Idempotent: transport errors and S3 errors are returned as they are.
 */
export function toTransportError(err: unknown, ctx: ErrorContext = {}): Error {
  if (err instanceof TransportError) return err;
  if (typeof err !== 'object' || err === null) return new TransportRequestError(String(err), { cause: err });
  const e = err as Error & { code?: unknown; name?: string; cause?: unknown };
  if (e.name === 'S3Error') return e;
  const code = typeof e.code === 'string' ? e.code : '';
  // undici's ProxyAgent reports a refused CONNECT as an abort: "Proxy response (407) !== 200 ..."
  if (typeof e.message === 'string' && e.message.startsWith('Proxy response')) {
    return new TransportProxyError(e.message, { cause: e });
  }
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new TransportTimeoutError('connect', 'connect timeout', { cause: e });
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new TransportTimeoutError('headers', 'timed out waiting for response headers', { cause: e });
    case 'UND_ERR_BODY_TIMEOUT':
      return new TransportTimeoutError('body', 'response body stalled (body idle timeout)', { cause: e });
    case 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH':
      return new TransportBodyMismatchError('request body length does not match Content-Length', { cause: e });
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      return new TransportBodyMismatchError(`response body length does not match Content-Length${ctx.expected === undefined ? '' : ` (${ctx.expected})`}`, {
        cause: e,
        ...(ctx.received === undefined ? {} : { received: ctx.received }),
        ...(ctx.expected === undefined ? {} : { expected: ctx.expected }),
      });
    case 'UND_ERR_ABORTED':
    case 'UND_ERR_ABORT':
    case 'ABORT_ERR':
      return new TransportAbortedError('request aborted', { cause: e });
    case 'UND_ERR_PRX_TLS':
      return new TransportProxyError('proxy TLS failure', { cause: e });
    default:
      break;
  }
  if (e.name === 'AbortError' || e.name === 'TimeoutError') return abortError(e);
  const nested = typeof e.cause === 'object' && e.cause !== null ? (e.cause as { code?: unknown }).code : undefined;
  const sysCode = code || (typeof nested === 'string' ? nested : '');
  if (ctx.responseStarted && ctx.expected !== undefined && ctx.received !== undefined && ctx.received < ctx.expected) {
    return new TransportBodyMismatchError(`response body truncated: received ${ctx.received} of ${ctx.expected} bytes`, {
      cause: e,
      received: ctx.received,
      expected: ctx.expected,
    });
  }
  if (CONNECT_CODES.has(sysCode) || /^ERR_TLS_|CERT|SSL/.test(sysCode)) {
    return new TransportConnectError(`connect failed: ${sysCode}`, { cause: e });
  }
  if (SOCKET_CODES.has(sysCode)) {
    return new TransportSocketError(`connection failed${ctx.responseStarted ? ' while reading the response body' : ''}: ${e.message}`, { cause: e });
  }
  return new TransportRequestError(e.message, { cause: e });
}
