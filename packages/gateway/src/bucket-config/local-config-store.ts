import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, rm, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ConfigDocument, ConfigStore } from './config-store.js';

/** Options of {@link createFileConfigStore}. */
export interface FileConfigStoreOptions {
  /** The directory holding the documents (created on first write). */
  readonly dir: string;
  /** fsync files and directories on write. **Default:** `true`. */
  readonly fsync?: boolean | undefined;
}

const TEMP_PREFIX = '.tmp-';

function etagOf(body: Uint8Array): string {
  return `"${createHash('md5').update(body).digest('hex')}"`;
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * A {@link ConfigStore} in a directory (the embedded store's `<dir>/gateway-config/`): one file
 * per document, written crash-safe (a temp file in the same directory, fsync, rename, fsync of
 * the directory), so a crash leaves the old document or the new one, never a torn one. Temp
 * files a crash left behind are removed when a bucket's directory is next written.
 */
export function createFileConfigStore(options: FileConfigStoreOptions): ConfigStore {
  const { dir } = options;
  const sync = options.fsync !== false;
  const pathOf = (name: string): string => join(dir, ...name.split('/'));
  return {
    async read(name, etag) {
      let body: Buffer;
      try {
        body = await readFile(pathOf(name));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
      const doc: ConfigDocument = { body, etag: etagOf(body) };
      return etag !== undefined && etag === doc.etag ? 'unchanged' : doc;
    },
    async write(name, body) {
      const path = pathOf(name);
      const parent = dirname(path);
      await mkdir(parent, { recursive: true });
      await removeStaleTemps(parent);
      const temp = join(parent, `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`);
      const fh = await open(temp, 'wx', 0o600);
      try {
        await fh.writeFile(body);
        if (sync) await fh.sync();
      } finally {
        await fh.close();
      }
      try {
        await rename(temp, path);
      } catch (err) {
        await unlink(temp).catch(() => undefined);
        throw err;
      }
      if (sync) await fsyncDir(parent);
    },
    async remove(name) {
      const path = pathOf(name);
      await rm(path, { force: true });
      if (sync) await fsyncDir(dirname(path)).catch(() => undefined);
    },
  };
}

/** Temp files of writes a crash interrupted (none of a write in progress here: names are random and writes await their rename). */
async function removeStaleTemps(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  // Only files older than a minute: another write of the same directory may be between open and rename.
  const cutoff = Date.now() - 60_000;
  for (const n of names) {
    if (!n.startsWith(TEMP_PREFIX)) continue;
    const p = join(dir, n);
    const fh = await open(p, 'r').catch(() => undefined);
    if (fh === undefined) continue;
    const { mtimeMs } = await fh.stat().finally(() => fh.close());
    if (mtimeMs < cutoff) await unlink(p).catch(() => undefined);
  }
}
