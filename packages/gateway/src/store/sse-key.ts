import { randomBytes } from 'node:crypto';
import { link, open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { S3Error } from '@s3kit/errors';
import { fsyncDir, isNotFound } from './files.js';
import { tempName } from './write-temp.js';

/** The store key's file in the data directory. */
export const STORE_KEY_FILE = 'sse-s3.key';
const KEY_BYTES = 32;

/**
 * The store key of SSE-S3: 32 random bytes in `<dir>/sse-s3.key` (mode 0600), made on first
 * use. Created crash-safe: written and fsynced under a temp name, then hard-linked into place
 * (never replacing a key that exists) and the directory fsynced before any object is encrypted
 * with it, so a crash leaves either no key (and no object using one) or the whole key.
 * Losing the file loses every SSE-S3 object: back it up with the data directory.
 */
export class StoreKey {
  readonly #dir: string;
  readonly #tmpDir: string;
  readonly #fsync: boolean;
  #key: Promise<Buffer> | undefined;

  constructor(opts: { readonly dir: string; readonly tmpDir: string; readonly fsync: boolean }) {
    this.#dir = opts.dir;
    this.#tmpDir = opts.tmpDir;
    this.#fsync = opts.fsync;
  }

  /** The key, read or created once. @throws S3Error InternalError for a damaged key file. */
  get(): Promise<Buffer> {
    if (this.#key === undefined) {
      const p = this.#load();
      this.#key = p;
      p.catch(() => void (this.#key === p && (this.#key = undefined))); // a failed load (disk full) is retried later
    }
    return this.#key;
  }

  async #load(): Promise<Buffer> {
    const path = join(this.#dir, STORE_KEY_FILE);
    const existing = await readKey(path);
    if (existing !== undefined) return existing;
    const tmp = tempName(this.#tmpDir, 'key');
    try {
      const fh = await open(tmp, 'wx', 0o600);
      try {
        await fh.writeFile(randomBytes(KEY_BYTES));
        if (this.#fsync) await fh.sync();
      } finally {
        await fh.close();
      }
      await link(tmp, path).catch((err: unknown) => {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      });
    } finally {
      await unlink(tmp).catch(() => {});
    }
    if (this.#fsync) await fsyncDir(this.#dir);
    const key = await readKey(path);
    if (key === undefined) throw new S3Error('InternalError', { message: 'The store key could not be created.' });
    return key;
  }
}

async function readKey(path: string): Promise<Buffer | undefined> {
  let raw: Buffer;
  try {
    raw = await readFile(path);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  if (raw.length !== KEY_BYTES) throw new S3Error('InternalError', { message: `The store key file ${STORE_KEY_FILE} is damaged.` });
  return raw;
}
