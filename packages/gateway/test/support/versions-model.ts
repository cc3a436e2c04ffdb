// A reference model of S3's versioning rules, for store-versions-model.test.ts. Deliberately
// naive (plain arrays, no files): what the AWS S3 user guide says, nothing the store does.
//
// - A bucket starts unversioned; PutBucketVersioning Enabled / Suspended, never back.
// - Every key holds its versions newest first. A write in an Enabled bucket adds a version
//   with a new id; in an unversioned or Suspended bucket it adds the `null` version, which
//   replaces the key's previous `null` version (object or delete marker) wherever it was.
// - DELETE without a version id: unversioned removes the object; Enabled adds a delete marker
//   with a new id; Suspended adds a `null` delete marker (replacing the `null` version).
//   With a version id: removes exactly that version for good (a missing one: nothing happens).
// - The latest version is the first; a key whose latest is a delete marker is not listed by
//   ListObjects and GET answers NoSuchKey; ListObjectVersions lists every version and marker,
//   keys in UTF-8 byte order, each key's newest first.
// - COMPLIANCE retention: a version under it cannot be deleted by id until it expires; a
//   DELETE without id still adds a marker (the version stays).

/** One version of a key as the model keeps it. */
export interface ModelVersion {
  readonly id: string;
  readonly marker: boolean;
  /** The object's bytes (objects only). */
  readonly body?: string;
  /** COMPLIANCE retention until this time (ms), if set. */
  readonly retainUntil?: number;
}

export type Versioning = 'Enabled' | 'Suspended' | undefined;

/** What a listing of versions shows for one entry. */
export interface ListedVersion {
  readonly key: string;
  readonly id: string;
  readonly latest: boolean;
  readonly marker: boolean;
}

export class VersionsModel {
  versioning: Versioning = undefined;
  readonly keys = new Map<string, ModelVersion[]>();
  /** Every version id the store ever gave a key (also deleted ones): the test names them later. */
  readonly seen = new Map<string, string[]>();

  /** Whether the next write or delete marker gets a new id (else it is the `null` version). */
  get newIds(): boolean {
    return this.versioning === 'Enabled';
  }

  versions(key: string): readonly ModelVersion[] {
    return this.keys.get(key) ?? [];
  }

  latest(key: string): ModelVersion | undefined {
    return this.versions(key)[0];
  }

  find(key: string, id: string): ModelVersion | undefined {
    return this.versions(key).find((v) => v.id === id);
  }

  /** Adds `v` as the newest version; a `null` one replaces the old `null` version. */
  push(key: string, v: ModelVersion): void {
    const rest = this.versions(key).filter((x) => v.id !== 'null' || x.id !== 'null');
    this.keys.set(key, [v, ...rest]);
    this.remember(key, v.id);
  }

  remember(key: string, id: string): void {
    const s = this.seen.get(key) ?? [];
    if (!s.includes(id)) s.push(id);
    this.seen.set(key, s);
  }

  /** PUT / copy destination: the new version (id chosen by the store when versioning is on). */
  write(key: string, id: string, body: string): void {
    this.push(key, { id, marker: false, body });
  }

  /**
   * DELETE without a version id. Returns the marker it added (undefined in an unversioned
   * bucket, where the object just goes).
   */
  deleteCurrent(key: string, markerId: string): ModelVersion | undefined {
    if (this.versioning === undefined) {
      this.keys.delete(key);
      return undefined;
    }
    const m = { id: markerId, marker: true };
    this.push(key, m);
    return m;
  }

  /** Whether deleting version `id` is refused (COMPLIANCE retention not expired). */
  locked(key: string, id: string, now: number): boolean {
    const v = this.find(key, id);
    return v?.retainUntil !== undefined && v.retainUntil > now;
  }

  /** DELETE with a version id: the version removed, if it existed. */
  deleteVersion(key: string, id: string): ModelVersion | undefined {
    const all = this.versions(key);
    const v = all.find((x) => x.id === id);
    if (v === undefined) return undefined;
    const rest = all.filter((x) => x !== v);
    if (rest.length === 0) this.keys.delete(key);
    else this.keys.set(key, rest);
    return v;
  }

  setRetention(key: string, id: string, until: number): void {
    this.keys.set(
      key,
      this.versions(key).map((v) => (v.id === id ? { ...v, retainUntil: until } : v)),
    );
  }

  /** Keys with any version, in UTF-8 byte order. */
  allKeys(): string[] {
    return [...this.keys.keys()].sort(utf8Compare);
  }

  /** What ListObjects shows: keys whose latest version is an object. */
  listedKeys(): string[] {
    return this.allKeys().filter((k) => this.latest(k)?.marker === false);
  }

  /** What ListObjectVersions shows, in its order. */
  listedVersions(): ListedVersion[] {
    return this.allKeys().flatMap((key) => this.versions(key).map((v, i) => ({ key, id: v.id, latest: i === 0, marker: v.marker })));
  }
}

/** S3's key order: UTF-8 bytes, not JavaScript's UTF-16 code units. */
export function utf8Compare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
