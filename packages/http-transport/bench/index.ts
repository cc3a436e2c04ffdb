/**
 * Per-request client CPU for a signed 1 KiB GET against a local node:http server (in a child
 * process), ours vs undici (unsigned) vs minio-js vs the AWS SDK v3, in one run.
 * Run: pnpm --filter @s3kit/http-transport build && pnpm --filter @s3kit/http-transport bench
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Client as MinioClient } from 'minio';
import { Bench } from 'tinybench';
import { Agent } from 'undici';
import { createTransport } from '../dist/index.js';
import { cpuMicrosPerCall, startChildServer } from '@s3kit/test-utils';

const N = Number(process.env['BENCH_N'] ?? 3000);
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const region = 'us-east-1';

const server = await startChildServer(1024);
const { origin } = server;
const url = new URL(origin);

const agent = new Agent({ connections: 8 });
const ours = createTransport({ proxy: false, sign: { credentials, region } });
const oursUnsigned = createTransport({ proxy: false });
const minio = new MinioClient({ endPoint: url.hostname, port: Number(url.port), useSSL: false, accessKey: credentials.accessKeyId, secretKey: credentials.secretAccessKey, region, pathStyle: true });
const sdk = new S3Client({ endpoint: origin, region, forcePathStyle: true, credentials });

const contenders: Array<[string, () => Promise<unknown>]> = [
  ['undici request (unsigned)', async () => (await agent.request({ origin, path: '/bucket/key', method: 'GET' })).body.bytes()],
  ['s3kit transport (unsigned)', async () => (await oursUnsigned.request({ method: 'GET', origin, path: '/bucket/key' })).body.bytes()],
  ['s3kit transport + SigV4', async () => (await ours.request({ method: 'GET', origin, path: '/bucket/key' })).body.bytes()],
  ['s3kit transport + SigV4, readWholeUpTo', async () => (await ours.request({ method: 'GET', origin, path: '/bucket/key', readWholeUpTo: 65536 })).bytes],
  [
    'minio-js getObject',
    async () => {
      const stream = await minio.getObject('bucket', 'key');
      for await (const _ of stream);
    },
  ],
  ['@aws-sdk/client-s3 GetObject', async () => (await sdk.send(new GetObjectCommand({ Bucket: 'bucket', Key: 'key' }))).Body?.transformToByteArray()],
];

// 1. Client CPU per request (interleaved rounds, see cpuMicrosPerCall).
const { cpu, calls } = await cpuMicrosPerCall(contenders, { total: N, warmup: 1000 });

// 2. Throughput (sequential latency) with tinybench.
const bench = new Bench({ time: 1500, warmupTime: 200 });
for (const [name, fn] of contenders) bench.add(name, fn);
await bench.run();

const base = cpu.get('undici request (unsigned)') ?? 1;
const rows = bench.tasks.map((t) => {
  const r = t.result as { throughput?: { mean?: number } } | undefined;
  const us = cpu.get(t.name) ?? Number.NaN;
  return {
    name: t.name,
    'CPU µs/req': us.toFixed(0),
    'ratio vs undici': (us / base).toFixed(2),
    'req/s (sequential)': r?.throughput?.mean?.toFixed(0) ?? '?',
  };
});
console.log(`\n1 KiB GET, ${calls} sequential requests per contender (6 interleaved rounds), node ${process.version}, ${process.arch}`);
console.table(rows);
const signed = cpu.get('s3kit transport + SigV4') ?? Number.NaN;
console.log(`target: s3kit transport + SigV4 <= 200 µs/request -> ${signed.toFixed(0)} µs (${signed <= 200 ? 'met' : 'NOT met'})`);

await agent.close();
await ours.close();
await oursUnsigned.close();
sdk.destroy();
server.stop();
