import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { S3Error } from '@s3kit/errors';
import type { AclGrant } from './acl.js';
import type { ObjectOwnership } from './ownership.js';
import { EventBus, sequencerOf, type ChangeSource, type CreatedVia, type EventBusOptions, type StoreEvent } from './events.js';
import { fsyncDir, isNotFound, readJson, readText, readdirOrEmpty } from './files.js';
import { RecordCache } from './record-cache.js';
import { KeyIndex, indexVersion, type IndexVersion } from './key-index.js';
import type { StoredLifecycle } from './lifecycle-config.js';
import { KeyedLock } from './locks.js';
import { sweepTempArea, type Removed, type SweepTarget } from './sweep.js';
import { currentObject, newVersionId, nextSeq, pushVersion, toKeyRecord, type DeleteMarker, type KeyRecord, type MetaFields, type ObjectMeta, type ObjectVersion, type Version } from './versions.js';
import { tempName, type TempFile } from './write-temp.js';
import type { BucketConfig } from './bucket-config.js';

export type { MetaFields, ObjectMeta } from './versions.js';

/** A bucket's `bucket.json`: creation date and the settings that change how objects are kept. */
export interface BucketState {
  readonly created: number;
  readonly versioning?: 'Enabled' | 'Suspended';
  /** Object lock, enabled at creation (or on a versioned bucket); `rule` is the default retention. */
  readonly objectLock?: { readonly enabled: true; readonly rule?: DefaultRetention };
  /** Tags, website, logging, notification, replication, request payment, acceleration (bucket-config.ts). */
  readonly config?: BucketConfig;
  /** S3 Object Ownership; absent (no ownership controls) behaves as ObjectWriter. */
  readonly ownership?: ObjectOwnership;
  /** The bucket ACL; absent is private (the owner's full control). */
  readonly acl?: readonly AclGrant[];
  /** Lifecycle rules (PutBucketLifecycleConfiguration), applied by the lifecycle sweeper. */
  readonly lifecycle?: StoredLifecycle;
  /** The default encryption set with PutBucketEncryption; absent: S3's default, SSE-S3 (see bucket-encryption.ts). */
  readonly encryption?: BucketEncryption;
}

/** A bucket's default encryption rule (ServerSideEncryptionConfiguration). */
export interface BucketEncryption {
  readonly algorithm: 'AES256';
  readonly bucketKeyEnabled?: boolean;
}

/** An object lock configuration's default retention. */
export interface DefaultRetention {
  readonly mode: 'GOVERNANCE' | 'COMPLIANCE';
  readonly days?: number;
  readonly years?: number;
}

/** What a delete did: the version id it removed or created, and whether that is a delete marker. */
export interface DeleteOutcome {
  readonly versionId?: string;
  readonly deleteMarker: boolean;
}

/** The current (or named) version of a key as read: an object with its open data, or a delete marker. */
export type Opened = { readonly meta: ObjectMeta; readonly fh: FileHandle; readonly marker?: undefined } | { readonly marker: DeleteMarker & { readonly key: string } };

export interface StoreCoreOptions {
  readonly dir: string;
  /** fsync data, metadata and directories on commit. */
  readonly fsync: boolean;
  /** The event bus's options (ListenBucketNotification listeners). */
  readonly events?: EventBusOptions | undefined;
  /**
   * Called with each committed change's event and its bucket's state, under the key's lock;
   * the commit returns (the client is answered) only once it resolves (durable webhook queues).
   */
  readonly notify?: ((event: StoreEvent, state: BucketState) => Promise<void>) | undefined;
}

/** How a change came about, for its event: what created the version, or a lifecycle expiration; and who asked. */
export interface Change {
  readonly via?: CreatedVia | 'Lifecycle' | undefined;
  readonly source?: ChangeSource | undefined;
}

const INDEX_SCAN_CONCURRENCY = 64;

