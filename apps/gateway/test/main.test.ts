import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SigV4Signer } from '@s3kit/sigv4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { programArgs, programCwd, startProgram } from './support/program.js';

// The program as a process (from source through tsx, so no build is needed): config file,
// banner, SIGHUP reload, SIGTERM exit, and a clear error for a bad config.

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3kit-gwmain-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function yamlConfig(keys: string[]): string {
  return [
    'listen: { port: 0 }',
    'admin: { port: 0 }',
    'identities:',
    ...keys.map((k) => `  - { accessKeyId: ${k}, secretAccessKey: secret-${k}, allow: [{ bucket: "*", access: readwrite }] }`),
    'upstreams:',
    `  default: { type: local, dir: ${join(dir, 'store')}, fsync: false }`,
  ].join('\n');
}

async function get(endpoint: string, key: string): Promise<number> {
  const signer = new SigV4Signer({ credentials: { accessKeyId: key, secretAccessKey: `secret-${key}` }, region: 'us-east-1' });
  const s = signer.sign({ method: 'GET', url: `${endpoint}/` });
  return (await fetch(s.url, { headers: s.headers })).status;
}

describe('s3kit-gateway (main)', () => {
  it('starts from a YAML file, reloads identities on SIGHUP, exits 0 on SIGTERM', async () => {
    const cfg = join(dir, 'gw.yaml');
    await writeFile(cfg, yamlConfig(['AKONE']));
    const p = startProgram(['--config', cfg]);
    const endpoint = await p.endpoint;
    expect(await get(endpoint, 'AKONE')).toBe(200);
    expect(await get(endpoint, 'AKTWO')).toBe(403);
    await writeFile(cfg, yamlConfig(['AKONE', 'AKTWO']));
    p.child.kill('SIGHUP');
    for (let i = 0; i < 100 && !p.out().includes('reloaded identities'); i++) await new Promise((r) => setTimeout(r, 20));
    expect(await get(endpoint, 'AKTWO')).toBe(200);
    const exited = new Promise<number | null>((r) => p.child.once('exit', r));
    p.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(p.out()).toContain('"msg":"stopped"');
    expect(p.out()).not.toContain('secret-AKONE');
  }, 30_000);

  it('refuses a bad config with the file and field named, exit status 2', async () => {
    const cfg = join(dir, 'bad.json');
    await writeFile(cfg, JSON.stringify({ identities: [{ accessKeyId: 'A', secretAccessKey: 'B', allow: [{ bucket: 'x', access: 'all' }] }], upstreams: { default: { type: 'local', dir: './d' } } }));
    const child = spawn(process.execPath, [...programArgs, '--config', cfg], { cwd: programCwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).toBe(2);
    expect(err).toContain('bad.json: identities[0].allow[0].access: must be one of read, write, readwrite (got "all")');
  }, 30_000);
});
