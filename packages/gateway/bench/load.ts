// Gateway under load (against the built dist: `pnpm --filter @s3kit/gateway build`): a bounded
// mixed workload of small requests (bench/load-client.mjs: 200 connections, GET 1 KiB 50 %,
// PUT 1 KiB 20 %, HEAD 20 %, ListObjectsV2 10 %) against
// - the gateway on the embedded local store (bench/proxy-gateway.mjs `store:<dir>`, one process,
//   SigV4 verified, policies applied, with the program's process settings), and
// - the anchor: the bare node:http pass-through of the proxy bench (bench/proxy-passthrough.mjs)
//   in front of the same store served bare (bench/load-store.mjs: no auth, no checks).
// Each target gets BENCH_LOAD_S seconds (default 60) in BENCH_LOAD_ROUNDS interleaved rounds
// (default 2), a fresh load-generator process per round. Reports req/s, p50/p99 over all of a
// target's requests, the servers' peak RSS and CPU per request. Target: gateway p99 <= 1.5x the
// pass-through's. BENCH_LOAD_CONNECTIONS and BENCH_LOAD_KEYS (default 1000) change the shape.
import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GATEWAY_NODE_FLAGS, GATEWAY_PROCESS_ENV } from '../dist/index.js';
import { cpuOf, rssMB, start } from './processes.js';

const SECONDS = Number(process.env['BENCH_LOAD_S'] ?? 60);
const ROUNDS = Number(process.env['BENCH_LOAD_ROUNDS'] ?? 2);
const CONNECTIONS = Number(process.env['BENCH_LOAD_CONNECTIONS'] ?? 200);
const KEYS = Number(process.env['BENCH_LOAD_KEYS'] ?? 1000);

interface ClientResult {
  latencies: number[];
  /** The operation of each latency: an index into OPERATIONS. */
  ops: number[];
  errors: number;
  ms: number;
}

/** Runs the load generator in its own process against `origin`; `seed` only fills the bucket. */
function runClient(origin: string, opts: { seconds: number; seed: boolean; round: number }): Promise<ClientResult> {
  const child = fork(fileURLToPath(new URL('./load-client.mjs', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => {
      child.disconnect();
      resolve(m as ClientResult);
    });
    child.once('exit', (code) => reject(new Error(`load client exited ${code}`)));
    child.send({ origin, connections: CONNECTIONS, seconds: opts.seconds, keys: KEYS, seed: opts.seed, round: opts.round });
  });
}

interface Target {
  readonly name: string;
  readonly origin: string;
  /** The server processes whose RSS and CPU count for this target. */
  readonly pids: readonly number[];
}

/** The load client's operations, by the index it reports. */
const OPERATIONS = ['GET', 'PUT', 'HEAD', 'ListObjectsV2'] as const;

interface Totals {
  latencies: number[];
  /** Latencies by operation (OPERATIONS order). */
  byOp: number[][];
  requests: number;
  errors: number;
  ms: number;
  cpu: number;
  peakRss: number;
}

const percentile = (sorted: ArrayLike<number>, p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

const dirs = [await mkdtemp(join(tmpdir(), 's3kit-load-pt-')), await mkdtemp(join(tmpdir(), 's3kit-load-gw-'))];
const store = await start('./load-store.mjs', [dirs[0]!]);
const pt = await start('./proxy-passthrough.mjs', [String(store.port)]);
// The gateway runs with the process settings the s3kit-gateway program applies to itself, unless BENCH_GW_SETTINGS=0.
const settings = process.env['BENCH_GW_SETTINGS'] !== '0';
// BENCH_GW_FLAGS: extra Node flags for the gateway process (e.g. --trace-gc).
const extraFlags = (process.env['BENCH_GW_FLAGS'] ?? '').split(' ').filter((f) => f !== '');
const gw = await start('./proxy-gateway.mjs', [`store:${dirs[1]!}`], [...(settings ? GATEWAY_NODE_FLAGS : []), ...extraFlags], settings ? { ...process.env, ...GATEWAY_PROCESS_ENV } : process.env);
const targets: Target[] = [
  { name: 'pass-through + bare store', origin: `http://127.0.0.1:${pt.port}`, pids: [pt.child.pid!, store.child.pid!] },
  { name: 'gateway (embedded store)', origin: `http://127.0.0.1:${gw.port}`, pids: [gw.child.pid!] },
];
const totals: Totals[] = targets.map(() => ({ latencies: [], byOp: OPERATIONS.map(() => []), requests: 0, errors: 0, ms: 0, cpu: 0, peakRss: 0 }));
const cpuSum = (pids: readonly number[]): number => pids.reduce((n, pid) => n + cpuOf(pid).user + cpuOf(pid).sys, 0);
const rssSum = (pids: readonly number[]): number => pids.reduce((n, pid) => n + rssMB(pid), 0);

for (const t of targets) {
  await runClient(t.origin, { seconds: 0, seed: true, round: 0 });
  await runClient(t.origin, { seconds: 3, seed: false, round: 0 }); // warm-up (JIT, connections)
}
for (let round = 1; round <= ROUNDS; round++) {
  for (const [i, t] of (round % 2 === 1 ? targets : [...targets].reverse()).entries()) {
    const k = round % 2 === 1 ? i : targets.length - 1 - i;
    const c0 = cpuSum(t.pids);
    let peak = rssSum(t.pids);
    const poll = setInterval(() => (peak = Math.max(peak, rssSum(t.pids))), 200);
    const r = await runClient(t.origin, { seconds: SECONDS / ROUNDS, seed: false, round });
    clearInterval(poll);
    const x = totals[k]!;
    x.cpu += cpuSum(t.pids) - c0;
    for (const [j, l] of r.latencies.entries()) {
      x.latencies.push(l);
      x.byOp[r.ops[j]!]!.push(l);
    }
    x.requests += r.latencies.length;
    x.errors += r.errors;
    x.ms += r.ms;
    x.peakRss = Math.max(x.peakRss, peak);
  }
}
for (const c of [store.child, pt.child, gw.child]) c.disconnect();
await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));