/**
 * Files and invariants of the local store:
 *
 * ```
 * <dir>/tmp/                                   temp files (same filesystem: rename is atomic)
 * <dir>/sse-s3.key                            the SSE-S3 store key (sse-key.ts)
 * <dir>/buckets/<bucket>/bucket.json                     creation date
 * <dir>/buckets/<bucket>/index.json                      listing index snapshot (clean close only)
 * <dir>/buckets/<bucket>/objects/<h0h1>/<h>.json         metadata (the commit point)
 * <dir>/buckets/<bucket>/objects/<h0h1>/<h>.<rand>.data  content
 * <dir>/buckets/<bucket>/uploads/<uploadId>/...          multipart uploads
 * ```
 *
 * `h` is the SHA-256 of the key's UTF-8 bytes, so no key (`../x`, `a//b`, 1024 bytes,
 * unicode) is ever used as a path. A data file gets a fresh name on every write and becomes
 * visible only when the metadata file naming it is renamed into place; so a reader always
 * sees a complete (metadata, data) pair, and concurrent writers of one key end with the last
 * commit's pair, never a torn object.
 */
export class StoreCore implements SweepTarget {
  readonly dir: string;
  readonly tmpDir: string;
  readonly bucketsDir: string;
  readonly locks = new KeyedLock();
  /** Every committed object change, published after it is durable, in commit order (events.ts). */
  readonly events: EventBus;
  readonly #fsync: boolean;
  readonly #notify: StoreCoreOptions['notify'];
  readonly #indexes = new Map<string, Promise<KeyIndex>>();
  readonly #buckets = new Map<string, Promise<BucketState | undefined>>();
  /** Object directories known to exist: a commit makes none per upload (mkdir answering EEXIST). */
  readonly #objectDirs = new Set<string>();
  /** Key records read lately (GET and HEAD skip their files). */
  readonly #records = new RecordCache();
  /** Buckets whose index snapshot is known to be gone (deleted before this process's first change). */
  readonly #snapshotGone = new Set<string>();
  /** Data files renamed into place whose metadata is not written yet (see placeData). */
  readonly #placing = new Set<string>();
  #ready: Promise<Removed> | undefined;

  constructor(opts: StoreCoreOptions) {
    this.dir = opts.dir;
    this.tmpDir = join(opts.dir, 'tmp');
    this.bucketsDir = join(opts.dir, 'buckets');
    this.#fsync = opts.fsync;
    this.events = new EventBus(opts.events);
    this.#notify = opts.notify;
  }

