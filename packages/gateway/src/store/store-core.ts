import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { S3Error } from '@s3kit/errors';
import { fsyncDir, isNotFound, readJson, readdirOrEmpty } from './files.js';
import { KeyIndex, type IndexEntry } from './key-index.js';
import { KeyedLock } from './locks.js';
import { sweepTempArea, type Removed, type SweepTarget } from './sweep.js';
import { tempName, type TempFile } from './write-temp.js';

/** The sidecar metadata of one object (`<sha256(key)>.json`). */
export interface ObjectMeta {
  readonly v: 1;
  readonly key: string;
  readonly size: number;
  /** MD5 hex, or `md5(part md5s)-N` for multipart objects; without quotes. */
  readonly etag: string;
  /** Milliseconds since the epoch. */
  readonly lastModified: number;
  readonly contentType: string;
  /** content-encoding, content-disposition, content-language, cache-control, expires. */
  readonly headers: Readonly<Record<string, string>>;
  /** `x-amz-meta-*` headers, lowercase names with the prefix. */
  readonly userMeta: Readonly<Record<string, string>>;
  readonly tags: readonly (readonly [string, string])[];
  /** Part sizes, for objects made by CompleteMultipartUpload. */
  readonly parts?: readonly number[];
  /** The data file's name in the same directory. */
  readonly data: string;
}

/** The fields a writer chooses; the store fills in key, size, etag of the data and file name. */
export type MetaFields = Omit<ObjectMeta, 'v' | 'key' | 'data'>;

export interface StoreCoreOptions {
  readonly dir: string;
  /** fsync data, metadata and directories on commit. */
  readonly fsync: boolean;
}

const INDEX_SCAN_CONCURRENCY = 64;

