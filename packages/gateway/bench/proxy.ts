// Gateway vs direct, loopback, one run (against the built dist: `pnpm --filter @s3kit/gateway build`).
// The upstream is a bare sink/source HTTP server (bench/proxy-sink.mjs, its own process); the
// gateway (bench/proxy-gateway.mjs, its own process) verifies SigV4, re-signs and streams to it.
// "direct" sends the same requests straight to the sink; "pass-through" through a bare node:http
// proxy (bench/proxy-passthrough.mjs, its own process), the fair baseline: the same three
// processes share the cores, so gateway/pass-through is the gateway's own cost. Measures: 1 KiB GET req/s (16 in
// flight) and p50 latency (1 in flight), 256 MiB PUT/GET MB/s, and the gateway's peak RSS while
// a 5 GiB object streams through it each way (BENCH_BIG_GIB to change).
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createTransport, type Transport } from '@s3kit/http-transport';

const MiB = 1024 * 1024;
const BIG = Number(process.env['BENCH_BIG_GIB'] ?? 5) * 1024 * MiB;

function start(file: string, args: string[] = [], execArgv: string[] = []): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(fileURLToPath(new URL(file, import.meta.url)), args, { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ child, port: (m as { port: number }).port }));
    child.once('exit', (code) => reject(new Error(`${file} exited ${code}`)));
  });
}

function rssMB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** user+system CPU seconds of a process so far. */
function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

function source(size: number): () => AsyncIterable<Uint8Array> {
  const block = new Uint8Array(MiB).fill(0x33);
  return () =>
    (async function* () {
      for (let left = size; left > 0; left -= MiB) yield left >= MiB ? block : block.subarray(0, left);
    })();
}

async function get(t: Transport, origin: string, path: string): Promise<number> {
  const res = await t.request({ method: 'GET', origin, path });
  let n = 0;
  for await (const c of res.body) n += (c as Buffer).length;
  return n;
}

async function put(t: Transport, origin: string, path: string, size: number): Promise<void> {
  const res = await t.request({ method: 'PUT', origin, path, body: source(size)(), contentLength: size });
  await res.body.dump();
}

async function smallGets(t: Transport, origin: string, ms: number, inFlight: number): Promise<number> {
  let n = 0;
  const end = performance.now() + ms;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < end) {
        await get(t, origin, '/bench/size-1024');
        n++;
      }
    }),
  );
  return (n * 1000) / ms;
}

async function p50(t: Transport, origin: string, count: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await get(t, origin, '/bench/size-1024');
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

async function mbps(fn: () => Promise<unknown>, bytes: number, rounds: number): Promise<number> {
  let best = 0;
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await fn();
    best = Math.max(best, bytes / 1e6 / ((performance.now() - t0) / 1000));
  }
  return best;
}

interface Target {
  readonly t: Transport;
  readonly origin: string;
  /** The process whose CPU time is the hop's cost (the proxy; the sink for direct). */
  readonly pid: number;
}

/**
 * One large transfer on every target per round, rounds interleaved (so load changes hit all
 * targets alike), after one warm-up round (JIT, TCP windows); best MB/s and median CPU s/GiB.
 */
