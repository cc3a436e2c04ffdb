// The lifecycle sweeper of the embedded store: how fast a sweep expires objects (fsync on).
// `tsx bench/lifecycle.ts` after a build; BENCH_LC_KEYS sets the count (default 20 000).
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createLocalStore, type LocalStore } from '../dist/index.js';

const N = Number(process.env['BENCH_LC_KEYS'] ?? 20_000);
const DAY = 86_400_000;

function call(store: LocalStore, operation: string, key?: string, data?: string): Promise<unknown> {
  const headers: Record<string, string> = data === undefined ? {} : { 'content-length': String(data.length), 'content-md5': createHash('md5').update(data).digest('base64') };
  const body =
    data === undefined
      ? undefined
      : (async function* () {
          yield Buffer.from(data);
        })();
  return store.handle({ method: 'PUT', operation, bucket: 'bench', ...(key === undefined ? {} : { key }), query: {}, headers, body });
}

async function run(versioned: boolean): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 's3kit-bench-lc-'));
  let now = Date.now();
  const store = createLocalStore({ dir, fsync: true, lifecycle: { now: () => now, intervalMs: 0 } });
  try {
    await call(store, 'CreateBucket');
    if (versioned) await call(store, 'PutBucketVersioning', undefined, '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>');
    const rule = '<Expiration><Days>1</Days></Expiration><NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration>';
    await call(store, 'PutBucketLifecycleConfiguration', undefined, `<LifecycleConfiguration><Rule><ID>all</ID><Filter/><Status>Enabled</Status>${rule}</Rule></LifecycleConfiguration>`);
    for (let i = 0; i < N; i += 64) await Promise.all(Array.from({ length: Math.min(64, N - i) }, (_, j) => call(store, 'PutObject', `k/${i + j}`, 'x'.repeat(100))));
    now += 3 * DAY;
    const t0 = performance.now();
    const first = await store.runLifecycle();
    const t1 = performance.now();
    let line = `${N} current objects expired (${versioned ? 'a delete marker each' : 'removed'}): ${Math.round(first.expired / ((t1 - t0) / 1000))}/s`;
    if (versioned) {
      now += 3 * DAY;
      const t2 = performance.now();
      const second = await store.runLifecycle();
      line += `; then ${second.removed} noncurrent versions removed: ${Math.round(second.removed / ((performance.now() - t2) / 1000))}/s`;
    }
    return line;
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

for (const versioned of [false, true]) console.log(await run(versioned));
