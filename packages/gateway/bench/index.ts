// Local store macro benchmark, against the built dist (`pnpm --filter @s3kit/gateway build` first).
// There is no anchor library to run side by side (no embedded S3 store for Node in the
// workspace), so this prints absolute numbers: write and read throughput, and how listing
// behaves at BENCH_KEYS keys (default 100 000), cold (index built from the metadata files)
// and warm.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createLocalStore, type LocalStore, type UpstreamResponse } from '../dist/index.js';

const KEYS = Number(process.env['BENCH_KEYS'] ?? 100_000);
const rows: { case: string; result: string }[] = [];

function body(data: Uint8Array): AsyncIterable<Uint8Array> {
  return (async function* () {
    yield data;
  })();
}

async function drain(res: UpstreamResponse): Promise<number> {
  const b = res.body;
  if (b === undefined) return 0;
  if (typeof b === 'string') return b.length;
  if (b instanceof Uint8Array) return b.byteLength;
  let n = 0;
  for await (const c of b) n += c.byteLength;
  return n;
}

async function puts(store: LocalStore, n: number, size: number, concurrency: number, keyOf: (i: number) => string): Promise<number> {
  const data = new Uint8Array(size).fill(7);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        await store.handle({ method: 'PUT', operation: 'PutObject', bucket: 'bench', key: keyOf(i), query: {}, headers: { 'content-length': String(size) }, body: body(data) });
      }
    }),
  );
  return (n / (performance.now() - t0)) * 1000;
}

async function list(store: LocalStore, query: Record<string, string>): Promise<{ ms: number; pages: number; items: number }> {
  const t0 = performance.now();
  let token: string | undefined;
  let pages = 0;
  let items = 0;
  do {
    const res = await store.handle({
      method: 'GET',
      operation: 'ListObjectsV2',
      bucket: 'bench',
      query: { 'list-type': '2', ...query, ...(token === undefined ? {} : { 'continuation-token': token }) },
      headers: {},
    });
    const xml = String(res.body);
    items += (xml.match(/<Key>/g) ?? []).length + (xml.match(/<CommonPrefixes>/g) ?? []).length;
    token = /<NextContinuationToken>([^<]+)</.exec(xml)?.[1];
    pages++;
  } while (token !== undefined);
  return { ms: performance.now() - t0, pages, items };
}

/** GETs (or HEADs) of keys `small/0` … `small/<n-1>`, in order over `rounds` passes: ops/s and CPU µs per op (all threads). */
async function reads(store: LocalStore, operation: 'GetObject' | 'HeadObject', n: number, rounds: number, concurrency: number): Promise<{ ops: number; cpuUs: number }> {
  let next = 0;
  const total = n * rounds;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++ % n;
        await drain(await store.handle({ method: operation === 'GetObject' ? 'GET' : 'HEAD', operation, bucket: 'bench', key: `small/${i}`, query: {}, headers: {} }));
      }
    }),
  );
  const c = process.cpuUsage(c0);
  return { ops: (total / (performance.now() - t0)) * 1000, cpuUs: (c.user + c.system) / total };
}

const keyOf = (i: number): string => `dir${i % 100}/sub${i % 7}/object-${String(i).padStart(7, '0')}.bin`;

for (const fsync of [true, false]) {
  const dir = await mkdtemp(join(tmpdir(), 's3kit-bench-'));
  const store = createLocalStore({ dir, fsync });
  await store.handle({ method: 'PUT', operation: 'CreateBucket', bucket: 'bench', query: {}, headers: {} });
  const ops = await puts(store, 2000, 1024, 8, (i) => `small/${i}`);
  rows.push({ case: `PutObject 1 KiB, 8 concurrent, fsync ${fsync ? 'on' : 'off'}`, result: `${ops.toFixed(0)} ops/s` });
  if (!fsync) {
    // The 2000 keys just written, read back: what a small GET or HEAD costs the process.
    for (const op of ['GetObject', 'HeadObject'] as const) {
      const r = await reads(store, op, 2000, 5, 8);
      rows.push({ case: `${op} 1 KiB, 8 concurrent (2000 keys written just before)`, result: `${r.ops.toFixed(0)} ops/s, ${r.cpuUs.toFixed(0)} µs CPU per op` });
    }
  }
  const big = new Uint8Array(64 * 1024 * 1024).fill(1);
  let t0 = performance.now();
  await store.handle({ method: 'PUT', operation: 'PutObject', bucket: 'bench', key: 'big', query: {}, headers: {}, body: body(big) });
  rows.push({ case: `PutObject 64 MiB, fsync ${fsync ? 'on' : 'off'}`, result: `${(64 / ((performance.now() - t0) / 1000)).toFixed(0)} MB/s` });
  t0 = performance.now();
  const n = await drain(await store.handle({ method: 'GET', operation: 'GetObject', bucket: 'bench', key: 'big', query: {}, headers: {} }));
  rows.push({ case: `GetObject 64 MiB (fsync ${fsync ? 'on' : 'off'} store)`, result: `${(n / 1024 / 1024 / ((performance.now() - t0) / 1000)).toFixed(0)} MB/s` });
  await rm(dir, { recursive: true, force: true });
}

{
  const dir = await mkdtemp(join(tmpdir(), 's3kit-bench-'));
  const store = createLocalStore({ dir, fsync: false });
  await store.handle({ method: 'PUT', operation: 'CreateBucket', bucket: 'bench', query: {}, headers: {} });
  const ops = await puts(store, KEYS, 16, 16, keyOf);
  rows.push({ case: `PutObject x${KEYS} keys (16 B, fsync off)`, result: `${ops.toFixed(0)} ops/s` });
  const cold = createLocalStore({ dir, fsync: false });
  let t0 = performance.now();
  await cold.handle({ method: 'GET', operation: 'ListObjectsV2', bucket: 'bench', query: { 'list-type': '2', 'max-keys': '1' }, headers: {} });
  rows.push({ case: `first listing after start (index built from ${KEYS} metadata files)`, result: `${(performance.now() - t0).toFixed(0)} ms` });
  const all = await list(cold, {});
  rows.push({ case: `ListObjectsV2 all ${all.items} keys in ${all.pages} pages of 1000 (warm)`, result: `${(all.ms / all.pages).toFixed(2)} ms/page` });
  const grouped = await list(cold, { delimiter: '/' });
  rows.push({ case: `ListObjectsV2 delimiter=/ at the root (${grouped.items} prefixes over ${KEYS} keys)`, result: `${grouped.ms.toFixed(1)} ms` });
  const deep = await list(cold, { prefix: 'dir42/', delimiter: '/' });
  rows.push({ case: `ListObjectsV2 prefix=dir42/ delimiter=/ (${deep.items} prefixes)`, result: `${deep.ms.toFixed(2)} ms` });
  await cold.close();
  const restarted = createLocalStore({ dir, fsync: false });
  t0 = performance.now();
  await restarted.handle({ method: 'GET', operation: 'ListObjectsV2', bucket: 'bench', query: { 'list-type': '2', 'max-keys': '1' }, headers: {} });
  rows.push({ case: `first listing after close() and a restart (index read from its snapshot)`, result: `${(performance.now() - t0).toFixed(0)} ms` });
  t0 = performance.now();
  const mids = 1000;
  await puts(restarted, mids, 16, 1, (i) => `dir50/inserted-${i}`);
  rows.push({ case: `PutObject of new keys into the middle of a ${KEYS}-key index, sequential`, result: `${((performance.now() - t0) / mids).toFixed(3)} ms/op` });
  await rm(dir, { recursive: true, force: true });
}

console.table(rows);
