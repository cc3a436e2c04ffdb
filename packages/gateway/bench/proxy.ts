// Gateway vs direct, loopback, one run (against the built dist: `pnpm --filter @s3kit/gateway build`).
// The upstream is a bare sink/source HTTP server (bench/proxy-sink.mjs, its own process); the
// gateway (bench/proxy-gateway.mjs, its own process) verifies SigV4, re-signs and streams to it.
// "direct" sends the same requests straight to the sink; "pass-through" through a bare node:http
// proxy (bench/proxy-passthrough.mjs, its own process), the fair baseline: the same three
// processes share the cores, so gateway/pass-through is the gateway's own cost. Measures: 1 KiB
// GET req/s (16 in flight) and p50 latency (1 in flight), with the floor hop (bench/proxy-floor.mjs:
// bare undici relay + SigV4 verify + sign) beside them, so gateway/floor is what its own features cost; 256 MiB PUT/GET MB/s (medians of
// BENCH_ROUNDS interleaved rounds, default 7) with CPU s/GiB of every process (from /proc and
// process.cpuUsage: robust against the machine's other load) and the hop's GC counts
// (bench/gc-counter.mjs); the gateway's peak RSS while a 5 GiB object streams through it each
// way, median of 3 fresh processes (BENCH_BIG_GIB, BENCH_BIG_RUNS to change), and nginx 1.22 (bench/nginx.ts, installed through apt.sh) as the
// native reference hop in the 256 MiB rounds (BENCH_NGINX=0 leaves it out). BENCH_HOP_FLAGS / BENCH_HOP_ENV pass Node flags / environment
// variables to both hops. BENCH_PROXY_PARTS picks parts (small,large,big); BENCH_GW_SETTINGS=0 runs
// the gateway hop without GATEWAY_PROCESS_ENV; BENCH_GW_SCRIPT swaps its script (e.g. another build).
import type { ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createTransport, type Transport } from '@s3kit/http-transport';
import { GATEWAY_NODE_FLAGS, GATEWAY_PROCESS_ENV } from '../dist/index.js';
import { startNginx } from './nginx.js';
import { cpuOf, rssMB, start } from './processes.js';

const MiB = 1024 * 1024;
const BIG = Number(process.env['BENCH_BIG_GIB'] ?? 5) * 1024 * MiB;
const BIG_RUNS = Number(process.env['BENCH_BIG_RUNS'] ?? 3);

/** The bench client's own CPU seconds (this process). */
function selfCpu(): { user: number; sys: number } {
  const u = process.cpuUsage();
  return { user: u.user / 1e6, sys: u.system / 1e6 };
}

/** Major (Mark-Compact) and minor (Scavenge) GCs of a child so far (bench/gc-counter.mjs). */
function gcOf(child: ChildProcess): Promise<{ major: number; minor: number; ms: number }> {
  if (child.send === undefined) return Promise.resolve({ major: 0, minor: 0, ms: 0 }); // nginx: no V8
  return new Promise((resolve) => {
    const on = (m: unknown): void => {
      const gc = (m as { gc?: { major: number; minor: number; ms: number } }).gc;
      if (gc === undefined) return;
      child.off('message', on);
      resolve(gc);
    };
    child.on('message', on);
    child.send('gc');
  });
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

/** GETs of 1 KiB for `ms`, `inFlight` at a time: how many, and per second of the time taken. */
async function smallGets(t: Transport, origin: string, ms: number, inFlight: number): Promise<{ n: number; rps: number }> {
  let n = 0;
  const t0 = performance.now();
  const end = t0 + ms;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < end) {
        await get(t, origin, '/bench/size-1024');
        n++;
      }
    }),
  );
  return { n, rps: (n * 1000) / (performance.now() - t0) };
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
  /** The hop's process, whose CPU and GCs are the hop's cost (the proxy; the sink for direct). */
  readonly hop: ChildProcess;
}

