import { compareKeys, lowerBound } from './key-order.js';
import type { StoredChecksum, Version } from './versions.js';

/** What a listing shows for one version or delete marker. */
export interface IndexVersion {
  /** The version id (`'null'` for the null version). */
  readonly id: string;
  readonly size: number;
  readonly etag: string;
  readonly lastModified: number;
  readonly deleteMarker?: true;
  readonly checksumAlgorithm?: StoredChecksum['algorithm'];
  readonly checksumType?: StoredChecksum['type'];
  /**
   * The commit seq of a null version (other ids begin with theirs): lets ListObjectVersions
   * resume after a `null` version-id-marker deleted since the previous page.
   */
  readonly seq?: number;
}

/**
 * The sorted key index of one bucket, kept in memory: every version of every key.
 *
 * Why this design: listing must return keys in UTF-8 byte order from any marker, with
 * prefixes and delimiters, while objects live in files named by the SHA-256 of their key
 * (so no key can escape the data directory). Sorted arrays give O(log n) seeks and
 * sequential pages; an insert or delete is a binary search plus one `splice` (a memmove of
 * pointers: well under a millisecond at 100k keys). Two arrays, because ListObjects shows
 * the keys whose current version is an object and ListObjectVersions every key with a
 * version or delete marker. The index is built lazily, on the bucket's first listing or
 * write, from the metadata files (or the snapshot a clean close wrote), and every commit
 * updates it after its rename.
 */
export class KeyIndex {
  /** Keys whose current version is an object, in UTF-8 byte order (ListObjects). */
  readonly keys: string[];
  /** Keys with any version or delete marker, in UTF-8 byte order (ListObjectVersions). */
  readonly allKeys: string[];
  /** Every key's versions, newest first. */
  readonly entries: Map<string, readonly IndexVersion[]>;
  #versions = 0;

  constructor(entries: Map<string, readonly IndexVersion[]> = new Map(), allKeys: string[] = []) {
    this.entries = entries;
    this.allKeys = allKeys;
    this.keys = allKeys.filter((k) => entries.get(k)![0]!.deleteMarker !== true);
    for (const v of entries.values()) this.#versions += v.length;
  }

  /** The current version of `key` when it is an object (what ListObjects shows). */
  current(key: string): IndexVersion | undefined {
    const v = this.entries.get(key)?.[0];
    return v === undefined || v.deleteMarker === true ? undefined : v;
  }

  /** Sets the versions of `key`, newest first; none removes it. Idempotent (it can race with the initial scan). */
  set(key: string, versions: readonly IndexVersion[]): void {
    const old = this.entries.get(key);
    this.#versions += versions.length - (old?.length ?? 0);
    const wasVisible = old !== undefined && old[0]!.deleteMarker !== true;
    const visible = versions.length > 0 && versions[0]!.deleteMarker !== true;
    if (versions.length === 0) {
      if (old === undefined) return;
      this.entries.delete(key);
      removeSorted(this.allKeys, key);
    } else {
      if (old === undefined) insertSorted(this.allKeys, key);
      this.entries.set(key, versions);
    }
    if (visible && !wasVisible) insertSorted(this.keys, key);
    else if (!visible && wasVisible) removeSorted(this.keys, key);
  }

  /** Bulk load from an unordered scan (faster than repeated sets). */
  static fromEntries(list: readonly (readonly [string, readonly IndexVersion[]])[]): KeyIndex {
    const entries = new Map(list.filter(([, v]) => v.length > 0));
    return new KeyIndex(entries, Array.from(entries.keys()).sort(compareKeys));
  }

  /** Keys whose current version is an object. */
  get size(): number {
    return this.keys.length;
  }

  /** Versions and delete markers in all. */
  get versionCount(): number {
    return this.#versions;
  }
}

/** The index entry of a stored version. */
export function indexVersion(v: Version): IndexVersion {
  const seq = v.id === 'null' ? { seq: v.seq } : {};
  if (v.deleteMarker === true) return { id: v.id, size: 0, etag: '', lastModified: v.lastModified, deleteMarker: true, ...seq };
  const c = v.checksum;
  return c === undefined
    ? { id: v.id, size: v.size, etag: v.etag, lastModified: v.lastModified, ...seq }
    : { id: v.id, size: v.size, etag: v.etag, lastModified: v.lastModified, checksumAlgorithm: c.algorithm, checksumType: c.type, ...seq };
}

function insertSorted(keys: string[], key: string): void {
  const at = lowerBound(keys, key);
  if (keys[at] !== key) keys.splice(at, 0, key);
}

function removeSorted(keys: string[], key: string): void {
  const at = lowerBound(keys, key);
  if (keys[at] === key) keys.splice(at, 1);
}
