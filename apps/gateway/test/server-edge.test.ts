import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SigV4Signer } from '@s3kit/sigv4';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../src/config.js';
import { startServer, type RunningServer } from '../src/server.js';

// Issue 12, defect 1 through the program: requests Node's body parser refuses are answered,
// logged and counted, hold no slot afterwards, and SIGTERM's drain does not wait for them.

const ALICE = { name: 'alice', accessKeyId: 'AKIAALICE00000000001', secretAccessKey: 'alice-secret-never-logged', allow: [{ bucket: '*', access: 'readwrite' as const }] };

let dir: string;
let running: RunningServer;
let port: number;
const lines: Record<string, unknown>[] = [];

/** Sends raw bytes on a new connection; resolves with what came back once the server closed it (or after 3 s). */
function raw(data: string): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => s.write(data));
    let text = '';
    s.on('data', (d: Buffer) => (text += d.toString('latin1')));
    s.on('error', () => {});
    const timer = setTimeout(() => s.destroy(), 3000);
    s.on('close', () => {
      clearTimeout(timer);
      resolve(text);
    });
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3kit-gwedge-'));
  const config = validateConfig(
    {
      listen: { port: 0 },
      admin: { port: 0 },
      limits: { maxConcurrentRequests: 10, shutdownTimeoutMs: 5000 },
      identities: [ALICE],
      upstreams: { default: { type: 'local', dir: join(dir, 'store'), fsync: false } },
    },
    'test',
  );
  const sink = new PassThrough();
  sink.on('data', (c: Buffer) => {
    for (const l of c.toString().split('\n')) if (l.trim() !== '') lines.push(JSON.parse(l) as Record<string, unknown>);
  });
  running = await startServer(config, pino({ level: 'info' }, sink));
  port = Number(new URL(running.endpoint).port);
});
afterAll(async () => {
  await running.shutdown();
  await rm(dir, { recursive: true, force: true });
});

describe('the limits config', () => {
  const doc = (limits: Record<string, unknown>): unknown => ({ limits, identities: [ALICE], upstreams: { default: { type: 'local', dir: '/tmp/x' } } });
  it('defaults bodyTimeoutMs 20000, minBodyBytesPerSecond 1024, maxUnauthenticatedShare 0.5, and checks them', () => {
    expect(validateConfig(doc({}), 'gw.yaml').limits).toMatchObject({ bodyTimeoutMs: 20_000, minBodyBytesPerSecond: 1024, maxUnauthenticatedShare: 0.5 });
    expect(validateConfig(doc({ maxUnauthenticatedShare: 0.25 }), 'gw.yaml').limits.maxUnauthenticatedShare).toBe(0.25);
    expect(() => validateConfig(doc({ maxUnauthenticatedShare: 2 }), 'gw.yaml')).toThrow('gw.yaml: limits.maxUnauthenticatedShare: must be a number from 0 to 1 (got 2)');
    expect(() => validateConfig(doc({ bodyTimeoutMs: 0 }), 'gw.yaml')).toThrow('limits.bodyTimeoutMs');
  });
});

describe('the program with maxConcurrentRequests 10', () => {
  it('answers 30 PUTs with bodies Node cannot parse (400 S3 XML), logs and counts them, and keeps serving', async () => {
    const s3 = new S3Client({ endpoint: running.endpoint, region: 'us-east-1', forcePathStyle: true, maxAttempts: 1, credentials: ALICE });
    await s3.send(new CreateBucketCommand({ Bucket: 'edge' }));
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        raw(
          i % 2 === 0
            ? `PUT /edge/ghost-${i} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nTransfer-Encoding: gzip\r\n\r\nabc`
            : `PUT /edge/ghost-${i} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n`,
        ),
      ),
    );
    for (const a of answers) expect(a).toMatch(/^HTTP\/1\.1 (400 Bad Request[\s\S]*<Code>InvalidRequest<\/Code>|503 Service Unavailable[\s\S]*<Code>SlowDown<\/Code>)/);
    await s3.send(new PutObjectCommand({ Bucket: 'edge', Key: 'after', Body: 'still serving' }));
    expect(await (await s3.send(new GetObjectCommand({ Bucket: 'edge', Key: 'after' }))).Body!.transformToString()).toBe('still serving');
    s3.destroy();
    // Every 400 answer is logged with its key. A request refused for want of a slot (503
    // SlowDown, under load) whose body then fails to parse is not logged yet: known gap.
    const rejected = answers.filter((a) => a.startsWith('HTTP/1.1 400')).length;
    const isGhost = (l: Record<string, unknown>): boolean => l['msg'] === 'request' && String(l['key']).startsWith('ghost-');
    await expect.poll(() => lines.filter(isGhost).length, { timeout: 10_000 }).toBe(rejected);
    const ghosts = lines.filter(isGhost);
    expect(ghosts.filter((l) => l['status'] === 400).length).toBeGreaterThanOrEqual(5);
    for (const l of ghosts) expect([400, 503]).toContain(l['status']);
    const m = await (await fetch(`${running.adminEndpoint}/metrics`)).text();
    expect(m).toMatch(/s3kit_gateway_requests_in_flight 0\b/);
    const counted = [...m.matchAll(/s3kit_gateway_requests_total\{operation="PutObject",status="400",upstream="[^"]+"\} (\d+)/g)].reduce((n, x) => n + Number(x[1]), 0);
    expect(counted).toBe(rejected);
  });

  it('logs a client that hangs up mid-body (FIN or reset) as ClientDisconnected, and counts it as neither an auth failure nor an upstream error', async () => {
    const before = await (await fetch(`${running.adminEndpoint}/metrics`)).text();
    const signer = new SigV4Signer({ credentials: ALICE, region: 'us-east-1' });
    for (const [key, hangUp] of [
      ['cut-fin', (s: ReturnType<typeof connect>) => s.end()],
      ['cut-reset', (s: ReturnType<typeof connect>) => s.resetAndDestroy()],
    ] as const) {
      const signed = signer.sign({ method: 'PUT', url: `http://127.0.0.1:${port}/edge/${key}`, headers: { 'content-length': '100000' }, payloadHash: 'UNSIGNED-PAYLOAD' });
      const head = `PUT /edge/${key} HTTP/1.1\r\n${Object.entries(signed.headers)
        .map(([n, v]) => `${n}: ${String(v)}\r\n`)
        .join('')}\r\n`;
      const s = connect(port, '127.0.0.1', () => s.write(head + 'x'.repeat(1000)));
      s.on('error', () => {});
      await new Promise((r) => setTimeout(r, 300));
      hangUp(s);
      await expect
        .poll(() => lines.find((l) => l['msg'] === 'request' && l['key'] === key), { timeout: 3000 })
        .toMatchObject({ status: 0, errorCode: 'ClientDisconnected', complete: false, bytesIn: 1000 });
    }
    expect(lines.filter((l) => l['msg'] === 'unexpected failure')).toEqual([]);
    const m = await (await fetch(`${running.adminEndpoint}/metrics`)).text();
    expect(m).toMatch(/s3kit_gateway_requests_in_flight 0\b/);
    expect(m).toMatch(/s3kit_gateway_requests_total\{operation="PutObject",status="0",upstream="default"\} 2\b/);
    const failures = (text: string): string => [...text.matchAll(/^s3kit_gateway_(auth_failures|upstream_errors)_total\{.*$/gm)].map((x) => x[0]).join('\n');
    expect(failures(m)).toBe(failures(before));
  });

  it('shuts down (SIGTERM path) without waiting out the drain timeout for them', async () => {
    const started = Date.now();
    await running.shutdown();
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
