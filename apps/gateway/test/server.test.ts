import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SigV4Signer } from '@s3kit/sigv4';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig, type GatewayConfig } from '../src/config.js';
import { startServer, type RunningServer } from '../src/server.js';

const ALICE = { name: 'alice', accessKeyId: 'AKIAALICE00000000001', secretAccessKey: 'alice-secret-never-logged', allow: [{ bucket: '*', access: 'readwrite' as const }] };
const BOB = { name: 'bob', accessKeyId: 'AKIABOB0000000000001', secretAccessKey: 'bob-secret-never-logged', allow: [{ bucket: '*', access: 'read' as const }] };

let dir: string;
let running: RunningServer;
let config: GatewayConfig;
const lines: Record<string, unknown>[] = [];
let rawLog = '';

/** A signed PUT (UNSIGNED-PAYLOAD) of `total` bytes that sends only `first` for now. */
function stalledPut(key: string, total: number, first: string): { req: ReturnType<typeof httpRequest>; status: Promise<number> } {
  const signer = new SigV4Signer({ credentials: ALICE, region: 'us-east-1' });
  const s = signer.sign({ method: 'PUT', url: `${running.endpoint}/app/${key}`, headers: { 'content-length': String(total) }, payloadHash: 'UNSIGNED-PAYLOAD' });
  let req!: ReturnType<typeof httpRequest>;
  const status = new Promise<number>((resolve, reject) => {
    req = httpRequest({ host: '127.0.0.1', port: new URL(running.endpoint).port, method: 'PUT', path: `/app/${key}`, headers: s.headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
  req.write(first);
  return { req, status };
}

function client(id: { accessKeyId: string; secretAccessKey: string }): S3Client {
  return new S3Client({ endpoint: running.endpoint, region: 'us-east-1', forcePathStyle: true, maxAttempts: 1, credentials: { accessKeyId: id.accessKeyId, secretAccessKey: id.secretAccessKey } });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3kit-gwapp-'));
  config = validateConfig(
    {
      listen: { port: 0 },
      admin: { port: 0 },
      limits: { maxConcurrentRequests: 2, shutdownTimeoutMs: 5000 },
      identities: [ALICE],
      upstreams: { default: { type: 'local', dir: join(dir, 'store'), fsync: false } },
    },
    'test',
  );
  const sink = new PassThrough();
  sink.on('data', (c: Buffer) => {
    rawLog += c.toString();
    for (const l of c.toString().split('\n')) if (l.trim() !== '') lines.push(JSON.parse(l) as Record<string, unknown>);
  });
  running = await startServer(config, pino({ level: 'info' }, sink));
});
afterAll(async () => {
  await running.shutdown();
  await rm(dir, { recursive: true, force: true });
});

describe('the gateway program', () => {
  it('serves S3 over the embedded store and writes one JSON access-log line per request, without secrets', async () => {
    const s3 = client(ALICE);
    await s3.send(new CreateBucketCommand({ Bucket: 'app' }));
    await s3.send(new PutObjectCommand({ Bucket: 'app', Key: 'k', Body: 'hello' }));
    expect(await (await s3.send(new GetObjectCommand({ Bucket: 'app', Key: 'k' }))).Body!.transformToString()).toBe('hello');
    s3.destroy();
    await new Promise((r) => setTimeout(r, 50));
    const get = lines.find((l) => l['msg'] === 'request' && l['operation'] === 'GetObject');
    expect(get).toMatchObject({ identity: 'alice', bucket: 'app', key: 'k', status: 200, bytesOut: 5 });
    expect(typeof get?.['requestId']).toBe('string');
    expect(typeof get?.['durationMs']).toBe('number');
    expect(rawLog).not.toContain(ALICE.secretAccessKey);
    expect(rawLog).not.toContain('Signature=');
  });

  it('exposes Prometheus metrics, /healthz and /readyz on the admin port', async () => {
    const bad = client({ ...ALICE, secretAccessKey: 'wrong' });
    await expect(bad.send(new GetObjectCommand({ Bucket: 'app', Key: 'k' }))).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
    bad.destroy();
    const m = await (await fetch(`${running.adminEndpoint}/metrics`)).text();
    expect(m).toMatch(/s3kit_gateway_requests_total\{operation="GetObject",status="200",upstream="default"\} 1/);
    expect(m).toMatch(/s3kit_gateway_request_duration_seconds_bucket\{le="[0-9.]+",operation="PutObject",upstream="default"\}/);
    expect(m).toMatch(/s3kit_gateway_bytes_in_total\{operation="PutObject"\} 5/);
    // 5 bytes of object plus the SignatureDoesNotMatch XML above.
    expect(Number(/s3kit_gateway_bytes_out_total\{operation="GetObject"\} (\d+)/.exec(m)?.[1])).toBeGreaterThan(5);
    expect(m).toMatch(/s3kit_gateway_auth_failures_total\{code="SignatureDoesNotMatch"\} 1/);
    expect(m).toContain('s3kit_gateway_upstream_errors_total');
    expect((await fetch(`${running.adminEndpoint}/healthz`)).status).toBe(200);
    expect((await fetch(`${running.adminEndpoint}/readyz`)).status).toBe(200);
  });

  it('answers SlowDown (503) beyond maxConcurrentRequests', async () => {
    // Two uploads that stall hold both slots; the third request is refused.
    const stalled = [0, 1].map((i) => {
      const p = stalledPut(`stall${i}`, 10, 'abc');
      p.status.catch(() => undefined);
      return p.req;
    });
    await new Promise((r) => setTimeout(r, 100));
    const res = await fetch(`${running.endpoint}/app/k`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('<Code>SlowDown</Code>');
    for (const r of stalled) r.destroy();
    await new Promise((r) => setTimeout(r, 100));
  });

  it('refuses headers over limits.maxHeaderSize with RequestHeaderSectionTooLarge (400, S3 XML)', async () => {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: new URL(running.endpoint).port, method: 'GET', path: '/app/k', headers: { 'x-big': 'x'.repeat(20_000) } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(400);
    expect(body).toContain('<Code>RequestHeaderSectionTooLarge</Code>');
  });

  it('reloads identities (SIGHUP path) without dropping connections', async () => {
    const bob = client(BOB);
    await expect(bob.send(new GetObjectCommand({ Bucket: 'app', Key: 'k' }))).rejects.toMatchObject({ name: 'InvalidAccessKeyId' });
    running.reload({ ...config, identities: [ALICE, BOB] });
    expect(await (await bob.send(new GetObjectCommand({ Bucket: 'app', Key: 'k' }))).Body!.transformToString()).toBe('hello');
    await expect(bob.send(new PutObjectCommand({ Bucket: 'app', Key: 'k', Body: 'x' }))).rejects.toMatchObject({ name: 'AccessDenied' });
    bob.destroy();
  });

  it('drains an in-flight upload on shutdown (it completes), then refuses new connections', async () => {
    const up = stalledPut('drained', 10, 'abcde');
    await new Promise((r) => setTimeout(r, 100));
    const stopping = running.shutdown();
    await new Promise((r) => setTimeout(r, 100));
    expect(
      await fetch(`${running.adminEndpoint}/readyz`)
        .then((r) => r.status)
        .catch(() => 0),
    ).toBe(503);
    up.req.end('fghij');
    expect(await up.status).toBe(200);
    await stopping;
    expect((await fetch(`${running.endpoint}/app/k`).catch((e: Error) => e)) instanceof Error).toBe(true);
  });
});

describe('bucketMappings in the config', () => {
  it('serves a client bucket as a key prefix of an upstream bucket (keys stored under it, listings without it)', async () => {
    const d = await mkdtemp(join(tmpdir(), 's3kit-gwapp-map-'));
    const cfg = validateConfig(
      {
        listen: { port: 0 },
        admin: null,
        identities: [ALICE],
        upstreams: { default: { type: 'local', dir: join(d, 'store'), fsync: false, bucketMappings: [{ bucket: 'tenant', upstreamBucket: 'real', prefix: 't1/' }] } },
      },
      'test',
    );
    const srv = await startServer(cfg, pino({ level: 'silent' }));
    const s3 = new S3Client({
      endpoint: srv.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      maxAttempts: 1,
      credentials: { accessKeyId: ALICE.accessKeyId, secretAccessKey: ALICE.secretAccessKey },
    });
    try {
      await s3.send(new CreateBucketCommand({ Bucket: 'real' }));
      await s3.send(new PutObjectCommand({ Bucket: 'real', Key: 'outside.txt', Body: 'no' }));
      await s3.send(new PutObjectCommand({ Bucket: 'tenant', Key: 'x.txt', Body: 'yes' }));
      const mine = await s3.send(new ListObjectsV2Command({ Bucket: 'tenant' }));
      expect((mine.Contents ?? []).map((c) => c.Key)).toEqual(['x.txt']);
      const all = await s3.send(new ListObjectsV2Command({ Bucket: 'real' }));
      expect((all.Contents ?? []).map((c) => c.Key)).toEqual(['outside.txt', 't1/x.txt']);
    } finally {
      s3.destroy();
      await srv.shutdown();
      await rm(d, { recursive: true, force: true });
    }
  });
});
