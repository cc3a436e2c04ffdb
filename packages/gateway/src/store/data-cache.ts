/** Bytes kept: 8 MiB, about 8000 objects of 1 KiB. */
const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;

/**
 * The bytes of the small data files read lately, by path: a GET of a small object read lately
 * skips opening, reading and closing its data file (three thread-pool round trips, about 110 µs
 * of CPU on a 2-core VM).
 *
 * A data file is written once, under a name no other version gets, before any metadata names
 * it; it is never written again, only unlinked with its version. So the bytes kept for a path
 * are what the file holds for as long as anything names it, and no write has to tell this cache
 * about itself; the store forgets a path when it unlinks it, only to free the memory sooner. Like
 * the record cache, this assumes one process owns the store's directory. The bytes are the file's
 * (an encrypted version's ciphertext): readers decrypt them as they would the file. Least
 * recently used files go first beyond `maxBytes`.
 */
export class DataCache {
  /** Bytes by path. Map order is recency (a hit moves to the end). */
  readonly #files = new Map<string, Uint8Array>();
  #bytes = 0;

  /** `maxEntry`: the largest file kept. */
  constructor(
    readonly maxBytes: number = DEFAULT_MAX_BYTES,
    readonly maxEntry: number = 64 * 1024,
  ) {}

  /** Bytes kept. */
  get bytes(): number {
    return this.#bytes;
  }

  /** The kept bytes of `path`, or undefined. */
  get(path: string): Uint8Array | undefined {
    const kept = this.#files.get(path);
    if (kept !== undefined) {
      this.#files.delete(path);
      this.#files.set(path, kept);
    }
    return kept;
  }

  /** Keeps the whole content of the data file at `path` (ignored when larger than `maxEntry`). */
  keep(path: string, data: Uint8Array): void {
    if (data.length > this.maxEntry || data.length > this.maxBytes) return;
    this.forget(path);
    this.#files.set(path, data);
    this.#bytes += data.length;
    for (const [oldest, bytes] of this.#files) {
      if (this.#bytes <= this.maxBytes) break;
      this.#files.delete(oldest);
      this.#bytes -= bytes.length;
    }
  }

  /** Drops `path` (its file was unlinked). */
  forget(path: string): void {
    const kept = this.#files.get(path);
    if (kept === undefined) return;
    this.#files.delete(path);
    this.#bytes -= kept.length;
  }

  /** Drops everything (a bucket deleted or its index reset). */
  clear(): void {
    this.#files.clear();
    this.#bytes = 0;
  }
}