interface LargeResult {
  /** Median and best MB/s. */
  readonly mbps: number;
  readonly best: number;
  /** Median CPU seconds per GiB (user + system) of the hop, the client and the sink; `hopSys` is the hop's system part. */
  readonly hop: number;
  readonly hopSys: number;
  readonly client: number;
  readonly sink: number;
  /** Median GCs of the hop's process per transfer. */
  readonly major: number;
  readonly minor: number;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * One large transfer on every target per round, rounds interleaved (A B C A B C ...: load
 * changes hit all targets alike), after one warm-up round (JIT, TCP windows). Medians of MB/s,
 * CPU s/GiB (from /proc and process.cpuUsage: they depend little on the machine's other load)
 * and GC counts.
 */
async function large(targets: readonly Target[], sinkPid: number, fn: (t: Target) => Promise<unknown>, bytes: number, rounds: number): Promise<LargeResult[]> {
  const keys = ['mbps', 'hop', 'hopSys', 'client', 'sink', 'major', 'minor'] as const;
  const samples = targets.map(() => Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<(typeof keys)[number], number[]>);
  const gib = bytes / 1024 ** 3;
  for (let r = 0; r <= rounds; r++) {
    for (const [i, t] of targets.entries()) {
      const g0 = await gcOf(t.hop);
      const [h0, c0, s0] = [cpuOf(t.hop.pid!), selfCpu(), cpuOf(sinkPid)];
      const t0 = performance.now();
      await fn(t);
      const ms = performance.now() - t0;
      const [h1, c1, s1] = [cpuOf(t.hop.pid!), selfCpu(), cpuOf(sinkPid)];
      const g1 = await gcOf(t.hop);
      if (r === 0) continue;
      const x = samples[i]!;
      x.mbps.push(bytes / 1e6 / (ms / 1000));
      x.hop.push((h1.user + h1.sys - h0.user - h0.sys) / gib);
      x.hopSys.push((h1.sys - h0.sys) / gib);
      x.client.push((c1.user + c1.sys - c0.user - c0.sys) / gib);
      x.sink.push((s1.user + s1.sys - s0.user - s0.sys) / gib);
      x.major.push(g1.major - g0.major);
      x.minor.push(g1.minor - g0.minor);
    }
  }
  return samples.map((x) => ({ ...(Object.fromEntries(keys.map((k) => [k, median(x[k])])) as Record<(typeof keys)[number], number>), best: Math.max(...x.mbps) }));
}

interface SmallResult {
  /** Median 1 KiB GETs per second (16 in flight). */
  readonly rps: number;
  /** Median CPU microseconds (user + system) of the hop per request. */
  readonly cpuUs: number;
  /** GC pause of the hop per request (µs), over all rounds. */
  readonly gcUs: number;
}

/**
 * 1 KiB GETs, 16 in flight, `BENCH_SMALL_MS` (default 2000) per target and round, rounds
 * interleaved; medians of req/s and of the hop's CPU per request (from /proc: the hop's own
 * cost, whatever else the machine runs).
 */
async function small(targets: readonly Target[], rounds: number): Promise<SmallResult[]> {
  const ms = Number(process.env['BENCH_SMALL_MS'] ?? 2000);
  const samples = targets.map(() => ({ rps: [] as number[], cpuUs: [] as number[], gcMs: 0, n: 0 }));
  for (let r = 0; r < rounds; r++) {
    for (const [i, t] of targets.entries()) {
      const g0 = await gcOf(t.hop);
      const c0 = cpuOf(t.hop.pid!);
      const { n, rps } = await smallGets(t.t, t.origin, ms, 16);
      const c1 = cpuOf(t.hop.pid!);
      const g1 = await gcOf(t.hop);
      const x = samples[i]!;
      x.rps.push(rps);
      x.cpuUs.push(((c1.user + c1.sys - c0.user - c0.sys) * 1e6) / n);
      x.gcMs += g1.ms - g0.ms;
      x.n += n;
    }
  }
  return samples.map((x) => ({ rps: median(x.rps), cpuUs: median(x.cpuUs), gcUs: (1000 * x.gcMs) / x.n }));
}

const parts = (process.env['BENCH_PROXY_PARTS'] ?? 'small,large,big').split(',');

const sink = await start('./proxy-sink.mjs');
// BENCH_HOP_FLAGS: Node/V8 flags for both hops (gateway and pass-through), e.g. '--no-incremental-marking';
// BENCH_HOP_ENV: NAME=value pairs (space-separated) for both hops' environment, e.g. 'MALLOC_TRIM_THRESHOLD_=67108864'.
const hopFlags = (process.env['BENCH_HOP_FLAGS'] ?? '').split(' ').filter((f) => f !== '');
const hopEnvPairs = (process.env['BENCH_HOP_ENV'] ?? '').split(' ').filter((f) => f.includes('='));
const hopEnv = { ...process.env, ...Object.fromEntries(hopEnvPairs.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])) };
// The gateway hop runs with the process settings the s3kit-gateway program applies to itself
// (GATEWAY_PROCESS_ENV: malloc thresholds; GATEWAY_NODE_FLAGS: V8 young generation), unless
// BENCH_GW_SETTINGS=0; variables set in BENCH_HOP_ENV win. The pass-through keeps the process defaults.
const gwSettings = process.env['BENCH_GW_SETTINGS'] === '0' ? {} : GATEWAY_PROCESS_ENV;
const gwFlags = [...(process.env['BENCH_GW_SETTINGS'] === '0' ? [] : GATEWAY_NODE_FLAGS), ...hopFlags];
const gwEnv = { ...gwSettings, ...hopEnv };
const gwScript = process.env['BENCH_GW_SCRIPT'] ?? './proxy-gateway.mjs';
const gw = await start(gwScript, [String(sink.port)], [...gwFlags, ...(process.env['BENCH_PROF'] ? ['--cpu-prof', '--cpu-prof-dir=/tmp/gwprof'] : [])], gwEnv);
const pt = await start('./proxy-passthrough.mjs', [String(sink.port)], [...hopFlags, ...(process.env['BENCH_PROF'] ? ['--cpu-prof', '--cpu-prof-dir=/tmp/ptprof'] : [])], hopEnv);
// The floor of the per-request rows: bare undici relay + SigV4 verify + sign (proxy-floor.mjs).
const floor = parts.includes('small') ? await start('./proxy-floor.mjs', [String(sink.port)], hopFlags, hopEnv) : undefined;
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

