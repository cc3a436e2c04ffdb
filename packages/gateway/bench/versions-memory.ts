// Child of bench/versions.ts, run with --expose-gc: builds a key index of N versions (PER_KEY
// per key) as a restart builds it and prints {"versions","bytesPerVersion","heapMiB","buildMs"}.
// Args: `scan` (each key's metadata record parsed from its JSON text, then KeyIndex.fromEntries,
// as the cold scan of the metadata files does) or `snapshot` (the index.json a clean close
// writes, parsed and loaded as StoreCore does), N, PER_KEY. buildMs counts parsing and
// indexing, not making the JSON texts (no disk either: the cold scan's reads come on top).
import { performance } from 'node:perf_hooks';
import { KeyIndex, indexVersion, type IndexVersion } from '../dist/store/key-index.js';

const [mode, n, perKey] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');
const keys = n / perKey;
const keyOf = (i: number): string => `dir${i % 100}/sub${i % 7}/object-${String(i).padStart(7, '0')}.bin`;
let seed = 0x9e3779b9;
/** Fresh pseudo-random hex of `bytes` bytes (xorshift: randomBytes per version would dominate the run). */
function hex(bytes: number): string {
  let s = '';
  while (s.length < bytes * 2) {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    s += (seed >>> 0).toString(16).padStart(8, '0');
  }
  return s.slice(0, bytes * 2);
}
const t = 1_765_000_000_000;

/** The metadata record the store writes for key `i` (see versions.ts KeyRecord). */
function record(i: number): string {
  const versions = Array.from({ length: perKey }, (_, v) => {
    const seq = (t + i * 10 + v) * 4096;
    return {
      id: seq.toString(16).padStart(16, '0') + hex(8),
      seq,
      size: 16,
      etag: hex(16),
      lastModified: t + i * 10 + v,
      contentType: 'application/octet-stream',
      headers: {},
      userMeta: {},
      tags: [],
      data: `${hex(32)}.${hex(8)}.data`,
    };
  });
  return JSON.stringify({ v: 2, key: keyOf(i), versions: versions.reverse() });
}

function settle(): number {
  for (let i = 0; i < 4; i++) gc!();
  return process.memoryUsage().heapUsed;
}

const before = settle();
let buildMs = 0;
let index: KeyIndex;
if (mode === 'scan') {
  const list: [string, IndexVersion[]][] = [];
  for (let i = 0; i < keys; i++) {
    const text = record(i);
    const t0 = performance.now();
    const r = JSON.parse(text) as { key: string; versions: Parameters<typeof indexVersion>[0][] };
    list.push([r.key, r.versions.map(indexVersion)]);
    buildMs += performance.now() - t0;
  }
  const t0 = performance.now();
  index = KeyIndex.fromEntries(list);
  buildMs += performance.now() - t0;
} else {
  // The snapshot text, made from the same records, then loaded as StoreCore's #scan loads it.
  const parts: string[] = [];
  const sorted: [string, number][] = Array.from({ length: keys }, (_, i) => [keyOf(i), i]);
  sorted.sort((a, b) => (a[0] < b[0] ? -1 : 1)); // ASCII keys: UTF-16 order is UTF-8 order
  for (const [key, i] of sorted) parts.push(JSON.stringify([key, (JSON.parse(record(i)) as { versions: Parameters<typeof indexVersion>[0][] }).versions.map(indexVersion)]));
  let text: string | undefined = `{"v":2,"keys":[${parts.join(',')}]}`;
  parts.length = 0;
  const t0 = performance.now();
  const snap = JSON.parse(text) as { keys: [string, IndexVersion[]][] };
  text = undefined;
  index = new KeyIndex(
    new Map(snap.keys),
    snap.keys.map(([k]) => k),
  );
  buildMs = performance.now() - t0;
}
const after = settle();
if (index.versionCount !== n) throw new Error(`${index.versionCount} versions, wanted ${n}`);
process.stdout.write(JSON.stringify({ versions: index.versionCount, bytesPerVersion: (after - before) / n, heapMiB: (after - before) / 1048576, buildMs }));
