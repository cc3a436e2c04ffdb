// Plain JS. The load bench's load generator (its own process, so its CPU is not the servers'):
// an undici Pool of CONNECTIONS keep-alive connections with one request always in flight on
// each, for SECONDS, over a fixed mix of small requests on a seeded bucket: GET 1 KiB (50 %),
// PUT 1 KiB (20 %), HEAD (20 %), ListObjectsV2 of 100 keys (10 %). Every request is SigV4-signed
// (UNSIGNED-PAYLOAD), whoever answers, so both targets cost the client the same. Message in:
// { origin, connections, seconds, keys, seed }. Message out: { done, latencies (ms), ops (0 GET, 1 PUT, 2 HEAD, 3 List, per latency), errors, ms }.
import { createRequire } from 'node:module';
import { SigV4Signer } from '@s3kit/sigv4';

// undici comes with @s3kit/http-transport (a dependency of the gateway), not as one of ours.
const requireFromTransport = createRequire(createRequire(import.meta.url).resolve('@s3kit/http-transport'));
const { Pool } = requireFromTransport('undici');

const BUCKET = 'load';
const BODY = Buffer.alloc(1024, 0x61);
const signer = new SigV4Signer({ credentials: { accessKeyId: 'BENCHKEY', secretAccessKey: 'bench-secret' }, region: 'us-east-1' });

/** Deterministic PRNG (mulberry32), so both targets see the same request sequence. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const keyName = (i) => `k/${String(i).padStart(6, '0')}`;

/** One request of the mix: method, path (with query), body. */
function pick(rand, keys) {
  const r = rand();
  const key = keyName(Math.floor(rand() * keys));
  if (r < 0.5) return ['GET', `/${BUCKET}/${key}`, undefined, 0];
  if (r < 0.7) return ['PUT', `/${BUCKET}/${key}`, BODY, 1];
  if (r < 0.9) return ['HEAD', `/${BUCKET}/${key}`, undefined, 2];
  return ['GET', `/${BUCKET}?list-type=2&max-keys=100&prefix=k%2F&start-after=${encodeURIComponent(key)}`, undefined, 3];
}

async function send(pool, origin, method, path, body) {
  const host = new URL(origin).host;
  const headers = { host, ...(body ? { 'content-length': String(body.length) } : {}) };
  const signed = signer.sign({ method, url: `${origin}${path}`, headers, payloadHash: 'UNSIGNED-PAYLOAD' });
  const res = await pool.request({ method, path, headers: signed.headers, body });
  await res.body.dump();
  return res.statusCode;
}

/** Creates the bucket and KEYS objects (sequentially in batches), so GET/HEAD find them. */
async function seed(pool, origin, keys) {
  const s = await send(pool, origin, 'PUT', `/${BUCKET}`, undefined);
  if (s !== 200 && s !== 409) throw new Error(`create bucket: ${s}`);
  for (let i = 0; i < keys; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, keys - i) }, (_, j) => send(pool, origin, 'PUT', `/${BUCKET}/${keyName(i + j)}`, BODY)));
  }
}

process.once('message', async ({ origin, connections, seconds, keys, seed: seedOnly, round }) => {
  const pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
  if (seedOnly) {
    await seed(pool, origin, keys);
    await pool.close();
    process.send({ done: true });
    return;
  }
  const latencies = [];
  // The operation of each latency (0 GET, 1 PUT, 2 HEAD, 3 ListObjectsV2).
  const ops = [];
  let errors = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async (_, w) => {
      const rand = prng(round * 100_003 + w + 1);
      while (performance.now() < end) {
        const [method, path, body, op] = pick(rand, keys);
        const s0 = performance.now();
        try {
          const status = await send(pool, origin, method, path, body);
          if (status >= 300) errors++;
        } catch {
          errors++;
        }
        latencies.push(performance.now() - s0);
        ops.push(op);
      }
    }),
  );
  const ms = performance.now() - t0;
  await pool.close();
  process.send({ done: true, latencies, ops, errors, ms });
});
