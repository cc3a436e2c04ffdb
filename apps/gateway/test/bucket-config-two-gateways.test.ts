import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SigV4Signer } from '@s3kit/sigv4';
import { rgwOrSkip } from '@s3kit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Two gateway processes in front of one Ceph RGW, sharing nothing but the upstream: a bucket
// policy or CORS configuration set through one is enforced by the other within the staleness
// bound (bucketConfig.maxStalenessMs), because both keep it in the upstream's system bucket.

const { rgw, reason } = await rgwOrSkip();
const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const nodeArgs = ['--conditions=@s3kit/source', '--import', 'tsx', main];
const cwd = fileURLToPath(new URL('..', import.meta.url));
const V = '2012-10-17';
const ALICE = { accessKeyId: 'AKTWOGWALICE', secretAccessKey: 'secret-AKTWOGWALICE-000000' };
const STALENESS_MS = 1000;

interface Running {
  child: ChildProcess;
  endpoint: string;
}

function start(configFile: string): Promise<Running> {
  const child = spawn(process.execPath, [...nodeArgs, '--config', configFile], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (c: Buffer): void => {
      out += c.toString();
      const m = /listening on (http:\/\/[0-9.:]+)/.exec(out);
      if (m) resolve({ child, endpoint: m[1]! });
    };
    child.stdout!.on('data', onData);
    // The banner (endpoints) is on stderr.
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

async function stop(r: Running | undefined): Promise<void> {
  if (r === undefined || r.child.exitCode !== null) return;
  const exited = new Promise((res) => r.child.once('exit', res));
  r.child.kill('SIGTERM');
  await exited;
}

async function signed(endpoint: string, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<number> {
  const s = new SigV4Signer({ credentials: ALICE, region: 'us-east-1' }).sign({ method, url: `${endpoint}${path}`, headers, ...(body === undefined ? {} : { body }) });
  const res = await fetch(s.url, { method, headers: s.headers, ...(body === undefined ? {} : { body }) });
  await res.arrayBuffer();
  return res.status;
}

/** Polls `probe` until it answers `want`; the milliseconds it took. */
async function until(want: number, probe: () => Promise<number>, limitMs: number): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const got = await probe();
    const elapsed = performance.now() - t0;
    if (got === want) return elapsed;
    if (elapsed > limitMs) throw new Error(`still ${got} after ${Math.round(elapsed)} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.skipIf(!rgw)(`two gateway processes, one Ceph RGW ${reason}`, () => {
  let dir: string;
  let a: Running | undefined;
  let b: Running | undefined;
  const bucket = `twogw-${Date.now().toString(36)}`;
  const anonymous = (r: Running) => async () => {
    const res = await fetch(`${r.endpoint}/${bucket}/a.txt`);
    await res.arrayBuffer();
    return res.status;
  };
  const preflight = (r: Running) => async () => {
    const res = await fetch(`${r.endpoint}/${bucket}/a.txt`, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'PUT' } });
    await res.arrayBuffer();
    return res.status;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 's3kit-twogw-'));
    const file = join(dir, 'gateway.json');
    await writeFile(
      file,
      JSON.stringify({
        listen: { port: 0 },
        admin: null,
        log: { level: 'warn' },
        identities: [{ name: 'alice', ...ALICE, allow: [{ bucket: '*', access: 'readwrite' }] }],
        bucketConfig: { maxStalenessMs: STALENESS_MS },
        upstreams: {
          default: {
            type: 's3',
            endpoint: rgw!.endpoint,
            region: rgw!.region,
            credentials: { accessKeyId: rgw!.accessKeyId, secretAccessKey: rgw!.secretAccessKey },
            profile: { checksumHeaders: false },
            configStore: { bucket: `s3kit-sys-${Date.now().toString(36)}`, prefix: 'two/' },
          },
        },
      }),
    );
    [a, b] = await Promise.all([start(file), start(file)]);
    expect(await signed(a.endpoint, 'PUT', `/${bucket}`)).toBe(200);
    expect(await signed(a.endpoint, 'PUT', `/${bucket}/a.txt`, 'hello')).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([stop(a), stop(b)]);
    await rm(dir, { recursive: true, force: true });
  });

  it(`a policy set through one gateway is enforced by the other within ${STALENESS_MS} ms (denied → allowed → denied)`, async () => {
    // B has looked (and cached "no policy") before A changes anything.
    expect(await anonymous(b!)()).toBe(403);
    const policy = JSON.stringify({ Version: V, Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }] });
    expect(await signed(a!.endpoint, 'PUT', `/${bucket}?policy`, policy)).toBe(204);
    expect(await anonymous(a!)()).toBe(200);
    const opened = await until(200, anonymous(b!), STALENESS_MS + 500);
    expect(await signed(b!.endpoint, 'DELETE', `/${bucket}?policy`)).toBe(204);
    expect(await anonymous(b!)()).toBe(403);
    const closed = await until(403, anonymous(a!), STALENESS_MS + 500);
    expect(opened).toBeLessThanOrEqual(STALENESS_MS + 500);
    expect(closed).toBeLessThanOrEqual(STALENESS_MS + 500);
  });

  it(`CORS set through one gateway opens preflights on the other within ${STALENESS_MS} ms`, async () => {
    expect(await preflight(a!)()).toBe(403);
    const cors = '<CORSConfiguration><CORSRule><AllowedOrigin>https://app.example</AllowedOrigin><AllowedMethod>PUT</AllowedMethod></CORSRule></CORSConfiguration>';
    expect(await signed(b!.endpoint, 'PUT', `/${bucket}?cors`, cors)).toBe(200);
    expect(await until(200, preflight(a!), STALENESS_MS + 500)).toBeLessThanOrEqual(STALENESS_MS + 500);
  });
});
