// Test data on disk, never whole in memory: random files of any size with their SHA-256, trees of
// many small files, streamed hashes.
import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const MiB = 1024 * 1024;

/** Writes `size` random bytes to `path` in 4 MiB blocks; resolves to their hex SHA-256. */
export async function randomFile(path: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  const block = Buffer.allocUnsafe(4 * MiB);
  const fh = await open(path, 'w');
  try {
    for (let off = 0; off < size; off += block.length) {
      const n = Math.min(block.length, size - off);
      randomFillSync(block, 0, n);
      hash.update(block.subarray(0, n));
      await fh.write(block, 0, n);
    }
  } finally {
    await fh.close();
  }
  return hash.digest('hex');
}

/** Hex SHA-256 of a file, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * MiB })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** `count` small random files (0 B to ~8 KiB) in nested directories, plus `.log` files every tenth; returns their relative paths. */
export async function manyFiles(dir: string, count: number): Promise<string[]> {
  const rels: string[] = [];
  for (let i = 0; i < count; i++) {
    const rel = `d${i % 7}/s${i % 3}/file-${String(i).padStart(4, '0')}.${i % 10 === 0 ? 'log' : 'dat'}`;
    await mkdir(join(dir, rel, '..'), { recursive: true });
    await writeFile(join(dir, rel), randomFillSync(Buffer.alloc((i * 131) % 8192)));
    rels.push(rel);
  }
  return rels;
}
