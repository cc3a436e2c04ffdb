/** Records kept: about 2–3 MB of metadata text at this store's record sizes. */
const DEFAULT_MAX_RECORDS = 4096;

/**
 * The text of the key records (metadata files) read lately, by path, and which were found
 * missing: a GET or HEAD of a key read lately skips opening, reading and closing its file
 * (three thread-pool round trips, about 110 µs of CPU on a 2-core VM), and parses the kept text.
 *
 * One process owns the store's directory (the bucket state cache assumes it too), and every
 * write or removal of a record goes through {@link RecordCache.changed}, called before it
 * starts and after it ended. A read that overlapped any change is not kept, so a read that saw
 * a file as it was before a change can never outlive the change. Least recently used records go
 * first beyond `max`.
 */
export class RecordCache {
  /** Text by path; null for a path found missing. Map order is recency (a hit moves to the end). */
  readonly #texts = new Map<string, string | null>();
  #changes = 0;

  constructor(readonly max: number = DEFAULT_MAX_RECORDS) {}

  /** Records kept. */
  get size(): number {
    return this.#texts.size;
  }

  /** The record's text (undefined when missing): kept, else from `load`. */
  async read(path: string, load: (path: string) => Promise<string | undefined>): Promise<string | undefined> {
    const kept = this.#texts.get(path);
    if (kept !== undefined) {
      this.#texts.delete(path);
      this.#texts.set(path, kept);
      return kept ?? undefined;
    }
    const before = this.#changes;
    const text = await load(path);
    if (this.#changes === before) {
      this.#texts.set(path, text ?? null);
      if (this.#texts.size > this.max) this.#texts.delete(this.#texts.keys().next().value!);
    }
    return text;
  }

  /** Before and after a record at `path` is written or removed; with no path, every record (a bucket created or deleted). */
  changed(path?: string): void {
    this.#changes++;
    if (path === undefined) this.#texts.clear();
    else this.#texts.delete(path);
  }
}
