import type { UpstreamBody } from '../upstreams/upstream.js';
import type { AbortSignalLike } from '@s3kit/http-transport';

/** A turn of {@link OperationQueue}: `release()` may be called any number of times, it counts once. */
export interface Turn {
  release(): void;
}

/**
 * The store's operations in first-come order: at most `max` run their file work at once, the
 * rest wait their turn. Without it, every request in flight interleaves its file steps with all
 * the others on one event loop and a thread pool of four, so under load some requests finish
 * in a few ms and others wait many times the mean (a long p99 tail, equal for every
 * operation). A bounded pool in front of a store behaves the same way (a proxy's agent, a
 * client's connection pool).
 *
 * The queue shapes, it never refuses: a request that waited `maxWaitMs` runs anyway, so an
 * operation holding its turn for long (a large copy) delays others by at most that. A request
 * whose signal aborts while waiting leaves the queue with the signal's reason.
 */
export class OperationQueue {
  #running = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(
    readonly max: number,
    readonly maxWaitMs: number,
  ) {
    if (!(max >= 1)) throw new TypeError(`createLocalStore: options.maxConcurrentOperations must be at least 1, got ${String(max)}`);
  }

  /** Operations holding a turn (an overdue one that ran anyway counts too). */
  get running(): number {
    return this.#running;
  }

  /** Operations waiting for a turn. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Resolves with a turn when one is free, or after `maxWaitMs` waiting; rejects with `signal.reason` when it aborts first. */
  turn(signal?: AbortSignalLike): Promise<Turn> | Turn {
    if (this.#running < this.max && this.#waiting.length === 0) return this.#granted();
    if (signal?.aborted === true) return Promise.reject(signal.reason);
    return new Promise<Turn>((resolve, reject) => {
      const leave = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const i = this.#waiting.indexOf(start);
        if (i !== -1) this.#waiting.splice(i, 1);
      };
      const start = (): void => {
        leave();
        resolve(this.#granted());
      };
      const onAbort = {
        handleEvent: (): void => {
          leave();
          reject(signal!.reason);
        },
      };
      // Overdue: runs beside the others (its turn is counted), the queue does not block it longer.
      const timer = setTimeout(start, this.maxWaitMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(start);
    });
  }

  #granted(): Turn {
    this.#running++;
    let held = true;
    return {
      release: () => {
        if (!held) return;
        held = false;
        this.#running--;
        if (this.#running < this.max) this.#waiting[0]?.();
      },
    };
  }
}

/**
 * `body` that gives up `turn` when the operation starts reading it: the client's pace of sending
 * is not the store's work, so a slow upload does not keep others waiting.
 */
export function releasingOnRead(body: UpstreamBody | undefined, turn: Turn): UpstreamBody | undefined {
  if (body === undefined) return undefined;
  const source = body as AsyncIterable<Uint8Array>;
  return {
    [Symbol.asyncIterator]() {
      turn.release();
      return source[Symbol.asyncIterator]();
    },
  };
}
