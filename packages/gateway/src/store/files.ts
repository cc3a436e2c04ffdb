import { open, readdir, type FileHandle } from 'node:fs/promises';

/** Whether `err` says the path (or a directory on it) does not exist. */
export function isNotFound(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** What {@link readText} reads at once: object metadata and bucket state fit many times over. */
const FIRST_READ_BYTES = 16 * 1024;

/**
 * Parses a JSON file; undefined when it does not exist.
 * @throws SyntaxError when it is not JSON; the file system's errors but for a missing file.
 */
export async function readJson<T>(path: string): Promise<T | undefined> {
  const text = await readText(path);
  return text === undefined ? undefined : (JSON.parse(text) as T);
}

/**
 * A UTF-8 file's text; undefined when it does not exist. A file that fits one read is read with
 * open, read, close: three thread-pool round trips where `readFile` takes four (it asks the size
 * first). On a 2-core VM each round trip costs about 37 µs of CPU, more than parsing the file.
 */
export async function readText(path: string): Promise<string | undefined> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  try {
    const first = Buffer.allocUnsafe(FIRST_READ_BYTES);
    // Positional: the handle's own position stays at 0, so a larger file is read whole from there.
    const { bytesRead } = await fh.read(first, 0, FIRST_READ_BYTES, 0);
    return bytesRead < FIRST_READ_BYTES ? first.toString('utf8', 0, bytesRead) : await fh.readFile('utf8');
  } finally {
    await fh.close();
  }
}

/** The names in a directory; none when it does not exist. */
export async function readdirOrEmpty(path: string): Promise<string[]> {
  try {
    return await readdir(path);
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
}

/** Makes a directory's entries (a rename, an unlink) durable. */
export async function fsyncDir(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
