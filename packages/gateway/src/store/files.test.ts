import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJson } from './files.js';

describe('readJson', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 's3kit-files-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is undefined for a missing file or directory, and parses a small file', async () => {
    expect(await readJson(join(dir, 'none.json'))).toBeUndefined();
    expect(await readJson(join(dir, 'none', 'x.json'))).toBeUndefined();
    await writeFile(join(dir, 'small.json'), JSON.stringify({ key: 'café ☕' }));
    expect(await readJson(join(dir, 'small.json'))).toEqual({ key: 'café ☕' });
  });

  it('reads a file of one read exactly, and larger ones, whole (a multi-byte character across the first read)', async () => {
    const write = async (name: string, content: string): Promise<string> => {
      const body = `{"k":"${content}"}`;
      await writeFile(join(dir, name), body);
      return body;
    };
    // '{"k":"' is 6 bytes and '"}' 2: files of 16 KiB - 1, 16 KiB and 16 KiB + 1 bytes.
    for (const size of [16 * 1024 - 1, 16 * 1024, 16 * 1024 + 1]) {
      const body = await write(`f${size}.json`, 'x'.repeat(size - 8));
      expect(Buffer.byteLength(body)).toBe(size);
      expect(await readJson(join(dir, `f${size}.json`))).toEqual(JSON.parse(body));
    }
    // A 3-byte '€' from byte 16383 to 16385.
    const body = await write('edge.json', `${'x'.repeat(16 * 1024 - 7)}€${'y'.repeat(200 * 1024)}`);
    expect(await readJson(join(dir, 'edge.json'))).toEqual(JSON.parse(body));
  });

  it('rejects a file that is not JSON, and a directory', async () => {
    await writeFile(join(dir, 'bad.json'), '{"cut');
    await expect(readJson(join(dir, 'bad.json'))).rejects.toThrow(SyntaxError);
    await expect(readJson(dir)).rejects.toMatchObject({ code: 'EISDIR' });
  });
});
