// head (ranged GETs, counted through a proxy), find (name/path globs, size and age filters) and
// presign --post (a form a plain fetch uploads with), through the binary against both upstream kinds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketName, gatewayServer, reason, rgw, rgwServer, type Server } from './cli.js';
import { recordingProxy, type RecordingProxy } from './recording-proxy.js';
import { lines, session } from './session.js';

/** 100,000 numbered lines, 11 bytes each (1.1 MB). */
const LINES = Array.from({ length: 100_000 }, (_, i) => `line-${String(i).padStart(5, '0')}\n`).join('');

function suite(kind: string, start: () => Promise<Server>): void {
  const bucket = bucketName(`rd-${kind}`);
  const s = session(start, [bucket]);
  let proxy: RecordingProxy;
  beforeAll(async () => {
    await s.server.s3.makeBucket(bucket);
    await s.server.s3.putObject(bucket, 'lines.txt', LINES);
    await s.server.s3.putObject(bucket, 'empty.txt', '');
    await s.server.s3.putObject(bucket, 'short.txt', 'one\ntwo');
    proxy = await recordingProxy(s.server.endpoint);
    const r = await s.run('alias', 'set', 'p', proxy.url, s.server.accessKey, s.server.secretKey, '--region', 'us-east-1');
    expect(r.code, r.stderr).toBe(0);
  });
  afterAll(() => proxy.close());

  it('head -n reads ranges, not the whole object; -c prints bytes', async () => {
    const first = LINES.split('\n');
    const three = await s.run('head', '-n', '3', `p/${bucket}/lines.txt`);
    expect(three.code, three.stderr).toBe(0);
    expect(three.stdout).toBe('line-00000\nline-00001\nline-00002\n');
    expect(proxy.ranges).toEqual(['bytes=0-65535']);
    expect(proxy.bytes).toBe(65536);
    // 7,000 lines need a second, doubled window; still a fraction of the object.
    proxy.ranges.length = 0;
    proxy.bytes = 0;
    const many = await s.run('head', '-n', '7000', `p/${bucket}/lines.txt`);
    expect(many.stdout).toBe(`${first.slice(0, 7000).join('\n')}\n`);
    expect(proxy.ranges).toEqual(['bytes=0-65535', 'bytes=65536-196607']);
    expect(proxy.bytes).toBeLessThan(LINES.length / 5);
    expect((await s.run('head', `t/${bucket}/lines.txt`)).stdout).toBe(`${first.slice(0, 10).join('\n')}\n`);
    expect((await s.run('head', '-c', '8', `t/${bucket}/lines.txt`)).stdout).toBe('line-000');
  });

  it('head of an empty or short object prints what there is', async () => {
    const empty = await s.run('head', `t/${bucket}/empty.txt`);
    expect([empty.code, empty.stdout, empty.stderr]).toEqual([0, '', '']);
    expect((await s.run('head', '-n', '5', `t/${bucket}/short.txt`)).stdout).toBe('one\ntwo');
    expect((await s.run('head', '-n', '1', `t/${bucket}/short.txt`)).stdout).toBe('one\n');
    expect((await s.run('head', '-c', '1KiB', `t/${bucket}/short.txt`)).stdout).toBe('one\ntwo');
  });

  it('head errors: NoSuchKey, -n with -c', async () => {
    const missing = await s.run('head', `t/${bucket}/nope.txt`);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^s3kit: NoSuchKey: [^\n]*\n$/);
    const both = await s.run('head', '-n', '1', '-c', '1', `t/${bucket}/lines.txt`);
    expect([both.code, both.stderr]).toEqual([2, 's3kit: UsageError: head: -n and -c exclude each other\n']);
  });

  it('find filters by name, path, size and age; prints ALIAS/bucket/key or JSON', async () => {
    const fb = `${bucket}-find`;
    expect((await s.run('mb', `t/${fb}`)).code).toBe(0);
    const put = (key: string, size: number) => s.server.s3.putObject(fb, key, 'x'.repeat(size));
    await put('docs/a.txt', 10);
    await put('docs/b.md', 2000);
    await put('img/c.png', 50 * 1024);
    await put('img/deep/d.txt', 1);
    const find = async (...args: string[]) => lines(await s.run('find', ...args));
    expect(await find(`t/${fb}`, '--name', '*.txt')).toEqual([`t/${fb}/docs/a.txt`, `t/${fb}/img/deep/d.txt`]);
    expect(await find(`t/${fb}`, '--path', 'img/**')).toEqual([`t/${fb}/img/c.png`, `t/${fb}/img/deep/d.txt`]);
    expect(await find(`t/${fb}`, '--path', 'img/*')).toEqual([`t/${fb}/img/c.png`]);
    expect(await find(`t/${fb}`, '--name', '*.txt', '--name', '*.md')).toEqual([]);
    expect(await find(`t/${fb}`, '--larger', '1KiB')).toEqual([`t/${fb}/docs/b.md`, `t/${fb}/img/c.png`]);
    expect(await find(`t/${fb}`, '--smaller', '100')).toEqual([`t/${fb}/docs/a.txt`, `t/${fb}/img/deep/d.txt`]);
    expect(await find(`t/${fb}`, '--newer-than', '1h')).toHaveLength(4);
    expect(await find(`t/${fb}`, '--older-than', '1h')).toEqual([]);
    expect(await find(`t/${fb}/img/`, '--name', '*.txt')).toEqual([`t/${fb}/img/deep/d.txt`]);
    const json = (await find('--json', '--larger', '40KiB', `t/${fb}`)).map((l) => JSON.parse(l));
    expect(json).toEqual([expect.objectContaining({ key: `t/${fb}/img/c.png`, size: 50 * 1024 })]);
    const bad = await s.run('find', '--newer-than', 'soon', `t/${fb}`);
    expect([bad.code, bad.stderr]).toEqual([2, 's3kit: UsageError: find: --newer-than: not a duration (30m, 12h, 7d, 2w): soon\n']);
    const missing = await s.run('find', `t/${fb}-missing`);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^s3kit: NoSuchBucket: [^\n]*\n$/);
    expect((await s.run('rb', '--force', `t/${fb}`)).code).toBe(0);
  });

  it('presign --post prints a form that uploads with fetch; its conditions hold', async () => {
    const r = await s.run('presign', '--post', '--expire', '10m', '--content-type', 'text/plain', '--max-size', '1KiB', `t/${bucket}/form.txt`);
    expect(r.code, r.stderr).toBe(0);
    const [url, ...fieldLines] = lines(r);
    const fields = Object.fromEntries(fieldLines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    expect(fields).toMatchObject({ key: 'form.txt', 'Content-Type': 'text/plain', 'x-amz-algorithm': 'AWS4-HMAC-SHA256' });
    const post = (body: string, extra: Record<string, string> = {}) => {
      const form = new FormData();
      for (const [k, v] of Object.entries({ ...fields, ...extra })) form.append(k, v);
      form.append('file', new Blob([body], { type: 'text/plain' }), 'form.txt');
      return fetch(url!, { method: 'POST', body: form });
    };
    expect((await post('posted by a form')).status).toBe(204);
    expect((await s.run('cat', `t/${bucket}/form.txt`)).stdout).toBe('posted by a form');
    const big = await post('x'.repeat(2048));
    expect(big.status).toBe(400);
    expect(await big.text()).toMatch(/EntityTooLarge/);
    expect((await post('x', { 'Content-Type': 'text/html' })).status).toBe(403);
    const json = JSON.parse((await s.run('presign', '--post', '--json', `t/${bucket}/form2.txt`)).stdout);
    expect(json).toMatchObject({ method: 'POST', url, expires: 604800, fields: { key: 'form2.txt', bucket } });
    const bad = await s.run('presign', '--post', '--put', `t/${bucket}/x`);
    expect([bad.code, bad.stderr]).toEqual([2, 's3kit: UsageError: presign: --post excludes --put and --version-id\n']);
  });
}

describe('s3kit head, find, presign --post through the gateway on the embedded store', () => suite('gw', gatewayServer));
describe.skipIf(!rgw)(`s3kit head, find, presign --post against Ceph RGW ${reason}`, () => suite('rgw', async () => rgwServer()));