const targets: Target[] = [
  { t: direct, origin: directOrigin, hop: sink.child },
  { t: direct, origin: ptOrigin, hop: pt.child },
  { t: viaGw, origin: gwOrigin, hop: gw.child },
];
if (parts.includes('small')) {
  const SMALL_ROUNDS = Number(process.env['BENCH_SMALL_ROUNDS'] ?? 7);
  const floorOrigin = `http://127.0.0.1:${floor!.port}`;
  await smallGets(viaGw, floorOrigin, 500, 8);
  const [sd, sp, sg, sf] = await small([...targets, { t: viaGw, origin: floorOrigin, hop: floor!.child }], SMALL_ROUNDS);
  rows.push([
    'GET 1 KiB, 16 in flight',
    `${sd!.rps.toFixed(0)} req/s`,
    `${sp!.rps.toFixed(0)} req/s`,
    `${sg!.rps.toFixed(0)} req/s`,
    x(sg!.rps, sd!.rps),
    x(sg!.rps, sp!.rps),
    `${pass(sg!.rps / sp!.rps >= 0.9)} (>= 0.9x pass-through)`,
  ]);
  const us = (r: SmallResult): string => `${r.cpuUs.toFixed(0)} µs`;
  rows.push(['  hop CPU per 1 KiB GET (sink / proxy / gateway)', us(sd!), us(sp!), us(sg!), '', x(sg!.cpuUs, sp!.cpuUs), `${pass(sg!.cpuUs / sp!.cpuUs <= 1.1)} (<= 1.1x pass-through)`]);
  const gc = (r: SmallResult): string => `${r.gcUs.toFixed(1)} µs`;
  rows.push(['  hop GC pause per 1 KiB GET (sink / proxy / gateway)', gc(sd!), gc(sp!), gc(sg!), '', x(sg!.gcUs, sp!.gcUs), '']);
  rows.push([
    '  floor hop (bare undici relay + SigV4 verify + sign): req/s, CPU per GET',
    '',
    `${sf!.rps.toFixed(0)} req/s, ${us(sf!)}: ${x(sf!.cpuUs, sp!.cpuUs)} pass-through`,
    us(sg!),
    '',
    `gateway ${x(sg!.cpuUs, sf!.cpuUs)} floor`,
    '',
  ]);
  const latDirect = await p50(direct, directOrigin, 2000);
  const latPt = await p50(direct, ptOrigin, 2000);
  const latGw = await p50(viaGw, gwOrigin, 2000);
  rows.push([
    'GET 1 KiB p50 latency, 1 in flight',
    `${latDirect.toFixed(3)} ms`,
    `${latPt.toFixed(3)} ms`,
    `${latGw.toFixed(3)} ms`,
    plus(latGw - latDirect),
    plus(latGw - latPt),
    `${pass(latGw - latDirect <= 1)} (<= +1 ms)`,
  ]);
}

