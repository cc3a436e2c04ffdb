// Webhook delivery benchmark, against the built dist (`pnpm --filter @s3kit/gateway build`
// first), through the gateway over HTTP on the embedded store with fsync on (the durable queue's
// group commit only matters then):
// - cost: PUT rate with BENCH_HOOK_CONCURRENCY concurrent clients, no webhook target against a
//   bucket whose notification configuration names one (same run, a ratio);
// - latency: PUT acknowledgement → the record at a local receiver (p50, p99; negative: the POST
//   arrived before the client read its answer, as delivery starts once the queue is durable).
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SigV4Signer } from '@s3kit/sigv4';
import { createGateway, createGatewayServer, createLocalStore, type LocalStore } from '../dist/index.js';

const N = Number(process.env['BENCH_HOOK_PUTS'] ?? 2000);
const C = Number(process.env['BENCH_HOOK_CONCURRENCY'] ?? 32);
const ARN = 'arn:aws:sqs:us-east-1:000000000000:bench-hook';
const ADMIN = { name: 'admin', accessKeyId: 'AKIABENCHADMIN000001', secretAccessKey: 'bench-secret-key-000000000000000000000000', allow: [{ bucket: '*', access: 'readwrite' as const }] };
const signer = new SigV4Signer({ credentials: ADMIN, region: 'us-east-1' });

const arrived = new Map<string, number>();
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const at = performance.now();
    for (const r of (JSON.parse(Buffer.concat(chunks).toString()) as { Records: { s3: { object: { key: string } } }[] }).Records) arrived.set(r.s3.object.key, at);
    res.writeHead(200).end();
  });
});
await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;

async function gateway(hooked: boolean): Promise<{ endpoint: string; store: LocalStore; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 's3kit-bench-hook-'));
  const store = createLocalStore({ dir, fsync: true, ...(hooked ? { notifications: { targets: [{ arn: ARN, endpoint: hookUrl }] } } : {}) });
  const server = createGatewayServer(createGateway({ identities: [ADMIN], upstreams: { default: store } }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  await store.handle({ method: 'PUT', operation: 'CreateBucket', bucket: 'bench', query: {}, headers: {} });
  if (hooked) {
    const body = `<NotificationConfiguration><QueueConfiguration><Queue>${ARN}</Queue><Event>s3:ObjectCreated:*</Event></QueueConfiguration></NotificationConfiguration>`;
    await store.handle({
      method: 'PUT',
      operation: 'PutBucketNotificationConfiguration',
      bucket: 'bench',
      query: { notification: '' },
      headers: { 'content-length': String(body.length) },
      body: (async function* () {
        yield Buffer.from(body);
      })(),
    });
  }
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    store,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** N PUTs by C concurrent clients; returns req/s and each key's acknowledgement time. */
async function burst(endpoint: string, prefix: string): Promise<{ rate: number; acks: Map<string, number> }> {
  const acks = new Map<string, number>();
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: C }, async () => {
      for (let i = next++; i < N; i = next++) {
        const key = `${prefix}${i}`;
        const s = signer.sign({ method: 'PUT', url: `${endpoint}/bench/${key}`, body: 'x' });
        const res = await fetch(s.url, { method: 'PUT', headers: s.headers, body: 'x' });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`PUT ${res.status}`);
        acks.set(key, performance.now());
      }
    }),
  );
  return { rate: (N / (performance.now() - t0)) * 1000, acks };
}

const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

const plain = await gateway(false);
const hooked = await gateway(true);
await burst(plain.endpoint, 'warm'); // warm-up (JIT, connections)
const a = await burst(plain.endpoint, 'p');
const b = await burst(hooked.endpoint, 'h');
for (const end = Date.now() + 60_000; [...b.acks.keys()].some((k) => !arrived.has(k)) && Date.now() < end; ) await new Promise((r) => setTimeout(r, 20));
const delays = [...b.acks].filter(([k]) => arrived.has(k)).map(([k, t]) => arrived.get(k)! - t);
console.log(`webhooks: ${N} PUTs, ${C} concurrent clients, fsync on`);
console.log(`  PUT req/s  no target ${a.rate.toFixed(0)}  |  webhook target ${b.rate.toFixed(0)}  |  ratio ${(b.rate / a.rate).toFixed(2)}`);
console.log(`  PUT ack → receiver  p50 ${pct(delays, 50).toFixed(1)} ms  p99 ${pct(delays, 99).toFixed(1)} ms  (${delays.length}/${N} delivered)`);
await plain.close();
await hooked.close();
receiver.closeAllConnections();
receiver.close();
