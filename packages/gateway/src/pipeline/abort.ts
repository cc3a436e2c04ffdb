import type { AbortSignalLike } from '@s3kit/http-transport';
import type { Upstream, UpstreamRequest } from '../upstreams/upstream.js';

type AbortListener = { handleEvent(): void };

/**
 * One exchange's abort (the client went away, a body timeout, a parse error), without an
 * `AbortSignal` until something needs a real one. On Node 20 each `AbortController`'s signal costs
 * microseconds to make, and V8 promotes it, with its listeners and all they reach, to the old
 * generation: per request that was most of what the gateway's young-generation GCs kept alive.
 * The S3 upstream's transport and the local store listen to this object as it is; custom
 * upstreams get {@link ExchangeAbort.signal}.
 */
export class ExchangeAbort implements AbortSignalLike {
  #aborted = false;
  #reason: unknown;
  #listeners: AbortListener[] = [];
  #controller: AbortController | undefined;

  get aborted(): boolean {
    return this.#aborted;
  }

  get reason(): unknown {
    return this.#reason;
  }

  addEventListener(_type: 'abort', listener: AbortListener): void {
    if (!this.#aborted) this.#listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: AbortListener): void {
    const i = this.#listeners.indexOf(listener);
    if (i !== -1) this.#listeners.splice(i, 1);
  }

  /** Aborts once (later calls are ignored): tells the listeners, then the real signal if one was made. */
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    const listeners = this.#listeners;
    this.#listeners = [];
    for (const l of listeners) l.handleEvent();
    this.#controller?.abort(reason);
  }

  /** A real `AbortSignal` that follows this one, made on first use (already aborted when this is). */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }
}

/** The `AbortSignal` that follows each foreign signal-like: one listener on it, however many requests it serves. */
const followers = new WeakMap<AbortSignalLike, AbortSignal>();

/** A real `AbortSignal` for `like`: itself when it is one. */
export function toAbortSignal(like: AbortSignalLike): AbortSignal {
  if (like instanceof AbortSignal) return like;
  if (like instanceof ExchangeAbort) return like.signal;
  const known = followers.get(like);
  if (known !== undefined) return known;
  const ac = new AbortController();
  if (like.aborted) ac.abort(like.reason);
  else like.addEventListener('abort', { handleEvent: () => ac.abort(like.reason) }, { once: true });
  followers.set(like, ac.signal);
  return ac.signal;
}

/**
 * Where a request the gateway built for an upstream carries the exchange's abort until
 * {@link forward} hands it over: as it is to an upstream that {@link takesAbortAsIs}, as
 * `signal` (a real `AbortSignal`) to every other one.
 */
export const EXCHANGE_ABORT: unique symbol = Symbol('s3kit.exchangeAbort');

/** An upstream request as the gateway builds it. */
export type AbortableRequest = UpstreamRequest & { readonly [EXCHANGE_ABORT]?: AbortSignalLike | undefined };

/** The abort of a request: the exchange's, else its `signal`. */
export function abortOf(req: AbortableRequest): AbortSignalLike | undefined {
  return req[EXCHANGE_ABORT] ?? req.signal;
}

const asIs = new WeakSet<Upstream>();

/** Marks an upstream of this package that takes {@link abortOf} as it is (no `AbortSignal` made per request). */
export function takesAbortAsIs<U extends Upstream>(upstream: U): U {
  asIs.add(upstream);
  return upstream;
}

/** The request as `upstream` takes it: with a real `signal`, unless it takes the exchange's abort as it is. */
export function forUpstream(upstream: Upstream, req: AbortableRequest): UpstreamRequest {
  const abort = req[EXCHANGE_ABORT];
  if (abort === undefined || req.signal !== undefined || asIs.has(upstream)) return req;
  return { ...req, signal: toAbortSignal(abort) };
}