const SIZE = 256 * MiB;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 7);
// nginx, the native reference, joins the per-GiB rounds (BENCH_NGINX=0 leaves it out).
const nginx = parts.includes('large') && process.env['BENCH_NGINX'] !== '0' ? await startNginx(sink.port) : { reason: 'not asked for' };
const largeTargets = 'port' in nginx ? [...targets, { t: direct, origin: `http://127.0.0.1:${nginx.port}`, hop: nginx.child }] : targets;
for (const [name, fn] of parts.includes('large')
  ? ([
      ['PUT 256 MiB (UNSIGNED-PAYLOAD)', (t: Target) => put(t.t, t.origin, '/bench/put-256', SIZE)],
      ['GET 256 MiB', (t: Target) => get(t.t, t.origin, `/bench/size-${SIZE}`)],
    ] as const)
  : []) {
  const [d, p, g, n] = await large(largeTargets, sink.child.pid!, fn, SIZE, ROUNDS);
  const mb = (r: LargeResult): string => `${r.mbps.toFixed(0)} MB/s (best ${r.best.toFixed(0)})`;
  rows.push([`${name}, median`, mb(d!), `${mb(p!)}, ${x(p!.mbps, d!.mbps)} direct`, mb(g!), x(g!.mbps, d!.mbps), x(g!.mbps, p!.mbps), `${pass(g!.mbps / d!.mbps >= 0.85)} (>= 0.85x direct)`]);
  rows.push([
    '  CPU s/GiB of the hop (sink / proxy / gateway)',
    d!.hop.toFixed(2),
    p!.hop.toFixed(2),
    g!.hop.toFixed(2),
    '',
    x(g!.hop, p!.hop),
    `${pass(g!.hop / p!.hop <= 1)} (<= 1.0x pass-through)`,
  ]);
  if (n !== undefined) {
    rows.push([
      '  nginx 1.22 hop (buffering off, 64 KiB buffers): MB/s, CPU s/GiB',
      '',
      `${n.mbps.toFixed(0)} MB/s, ${n.hop.toFixed(2)} s/GiB`,
      g!.hop.toFixed(2),
      '',
      `${x(g!.hop, n.hop)} nginx`,
      `${pass(g!.hop / n.hop <= 2)} (<= 2x nginx)`,
    ]);
  }
  // The transfers are CPU-bound on the machine as a whole, so MB/s ratios follow the inverse
  // ratio of all processes' CPU per GiB. Direct runs client + sink; a proxied transfer adds
  // the hop, whose kernel (system) time for moving every byte in and out of one more process
  // no proxy can avoid (the pass-through's system CPU).
  const all = (r: LargeResult, hop: boolean): number => r.client + r.sink + (hop ? r.hop : 0);
  const dAll = all(d!, false);
  const cell = (r: LargeResult, hop: boolean): string => `${all(r, hop).toFixed(2)} = ${r.client.toFixed(2)} + ${hop ? r.hop.toFixed(2) : '-'} + ${r.sink.toFixed(2)}`;
  rows.push([
    '  CPU s/GiB of all processes (client + hop + sink)',
    cell(d!, false),
    `${cell(p!, true)}: ${x(dAll, all(p!, true))} direct`,
    cell(g!, true),
    `${x(dAll, all(g!, true))} (by CPU)`,
    `${x(all(p!, true), all(g!, true))} (by CPU)`,
    '',
  ]);
  const budget = dAll / 0.85 - g!.client - g!.sink;
  rows.push([
    '  hop CPU s/GiB allowed for 0.85x direct / kernel part of any hop',
    '',
    `${p!.hopSys.toFixed(2)} (system)`,
    `${budget.toFixed(2)} allowed`,
    '',
    '',
    budget < p!.hopSys ? 'out of reach on this machine' : '',
  ]);
  rows.push(['  GCs in the hop per 256 MiB (Mark-Compact / Scavenge)', `${d!.major} / ${d!.minor}`, `${p!.major} / ${p!.minor}`, `${g!.major} / ${g!.minor}`, '', '', '']);
}
pt.child.disconnect();
floor?.child.disconnect();
if ('stop' in nginx) nginx.stop();
else if (parts.includes('large')) rows.push([`nginx reference left out: ${nginx.reason}`, '', '', '', '', '', '']);

