import { compareKeys, lowerBound } from './key-order.js';

/** What a listing shows for one object. */
export interface IndexEntry {
  readonly size: number;
  readonly etag: string;
  readonly lastModified: number;
}

/**
 * The sorted key index of one bucket, kept in memory.
 *
 * Why this design: listing must return keys in UTF-8 byte order from any marker, with
 * prefixes and delimiters, while objects live in files named by the SHA-256 of their key
 * (so no key can escape the data directory). A sorted array gives O(log n) seeks and
 * sequential pages; an insert or delete is a binary search plus one `splice` (a memmove of
 * pointers: well under a millisecond at 100k keys). The index is built lazily, on the
 * bucket's first listing or write, from the metadata files (one pass, bounded
 * concurrency), and every commit updates it after the rename. About 150 bytes per key:
 * ~15 MB for 100k keys. The price is that the first listing after start reads every
 * metadata file once (a few seconds at 100k keys); a persistent snapshot could remove that.
 */
export class KeyIndex {
  /** Keys in UTF-8 byte order. */
  readonly keys: string[];
  readonly entries: Map<string, IndexEntry>;

  constructor(entries: Map<string, IndexEntry> = new Map(), sortedKeys: string[] = []) {
    this.entries = entries;
    this.keys = sortedKeys;
  }

  /** Inserts or replaces `key` (idempotent, so it can race with the initial scan). */
  upsert(key: string, entry: IndexEntry): void {
    if (!this.entries.has(key)) {
      const at = lowerBound(this.keys, key);
      this.keys.splice(at, 0, key);
    }
    this.entries.set(key, entry);
  }

  /** Removes `key` if present. */
  remove(key: string): void {
    if (!this.entries.delete(key)) return;
    const at = lowerBound(this.keys, key);
    if (this.keys[at] === key) this.keys.splice(at, 1);
  }

  /** Bulk load from an unordered scan (faster than repeated upserts). */
  static fromEntries(list: readonly (readonly [string, IndexEntry])[]): KeyIndex {
    const entries = new Map(list);
    return new KeyIndex(entries, Array.from(entries.keys()).sort(compareKeys));
  }

  get size(): number {
    return this.keys.length;
  }
}
