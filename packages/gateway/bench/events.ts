// Event listener benchmark (ListenBucketNotification), against the built dist (`pnpm --filter
// @s3kit/gateway build` first), through the gateway over HTTP on the embedded store (Ceph RGW has
// no listeners, so the anchor is the PUT itself in the same run):
// - latency: PUT start → acknowledgement, and PUT start → its record at a listener (p50, p99),
//   and the record's delay after the acknowledgement;
// - cost: sequential PUT rate with no listener against with BENCH_LISTENERS listeners (a ratio).
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SigV4Signer } from '@s3kit/sigv4';
import { createGateway, createGatewayServer, createLocalStore } from '../dist/index.js';

const N = Number(process.env['BENCH_EVENTS'] ?? 2000);
const LISTENERS = Number(process.env['BENCH_LISTENERS'] ?? 10);
const ADMIN = { name: 'admin', accessKeyId: 'AKIABENCHADMIN000001', secretAccessKey: 'bench-secret-key-000000000000000000000000', allow: [{ bucket: '*', access: 'readwrite' as const }] };

const dir = await mkdtemp(join(tmpdir(), 's3kit-bench-events-'));
const store = createLocalStore({ dir, fsync: false });
const server = createGatewayServer(createGateway({ identities: [ADMIN], upstreams: { default: store } }));
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const signer = new SigV4Signer({ credentials: ADMIN, region: 'us-east-1' });
await store.handle({ method: 'PUT', operation: 'CreateBucket', bucket: 'bench', query: {}, headers: {} });

async function put(key: string): Promise<void> {
  const s = signer.sign({ method: 'PUT', url: `${endpoint}/bench/${key}`, body: 'x' });
  const res = await fetch(s.url, { method: 'PUT', headers: s.headers, body: 'x' });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`PUT ${res.status}`);
}

/** A listener: calls `onKey` with each record's key as its line arrives. */
async function listen(onKey: (key: string) => void, ac: AbortController): Promise<void> {
  const s = signer.sign({ method: 'GET', url: `${endpoint}/bench?events=s3:ObjectCreated:*` });
  const res = await fetch(s.url, { headers: s.headers, signal: ac.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buf += decoder.decode(value, { stream: true });
        let nl: number;
        while ((nl = buf.indexOf('\n')) !== -1) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (line.trim() !== '') for (const r of (JSON.parse(line) as { Records: { s3: { object: { key: string } } }[] }).Records) onKey(r.s3.object.key);
        }
      }
    } catch {
      // aborted
    }
  })();
  while (store.listeners === 0) await new Promise((r) => setTimeout(r, 5));
}

const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

async function rate(prefix: string): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await put(`${prefix}${i}`);
  return (N / (performance.now() - t0)) * 1000;
}

// Latency: one listener, sequential PUTs.
const arrived = new Map<string, number>();
const ac = new AbortController();
await listen((k) => arrived.set(k, performance.now()), ac);
const ack: number[] = [];
const event: number[] = [];
const after: number[] = [];
for (let i = 0; i < N; i++) {
  const key = `lat${i}`;
  const t0 = performance.now();
  await put(key);
  const t1 = performance.now();
  while (!arrived.has(key)) await new Promise((r) => setImmediate(r));
  ack.push(t1 - t0);
  event.push(arrived.get(key)! - t0);
  after.push(arrived.get(key)! - t1);
}
ac.abort();

// Cost of listeners on writes.
const bare = await rate('bare');
const acs = Array.from({ length: LISTENERS }, () => new AbortController());
let heard = 0;
for (const a of acs) await listen(() => heard++, a);
const loaded = await rate('loaded');
for (const a of acs) a.abort();

const ms = (x: number): string => `${x.toFixed(3)} ms`;
console.table([
  { case: `PUT acknowledged (anchor), ${N} sequential`, p50: ms(pct(ack, 50)), p99: ms(pct(ack, 99)) },
  { case: 'record at the listener, from PUT start', p50: ms(pct(event, 50)), p99: ms(pct(event, 99)) },
  { case: 'record after the acknowledgement (negative: before it)', p50: ms(pct(after, 50)), p99: ms(pct(after, 99)) },
  { case: 'record / ack ratio', p50: (pct(event, 50) / pct(ack, 50)).toFixed(2), p99: (pct(event, 99) / pct(ack, 99)).toFixed(2) },
]);
console.table([
  { case: 'PUT/s, no listener (anchor)', result: bare.toFixed(0) },
  { case: `PUT/s, ${LISTENERS} listeners`, result: loaded.toFixed(0) },
  { case: 'ratio', result: (loaded / bare).toFixed(2) },
  { case: 'records delivered', result: String(heard) },
]);

server.closeAllConnections();
await new Promise((r) => server.close(r));
await store.close();
await rm(dir, { recursive: true, force: true });
