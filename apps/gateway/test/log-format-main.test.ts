import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createPresignedPost } from '@s3kit/post-policy';
import { SigV4Signer } from '@s3kit/sigv4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prettyDestination, prettyLine } from '../src/log-format.js';
import { startProgram, type Program } from './support/program.js';

// The program's output: stdout is pure log lines (JSON by default, every line parses; the banner
// goes to stderr), `--log-format pretty` writes one human line per request, and no secret (keys,
// signatures, POST policies, the admin token) reaches either stream, even at log level trace.
const ID = { name: 'logs', accessKeyId: 'AKLOGFORMAT', secretAccessKey: 'log-format-secret-never-logged' };
const TOKEN = 'log-format-admin-token-never-logged';

let dir: string;
let cfg: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3kit-gwlogs-'));
  cfg = join(dir, 'gw.json');
  await writeFile(
    cfg,
    JSON.stringify({
      listen: { port: 0 },
      admin: { port: 0, token: TOKEN },
      log: { level: 'trace' },
      identities: [{ ...ID, allow: [{ bucket: '*', access: 'readwrite' }] }],
      upstreams: { default: { type: 'local', dir: join(dir, 'store'), fsync: false } },
    }),
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Starts the program, keeping its stdout apart. */
function start(args: string[]): { p: Program; stdout: () => string } {
  const p = startProgram(['--config', cfg, ...args]);
  let stdout = '';
  p.child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  return { p, stdout: () => stdout };
}

async function stop(p: Program): Promise<void> {
  const exited = new Promise<number | null>((r) => p.child.once('exit', r));
  p.child.kill('SIGTERM');
  expect(await exited).toBe(0);
}

const signer = new SigV4Signer({ credentials: ID, region: 'us-east-1' });

describe('log output (program)', () => {
  it('JSON: every stdout line parses, the banner is on stderr, no secret of a signed request, a presigned URL or a POST form is written', async () => {
    const { p, stdout } = start([]);
    const endpoint = await p.endpoint;
    const secrets = [ID.secretAccessKey, TOKEN];
    const put = signer.sign({ method: 'PUT', url: `${endpoint}/logs` });
    secrets.push(/Signature=([0-9a-f]{64})/.exec(put.headers['authorization']!)![1]!);
    expect((await fetch(put.url, { method: 'PUT', headers: put.headers })).status).toBe(200);
    const post = createPresignedPost({ bucket: 'logs', key: 'form.txt', endpoint, forcePathStyle: true, region: 'us-east-1', credentials: ID, expiresIn: 300 });
    secrets.push(post.fields['x-amz-signature']!, post.fields['policy']!);
    const form = new FormData();
    for (const [k, v] of Object.entries(post.fields)) form.append(k, v);
    form.append('file', new Blob(['posted']), 'form.txt');
    expect((await fetch(post.url, { method: 'POST', body: form })).status).toBe(204);
    const presigned = signer.presign({ method: 'GET', url: `${endpoint}/logs/form.txt`, expiresIn: 300 });
    secrets.push(new URL(presigned.url).searchParams.get('X-Amz-Signature')!);
    expect(await (await fetch(presigned.url)).text()).toBe('posted');
    // A form with a bad signature is refused and logged as such, without its fields.
    form.set('x-amz-signature', '0'.repeat(64));
    expect((await fetch(post.url, { method: 'POST', body: form })).status).toBe(403);
    await stop(p);

    const lines = stdout()
      .split('\n')
      .filter((l) => l !== '');
    expect(lines.length).toBeGreaterThan(4);
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.filter((l) => l['msg'] === 'request').map((l) => l['operation'])).toEqual(['CreateBucket', 'PostObject', 'GetObject', 'PostObject']);
    expect(stdout()).not.toContain('listening on');
    expect(p.out()).toContain('listening on');
    for (const s of secrets) expect(p.out()).not.toContain(s);
  }, 30_000);

  it('pretty: one human line per request on stdout (no colours when not a terminal)', async () => {
    const { p, stdout } = start(['--log-format', 'pretty']);
    const endpoint = await p.endpoint;
    const get = signer.sign({ method: 'GET', url: `${endpoint}/` });
    expect((await fetch(get.url, { headers: get.headers })).status).toBe(200);
    expect((await fetch(`${endpoint}/nobucket/k`)).status).toBe(403);
    await stop(p);
    const lines = stdout()
      .split('\n')
      .filter((l) => l !== '');
    expect(
      lines.some((l) => /^\d\d:\d\d:\d\d\.\d{3} INFO {2}GET 200 ListBuckets - [\d.]+ms requestId=\S+ identity=logs upstream=default bytesIn=0 bytesOut=\d+ complete=true remote=127\.0\.0\.1$/.test(l)),
    ).toBe(true);
    expect(lines.some((l) => /^\S+ INFO {2}GET 403 GetObject nobucket\/k [\d.]+ms AccessDenied /.test(l))).toBe(true);
    expect(lines.some((l) => /^\S+ INFO {2}started endpoint=http/.test(l))).toBe(true);
    for (const l of lines) expect(() => JSON.parse(l)).toThrow();
    expect(stdout()).not.toContain('\x1b[');
    expect(p.out()).not.toContain(ID.secretAccessKey);
  }, 30_000);
});

describe('prettyLine', () => {
  it('colours the level and status on a terminal', () => {
    const out = new PassThrough() as PassThrough & { isTTY?: boolean };
    out.isTTY = true;
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    const before = process.env['NO_COLOR'];
    delete process.env['NO_COLOR'];
    try {
      prettyDestination(out).write('{"level":50,"time":0,"msg":"request","method":"PUT","status":503,"operation":"PutObject","bucket":"b","key":"k","durationMs":2,"errorCode":"SlowDown"}\n');
    } finally {
      if (before !== undefined) process.env['NO_COLOR'] = before;
    }
    expect(text).toBe('\x1b[90m00:00:00.000\x1b[0m \x1b[31mERROR\x1b[0m PUT \x1b[31m503\x1b[0m PutObject b/k 2ms \x1b[33mSlowDown\x1b[0m\n');
  });

  it('writes other lines as message and fields, quoting values with spaces', () => {
    expect(prettyLine('{"level":40,"time":0,"pid":1,"hostname":"h","service":"s","msg":"SIGHUP: x","fields":["listen.port"],"note":"a b"}', false)).toBe(
      '00:00:00.000 WARN  SIGHUP: x fields=["listen.port"] note="a b"',
    );
  });
});
