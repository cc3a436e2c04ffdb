import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { toDispatchValue, type BodyFactory } from '../body.js';
import { errorSummary, redactPath, retryChannel } from '../diagnostics.js';
import { abortError, TransportNotReplayableError, toTransportError } from '../errors.js';
import { isRetryable, retryDelay, retryPolicy, type RetryOptions, type RetryPolicy } from '../retry-policy.js';
import { s3ErrorFromResponse } from '../s3-error-response.js';
import type { AbortSignalLike } from '../types.js';

export type { RetryOptions } from '../retry-policy.js';

type Headers = Record<string, string | string[] | undefined>;

/** Dispatch options as the s3kit interceptors read them. */
export interface S3kitDispatchOptions extends Omit<Dispatcher.DispatchOptions, 'body'> {
  /** A value undici sends, or a factory `retry()` calls once per attempt. */
  body?: Dispatcher.DispatchOptions['body'] | BodyFactory;
  /** Stops retries and backoff waits when aborted. */
  signal?: AbortSignalLike | null;
}

const FALLBACK_STATUS = new Set([500, 502, 503, 504]);

/**
 * The controller the caller's handler keeps for the whole request; it forwards to the
 * current attempt's controller and keeps a pause across attempts (undici RetryHandler's idea).
 */
class ControllerProxy implements Dispatcher.DispatchController {
  target: Dispatcher.DispatchController | null = null;
  #paused = false;
  #aborted = false;
  #reason: Error | null = null;
  readonly #onAbortWithoutTarget: (reason: Error) => void;

  constructor(onAbortWithoutTarget: (reason: Error) => void) {
    this.#onAbortWithoutTarget = onAbortWithoutTarget;
  }

  attach(target: Dispatcher.DispatchController): void {
    this.target = target;
    if (this.#paused) target.pause();
  }

  get aborted(): boolean {
    return this.#aborted;
  }
  get paused(): boolean {
    return this.#paused;
  }
  get reason(): Error | null {
    return this.#reason;
  }
  abort(reason: Error): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    if (this.target) this.target.abort(reason);
    else this.#onAbortWithoutTarget(reason);
  }
  pause(): void {
    this.#paused = true;
    this.target?.pause();
  }
  resume(): void {
    this.#paused = false;
    this.target?.resume();
  }
}

class RetryHandler implements Dispatcher.DispatchHandler {
  readonly #dispatch: Dispatcher.Dispatch;
  readonly #opts: S3kitDispatchOptions;
  readonly #handler: Dispatcher.DispatchHandler;
  readonly #policy: RetryPolicy;
  readonly #factory: BodyFactory | null;
  readonly #replayable: boolean;
  readonly #proxy: ControllerProxy;
  #attempt = 0;
  #started = false;
  #forwarded = false;
  #done = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The stream made by the factory for the current attempt (destroyed if the attempt fails). */
  #attemptBody: Readable | null = null;
  /** Registered as the signal's abort listener (this object, by `handleEvent`: no closure per request). */
  #listening = false;
  // Fallback when no s3Errors() sits below: a retryable 5xx collected here.
  #status = 0;
  #headers: Headers = {};
  #chunks: Buffer[] = [];

  constructor(dispatch: Dispatcher.Dispatch, opts: S3kitDispatchOptions, handler: Dispatcher.DispatchHandler, policy: RetryPolicy) {
    this.#dispatch = dispatch;
    this.#opts = opts;
    this.#handler = handler;
    this.#policy = policy;
    const body = opts.body;
    this.#factory = typeof body === 'function' ? body : null;
    this.#replayable = body == null || typeof body === 'string' || body instanceof Uint8Array || this.#factory !== null;
    this.#proxy = new ControllerProxy((reason) => this.#stop(reason));
  }

  run(): boolean {
    const signal = this.#opts.signal;
    if (signal) {
      if (signal.aborted) {
        this.#stop(abortError(signal.reason));
        return true;
      }
      signal.addEventListener('abort', this, { once: true });
      this.#listening = true;
    }
    return this.#next();
  }

  /** The signal aborted. */
  handleEvent(): void {
    this.#listening = false;
    this.#proxy.abort(abortError(this.#opts.signal?.reason));
  }

  #stopListening(): void {
    if (!this.#listening) return;
    this.#listening = false;
    this.#opts.signal?.removeEventListener('abort', this);
  }

