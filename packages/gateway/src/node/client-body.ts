import type { IncomingMessage } from 'node:http';
import { s3Error, type S3Error } from '@s3kit/errors';

/** Limits on how slowly a client may send its body (see {@link ClientBody}). */
export interface BodyTimeouts {
  /** Longest wait for the next body bytes, and the grace period before `minBytesPerSecond` applies (ms). */
  readonly idleMs: number;
  /** Body bytes per second of waiting the client must keep up once the gateway has waited `idleMs` in all; 0 turns it off. */
  readonly minBytesPerSecond: number;
}

/**
 * Reads and drops what is left of `req` (counted in `body`), settling at its end, when the
 * connection closes, or after `ms`.
 */
export function drainRest(req: IncomingMessage, body: ClientBody | undefined, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const onData = (c: Buffer): void => body?.countDrained(c.length);
    const done = (): void => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', done);
      req.off('close', done);
      req.pause();
      resolve();
    };
    const timer = setTimeout(done, ms);
    req.on('data', onData);
    req.once('end', done);
    req.once('close', done);
    req.resume();
  });
}

const clientGone = (): S3Error => s3Error('RequestTimeout', 'The client went away before sending its whole body.');

/**
 * The request body as the gateway pulls it: nothing is read (and, for `Expect: 100-continue`,
 * no `100 Continue` is sent) until the pipeline first asks, which it does only after the
 * request was authenticated and authorized. It counts the bytes that arrived, and times the
 * client only while the gateway waits for its bytes (not while the upstream applies
 * backpressure): a wait longer than `idleMs`, or a rate below `minBytesPerSecond` over the
 * time spent waiting, fails the body with `RequestTimeout`.
 */
export class ClientBody implements AsyncIterable<Uint8Array> {
  #bytes = 0;
  #waitedMs = 0;
  #pulled = false;
  #error: S3Error | undefined;
  /** Ends the current wait (set while the gateway waits for client bytes). */
  #wake: (() => void) | undefined;
  /** When the current wait started (performance.now()), or -1 when not waiting. */
  #waitStarted = -1;
  /** Armed at most once at a time; checks on firing whether the wait in progress is over its limit. */
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly req: IncomingMessage,
    private readonly timeouts: BodyTimeouts,
    private readonly hooks: {
      /** Called once, when the gateway first reads (to send `100 Continue`). */
      readonly onFirstPull?: (() => void) | undefined;
      /** Called once when the client was too slow (the body then fails with `err`). */
      readonly onTimeout?: ((err: S3Error) => void) | undefined;
    } = {},
  ) {}

  /** Body bytes that arrived so far. */
  get bytes(): number {
    return this.#bytes;
  }

  /** True once the gateway started reading. */
  get pulled(): boolean {
    return this.#pulled;
  }

  /** Fails the body (the pending and every later read throw `err`). */
  fail(err: S3Error): void {
    this.#error ??= err;
    this.#wake?.();
  }

  /** Counts bytes read after the gateway answered (drained so the client sees the answer). */
  countDrained(n: number): void {
    this.#bytes += n;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    if (!this.#pulled) {
      this.#pulled = true;
      this.hooks.onFirstPull?.();
    }
    const req = this.req;
    // Attached once for the whole body (not per wait): each ends the wait in progress, if any.
    const wake = (): void => this.#wake?.();
    req.on('readable', wake);
    req.on('end', wake);
    req.on('close', wake);
    req.on('error', wake);
    try {
      for (;;) {
        if (this.#error !== undefined) throw this.#error;
        const chunk = req.read() as Buffer | null;
        if (chunk !== null) {
          this.#bytes += chunk.length;
          yield chunk;
          continue;
        }
        if (req.readableEnded) return;
        if (req.destroyed) throw clientGone();
        await this.#wait();
      }
    } finally {
      req.off('readable', wake);
      req.off('end', wake);
      req.off('close', wake);
      req.off('error', wake);
      if (this.#timer !== undefined) clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  /** Resolves on new bytes, end, close or failure; times the wait. */
  #wait(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#waitStarted = performance.now();
      this.#wake = () => {
        this.#waitedMs += performance.now() - this.#waitStarted;
        this.#waitStarted = -1;
        this.#wake = undefined;
        resolve();
      };
      // A timer still armed from an earlier wait checks this one when it fires: no timer per wait.
      if (this.#timer === undefined) this.#arm();
    });
  }

  /** How long the wait in progress may last in all (ms): idleMs, and the rate limit once its grace is over. */
  #allowedMs(): number {
    const { idleMs, minBytesPerSecond } = this.timeouts;
    // The client must have sent minBytesPerSecond for every second waited, after a grace of idleMs.
    const rateLimitMs = minBytesPerSecond > 0 ? Math.max(idleMs, (this.#bytes * 1000) / minBytesPerSecond) - this.#waitedMs : Infinity;
    return Math.max(0, Math.min(idleMs, rateLimitMs));
  }

  #arm(): void {
    const left = this.#allowedMs() - (performance.now() - this.#waitStarted);
    if (left === Infinity) return;
    this.#timer = setTimeout(() => this.#check(), Math.max(0, left));
  }

  /** The timer fired: fail the body if the wait in progress is over its limit, else re-arm for the rest (or stop while not waiting). */
  #check(): void {
    this.#timer = undefined;
    if (this.#waitStarted < 0 || this.#error !== undefined) return;
    if (performance.now() - this.#waitStarted < this.#allowedMs()) {
      this.#arm();
      return;
    }
    const err = s3Error('RequestTimeout');
    this.fail(err);
    this.hooks.onTimeout?.(err);
  }
}
