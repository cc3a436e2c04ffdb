/**
 * In-process mutual exclusion by name. The store serialises commits per object and per
 * upload with it, so the read-old-metadata / rename / unlink-old-data sequence of one
 * writer never interleaves with another's (a single process owns a data directory).
 */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<void>>();

  /** Runs `fn` once every earlier holder of `name` has finished. */
  async run<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#tails.get(name) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = prev.then(() => mine);
    this.#tails.set(name, tail);
    await prev;
    try {
      return await fn();
    } finally {
      release();
      if (this.#tails.get(name) === tail) this.#tails.delete(name);
    }
  }
}
