import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { abortError, toTransportError } from './errors.js';
import { ResponseBody } from './response-body.js';
import type { AbortSignalLike, TransportResponse } from './types.js';

type Headers = Record<string, string | string[] | undefined>;

export function flattenHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const v = headers[name];
    if (v !== undefined) out[name] = typeof v === 'string' ? v : v.join(', ');
  }
  return out;
}

/**
 * The handler at the top of the chain: resolves with the response at headers time, feeds the
 * body stream with backpressure, maps the caller's `AbortSignal` to a typed error, and tears
 * down both directions on abort (request body destroyed, connection aborted).
 */
export class RequestHandler implements Dispatcher.DispatchHandler {
  #resolve: ((res: TransportResponse<ResponseBody>) => void) | null;
  #reject: ((err: Error) => void) | null;
  #controller: Dispatcher.DispatchController | null = null;
  #body: ResponseBody | null = null;
  #abortReason: Error | null = null;
  #requestBody: Readable | null;
  /** The caller's signal while this handler listens to it (as its `handleEvent` listener: no closure per request). */
  #signal: AbortSignalLike | undefined;
  readonly #highWaterMark: number | undefined;
  readonly #readWholeUpTo: number;
  /** A response being read whole (`readWholeUpTo`): resolved at its end. */
  #whole: { statusCode: number; statusMessage: string; headers: Record<string, string>; chunks: Buffer[] } | null = null;

  constructor(
    resolve: (res: TransportResponse<ResponseBody>) => void,
    reject: (err: Error) => void,
    requestBody: Readable | null,
    signal: AbortSignalLike | undefined,
    read: { readonly highWaterMark?: number | undefined; readonly readWholeUpTo?: number | undefined },
  ) {
    this.#resolve = resolve;
    this.#reject = reject;
    this.#requestBody = requestBody;
    this.#highWaterMark = read.highWaterMark;
    this.#readWholeUpTo = read.readWholeUpTo ?? -1;
    if (signal) {
      this.#signal = signal;
      signal.addEventListener('abort', this, { once: true });
    }
  }

  /** The caller's signal aborted. */
  handleEvent(): void {
    const signal = this.#signal;
    this.#signal = undefined;
    this.#abort(abortError(signal?.reason));
  }

  #cleanup(): void {
    const signal = this.#signal;
    if (signal !== undefined) {
      this.#signal = undefined;
      signal.removeEventListener('abort', this);
    }
    this.#requestBody = null;
  }

  #abort(err: Error): void {
    if (this.#abortReason) return;
    this.#abortReason = err;
    if (this.#body) {
      // The body stream owns the abort from here: destroying it aborts the connection.
      this.#body.destroy(err);
      this.#cleanup();
      return;
    }
    const reject = this.#reject;
    this.#resolve = this.#reject = null;
    this.#requestBody?.destroy(err);
    this.#controller?.abort(err);
    this.#cleanup();
    reject?.(err);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.#abortReason) {
      controller.abort(this.#abortReason);
      return;
    }
    this.#controller = controller;
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: Headers, statusMessage?: string): void {
    if (statusCode < 200 || this.#resolve === null) return;
    this.#controller = controller;
    if (this.#readWholeUpTo >= 0) {
      const length = headers['content-length'];
      if (typeof length === 'string' && Number(length) <= this.#readWholeUpTo) {
        this.#whole = { statusCode, statusMessage: statusMessage ?? '', headers: flattenHeaders(headers), chunks: [] };
        return;
      }
    }
    const body = new ResponseBody(controller, this.#highWaterMark);
    this.#body = body;
    const resolve = this.#resolve;
    this.#resolve = this.#reject = null;
    // Once headers arrived the body stream carries abort and errors; the signal stays attached
    // until the body settles so aborting mid-download still works.
    body.once('close', () => this.#cleanup());
    resolve({ statusCode, statusMessage: statusMessage ?? '', headers: flattenHeaders(headers), body });
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#whole !== null) this.#whole.chunks.push(chunk);
    else if (this.#body !== null && !this.#body.push(chunk)) controller.pause();
  }

  onResponseEnd(): void {
    const whole = this.#whole;
    if (whole !== null) {
      this.#whole = null;
      const resolve = this.#resolve;
      this.#resolve = this.#reject = null;
      this.#cleanup();
      const { chunks } = whole;
      resolve?.(new WholeResponse(whole, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
      return;
    }
    const body = this.#body;
    if (body === null) return;
    body.settle();
    body.push(null);
  }

  onResponseError(_controller: Dispatcher.DispatchController | null, err: Error): void {
    const mapped = toTransportError(err);
    const body = this.#body;
    if (body !== null) {
      body.settle();
      if (!body.destroyed) body.destroy(mapped);
      return;
    }
    this.#whole = null;
    const reject = this.#reject;
    this.#resolve = this.#reject = null;
    // undici does not destroy a body it never started writing (e.g. connect refused).
    if (this.#requestBody && !this.#requestBody.destroyed) this.#requestBody.destroy();
    this.#cleanup();
    reject?.(mapped);
  }
}

/**
 * A response read whole: `bytes` holds the body; `body`, made only when asked for, replays it.
 * A class: its getter lives on the prototype. An object literal with a getter would get an
 * AccessorPair per response, which V8 allocates in the old generation; the getter's closure (and
 * all it reaches) would then outlive every scavenge until the next full GC.
 */
class WholeResponse implements TransportResponse<ResponseBody> {
  readonly statusCode: number;
  readonly statusMessage: string;
  readonly headers: Record<string, string>;
  readonly bytes: Buffer;
  #body: ResponseBody | undefined;

  constructor(head: { statusCode: number; statusMessage: string; headers: Record<string, string> }, bytes: Buffer) {
    this.statusCode = head.statusCode;
    this.statusMessage = head.statusMessage;
    this.headers = head.headers;
    this.bytes = bytes;
  }

  get body(): ResponseBody {
    return (this.#body ??= ResponseBody.of(this.bytes));
  }
}