/**
 * Files and invariants of the local store:
 *
 * ```
 * <dir>/tmp/                                   temp files (same filesystem: rename is atomic)
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
  readonly #fsync: boolean;
  readonly #indexes = new Map<string, Promise<KeyIndex>>();
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

  async bucketCreated(bucket: string): Promise<number | undefined> {
    try {
      const raw = JSON.parse(await readFile(join(this.bucketDir(bucket), 'bucket.json'), 'utf8')) as { created: number };
      return raw.created;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** @throws S3Error NoSuchBucket (404) */
  async requireBucket(bucket: string): Promise<void> {
    try {
      await stat(join(this.bucketDir(bucket), 'bucket.json'));
    } catch (err) {
      if (isNotFound(err)) throw new S3Error('NoSuchBucket', { resource: bucket, details: { BucketName: bucket } });
      throw err;
    }
  }

  /** Where the metadata of `key` lives. */
  objectLocation(bucket: string, key: string): { dir: string; base: string; meta: string } {
    const h = createHash('sha256').update(key, 'utf8').digest('hex');
    // One level of 256 directories: ~800 files each at 100k keys, and a cold index scan
    // costs 256 readdir calls (two levels made it one readdir per object at that size).
    const dir = join(this.bucketDir(bucket), 'objects', h.slice(0, 2));
    return { dir, base: h, meta: join(dir, `${h}.json`) };
  }

  async readMeta(bucket: string, key: string): Promise<ObjectMeta | undefined> {
    const { meta } = this.objectLocation(bucket, key);
    const m = await readJson<ObjectMeta>(meta);
    return m !== undefined && m.key === key ? m : undefined;
  }

  /**
   * Opens the data of `key` for reading. The open handle keeps the content readable even
   * if a concurrent write replaces the object and unlinks the old data file.
   */
  async openObject(bucket: string, key: string): Promise<{ meta: ObjectMeta; fh: FileHandle } | undefined> {
    const { dir } = this.objectLocation(bucket, key);
    for (let attempt = 0; attempt < 5; attempt++) {
      const meta = await this.readMeta(bucket, key);
      if (meta === undefined) return undefined;
      try {
        return { meta, fh: await open(join(dir, meta.data), 'r') };
      } catch (err) {
        if (!isNotFound(err)) throw err;
        // Replaced between reading the metadata and opening: read the new metadata.
      }
    }
    throw new S3Error('InternalError', { message: 'The object changed too often while being read.' });
  }

  /**
   * Commits `temp` as the content of `key` with metadata from `fields` (given the object it
   * replaces, if any, so a writer can check preconditions under the lock). On failure the
   * temp file is removed.
   * @throws S3Error NoSuchBucket when the bucket vanished; whatever `fields` throws.
   */
  async commit(
    bucket: string,
    key: string,
    temp: TempFile,
    fields: (old: ObjectMeta | undefined) => MetaFields,
  ): Promise<ObjectMeta> {
    const loc = this.objectLocation(bucket, key);
    try {
      return await this.locks.run(`o\0${bucket}\0${key}`, async () => {
        await this.#ensureObjectDir(bucket, loc.dir);
        const old = await this.readMeta(bucket, key);
        const meta: ObjectMeta = { ...fields(old), v: 1, key, data: `${loc.base}.${randomBytes(8).toString('hex')}.data` };
        await this.#invalidateSnapshot(bucket);
        await this.placeData(temp.path, join(loc.dir, meta.data), loc.meta, meta);
        if (old !== undefined && old.data !== meta.data) await unlink(join(loc.dir, old.data)).catch(() => {});
        await this.#indexed(bucket, (idx) => idx.upsert(key, entryOf(meta)));
        return meta;
      });
    } finally {
      await unlink(temp.path).catch(() => {}); // gone after a successful rename; removes it otherwise
    }
  }

  /** Rewrites the metadata of an existing object (same data), e.g. for tagging. */
  async updateMeta(bucket: string, key: string, update: (old: ObjectMeta) => ObjectMeta): Promise<ObjectMeta | undefined> {
    const loc = this.objectLocation(bucket, key);
    return this.locks.run(`o\0${bucket}\0${key}`, async () => {
      const old = await this.readMeta(bucket, key);
      if (old === undefined) return undefined;
      const meta = update(old);
      await this.writeJsonAtomic(loc.meta, meta);
      return meta;
    });
  }

  /** Deletes `key`; returns whether it existed. */
  async remove(bucket: string, key: string): Promise<boolean> {
    const loc = this.objectLocation(bucket, key);
    return this.locks.run(`o\0${bucket}\0${key}`, async () => {
      const old = await this.readMeta(bucket, key);
      if (old === undefined) return false;
      await this.#invalidateSnapshot(bucket);
      await unlink(loc.meta); // the commit point: from here on the object is gone
      await unlink(join(loc.dir, old.data)).catch(() => {});
      await this.#indexed(bucket, (idx) => idx.remove(key));
      return true;
    });
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
      const entries = idx.keys.map((k) => {
        const e = idx.entries.get(k)!;
        return [k, e.size, e.etag, e.lastModified] as const;
      });
      await this.writeJsonAtomic(this.#snapshotPath(bucket), { v: 1, entries });
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
    const tmp = tempName(this.tmpDir, 'meta');
    try {
      const fh = await open(tmp, 'wx', 0o600);
      try {
        await fh.writeFile(JSON.stringify(value));
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
      if (code === 'EEXIST') return;
      if (code === 'ENOENT') throw new S3Error('NoSuchBucket', { resource: bucket, details: { BucketName: bucket } });
      throw err;
    }
  }

  async #scan(bucket: string): Promise<KeyIndex> {
    const snap = await readJson<{ v: 1; entries: [string, number, string, number][] }>(this.#snapshotPath(bucket)).catch(() => undefined);
    if (snap !== undefined && snap.v === 1 && Array.isArray(snap.entries)) {
      // Written sorted by a clean close; trusted only until this process changes the bucket.
      await this.#invalidateSnapshot(bucket);
      return KeyIndex.fromEntries(snap.entries.map(([k, size, etag, lastModified]) => [k, { size, etag, lastModified }] as const));
    }
    const root = join(this.bucketDir(bucket), 'objects');
    const dirs = await readdirOrEmpty(root);
    const files: string[] = [];
    await pool(dirs, async (d) => {
      for (const f of await readdirOrEmpty(join(root, d))) if (f.endsWith('.json')) files.push(join(root, d, f));
    });
    const out: [string, IndexEntry][] = [];
    await pool(files, async (f) => {
      const m = await readJson<ObjectMeta>(f);
      if (m !== undefined) out.push([m.key, entryOf(m)]);
    });
    return KeyIndex.fromEntries(out);
  }
}

/** Runs `fn` over `items` with at most INDEX_SCAN_CONCURRENCY at a time. */
async function pool<T>(items: readonly T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(INDEX_SCAN_CONCURRENCY, items.length) }, worker));
}

function entryOf(m: ObjectMeta): IndexEntry {
  return { size: m.size, etag: m.etag, lastModified: m.lastModified };
}
