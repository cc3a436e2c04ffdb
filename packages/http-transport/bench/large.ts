/**
 * Flat-memory proof: stream BENCH_GIB (default 5) GiB up and then down through the transport
 * against a local server in a child process, sampling RSS. Target: RSS growth < 50 MB.
 * Run: pnpm --filter @s3kit/http-transport build && pnpm --filter @s3kit/http-transport bench:large
 */
import { fork } from 'node:child_process';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Agent } from 'undici';
import { createTransport } from '../dist/index.js';
import { startChildServer } from '@s3kit/test-utils';

const GIB = Number(process.env['BENCH_GIB'] ?? 5);
const total = GIB * 1024 ** 3;

if (process.argv[2] === '--download') {
  // Child: one download of `total` bytes from the parent's server, RSS sampled every 50 ms.
  const [, , , which, origin] = process.argv as [string, string, string, 'transport' | 'undici', string];
  const s = sampler();
  const t0 = performance.now();
  let got = 0;
  if (which === 'transport') {
    const transport = createTransport({ proxy: false });
    const res = await transport.request({ method: 'GET', origin, path: `/large/${total}` });
    for await (const chunk of res.body) got += (chunk as Buffer).length;
    await transport.close();
  } else {
    const agent = new Agent();
    const res = await agent.request({ origin, path: `/large/${total}`, method: 'GET' });
    for await (const chunk of res.body) got += (chunk as Buffer).length;
    await agent.close();
  }
  const secs = (performance.now() - t0) / 1000;
  process.send?.({ secs, got, growth: s.stop() });
  process.disconnect?.();
  process.exit(0);
}

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
const s = sampler();
const t0 = performance.now();
const put = await transport.request({ method: 'PUT', origin: server.origin, path: '/bucket/large', body: source(total), contentLength: total });
await put.body.dump();
const secs = (performance.now() - t0) / 1000;
const upGrowth = s.stop();
const received = Number(put.headers['x-received']);
console.log(
  `upload   ${GIB} GiB: ${secs.toFixed(1)} s, ${mb(total / secs)} MiB/s, server received ${received === total ? 'all' : received} bytes, RSS base ${mb(s.base)} MB, growth ${mb(upGrowth)} MB`,
);

// Download: each contender in a fresh child process (same loader, same base heap). The first
// multi-GiB download in a process grows RSS most, whatever the client (V8 has not yet sized its
// heap for the buffer churn); a reference run later in the same process looked better than it
// was. So both are measured as a first download.
async function downloadInChild(which: 'transport' | 'undici'): Promise<{ secs: number; got: number; growth: number }> {
  const child = fork(fileURLToPath(import.meta.url), ['--download', which, server.origin], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m as { secs: number; got: number; growth: number }));
    child.once('exit', (code) => code !== 0 && reject(new Error(`download child exited ${code}`)));
  });
}
const down = await downloadInChild('transport');
console.log(
  `download ${GIB} GiB: ${down.secs.toFixed(1)} s, ${mb(total / down.secs)} MiB/s, received ${down.got === total ? 'all' : down.got} bytes, RSS growth ${mb(down.growth)} MB (fresh process)`,
);
const ref = await downloadInChild('undici');
console.log(
  `download ${GIB} GiB via plain undici.request (reference): ${ref.secs.toFixed(1)} s, ${mb(total / ref.secs)} MiB/s, received ${ref.got === total ? 'all' : ref.got} bytes, RSS growth ${mb(ref.growth)} MB (fresh process)`,
);
const got = down.got;
const downGrowth = down.growth;
const ok = received === total && got === total && upGrowth < 50 * 1024 ** 2 && downGrowth < 50 * 1024 ** 2;
console.log(`target: RSS growth < 50 MB in both directions -> ${ok ? 'met' : 'NOT met'}`);

await transport.close();
server.stop();
if (!ok) process.exitCode = 1;