  /**
   * Creates the directories and empties the temp area (once, before the first request):
   * whatever is in it was left by a crash. Resolves to what was removed.
   */
  ready(): Promise<Removed> {
    this.#ready ??= (async () => {
      await mkdir(this.bucketsDir, { recursive: true });
      const removed = await sweepTempArea(this.tmpDir);
      await mkdir(this.tmpDir, { recursive: true });
      return removed;
    })();
    return this.#ready;
  }

  isPlacing(path: string): boolean {
    return this.#placing.has(path);
  }

  /**
   * Renames the temp file `from` to the data file `to`, then writes `meta` (which names it)
   * to `metaPath`; on failure the data file is removed. While in between, the data file is
   * marked as being placed, so the orphan sweep leaves it alone.
   */
  async placeData(from: string, to: string, metaPath: string, meta: unknown): Promise<void> {
    this.#placing.add(to);
    try {
      await rename(from, to);
      try {
        await this.writeJsonAtomic(metaPath, meta);
      } catch (err) {
        await unlink(to).catch(() => {});
        throw err;
      }
    } finally {
      this.#placing.delete(to);
    }
  }

  bucketDir(bucket: string): string {
    return join(this.bucketsDir, bucket);
  }

  uploadsDir(bucket: string): string {
    return join(this.bucketsDir, bucket, 'uploads');
  }

  /** The bucket's state, or undefined when it does not exist. Cached: one process owns the directory. */
  bucketState(bucket: string): Promise<BucketState | undefined> {
    let p = this.#buckets.get(bucket);
    if (p === undefined) {
      p = readJson<BucketState>(join(this.bucketDir(bucket), 'bucket.json'));
      this.#buckets.set(bucket, p);
      // Only existing buckets are remembered: names asked for at random must not grow the map.
      p.then(
        (s) => void (s === undefined && this.#buckets.get(bucket) === p && this.#buckets.delete(bucket)),
        () => void (this.#buckets.get(bucket) === p && this.#buckets.delete(bucket)),
      );
    }
    return p;
  }

  async bucketCreated(bucket: string): Promise<number | undefined> {
    return (await this.bucketState(bucket))?.created;
  }

  /** @throws S3Error NoSuchBucket (404) */
  async requireBucket(bucket: string): Promise<BucketState> {
    const state = await this.bucketState(bucket);
    if (state === undefined) throw new S3Error('NoSuchBucket', { resource: bucket, details: { BucketName: bucket } });
    return state;
  }

  /**
   * Changes `bucket.json` atomically under the bucket's lock (versioning, object lock).
   * @throws S3Error NoSuchBucket; whatever `update` throws.
   */
  async updateBucketState(bucket: string, update: (old: BucketState) => BucketState): Promise<BucketState> {
    return this.locks.run(`b\0${bucket}`, async () => {
      const old = await this.requireBucket(bucket);
      const next = update(old);
      await this.writeJsonAtomic(join(this.bucketDir(bucket), 'bucket.json'), next);
      this.#buckets.set(bucket, Promise.resolve(next));
      return next;
    });
  }

  /** Where the metadata of `key` lives. */
  objectLocation(bucket: string, key: string): { dir: string; base: string; meta: string } {
    const h = createHash('sha256').update(key, 'utf8').digest('hex');
    // One level of 256 directories: ~800 files each at 100k keys, and a cold index scan
    // costs 256 readdir calls (two levels made it one readdir per object at that size).
    const dir = join(this.bucketDir(bucket), 'objects', h.slice(0, 2));
    return { dir, base: h, meta: join(dir, `${h}.json`) };
  }

  /** Every version of `key`, newest first; undefined when it has none. */
  async readRecord(bucket: string, key: string): Promise<KeyRecord | undefined> {
    const { meta } = this.objectLocation(bucket, key);
    const text = await this.#records.read(meta, readText);
    const r = toKeyRecord(text === undefined ? undefined : JSON.parse(text));
    return r !== undefined && r.key === key ? r : undefined;
  }

  /**
   * The version `versionId` of `key` (the current one when omitted), object or delete marker.
   * Undefined when there is no such version.
   */
  async readVersion(bucket: string, key: string, versionId?: string): Promise<(Version & { readonly key: string }) | undefined> {
    const r = await this.readRecord(bucket, key);
    const v = versionId === undefined ? r?.versions[0] : r?.versions.find((x) => x.id === versionId);
    return v === undefined ? undefined : { ...v, key };
  }

  /** The current version of `key` when it is an object. */
  async readMeta(bucket: string, key: string): Promise<ObjectMeta | undefined> {
    const v = await this.readVersion(bucket, key);
    return v === undefined || v.deleteMarker === true ? undefined : v;
  }

  /**
   * Opens version `versionId` of `key` (the current one when omitted) for reading. The open
   * handle keeps the content readable even if a concurrent write replaces the version and
   * unlinks its data file. A delete marker comes back as `{ marker }`.
   */
  async openObject(bucket: string, key: string, versionId?: string): Promise<Opened | undefined> {
    const { dir } = this.objectLocation(bucket, key);
    for (let attempt = 0; attempt < 5; attempt++) {
      const v = await this.readVersion(bucket, key, versionId);
      if (v === undefined) return undefined;
      if (v.deleteMarker === true) return { marker: v };
      try {
        return { meta: v, fh: await open(join(dir, v.data), 'r') };
      } catch (err) {
        if (!isNotFound(err)) throw err;
        // Replaced between reading the metadata and opening: read the new metadata.
      }
    }
    throw new S3Error('InternalError', { message: 'The object changed too often while being read.' });
  }

  /**
   * Commits `temp` as a new version of `key` with metadata from `fields`, which is given the
   * current object version and the key's record, so a writer can check preconditions under
   * the lock. In a bucket with versioning enabled the version gets a new id; otherwise it is
   * the null version and replaces the old null version. On failure the temp file is removed.
   * Once durable, an `s3:ObjectCreated:<change.via>` event is published (default `Put`).
   * @throws S3Error NoSuchBucket when the bucket vanished; whatever `fields` throws.
   */
  async commit(bucket: string, key: string, temp: TempFile, fields: (current: ObjectMeta | undefined, record: KeyRecord | undefined) => MetaFields, change: Change = {}): Promise<ObjectMeta> {
    const loc = this.objectLocation(bucket, key);
    let renamed = false;
    try {
      return await this.locks.run(`o\0${bucket}\0${key}`, async () => {
        const state = await this.requireBucket(bucket);
        if (!this.#objectDirs.has(loc.dir)) await this.#ensureObjectDir(bucket, loc.dir);
        const record = await this.readRecord(bucket, key);
        const cur = currentObject(record?.versions);
        const seq = nextSeq();
        const id = state.versioning === 'Enabled' ? newVersionId(seq) : 'null';
        const version: ObjectVersion = { ...fields(cur === undefined ? undefined : { ...cur, key }, record), id, seq, data: `${loc.base}.${randomBytes(8).toString('hex')}.data` };
        const { versions, replaced } = pushVersion(record?.versions ?? [], version);
        await this.#invalidateSnapshot(bucket);
        this.#placing.add(join(loc.dir, version.data));
        try {
          await this.#renameInto(bucket, loc.dir, temp.path, join(loc.dir, version.data));
          renamed = true;
          try {
            await this.#writeRecord(bucket, key, loc.meta, versions);
          } catch (err) {
            await unlink(join(loc.dir, version.data)).catch(() => {});
            throw err;
          }
        } finally {
          this.#placing.delete(join(loc.dir, version.data));
        }
        await this.#publish(createdEvent(bucket, key, version, state.versioning !== undefined, change), state);
        await this.#unlinkData(loc.dir, replaced);
        return { ...version, key };
      });
    } finally {
      // Renamed into place, it is gone from the temp area: no unlink to fail.
      if (!renamed) await unlink(temp.path).catch(() => {});
    }
  }

  /**
   * Rewrites the metadata of version `versionId` (the current one when omitted), same data,
   * e.g. for tagging or retention. `update` may throw (a delete marker, a locked version).
   * Undefined when there is no such version.
   */
  async updateVersion(bucket: string, key: string, versionId: string | undefined, update: (old: Version & { readonly key: string }) => ObjectVersion): Promise<ObjectMeta | undefined> {
    const loc = this.objectLocation(bucket, key);
    return this.locks.run(`o\0${bucket}\0${key}`, async () => {
      const record = await this.readRecord(bucket, key);
      if (record === undefined) return undefined;
      const at = versionId === undefined ? 0 : record.versions.findIndex((v) => v.id === versionId);
      const old = record.versions[at];
      if (old === undefined) return undefined;
      const { key: _k, ...next } = { ...update({ ...old, key }), id: old.id, seq: old.seq } as ObjectMeta;
      const versions = record.versions.slice();
      versions[at] = next;
      await this.#writeRecord(bucket, key, loc.meta, versions);
      return { ...next, key };
    });
  }

  /** Rewrites the current object version's metadata (same data); undefined when there is none. */
  async updateMeta(bucket: string, key: string, update: (old: ObjectMeta) => ObjectMeta): Promise<ObjectMeta | undefined> {
    let missing = false;
    const out = await this.updateVersion(bucket, key, undefined, (old) => {
      if (old.deleteMarker === true) {
        missing = true;
        return old as unknown as ObjectVersion;
      }
      return update(old);
    });
    return missing ? undefined : out;
  }

  /**
   * Deletes as S3 does. With a `versionId`, that version (object or delete marker) is removed
   * for good (a missing one is no error). Without one: an unversioned bucket removes the
   * object; versioning enabled adds a delete marker; suspended replaces the null version with
   * a null delete marker. `check` sees the version about to be removed (and the current
   * version) under the key's lock and may throw (object lock, If-Match). Once durable, an
   * `s3:ObjectRemoved:*` event is published (`s3:LifecycleExpiration:*` with `change.via: 'Lifecycle'`).
   */
  async deleteObject(
    bucket: string,
    key: string,
    opts: { readonly versionId?: string | undefined; readonly check?: (victim: Version | undefined, current: Version | undefined) => void; readonly change?: Change | undefined } = {},
  ): Promise<DeleteOutcome> {
    const loc = this.objectLocation(bucket, key);
    return this.locks.run(`o\0${bucket}\0${key}`, async () => {
      const state = await this.requireBucket(bucket);
      const record = await this.readRecord(bucket, key);
      const all = record?.versions ?? [];
      const current = all[0];
      let versions: Version[];
      let removed: Version | undefined;
      let outcome: DeleteOutcome;
      if (opts.versionId !== undefined) {
        removed = all.find((v) => v.id === opts.versionId);
        opts.check?.(removed, current);
        if (removed === undefined) return { versionId: opts.versionId, deleteMarker: false };
        versions = all.filter((v) => v !== removed);
        outcome = { versionId: removed.id, deleteMarker: removed.deleteMarker === true };
      } else if (state.versioning === undefined) {
        removed = current;
        opts.check?.(removed, current);
        if (removed === undefined) return { deleteMarker: false };
        versions = [];
        outcome = { deleteMarker: false };
      } else {
        const seq = nextSeq();
        const marker: DeleteMarker = { id: state.versioning === 'Enabled' ? newVersionId(seq) : 'null', seq, deleteMarker: true, lastModified: Date.now() };
        opts.check?.(marker.id === 'null' ? all.find((v) => v.id === 'null') : undefined, current);
        if (record === undefined) await this.#ensureObjectDir(bucket, loc.dir);
        ({ versions, replaced: removed } = pushVersion(all, marker));
        outcome = { versionId: marker.id, deleteMarker: true };
      }
      await this.#invalidateSnapshot(bucket);
      await this.#writeRecord(bucket, key, loc.meta, versions);
      const marked = opts.versionId === undefined && outcome.deleteMarker;
      await this.#publish(removedEvent(bucket, key, state.versioning !== undefined ? outcome.versionId : undefined, marked, opts.change ?? {}), state);
      await this.#unlinkData(loc.dir, removed);
      return outcome;
    });
  }

  /** Deletes the current version of `key` as an unversioned bucket does; returns whether it existed. */
  async remove(bucket: string, key: string): Promise<boolean> {
    let existed = false;
    await this.deleteObject(bucket, key, { check: (v) => void (existed = v !== undefined) });
    return existed;
  }

  /** Publishes a durable change to listeners, then hands it to `notify` and waits for it. */
  async #publish(event: StoreEvent, state: BucketState): Promise<void> {
    this.events.publish(event);
    if (this.#notify !== undefined) await this.#notify(event, state);
  }

  /** Writes (or, with no versions left, removes) the key's metadata file: the commit point. */
  async #writeRecord(bucket: string, key: string, metaPath: string, versions: readonly Version[]): Promise<void> {
    this.#records.changed(metaPath);
    let text: string | undefined;
    try {
      if (versions.length === 0) {
        await unlink(metaPath).catch((err: unknown) => {
          if (!isNotFound(err)) throw err;
        });
        if (this.#fsync) await fsyncDir(join(metaPath, '..')).catch(() => {});
      } else {
        text = JSON.stringify({ v: 2, key, versions } satisfies KeyRecord);
        await this.writeTextAtomic(metaPath, text);
      }
    } catch (err) {
      this.#records.changed(metaPath);
      throw err;
    }
    // The next write of this key (under its lock) and its reads find what the file now holds.
    this.#records.wrote(metaPath, text);
    await this.#indexed(bucket, (idx) => idx.set(key, versions.map(indexVersion)));
  }

  async #unlinkData(dir: string, v: Version | undefined): Promise<void> {
    if (v !== undefined && v.deleteMarker !== true) await unlink(join(dir, v.data)).catch(() => {});
  }

  /** The bucket's key index, built on first use. */
  index(bucket: string): Promise<KeyIndex> {
    let p = this.#indexes.get(bucket);
    if (p === undefined) {
      p = this.#scan(bucket);
      this.#indexes.set(bucket, p);
      p.catch(() => this.#indexes.delete(bucket));
    }
    return p;
  }

  /** Sets an empty index for a new bucket, or drops it for a deleted one. */
  resetIndex(bucket: string, fresh: boolean): void {
    this.#buckets.delete(bucket);
    this.#records.changed();
    this.#objectDirs.clear();
    if (fresh) this.#indexes.set(bucket, Promise.resolve(new KeyIndex()));
    else this.#indexes.delete(bucket);
    this.#snapshotGone.add(bucket); // a new bucket has none; a deleted one took its file along
  }

  /**
   * Writes the index of every bucket loaded in this process to `<bucket>/index.json`, so the
   * next start reads one file instead of every metadata file. Call it with no request in
   * flight (LocalStore.close does). A snapshot is only trusted because every change deletes
   * it first (see #invalidateSnapshot): one that survives a crash is still exact.
   */
  async writeSnapshots(): Promise<void> {
    for (const [bucket, p] of this.#indexes) {
      let idx: KeyIndex;
      try {
        idx = await p;
      } catch {
        continue;
      }
      if ((await this.bucketCreated(bucket)) === undefined) continue;
      const keys = idx.allKeys.map((k) => [k, idx.entries.get(k)!] as const);
      await this.writeJsonAtomic(this.#snapshotPath(bucket), { v: 2, keys });
      this.#snapshotGone.delete(bucket);
    }
  }

  #snapshotPath(bucket: string): string {
    return join(this.bucketDir(bucket), 'index.json');
  }

  /** Deletes the bucket's snapshot before this process first changes the bucket. */
  async #invalidateSnapshot(bucket: string): Promise<void> {
    if (this.#snapshotGone.has(bucket)) return;
    await unlink(this.#snapshotPath(bucket)).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
    if (this.#fsync) await fsyncDir(this.bucketDir(bucket)).catch(() => {});
    this.#snapshotGone.add(bucket);
  }

  async writeJsonAtomic(path: string, value: unknown): Promise<void> {
    await this.writeTextAtomic(path, JSON.stringify(value));
  }

  /** Replaces the file at `path` with `text` (a temp file renamed over it); durable when fsync is on. */
  async writeTextAtomic(path: string, text: string): Promise<void> {
    const tmp = tempName(this.tmpDir, 'meta');
    try {
      const fh = await open(tmp, 'wx', 0o600);
      try {
        await fh.writeFile(text);
        if (this.#fsync) await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, path);
    } catch (err) {
      await unlink(tmp).catch(() => {});
      throw err;
    }
    if (this.#fsync) await fsyncDir(join(path, '..'));
  }

  get fsyncEnabled(): boolean {
    return this.#fsync;
  }

  async #indexed(bucket: string, apply: (idx: KeyIndex) => void): Promise<void> {
    // Only an index that exists (or is being built) needs the update: a later scan sees the files.
    const p = this.#indexes.get(bucket);
    if (p !== undefined) apply(await p);
  }

  async #ensureObjectDir(bucket: string, dir: string): Promise<void> {
    // Never recursive: if the bucket was deleted meanwhile, mkdir fails instead of resurrecting it.
    try {
      await mkdir(dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new S3Error('NoSuchBucket', { resource: bucket, details: { BucketName: bucket } });
      if (code !== 'EEXIST') throw err;
    }
    this.#objectDirs.add(dir);
  }

  /**
   * Renames `from` into the object directory `dir`, which a commit took to exist without asking
   * (see #objectDirs): when it is gone (its bucket deleted meanwhile), it is made again, or the
   * answer is NoSuchBucket, as when it was asked.
   */
  async #renameInto(bucket: string, dir: string, from: string, to: string): Promise<void> {
    try {
      await rename(from, to);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      this.#objectDirs.delete(dir);
      await this.#ensureObjectDir(bucket, dir);
      await rename(from, to);
    }
  }

  async #scan(bucket: string): Promise<KeyIndex> {
    const snap = await readJson<{ v: 2; keys: [string, IndexVersion[]][] }>(this.#snapshotPath(bucket)).catch(() => undefined);
    if (snap !== undefined && snap.v === 2 && Array.isArray(snap.keys)) {
      // Written sorted by a clean close; trusted only until this process changes the bucket.
      await this.#invalidateSnapshot(bucket);
      return new KeyIndex(
        new Map(snap.keys),
        snap.keys.map(([k]) => k),
      );
    }
    const root = join(this.bucketDir(bucket), 'objects');
    const dirs = await readdirOrEmpty(root);
    const files: string[] = [];
    await pool(dirs, async (d) => {
      for (const f of await readdirOrEmpty(join(root, d))) if (f.endsWith('.json')) files.push(join(root, d, f));
    });
    const out: [string, IndexVersion[]][] = [];
    await pool(files, async (f) => {
      const r = toKeyRecord(await readJson(f));
      if (r !== undefined) out.push([r.key, r.versions.map(indexVersion)]);
    });
    return KeyIndex.fromEntries(out);
  }
}

// Sequencers are taken when the change is published (durable), so their order is the records' order.

/** The event of a committed object version. */
function createdEvent(bucket: string, key: string, v: ObjectVersion, versioned: boolean, change: Change): StoreEvent {
  const via = change.via === undefined || change.via === 'Lifecycle' ? 'Put' : change.via;
  return {
    name: `s3:ObjectCreated:${via}`,
    bucket,
    key,
    time: v.lastModified,
    sequencer: sequencerOf(nextSeq()),
    ...(versioned ? { versionId: v.id } : {}),
    object: { size: v.size, etag: v.etag, contentType: v.contentType, userMetadata: v.userMeta },
    source: change.source,
  };
}

/** The event of a committed delete: a version removed, or a delete marker created. */
function removedEvent(bucket: string, key: string, versionId: string | undefined, marker: boolean, change: Change): StoreEvent {
  const family = change.via === 'Lifecycle' ? 's3:LifecycleExpiration' : 's3:ObjectRemoved';
  return {
    name: `${family}:${marker ? 'DeleteMarkerCreated' : 'Delete'}`,
    bucket,
    key,
    time: Date.now(),
    sequencer: sequencerOf(nextSeq()),
    ...(versionId === undefined ? {} : { versionId }),
    source: change.source,
  };
}

/** Runs `fn` over `items` with at most INDEX_SCAN_CONCURRENCY at a time. */
async function pool<T>(items: readonly T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(INDEX_SCAN_CONCURRENCY, items.length) }, worker));
}
