/**
 * Flat-memory proof: stream BENCH_GIB (default 5) GiB up and then down through the transport
 * against a local server in a child process, sampling RSS. Target: RSS growth < 50 MB.
 * Run: pnpm --filter @s3kit/http-transport build && pnpm --filter @s3kit/http-transport bench:large
 */
import { Readable } from 'node:stream';
import { Agent } from 'undici';
import { createTransport } from '../dist/index.js';
import { startChildServer } from './server.js';

const GIB = Number(process.env['BENCH_GIB'] ?? 5);
const total = GIB * 1024 ** 3;
const server = await startChildServer(1024);
const transport = createTransport({ proxy: false });

function sampler(): { stop(): number; base: number } {
  global.gc?.();
  const base = process.memoryUsage().rss;
  let max = base;
  const timer = setInterval(() => {
    max = Math.max(max, process.memoryUsage().rss);
  }, 50);
  return { base, stop: () => (clearInterval(timer), Math.max(max, process.memoryUsage().rss) - base) };
}

function source(bytes: number): Readable {
  const chunk = Buffer.alloc(1024 * 1024, 120);
  let left = bytes;
  return new Readable({
    read() {
      if (left === 0) return void this.push(null);
      const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
      left -= piece.length;
      this.push(piece);
    },
  });
}

const mb = (n: number): string => (n / 1024 / 1024).toFixed(1);

// Upload
let s = sampler();
let t0 = performance.now();
const put = await transport.request({ method: 'PUT', origin: server.origin, path: '/bucket/large', body: source(total), contentLength: total });
await put.body.dump();
let secs = (performance.now() - t0) / 1000;
const upGrowth = s.stop();
const received = Number(put.headers['x-received']);
console.log(`upload   ${GIB} GiB: ${secs.toFixed(1)} s, ${mb(total / secs)} MiB/s, server received ${received === total ? 'all' : received} bytes, RSS base ${mb(s.base)} MB, growth ${mb(upGrowth)} MB`);

// Download
s = sampler();
t0 = performance.now();
const get = await transport.request({ method: 'GET', origin: server.origin, path: `/large/${total}` });
let got = 0;
for await (const chunk of get.body) got += (chunk as Buffer).length;
secs = (performance.now() - t0) / 1000;
const downGrowth = s.stop();
console.log(`download ${GIB} GiB: ${secs.toFixed(1)} s, ${mb(total / secs)} MiB/s, received ${got === total ? 'all' : got} bytes, RSS base ${mb(s.base)} MB, growth ${mb(downGrowth)} MB`);
// Reference: the same download through plain undici (no s3kit layers), same process.
s = sampler();
t0 = performance.now();
const agent = new Agent();
const ref = await agent.request({ origin: server.origin, path: `/large/${total}`, method: 'GET' });
let refGot = 0;
for await (const chunk of ref.body) refGot += (chunk as Buffer).length;
secs = (performance.now() - t0) / 1000;
const refGrowth = s.stop();
await agent.close();
console.log(`download ${GIB} GiB via plain undici.request (reference): ${secs.toFixed(1)} s, ${mb(total / secs)} MiB/s, received ${refGot === total ? 'all' : refGot} bytes, growth ${mb(refGrowth)} MB`);
const ok = received === total && got === total && upGrowth < 50 * 1024 ** 2 && downGrowth < 50 * 1024 ** 2;
console.log(`target: RSS growth < 50 MB in both directions -> ${ok ? 'met' : 'NOT met'}`);

await transport.close();
server.stop();
if (!ok) process.exitCode = 1;