const [p, g] = totals.map((x) => {
  const sorted = Float64Array.from(x.latencies).sort();
  return {
    rps: (x.requests * 1000) / x.ms,
    sorted,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    p99ByOp: x.byOp.map((ls) => percentile(Float64Array.from(ls).sort(), 0.99)),
    cpuUs: (x.cpu * 1e6) / x.requests,
    rss: x.peakRss,
    errors: x.errors,
    requests: x.requests,
  };
}) as [Summary, Summary];
interface Summary {
  /** Every latency of the target, ascending (ms). */
  sorted: Float64Array;
  rps: number;
  p50: number;
  p99: number;
  p99ByOp: number[];
  cpuUs: number;
  rss: number;
  errors: number;
  requests: number;
}
const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;
const rows: string[][] = [
  ['req/s', p.rps.toFixed(0), g.rps.toFixed(0), ratio(g.rps, p.rps), ''],
  ['p50 latency', `${p.p50.toFixed(1)} ms`, `${g.p50.toFixed(1)} ms`, ratio(g.p50, p.p50), ''],
  ['p99 latency', `${p.p99.toFixed(1)} ms`, `${g.p99.toFixed(1)} ms`, ratio(g.p99, p.p99), `<= 1.5x: ${g.p99 / p.p99 <= 1.5 ? 'pass' : 'FAIL'}`],
  ...OPERATIONS.map((op, i) => [`  p99 ${op}`, `${p.p99ByOp[i]!.toFixed(1)} ms`, `${g.p99ByOp[i]!.toFixed(1)} ms`, ratio(g.p99ByOp[i]!, p.p99ByOp[i]!), '']),
  ['server CPU per request (all server processes)', `${p.cpuUs.toFixed(0)} µs`, `${g.cpuUs.toFixed(0)} µs`, ratio(g.cpuUs, p.cpuUs), ''],
  ['peak RSS (all server processes)', `${p.rss.toFixed(0)} MB`, `${g.rss.toFixed(0)} MB`, ratio(g.rss, p.rss), ''],
  ['requests / non-2xx or failed', `${p.requests} / ${p.errors}`, `${g.requests} / ${g.errors}`, '', ''],
];
const head = ['case', 'pass-through + bare store (anchor)', 'gateway (embedded store)', 'gateway / anchor', 'target'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (r: readonly string[]): string => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log(
  `gateway load bench: Node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, load ${loadavg()
    .map((l) => l.toFixed(1))
    .join('/')}; ` +
    `${CONNECTIONS} connections, ${SECONDS} s per target in ${ROUNDS} interleaved rounds; GET 1 KiB 50 %, PUT 1 KiB 20 %, HEAD 20 %, ListObjectsV2 (100 keys) 10 % over ${KEYS} keys; store fsync off`,
);
console.log(line(head));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const r of rows) console.log(line(r));
// BENCH_LOAD_DIST=1: the whole latency distribution of each target (where a tail comes from).
if (process.env['BENCH_LOAD_DIST'] === '1') {
  const ps = [0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1];
  for (const [i, { sorted }] of [p, g].entries()) {
    console.log(`${targets[i]!.name}: ${ps.map((q) => `p${q * 100} ${percentile(sorted, q).toFixed(1)}`).join(', ')} ms`);
  }
}
