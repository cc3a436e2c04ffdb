// Trees on both sides: local files under a directory, and key helpers for prefixes.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RemotePath } from './target.js';
import type { ObjectRef } from './transfer.js';

/** An object of `remote`'s alias and bucket. */
export function ref(remote: RemotePath, key: string): ObjectRef {
  return { remote, bucket: remote.bucket, key };
}

/** `''` stays; anything else ends with `/`. */
export function dirKey(key: string): string {
  return key === '' || key.endsWith('/') ? key : `${key}/`;
}

/** True when `path` is an existing directory. */
export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Regular files under `dir`, depth first, in name order, with size and modification time. */
export async function* walk(dir: string): AsyncGenerator<{ path: string; size: number; mtimeMs: number }> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) yield* walk(path);
    else if (e.isFile()) {
      const st = await stat(path);
      yield { path, size: st.size, mtimeMs: st.mtimeMs };
    }
  }
}
