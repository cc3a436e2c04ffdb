// Browser POST upload through the gateway vs a direct PUT to the same upstream, one run
// (against the built dist: `pnpm --filter @s3kit/gateway... build`).
// The upstream is the embedded local store (fsync off: the disk is not what is measured) in this
// process. "direct PUT": the store behind a bare node:http front (no auth; the test adapter).
// "gateway PUT": a presigned SigV4 PUT through the gateway (UNSIGNED-PAYLOAD). "gateway POST": a
// 64 MiB file in a multipart/form-data POST (SigV4 policy, content-length-range, Content-Type and
// metadata fields) through the gateway, verified by @s3kit/post-policy while it streams.
// One warm-up round, then ROUNDS rounds with the three interleaved; best and median MB/s.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createPresignedPost } from '@s3kit/post-policy';
import { SigV4Signer } from '@s3kit/sigv4';
import { createGateway, createLocalStore, toNodeListener } from '../dist/index.js';
import { toNodeListener as bareStoreListener } from '../test/support/node-adapter.js';

const MiB = 1024 * 1024;
const SIZE = Number(process.env['BENCH_POST_MIB'] ?? 64) * MiB;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const BUCKET = 'bench-post';
const ID = { name: 'bench', accessKeyId: 'AKIABENCHPOST0000001', secretAccessKey: 'bench-secret-key-for-the-post-benchmark-00', allow: [{ bucket: '*', access: 'readwrite' as const }] };

function listen(server: Server): Promise<string> {
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

/** Sends `parts` (64 KiB writes, with backpressure) and resolves with the status once the answer ended. */
function send(url: string, method: string, headers: Record<string, string>, parts: Uint8Array[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request({ host: u.hostname, port: u.port, method, path: `${u.pathname}${u.search}`, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    void (async () => {
      for (const p of parts) {
        for (let off = 0; off < p.length; off += 64 * 1024) {
          if (!req.write(p.subarray(off, Math.min(off + 64 * 1024, p.length)))) await new Promise((r) => req.once('drain', r));
        }
      }
      req.end();
    })();
  });
}

const dir = await mkdtemp(join(tmpdir(), 's3kit-bench-post-'));
const store = createLocalStore({ dir, fsync: false });
await store.handle({ method: 'PUT', operation: 'CreateBucket', bucket: BUCKET, query: {}, headers: {} });
const direct = createServer(bareStoreListener(store));
const gateway = createServer(toNodeListener(createGateway({ identities: [ID], upstreams: { default: store } })));
const directUrl = await listen(direct);
const gatewayUrl = await listen(gateway);
const signer = new SigV4Signer({ credentials: ID, region: 'us-east-1' });
const file = randomBytes(SIZE);

async function directPut(i: number): Promise<number> {
  return send(`${directUrl}/${BUCKET}/direct-${i}`, 'PUT', { 'content-length': String(SIZE) }, [file]);
}
async function gatewayPut(i: number): Promise<number> {
  const url = signer.presign({ method: 'PUT', url: `${gatewayUrl}/${BUCKET}/put-${i}`, expiresIn: 600 }).url;
  return send(url, 'PUT', { 'content-length': String(SIZE) }, [file]);
}
async function gatewayPost(i: number): Promise<number> {
  const post = createPresignedPost({
    bucket: BUCKET,
    key: `post-${i}/\${filename}`,
    credentials: ID,
    endpoint: gatewayUrl,
    fields: { 'Content-Type': 'application/octet-stream', 'x-amz-meta-bench': 'post' },
    conditions: [['content-length-range', 1, SIZE], ['starts-with', '$Content-Type', ''], { 'x-amz-meta-bench': 'post' }],
  });
  const boundary = '----s3kitBench7MA4YWxkTrZu0gW';
  let head = '';
  for (const [n, v] of Object.entries(post.fields)) head += `--${boundary}\r\nContent-Disposition: form-data; name="${n}"\r\n\r\n${v}\r\n`;
  head += `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  const h = Buffer.from(head);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return send(post.url, 'POST', { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(h.length + SIZE + tail.length) }, [h, file, tail]);
}

const cases: [string, (i: number) => Promise<number>, number][] = [
  ['direct PUT to the local store (bare node:http, no auth)', directPut, 200],
  ['gateway PUT (presigned SigV4, UNSIGNED-PAYLOAD)', gatewayPut, 200],
  ['gateway POST Object (multipart form, SigV4 policy verified while streaming)', gatewayPost, 204],
];
const times: number[][] = cases.map(() => []);
for (let round = 0; round <= ROUNDS; round++) {
  for (const [c, [name, run, expected]] of cases.entries()) {
    const t0 = performance.now();
    const status = await run(round);
    const ms = performance.now() - t0;
    if (status !== expected) throw new Error(`${name}: status ${status}, expected ${expected}`);
    if (round > 0) times[c]!.push(ms);
  }
}
const mbs = (ms: number): number => SIZE / 1e6 / (ms / 1000);
const stats = times.map((t) => {
  const s = [...t].sort((a, b) => a - b);
  return { best: mbs(s[0]!), median: mbs(s[Math.floor(s.length / 2)]!) };
});
const base = stats[0]!;
console.log(
  `gateway POST bench: Node ${process.version}, ${cpus().length} x ${cpus()[0]?.model.trim()}, load ${loadavg()
    .map((l) => l.toFixed(1))
    .join('/')}; ` + `MB = 10^6 bytes; ${SIZE / MiB} MiB upload, one process (client, gateway, store), best and median of ${ROUNDS} interleaved rounds after a warm-up`,
);
console.log('');
console.log('| upload | best MB/s | median MB/s | median / direct PUT |');
console.log('| --- | ---: | ---: | ---: |');
for (const [c, [name]] of cases.entries()) {
  const s = stats[c]!;
  console.log(`| ${name} | ${s.best.toFixed(0)} | ${s.median.toFixed(0)} | ${(s.median / base.median).toFixed(2)}x |`);
}
console.log('');
console.log(`POST / gateway PUT (median): ${(stats[2]!.median / stats[1]!.median).toFixed(2)}x`);
direct.close();
gateway.close();
await store.close();
await rm(dir, { recursive: true, force: true });
