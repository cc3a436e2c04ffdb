// S3 Select CSV scan throughput (issue 16), against the built dist (`pnpm --filter @s3kit/gateway build` first).
//
// One CSV object of BENCH_SELECT_MB MiB (default 64; `id,group,name` lines) is scanned by two
// queries with the AWS SDK v3's SelectObjectContentCommand (the same client decodes every
// answer), median of BENCH_ROUNDS rounds (default 3), in MB/s of object bytes:
//   - the embedded store through the gateway over HTTP on 127.0.0.1 (SigV4 checked, answer streamed),
//   - Ceph RGW over HTTP on 127.0.0.1 (the same object), in its own dialect (`FROM stdin`, int()).
// Both must give the same records (RGW's unwrapped). Printed side by side with the ratio store/RGW. RGW is started as the tests start it
// (tooling/ceph-rgw via @s3kit/test-utils), or taken from S3KIT_RGW_ENDPOINT; BENCH_RGW=0 skips it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CreateBucketCommand, PutObjectCommand, S3Client, SelectObjectContentCommand } from '@aws-sdk/client-s3';
import { startRgw, type RgwHandle } from '@s3kit/test-utils';
import { createGateway, createGatewayServer, createLocalStore } from '../dist/index.js';

const MiB = 1024 * 1024;
const SIZE = Number(process.env['BENCH_SELECT_MB'] ?? 64) * MiB;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const BUCKET = 'bench-select';
const progress = (what: string): void => void process.stderr.write(`[bench:select] ${what}\n`);

/** The same two queries in AWS's dialect (store) and RGW 16.2's. */
const QUERIES = [
  { name: 'COUNT(*) WHERE CAST(_2) < 10', aws: 'SELECT COUNT(*) FROM S3Object s WHERE CAST(s._2 AS INT) < 10', rgw: 'select count(*) from stdin where int(_2) < 10;' },
  { name: 'projection _3,_1 WHERE CAST(_2) = 7', aws: 'SELECT s._3, s._1 FROM S3Object s WHERE CAST(s._2 AS INT) = 7', rgw: 'select _3,_1 from stdin where int(_2) == 7;' },
];

function csv(): Buffer {
  const lines: string[] = [];
  for (let i = 0, len = 0; len < SIZE; i++) {
    const line = `${i},${i % 100},name-${i}\n`;
    lines.push(line);
    len += line.length;
  }
  return Buffer.from(lines.join(''));
}

async function scan(sdk: S3Client, sql: string): Promise<{ ms: number; records: string }> {
  const start = performance.now();
  const res = await sdk.send(
    new SelectObjectContentCommand({ Bucket: BUCKET, Key: 'data.csv', Expression: sql, ExpressionType: 'SQL', InputSerialization: { CSV: {} }, OutputSerialization: { CSV: {} } }),
  );
  const parts: Buffer[] = [];
  for await (const ev of res.Payload!) if (ev.Records?.Payload !== undefined) parts.push(Buffer.from(ev.Records.Payload));
  return { ms: performance.now() - start, records: Buffer.concat(parts).toString('utf8') };
}

/** RGW 16.2's records without its `<Payload><Records><Payload>` wrapping and per-record commas. */
const unwrapRgw = (text: string): string =>
  text
    .replace(/<\/?Payload>|<\/?Records>/g, '')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => `${l.replace(/,$/, '')}\n`)
    .join('');

/** The answer's records (checked equal across contenders), then the median rate of ROUNDS scans. */
async function medianMBps(sdk: S3Client, sql: string, expected?: string): Promise<{ rate: number; records: string }> {
  const warm = await scan(sdk, sql);
  const records = expected === undefined ? warm.records : unwrapRgw(warm.records);
  if (expected !== undefined && records !== expected) throw new Error(`different answers: ${sql} gave ${records.slice(0, 200)}…, the store ${expected.slice(0, 200)}…`);
  const rates: number[] = [];
  for (let r = 0; r < ROUNDS; r++) rates.push(SIZE / MiB / ((await scan(sdk, sql)).ms / 1000));
  return { rate: rates.sort((a, b) => a - b)[Math.floor(rates.length / 2)]!, records };
}

async function prepare(endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string }, region: string, data: Buffer): Promise<S3Client> {
  const sdk = new S3Client({ endpoint, region, forcePathStyle: true, credentials, maxAttempts: 1 });
  await sdk.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await sdk.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'data.csv', Body: data }));
  return sdk;
}

const data = csv();
const rows: { query: string; 'store via gateway MB/s': string; 'Ceph RGW MB/s': string; 'store / RGW': string }[] = [];
const dir = await mkdtemp(join(tmpdir(), 's3kit-bench-select-'));
const store = createLocalStore({ dir, fsync: false });
const admin = { name: 'admin', accessKeyId: 'AKIABENCHSELECT00001', secretAccessKey: 'bench-select-secret-key-000000000000000', allow: [{ bucket: '*', access: 'readwrite' as const }] };
const server = createGatewayServer(createGateway({ identities: [admin], upstreams: { default: store } }));
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as { port: number }).port;
let rgw: RgwHandle | undefined;
try {
  progress(`store: ${SIZE / MiB} MiB CSV`);
  const storeSdk = await prepare(`http://127.0.0.1:${port}`, admin, 'us-east-1', data);
  rgw = process.env['BENCH_RGW'] === '0' ? undefined : await startRgw();
  const rgwSdk = rgw === undefined ? undefined : await prepare(rgw.endpoint, rgw, rgw.region, data);
  for (const q of QUERIES) {
    progress(q.name);
    const fromStore = await medianMBps(storeSdk, q.aws);
    const s = fromStore.rate;
    const c = rgwSdk === undefined ? undefined : (await medianMBps(rgwSdk, q.rgw, fromStore.records)).rate;
    rows.push({ query: q.name, 'store via gateway MB/s': s.toFixed(1), 'Ceph RGW MB/s': c === undefined ? 'skipped' : c.toFixed(1), 'store / RGW': c === undefined ? '-' : (s / c).toFixed(2) });
  }
  storeSdk.destroy();
  rgwSdk?.destroy();
} finally {
  await rgw?.stop();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await store.close();
  await rm(dir, { recursive: true, force: true });
}
console.log(`S3 Select scan of a ${SIZE / MiB} MiB CSV (${ROUNDS} rounds, median)`);
console.table(rows);
