import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Issue 12, defect 6: the program logs its local store's start sweep (what a crash left).
const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const cwd = fileURLToPath(new URL('..', import.meta.url));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3kit-gwsweep-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('s3kit-gateway: store sweep at start', () => {
  it('removes temp files and unreferenced data a crash left, and logs what it removed', async () => {
    const store = join(dir, 'store');
    await mkdir(join(store, 'tmp'), { recursive: true });
    await writeFile(join(store, 'tmp', 'put-0123'), 'an interrupted PUT');
    const objects = join(store, 'buckets', 'bkt', 'objects', 'ab');
    await mkdir(objects, { recursive: true });
    await writeFile(join(store, 'buckets', 'bkt', 'bucket.json'), JSON.stringify({ created: Date.now() }));
    await writeFile(join(objects, `${'ab'.padEnd(64, '0')}.0123456789abcdef.data`), 'data no metadata names');
    const cfg = join(dir, 'gw.yaml');
    await writeFile(
      cfg,
      [
        'listen: { port: 0 }',
        'admin: null',
        'identities:',
        '  - { accessKeyId: AKSWEEP, secretAccessKey: secret, allow: [{ bucket: "*", access: readwrite }] }',
        'upstreams:',
        `  default: { type: local, dir: ${store}, fsync: false }`,
      ].join('\n'),
    );
    const child = spawn(process.execPath, ['--conditions=@s3kit/source', '--import', 'tsx', main, '--config', cfg], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    try {
      for (let i = 0; i < 500 && !out.includes('"msg":"store sweep"'); i++) await new Promise((r) => setTimeout(r, 20));
      const line = out.split('\n').find((l) => l.includes('"msg":"store sweep"'));
      expect(line, out).toBeDefined();
      expect(JSON.parse(line!)).toMatchObject({ level: 30, upstream: 'default', files: 2, bytes: 18 + 22, tempFiles: 1, complete: true });
      expect(await readdir(join(store, 'tmp'))).toEqual([]);
      expect(await readdir(objects)).toEqual([]);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }, 30_000);
});
