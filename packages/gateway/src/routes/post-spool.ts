import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Files up to this size are held in memory when they must be spooled; larger ones go to a temp file. */
export const MEMORY_SPOOL_LIMIT = 8 * 1024 * 1024;

/** A fully read (and therefore fully verified) file, ready to be sent with its length. */
export interface Spooled {
  readonly length: number;
  /** A fresh body each call (an upstream may read it once). */
  body(): AsyncIterable<Uint8Array>;
  /** Removes the temp file, if any. */
  release(): Promise<void>;
}

/**
 * Reads `file` to its end: in memory while the request is small (`sizeHint`, the form's
 * Content-Length, at most {@link MEMORY_SPOOL_LIMIT}), else into a private temp file. A failing
 * file stream (a verification error, a client gone) rejects before anything goes upstream and
 * leaves no temp file.
 */
export async function spool(file: AsyncIterable<Uint8Array>, sizeHint: number | undefined): Promise<Spooled> {
  if (sizeHint !== undefined && sizeHint <= MEMORY_SPOOL_LIMIT) {
    const chunks: Uint8Array[] = [];
    let length = 0;
    for await (const c of file) {
      chunks.push(c);
      length += c.length;
    }
    return {
      length,
      body: () =>
        (async function* () {
          yield* chunks;
        })(),
      release: async () => {},
    };
  }
  const path = join(tmpdir(), `s3kit-post-${randomBytes(12).toString('hex')}`);
  const fh = await open(path, 'wx', 0o600);
  let length = 0;
  try {
    for await (const c of file) {
      let off = 0;
      while (off < c.length) off += (await fh.write(c, off, c.length - off)).bytesWritten;
      length += c.length;
    }
  } catch (e) {
    await fh.close().catch(() => {});
    await unlink(path).catch(() => {});
    throw e;
  }
  await fh.close();
  return {
    length,
    body: () => createReadStream(path, { highWaterMark: 256 * 1024 }),
    release: () => unlink(path).catch(() => {}),
  };
}
