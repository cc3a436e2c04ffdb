/** A held concurrency slot; `release()` and `promote()` may be called any number of times, each counts once. */
export interface Slot {
  release(): void;
  /**
   * The request proved its signature after it was admitted (a POST form, once its fields were
   * verified): it no longer counts against the unsigned share.
   */
  promote(): void;
}

/**
 * The listener's concurrency slots: at most `max` requests at once, of which at most
 * `maxUnauthenticated` carry no signature (anonymous requests and POST forms, whose signature
 * is only known once the form is read: {@link Slot.promote} then), so unsigned clients cannot
 * take every slot.
 */
export class Slots {
  #active = 0;
  #unauthenticated = 0;

  constructor(
    readonly max: number,
    readonly maxUnauthenticated: number,
  ) {}

  /** Requests holding a slot. */
  get active(): number {
    return this.#active;
  }

  /** Unsigned requests holding a slot. */
  get unauthenticated(): number {
    return this.#unauthenticated;
  }

  /** A slot, or undefined when the request must be refused (`SlowDown`). */
  acquire(unauthenticated: boolean): Slot | undefined {
    if (this.#active >= this.max) return undefined;
    if (unauthenticated && this.#unauthenticated >= this.maxUnauthenticated) return undefined;
    this.#active++;
    if (unauthenticated) this.#unauthenticated++;
    let held = true;
    let unsigned = unauthenticated;
    return {
      release: () => {
        if (!held) return;
        held = false;
        this.#active--;
        if (unsigned) this.#unauthenticated--;
      },
      promote: () => {
        if (!held || !unsigned) return;
        unsigned = false;
        this.#unauthenticated--;
      },
    };
  }
}

/** How many of `max` slots unsigned requests may hold: `share` of them, at least one unless `share` is 0. */
export function unauthenticatedLimit(max: number, share: number): number {
  if (!(share >= 0 && share <= 1)) throw new TypeError(`maxUnauthenticatedShare: must be from 0 to 1 (got ${share})`);
  if (share === 0) return 0;
  if (max === Infinity) return Infinity;
  return Math.max(1, Math.floor(max * share));
}
