import type { Dispatcher } from 'undici';
import { doneChannel, errorChannel, errorSummary, redactPath, requestChannel, responseChannel, type RequestMessage } from '../diagnostics.js';
import { toTransportError } from '../errors.js';

let nextId = 0;

function originOf(opts: Dispatcher.DispatchOptions): string {
  const o = opts.origin;
  return o === undefined ? '' : typeof o === 'string' ? o : o.origin;
}

function contentLengthOf(opts: Dispatcher.DispatchOptions): number | undefined {
  const body = opts.body;
  if (typeof body === 'string') return Buffer.byteLength(body);
  if (body instanceof Uint8Array) return body.byteLength;
  const headers = opts.headers as Record<string, string | undefined> | null | undefined;
  const cl = headers && !Array.isArray(headers) ? headers['content-length'] : undefined;
  return cl === undefined ? undefined : Number(cl);
}

class ObserveHandler implements Dispatcher.DispatchHandler {
  readonly #handler: Dispatcher.DispatchHandler;
  readonly #opts: Dispatcher.DispatchOptions;
  readonly #start = performance.now();
  #message: RequestMessage | undefined;
  #status: number | undefined;
  #headersMs = 0;
  #received = 0;
  #expected: number | undefined;

  constructor(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler) {
    this.#opts = opts;
    this.#handler = handler;
    if (requestChannel.hasSubscribers) requestChannel.publish(this.#base());
  }

  #base(): RequestMessage {
    this.#message ??= {
      id: ++nextId,
      method: this.#opts.method,
      origin: originOf(this.#opts),
      path: redactPath(this.#opts.path),
      bytesOut: contentLengthOf(this.#opts),
    };
    return this.#message;
  }

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.#handler.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>, socket: import('node:stream').Duplex): void {
    this.#handler.onRequestUpgrade?.(controller, statusCode, headers, socket);
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>, statusMessage?: string): void {
    if (statusCode >= 200) {
      this.#status = statusCode;
      this.#headersMs = performance.now() - this.#start;
      const cl = headers['content-length'];
      if (typeof cl === 'string' && this.#opts.method !== 'HEAD' && statusCode !== 304 && statusCode !== 204) this.#expected = Number(cl);
      if (responseChannel.hasSubscribers) responseChannel.publish({ ...this.#base(), statusCode, headersMs: this.#headersMs });
    }
    this.#handler.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#received += chunk.length;
    this.#handler.onResponseData?.(controller, chunk);
  }

  onResponseEnd(controller: Dispatcher.DispatchController, trailers: Record<string, string | string[] | undefined>): void {
    if (doneChannel.hasSubscribers) {
      doneChannel.publish({
        ...this.#base(),
        statusCode: this.#status ?? 0,
        headersMs: this.#headersMs,
        durationMs: performance.now() - this.#start,
        bytesIn: this.#received,
      });
    }
    this.#handler.onResponseEnd?.(controller, trailers);
  }

  onResponseError(controller: Dispatcher.DispatchController, err: Error): void {
    const mapped = toTransportError(err, { responseStarted: this.#status !== undefined, received: this.#received, expected: this.#expected });
    if (errorChannel.hasSubscribers) {
      errorChannel.publish({
        ...this.#base(),
        statusCode: this.#status,
        durationMs: performance.now() - this.#start,
        bytesIn: this.#received,
        error: errorSummary(mapped),
      });
    }
    this.#handler.onResponseError?.(controller, mapped);
  }
}

/**
 * Innermost interceptor: turns undici errors into typed transport errors (timeouts,
 * connect/socket failures, truncated bodies) and publishes `diagnostics_channel` events for
 * each attempt. `createTransport` always includes it; compose it first (innermost) when you
 * build your own dispatcher.
 *
 * @returns an undici interceptor
 * @example
 * const dispatcher = new Agent().compose(observe(), s3Errors(), retry());
 */
export function observe(): Dispatcher.DispatchInterceptor {
  return (dispatch) => (opts, handler) => dispatch(opts, new ObserveHandler(opts, handler));
}
