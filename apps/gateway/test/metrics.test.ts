import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SigV4Signer } from '@s3kit/sigv4';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../src/config.js';
import { latencyBuckets } from '../src/metrics.js';
import { startServer, type RunningServer } from '../src/server.js';

// /metrics: request and latency series carry the upstream of the request's identity, and the
// latency buckets reach the configured request timeout.
const A = { name: 'a', accessKeyId: 'AKMETRICSA', secretAccessKey: 'metrics-secret-a', allow: [{ bucket: '*', access: 'readwrite' as const }] };
const B = { name: 'b', accessKeyId: 'AKMETRICSB', secretAccessKey: 'metrics-secret-b', upstream: 'archive', allow: [{ bucket: '*', access: 'readwrite' as const }] };

let dir: string;
let running: RunningServer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3kit-gwmetrics-'));
  const config = validateConfig(
    {
      listen: { port: 0 },
      admin: { port: 0 },
      limits: { requestTimeoutMs: 45_000 },
      identities: [A, B],
      upstreams: { default: { type: 'local', dir: join(dir, 'a'), fsync: false }, archive: { type: 'local', dir: join(dir, 'b'), fsync: false } },
    },
    'test',
  );
  running = await startServer(config, pino({ level: 'silent' }));
});
afterAll(async () => {
  await running.shutdown();
  await rm(dir, { recursive: true, force: true });
});

async function send(id: typeof A, method: string, path: string): Promise<number> {
  const s = new SigV4Signer({ credentials: id, region: 'us-east-1' }).sign({ method, url: `${running.endpoint}${path}` });
  return (await fetch(s.url, { method, headers: s.headers })).status;
}

describe('metrics', () => {
  it('label requests and latency with the upstream (none before authentication)', async () => {
    expect(await send(A, 'PUT', '/one')).toBe(200);
    expect(await send(B, 'PUT', '/two')).toBe(200);
    expect(await send(B, 'GET', '/two')).toBe(200);
    expect(await send({ ...A, secretAccessKey: 'wrong' }, 'GET', '/')).toBe(403);
    const m = await (await fetch(`${running.adminEndpoint}/metrics`)).text();
    expect(m).toMatch(/^s3kit_gateway_requests_total\{operation="CreateBucket",status="200",upstream="default"\} 1$/m);
    expect(m).toMatch(/^s3kit_gateway_requests_total\{operation="CreateBucket",status="200",upstream="archive"\} 1$/m);
    expect(m).toMatch(/^s3kit_gateway_requests_total\{operation="ListObjects",status="200",upstream="archive"\} 1$/m);
    expect(m).toMatch(/^s3kit_gateway_requests_total\{operation="ListBuckets",status="403",upstream="none"\} 1$/m);
    expect(m).toMatch(/^s3kit_gateway_request_duration_seconds_count\{operation="CreateBucket",upstream="archive"\} 1$/m);
  });

  it('have latency buckets up to the request timeout', async () => {
    const m = await (await fetch(`${running.adminEndpoint}/metrics`)).text();
    const les = [...m.matchAll(/^s3kit_gateway_request_duration_seconds_bucket\{le="([^"]+)",operation="CreateBucket",upstream="default"\}/gm)].map((x) => x[1]);
    expect(les.slice(-3)).toEqual(['30', '45', '+Inf']);
    expect(les[0]).toBe('0.0005');
    expect(latencyBuckets(0).at(-1)).toBe(3600);
    expect(latencyBuckets(900_000).slice(-2)).toEqual([600, 900]);
  });
});