  #next(): boolean {
    this.#timer = undefined;
    if (this.#done) return true;
    this.#attempt++;
    this.#status = 0;
    let opts = this.#opts as Dispatcher.DispatchOptions;
    try {
      if (this.#factory !== null) {
        const body = toDispatchValue(this.#factory());
        this.#attemptBody = body instanceof Readable ? body : null;
        opts = { ...opts, body, bodyFactory: this.#factory } as Dispatcher.DispatchOptions;
      }
      return this.#dispatch(opts, this);
    } catch (err) {
      this.#fail(toTransportError(err));
      return true;
    }
  }

  /** Ends the request with `err` (abort, or a failure that is not retried). */
  #stop(err: Error): void {
    if (this.#done) return;
    this.#done = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#stopListening();
    this.#handler.onResponseError?.(this.#proxy, err);
  }

  #fail(err: Error): void {
    if (this.#attemptBody !== null) {
      // undici leaves a body it never started writing (connect failure) open: close the file.
      if (!this.#attemptBody.destroyed) this.#attemptBody.destroy();
      this.#attemptBody = null;
    }
    if (this.#done) return;
    if (this.#forwarded || this.#proxy.aborted || this.#attempt >= this.#policy.maxAttempts || !isRetryable(err)) {
      this.#stop(err);
      return;
    }
    if (!this.#replayable) {
      this.#stop(
        new TransportNotReplayableError(
          `request failed (${errorSummary(err).code ?? err.name}: ${err.message}) and was not retried: its body is a one-shot stream. ` +
            'Pass a Uint8Array, a string, a file ({ path }) or a body factory (() => stream) to allow retries.',
          { cause: err },
        ),
      );
      return;
    }
    const delayMs = retryDelay(this.#policy, this.#attempt, err);
    if (retryChannel.hasSubscribers) {
      const origin = this.#opts.origin;
      retryChannel.publish({
        method: this.#opts.method,
        origin: origin === undefined ? '' : String(origin instanceof URL ? origin.origin : origin),
        path: redactPath(this.#opts.path),
        attempt: this.#attempt,
        delayMs,
        error: errorSummary(err),
      });
    }
    this.#proxy.target = null;
    this.#timer = setTimeout(() => this.#next(), delayMs);
  }

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    if (this.#done || this.#proxy.aborted) {
      controller.abort(this.#proxy.reason ?? new Error('request already settled'));
      return;
    }
    this.#proxy.attach(controller);
    if (!this.#started) {
      this.#started = true;
      this.#handler.onRequestStart?.(this.#proxy, context);
    }
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Headers, statusMessage?: string): void {
    if (this.#done) return;
    // Without s3Errors() below, a 5xx arrives as a response: hold it back only when another
    // attempt will follow; otherwise hand it over unchanged.
    if (!this.#forwarded && FALLBACK_STATUS.has(statusCode) && this.#replayable && this.#attempt < this.#policy.maxAttempts && !this.#proxy.aborted) {
      this.#status = statusCode;
      this.#headers = headers;
      this.#chunks = [];
      return;
    }
    if (statusCode >= 200) this.#forwarded = true;
    this.#handler.onResponseStart?.(this.#proxy, statusCode, headers, statusMessage);
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#done) return;
    if (this.#status !== 0) {
      if (this.#chunks.length < 16) this.#chunks.push(chunk);
      return;
    }
    this.#handler.onResponseData?.(this.#proxy, chunk);
  }

  onResponseEnd(_controller: Dispatcher.DispatchController, trailers: Headers): void {
    if (this.#done) return;
    if (this.#status !== 0) {
      this.#fail(s3ErrorFromResponse(this.#status, this.#headers, Buffer.concat(this.#chunks).toString('utf8')));
      return;
    }
    this.#done = true;
    this.#stopListening();
    this.#handler.onResponseEnd?.(this.#proxy, trailers);
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.#fail(toTransportError(err));
  }
}

/**
 * Retries failed attempts with exponential backoff and full jitter, honouring `Retry-After`.
 * Retried: connection failures, connect/headers timeouts, HTTP 500/502/503/504 and the S3
 * codes `SlowDown`, `RequestTimeout`, `InternalError`, while no response has been handed to
 * the caller. Only replayable bodies are re-sent (strings, `Uint8Array`, or a body factory
 * `() => body`, called once per attempt); a retryable failure with a one-shot stream body
 * ends with `TransportNotReplayableError`. Compose it outside `sign()` so each attempt is
 * signed afresh, and outside `s3Errors()` so S3 codes are visible.
 *
 * @param options see {@link RetryOptions}
 * @returns an undici interceptor
 * @throws TypeError for invalid options
 * @example
 * const dispatcher = new Agent().compose(observe(), s3Errors(), sign({ ... }), retry({ maxAttempts: 5 }));
 */
export function retry(options: RetryOptions = {}): Dispatcher.DispatchInterceptor {
  const policy = retryPolicy(options);
  return (dispatch) => (opts, handler) =>
    policy.maxAttempts === 1 && typeof opts.body !== 'function' ? dispatch(opts, handler) : new RetryHandler(dispatch, opts as S3kitDispatchOptions, handler, policy).run();
}
