// Versioned store benchmark (issue 13), against the built dist (`pnpm --filter @s3kit/gateway build` first).
//
// 1. ListObjectVersions: one page of 1,000 from a bucket of BENCH_VERSION_KEYS keys (default
//    20,000) x BENCH_VERSIONS_PER_KEY versions (default 5): 100,000 versions, written round by
//    round so each key's versions interleave in time as in real use. Each round lists the page
//    after a random key-marker (the same markers for every contender), warm index, one
//    sequential client; median (and p90) over BENCH_ROUNDS rounds after 3 warm-up pages:
//      - the embedded store's handle() (no HTTP: the store's own cost),
//      - the gateway over HTTP on 127.0.0.1 in front of that store (SigV4 checked, XML streamed),
//      - Ceph RGW over HTTP on 127.0.0.1, the same bucket contents, signed by the same client.
//    RGW is started as the tests start it (tooling/ceph-rgw via @s3kit/test-utils), or taken
//    from S3KIT_RGW_ENDPOINT; BENCH_RGW=0 skips it.
// 2. Index memory per version at BENCH_MEMORY_VERSIONS versions (default 1,000,000), in child
//    processes with --expose-gc (bench/versions-memory.ts): heap used after building the index,
//    minus before, divided by the versions. The index is built as a restart builds it, without
//    PUTting a million objects: from per-key metadata records parsed from JSON (the cold scan's
//    path) and from the snapshot format a clean close writes.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { SigV4Signer } from '@s3kit/sigv4';
import { startRgw as rgwForBench, type RgwHandle } from '@s3kit/test-utils';
import { createGateway, createGatewayServer, createLocalStore, type LocalStore, type UpstreamResponse } from '../dist/index.js';

const KEYS = Number(process.env['BENCH_VERSION_KEYS'] ?? 20_000);
const PER_KEY = Number(process.env['BENCH_VERSIONS_PER_KEY'] ?? 5);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 30);
const MEMORY_VERSIONS = Number(process.env['BENCH_MEMORY_VERSIONS'] ?? 1_000_000);
const BUCKET = 'bench-versions';
const ID = { name: 'bench', accessKeyId: 'AKIABENCHVERSIONS001', secretAccessKey: 'bench-secret-key-for-the-versions-bench-0', allow: [{ bucket: '*', access: 'readwrite' as const }] };
const rows: { case: string; result: string }[] = [];

const keyOf = (i: number): string => `dir${i % 100}/sub${i % 7}/object-${String(i).padStart(7, '0')}.bin`;
const BODY = new Uint8Array(16).fill(7);

/** An S3 endpoint over HTTP: signed requests on keep-alive connections, bodies read whole. */
function httpClient(endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string }, region: string) {
  const signer = new SigV4Signer({ credentials, region });
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const u = new URL(endpoint);
  return {
    send(method: string, path: string, body?: Uint8Array): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
      const s = signer.sign({ method, url: `${endpoint}${path}`, headers: body === undefined ? {} : { 'content-length': String(body.byteLength) }, body: body ?? '' });
      return new Promise((resolve, reject) => {
        const req = request({ host: u.hostname, port: u.port, method, path, headers: s.headers, agent }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}
type Client = ReturnType<typeof httpClient>;

async function ok(p: Promise<{ status: number; body: string }>, what: string): Promise<string> {
  const res = await p;
  if (res.status >= 300) throw new Error(`${what}: ${res.status} ${res.body.slice(0, 300)}`);
  return res.body;
}

/** Runs `put(i)` for every (key, version) with `concurrency` in flight, one round of versions after another. */
async function fill(concurrency: number, put: (key: string) => Promise<void>): Promise<number> {
  const t0 = performance.now();
  for (let v = 0; v < PER_KEY; v++) {
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < KEYS) await put(keyOf(next++));
      }),
    );
  }
  return ((KEYS * PER_KEY) / (performance.now() - t0)) * 1000;
}

const VERSIONING = new TextEncoder().encode('<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>');

async function storeHandle(store: LocalStore, query: Record<string, string>): Promise<string> {
  const res: UpstreamResponse = await store.handle({ method: 'GET', operation: 'ListObjectVersions', bucket: BUCKET, query: { versions: '', ...query }, headers: {} });
  return String(res.body);
}

function pageQuery(marker: string): Record<string, string> {
  return { 'max-keys': '1000', 'key-marker': marker };
}

function pathOf(query: Record<string, string>): string {
  return `/${BUCKET}?versions&${Object.entries(query)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&')}`;
}

/**
 * Median and p90 of one page after each marker (3 warm-up pages first). Every page must be
 * truncated (more versions follow); one with fewer than 1000 entries is reported (S3 allows it).
 */
async function timePages(markers: readonly string[], list: (marker: string) => Promise<string>): Promise<string> {
  for (const m of markers.slice(0, 3)) await list(m);
  const ms: number[] = [];
  const sizes: number[] = [];
  for (const m of markers) {
    const t0 = performance.now();
    const xml = await list(m);
    ms.push(performance.now() - t0);
    sizes.push((xml.match(/<Version>/g) ?? []).length + (xml.match(/<DeleteMarker>/g) ?? []).length);
    if (!xml.includes('<IsTruncated>true</IsTruncated>')) throw new Error(`an untruncated page after ${m}: ${xml.slice(0, 300)}`);
  }
  const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const p90 = ms.sort((a, b) => a - b)[Math.floor(ms.length * 0.9)]!;
  const n = median(sizes);
  return `${median(ms).toFixed(2)} ms median, ${p90.toFixed(2)} ms p90${n === 1000 ? '' : ` (pages of ${n} entries, median)`}`;
}