async function large(targets: readonly Target[], fn: (t: Target) => Promise<unknown>, bytes: number, rounds: number): Promise<{ mbps: number; cpu: number }[]> {
  const speed = targets.map(() => [] as number[]);
  const cpu = targets.map(() => [] as number[]);
  for (let r = 0; r <= rounds; r++) {
    for (const [i, t] of targets.entries()) {
      const c0 = cpuSeconds(t.pid);
      const t0 = performance.now();
      await fn(t);
      if (r === 0) continue;
      speed[i]!.push(bytes / 1e6 / ((performance.now() - t0) / 1000));
      cpu[i]!.push((cpuSeconds(t.pid) - c0) / (bytes / 1024 ** 3));
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return targets.map((_, i) => ({ mbps: Math.max(...speed[i]!), cpu: median(cpu[i]!) }));
}

const sink = await start('./proxy-sink.mjs');
const gw = await start('./proxy-gateway.mjs', [String(sink.port)], process.env['BENCH_PROF'] ? ['--cpu-prof', '--cpu-prof-dir=/tmp/gwprof'] : []);
const pt = await start('./proxy-passthrough.mjs', [String(sink.port)]);
const directOrigin = `http://127.0.0.1:${sink.port}`;
const ptOrigin = `http://127.0.0.1:${pt.port}`;
const gwOrigin = `http://127.0.0.1:${gw.port}`;
const direct = createTransport({ retry: false, connections: 32 });
const viaGw = createTransport({ retry: false, connections: 32, sign: { credentials: { accessKeyId: 'BENCHKEY', secretAccessKey: 'bench-secret' }, region: 'us-east-1' } });
const rows: string[][] = [];
const pass = (ok: boolean): string => (ok ? 'pass' : 'FAIL');
const plus = (d: number): string => `${d >= 0 ? '+' : ''}${d.toFixed(3)} ms`;
const x = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;

// Warm-up (JIT, pools).
await smallGets(direct, directOrigin, 500, 8);
await smallGets(direct, ptOrigin, 500, 8);
await smallGets(viaGw, gwOrigin, 500, 8);

const rpsDirect = await smallGets(direct, directOrigin, 3000, 16);
const rpsPt = await smallGets(direct, ptOrigin, 3000, 16);
const rpsGw = await smallGets(viaGw, gwOrigin, 3000, 16);
rows.push(['GET 1 KiB, 16 in flight', `${rpsDirect.toFixed(0)} req/s`, `${rpsPt.toFixed(0)} req/s`, `${rpsGw.toFixed(0)} req/s`, x(rpsGw, rpsDirect), x(rpsGw, rpsPt), '']);
const latDirect = await p50(direct, directOrigin, 2000);
const latPt = await p50(direct, ptOrigin, 2000);
const latGw = await p50(viaGw, gwOrigin, 2000);
rows.push(['GET 1 KiB p50 latency, 1 in flight', `${latDirect.toFixed(3)} ms`, `${latPt.toFixed(3)} ms`, `${latGw.toFixed(3)} ms`, plus(latGw - latDirect), plus(latGw - latPt), `${pass(latGw - latDirect <= 1)} (<= +1 ms)`]);

const SIZE = 256 * MiB;
const targets: Target[] = [
  { t: direct, origin: directOrigin, pid: sink.child.pid! },
  { t: direct, origin: ptOrigin, pid: pt.child.pid! },
  { t: viaGw, origin: gwOrigin, pid: gw.child.pid! },
];
for (const [name, fn] of [
  ['PUT 256 MiB (UNSIGNED-PAYLOAD)', (t: Target) => put(t.t, t.origin, '/bench/put-256', SIZE)],
  ['GET 256 MiB', (t: Target) => get(t.t, t.origin, `/bench/size-${SIZE}`)],
] as const) {
  const [d, p, g] = await large(targets, fn, SIZE, 5);
  rows.push([name, `${d!.mbps.toFixed(0)} MB/s`, `${p!.mbps.toFixed(0)} MB/s`, `${g!.mbps.toFixed(0)} MB/s`, x(g!.mbps, d!.mbps), x(g!.mbps, p!.mbps), `${pass(g!.mbps / d!.mbps >= 0.85)} (>= 0.85x direct)`]);
  rows.push([`  CPU s/GiB of the hop's process (sink / proxy / gateway)`, d!.cpu.toFixed(2), p!.cpu.toFixed(2), g!.cpu.toFixed(2), '', x(g!.cpu, p!.cpu), '']);
}
pt.child.disconnect();

// A fresh gateway process for the memory measurement, so the heap the small-request phases grew
// (V8 returns it lazily) does not count as streaming memory.
gw.child.disconnect();
const gw2 = await start('./proxy-gateway.mjs', [String(sink.port)]);
const gw2Origin = `http://127.0.0.1:${gw2.port}`;
await new Promise((r) => setTimeout(r, 300));
let peak = rssMB(gw2.child.pid!);
const idle = peak;
const poll = setInterval(() => (peak = Math.max(peak, rssMB(gw2.child.pid!))), 50);
const bigPut = await mbps(() => put(viaGw, gw2Origin, '/bench/put-big', BIG), BIG, 1);
const bigGet = await mbps(() => get(viaGw, gw2Origin, `/bench/size-${BIG}`), BIG, 1);
clearInterval(poll);
rows.push([`${BIG / 1024 / MiB} GiB PUT + GET through the gateway (fresh process, no warm-up)`, '', '', `${bigPut.toFixed(0)} / ${bigGet.toFixed(0)} MB/s`, '', '', '']);
rows.push(['gateway RSS while streaming it (fresh process: idle → peak)', '', '', `${idle.toFixed(0)} → ${peak.toFixed(0)} MB`, '', '', `${pass(peak < 150)} (< 150 MB)`]);

await direct.close();
await viaGw.close();
gw2.child.disconnect();
sink.child.disconnect();

const head = ['case', 'direct', 'pass-through', 'gateway', 'gateway/direct', 'gateway/pass-through', 'target'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (r: readonly string[]): string => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log(`gateway proxy bench: Node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, load ${loadavg().map((l) => l.toFixed(1)).join('/')}; MB = 10^6 bytes, 256 MiB: best of 5 interleaved rounds after a warm-up, CPU = median`);
console.log(line(head));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const r of rows) console.log(line(r));