// A fresh gateway process for the memory measurement, so the heap the small-request phases grew
// (V8 returns it lazily) does not count as streaming memory.
gw.child.disconnect();
if (parts.includes('big')) {
  // The peak moves by ±10 MB from run to run (when V8's scavenges free each batch of socket
  // buffers against when the next batch is allocated), so it is the median of BIG_RUNS fresh processes.
  const runs: Array<{ idle: number; peak: number; put: number; get: number }> = [];
  for (let r = 0; r < BIG_RUNS; r++) {
    const gw2 = await start(gwScript, [String(sink.port)], gwFlags, gwEnv);
    const gw2Origin = `http://127.0.0.1:${gw2.port}`;
    await new Promise((res) => setTimeout(res, 300));
    let peak = rssMB(gw2.child.pid!);
    const idle = peak;
    const poll = setInterval(() => (peak = Math.max(peak, rssMB(gw2.child.pid!))), 50);
    const put1 = await mbps(() => put(viaGw, gw2Origin, '/bench/put-big', BIG), BIG, 1);
    const get1 = await mbps(() => get(viaGw, gw2Origin, `/bench/size-${BIG}`), BIG, 1);
    clearInterval(poll);
    gw2.child.disconnect();
    runs.push({ idle, peak, put: put1, get: get1 });
  }
  const m = (k: 'idle' | 'peak' | 'put' | 'get'): number => median(runs.map((x) => x[k]));
  const each = runs.length > 1 ? `; peaks ${runs.map((x) => x.peak.toFixed(0)).join(', ')} MB` : '';
  const fresh = runs.length > 1 ? `median of ${runs.length} fresh processes, no warm-up` : 'fresh process, no warm-up';
  rows.push([`${BIG / 1024 / MiB} GiB PUT + GET through the gateway (${fresh})`, '', '', `${m('put').toFixed(0)} / ${m('get').toFixed(0)} MB/s`, '', '', '']);
  rows.push([`gateway RSS while streaming it (idle → peak${each})`, '', '', `${m('idle').toFixed(0)} → ${m('peak').toFixed(0)} MB`, '', '', `${pass(m('peak') < 150)} (< 150 MB)`]);
}

await direct.close();
await viaGw.close();
sink.child.disconnect();

const head = ['case', 'direct', 'pass-through', 'gateway', 'gateway/direct', 'gateway/pass-through', 'target'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (r: readonly string[]): string => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log(
  `gateway proxy bench: Node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(
      '/',
    )}; MB = 10^6 bytes, 256 MiB: medians of ${ROUNDS} interleaved rounds after a warm-up${hopFlags.length > 0 ? `; hop flags ${hopFlags.join(' ')}` : ''}${hopEnvPairs.length > 0 ? `; hop env ${hopEnvPairs.join(' ')}` : ''}; gateway process settings: ${
    [...Object.entries(gwSettings).map(([k, v]) => `${k}=${v}`), ...gwFlags].join(' ') || 'none'
  }`,
);
console.log(line(head));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const r of rows) console.log(line(r));
