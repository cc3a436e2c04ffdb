import { spawn } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Starts a node:http server in a child process for client-side benches (http-transport, client),
 * so `process.cpuUsage()` in the bench counts only client work. Every GET gets `bytes` of body
 * with the headers S3 sends for GetObject; `GET /large/<n>` streams n bytes; PUT and POST bodies
 * are read and discarded.
 */
export async function startChildServer(bytes: number): Promise<{ origin: string; stop(): void }> {
  const code = `
    const http = require('node:http');
    const body = Buffer.alloc(${bytes}, 97);
    const server = http.createServer((req, res) => {
      if (req.method === 'PUT' || req.method === 'POST') {
        let n = 0;
        req.on('data', (c) => { n += c.length; });
        req.on('end', () => { res.writeHead(200, { etag: '"put"', 'x-received': String(n) }); res.end(); });
        return;
      }
      const large = req.url.startsWith('/large/') ? [null, req.url.slice(7)] : null;
      if (large) {
        let left = Number(large[1]);
        const chunk = Buffer.alloc(256 * 1024, 98);
        res.writeHead(200, { 'content-length': String(left) });
        const pump = () => {
          while (left > 0) {
            const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
            left -= piece.length;
            if (!res.write(piece)) return res.once('drain', pump);
          }
          res.end();
        };
        pump();
        return;
      }
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': String(body.length),
        etag: '"0123456789abcdef0123456789abcdef"',
        'last-modified': 'Mon, 23 Nov 2026 14:00:00 GMT',
        'x-amz-request-id': 'BENCH0000000000',
        'x-amz-id-2': 'benchhostid',
        'accept-ranges': 'bytes',
      });
      res.end(body);
    });
    server.keepAliveTimeout = 60000;
    server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
  `;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
  return { origin: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

/**
 * Client CPU (user + system, µs) per call of each contender: after `warmup` calls each,
 * `rounds` round-robin rounds of `total / rounds` sequential calls per contender, interleaved (and
 * rotated) so JIT warm-up and machine noise do not favour whoever runs last; each batch starts
 * after a full GC, so garbage one contender left behind is not collected on another's time. `cpu` is the mean over all calls,
 * `median` the median of the rounds' per-call means (robust to one noisy round).
 */
export async function cpuMicrosPerCall(
  contenders: ReadonlyArray<readonly [name: string, call: () => Promise<unknown>]>,
  { total, warmup, rounds = 6 }: { total: number; warmup: number; rounds?: number },
): Promise<{ cpu: Map<string, number>; median: Map<string, number>; calls: number }> {
  const samples = new Map<string, number[]>();
  for (const [name, fn] of contenders) {
    for (let i = 0; i < warmup; i++) await fn();
    samples.set(name, []);
  }
  const perRound = Math.ceil(total / rounds);
  const collect = fullGc();
  for (let round = 0; round < rounds; round++) {
    // Rotated, so that no contender always runs right after the same other one.
    for (let c = 0; c < contenders.length; c++) {
      const [name, fn] = contenders[(c + round) % contenders.length]!;
      // Each batch starts from a collected heap: no contender pays for another's garbage.
      collect();
      const start = process.cpuUsage();
      for (let i = 0; i < perRound; i++) await fn();
      const used = process.cpuUsage(start);
      samples.get(name)!.push((used.user + used.system) / perRound);
    }
  }
  const cpu = new Map<string, number>();
  const median = new Map<string, number>();
  for (const [name, xs] of samples) {
    cpu.set(name, xs.reduce((a, b) => a + b, 0) / xs.length);
    const sorted = [...xs].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    median.set(name, sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2);
  }
  return { cpu, median, calls: perRound * rounds };
}

/** V8's `gc()`: a full, synchronous garbage collection (exposed on first use), for benches and memory tests. */
export function fullGc(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return () => gc();
}

/** CPU time (user + system) in µs since `start`. */
function cpuSince(start: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(start);
  return u.user + u.system;
}

/**
 * Ops per CPU-second per task, the median of `rounds` interleaved rounds. Each round runs every
 * task (rotated, so none always runs first) for a batch sized to about `timeMs` of CPU. CPU time
 * (`process.cpuUsage`, this process only), not wall time: on a shared, loaded machine another
 * process's work then does not count against whichever task it interrupted. Async tasks are
 * awaited one call at a time.
 */
export async function cpuMedianRounds(tasks: ReadonlyArray<readonly [name: string, fn: () => unknown]>, { rounds, timeMs }: { rounds: number; timeMs: number }): Promise<Map<string, number>> {
  const runs: Array<{ name: string; batch: (n: number) => Promise<number>; size: number; samples: number[] }> = [];
  for (const [name, fn] of tasks) {
    const first = fn();
    const isAsync = first instanceof Promise;
    if (isAsync) await first;
    const batch = async (n: number): Promise<number> => {
      const start = process.cpuUsage();
      if (isAsync) for (let i = 0; i < n; i++) await fn();
      else for (let i = 0; i < n; i++) fn();
      return cpuSince(start);
    };
    runs.push({ name, batch, size: 1, samples: [] });
  }
  // Warm up and size each batch: double it until one takes a fifth of timeMs.
  for (const r of runs) {
    while ((await r.batch(r.size)) < (timeMs * 1000) / 5) r.size *= 2;
    r.size = Math.max(1, Math.round(r.size * 5));
  }
  for (let round = 0; round < rounds; round++) {
    const shift = round % runs.length;
    for (const r of [...runs.slice(shift), ...runs.slice(0, shift)]) r.samples.push((r.size / (await r.batch(r.size))) * 1e6);
  }
  const out = new Map<string, number>();
  for (const r of runs) {
    const xs = r.samples.sort((a, b) => a - b);
    const mid = xs.length >> 1;
    out.set(r.name, xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2);
  }
  return out;
}