async function startRgw(): Promise<RgwHandle | string> {
  if (process.env['BENCH_RGW'] === '0') return 'BENCH_RGW=0';
  // The run's RGW (S3KIT_RGW_ENDPOINT) or a fresh one; undefined when Ceph is not installed.
  return (await rgwForBench()) ?? 'Ceph RGW is not installed (bash tooling/ceph-rgw/rgw.sh install)';
}

/** Heap bytes per version in a child process (`mode`: scan or snapshot). */
function memory(mode: 'scan' | 'snapshot'): Promise<{ versions: number; bytesPerVersion: number; heapMiB: number; buildMs: number }> {
  const script = fileURLToPath(new URL('./versions-memory.ts', import.meta.url));
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', script, mode, String(MEMORY_VERSIONS), String(PER_KEY)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`memory child exited ${code}: ${out}`)))));
}

const sorted = Array.from({ length: KEYS }, (_, i) => keyOf(i)).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
// Markers that leave at least 1000 versions after them, the same for every contender.
const markers = Array.from({ length: ROUNDS }, () => sorted[Math.floor(Math.random() * (KEYS - Math.ceil(1000 / PER_KEY) - 1))]!);
const total = KEYS * PER_KEY;
const progress = (what: string): void => void process.stderr.write(`[bench:versions] ${what}\n`);

{
  const dir = await mkdtemp(join(tmpdir(), 's3kit-bench-versions-'));
  const store = createLocalStore({ dir, fsync: false });
  await store.handle({ method: 'PUT', operation: 'CreateBucket', bucket: BUCKET, query: {}, headers: {} });
  await store.handle({
    method: 'PUT',
    operation: 'PutBucketVersioning',
    bucket: BUCKET,
    query: { versioning: '' },
    headers: { 'content-length': String(VERSIONING.byteLength) },
    body: (async function* () {
      yield VERSIONING;
    })(),
  });
  progress(`embedded store: writing ${total} versions`);
  const rate = await fill(16, async (key) => {
    await store.handle({
      method: 'PUT',
      operation: 'PutObject',
      bucket: BUCKET,
      key,
      query: {},
      headers: { 'content-length': '16' },
      body: (async function* () {
        yield BODY;
      })(),
    });
  });
  rows.push({ case: `embedded store: PutObject x${total} versions (${KEYS} keys x ${PER_KEY}, 16 B, fsync off, 16 concurrent, handle())`, result: `${rate.toFixed(0)} ops/s` });
  const first = await storeHandle(store, { 'max-keys': '1' });
  if (!first.includes('<IsTruncated>true</IsTruncated>')) throw new Error('the bucket is not filled');
  rows.push({ case: `embedded store: ListObjectVersions page of 1000 of ${total} versions, handle() (warm index)`, result: await timePages(markers, (m) => storeHandle(store, pageQuery(m))) });

  const gateway = createGateway({ identities: [ID], upstreams: { default: store } });
  const server = createGatewayServer(gateway);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const gw = httpClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, ID, 'us-east-1');
  rows.push({
    case: `embedded store via the gateway over HTTP: ListObjectVersions page of 1000 of ${total} versions`,
    result: await timePages(markers, (m) => ok(gw.send('GET', pathOf(pageQuery(m))), 'gateway list')),
  });
  gw.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await store.close();
  await rm(dir, { recursive: true, force: true });
}

{
  const rgw = await startRgw();
  if (typeof rgw === 'string') {
    rows.push({ case: 'Ceph RGW: ListObjectVersions page of 1000', result: `skipped: ${rgw}` });
  } else {
    const c: Client = httpClient(rgw.endpoint, rgw, rgw.region);
    try {
      await ok(c.send('PUT', `/${BUCKET}`), 'RGW CreateBucket');
      await ok(c.send('PUT', `/${BUCKET}?versioning`, VERSIONING), 'RGW PutBucketVersioning');
      progress(`Ceph RGW at ${rgw.endpoint}: writing ${total} versions`);
      const rate = await fill(32, async (key) => {
        await ok(c.send('PUT', `/${BUCKET}/${key}`, BODY), `RGW PUT ${key}`);
      });
      rows.push({ case: `Ceph RGW: PutObject x${total} versions (16 B, 32 concurrent, HTTP)`, result: `${rate.toFixed(0)} ops/s` });
      rows.push({
        case: `Ceph RGW over HTTP: ListObjectVersions page of 1000 of ${total} versions`,
        result: await timePages(markers, (m) => ok(c.send('GET', pathOf(pageQuery(m))), 'RGW list')),
      });
    } finally {
      c.close();
      await rgw.stop();
    }
  }
}

for (const mode of ['scan', 'snapshot'] as const) {
  progress(`index memory at ${MEMORY_VERSIONS} versions (${mode})`);
  const m = await memory(mode);
  rows.push({
    case: `index memory at ${m.versions} versions (${m.versions / PER_KEY} keys x ${PER_KEY}), built ${mode === 'scan' ? 'from parsed metadata records (cold scan)' : 'from the snapshot (restart after a clean close)'}`,
    result: `${m.bytesPerVersion.toFixed(0)} B/version (${m.heapMiB.toFixed(0)} MiB heap, built in ${m.buildMs.toFixed(0)} ms)`,
  });
}

console.table(rows);
