/** Records kept: about 2–3 MB of metadata text at this store's record sizes. */
const DEFAULT_MAX_RECORDS = 4096;

/**
 * The text of the key records (metadata files) read lately, by path, and which were found
 * missing: a GET or HEAD of a key read lately skips opening, reading and closing its file
 * (three thread-pool round trips, about 110 µs of CPU on a 2-core VM), and parses the kept text.
 *
 * One process owns the store's directory (the bucket state cache assumes it too), and every
 * write or removal of a record goes through {@link RecordCache.changed} before it starts, and
 * {@link RecordCache.wrote} (or `changed` again, when it failed) after it ended. A read that
 * overlapped any change is not kept, so a read that saw a file as it was before a change can
 * never outlive the change. Least recently used records go first beyond `max`.
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
    if (this.#changes === before) this.#keep(path, text ?? null);
    return text;
  }

  #keep(path: string, text: string | null): void {
    this.#texts.set(path, text);
    if (this.#texts.size > this.max) this.#texts.delete(this.#texts.keys().next().value!);
  }

  /**
   * After a write of the record at `path` ended well, by its one writer (under the key's lock):
   * what the file now holds (undefined: removed). Reads that overlapped the write are still not kept.
   */
  wrote(path: string, text: string | undefined): void {
    this.changed(path);
    this.#keep(path, text ?? null);
  }

  /** Before a record at `path` is written or removed, and after such a write failed; with no path, every record (a bucket created or deleted). */
  changed(path?: string): void {
    this.#changes++;
    if (path === undefined) this.#texts.clear();
    else this.#texts.delete(path);
  }
}
