/**
 * Client CPU per small GetObject (1 KiB) against a local node:http server in a child process:
 * s3kit S3Client vs minio-js vs @aws-sdk/client-s3, interleaved rounds, one run.
 */
import { GetObjectCommand, S3Client as AwsS3Client } from '@aws-sdk/client-s3';
import { Client as MinioClient } from 'minio';
import { Bench } from 'tinybench';
import { S3Client } from '@s3kit/client'; // dist at run time (no @s3kit/source condition)
import { cpuMicrosPerCall, startChildServer } from '@s3kit/test-utils';

export async function getCpuBench(n = Number(process.env['BENCH_N'] ?? 3000)): Promise<Map<string, number>> {
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
  const region = 'us-east-1';
  const server = await startChildServer(1024);
  const { origin } = server;
  const url = new URL(origin);
  const ours = new S3Client({ endpoint: origin, accessKey: credentials.accessKeyId, secretKey: credentials.secretAccessKey, region, transport: { proxy: false } });
  const minio = new MinioClient({ endPoint: url.hostname, port: Number(url.port), useSSL: false, accessKey: credentials.accessKeyId, secretKey: credentials.secretAccessKey, region, pathStyle: true });
  const sdk = new AwsS3Client({ endpoint: origin, region, forcePathStyle: true, credentials, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });

  const contenders: Array<[string, () => Promise<unknown>]> = [
    ['s3kit S3Client getObject', async () => (await ours.getObject('bucket', 'key')).bytes()],
    [
      'minio-js getObject',
      async () => {
        const stream = await minio.getObject('bucket', 'key');
        for await (const _ of stream);
      },
    ],
    ['@aws-sdk/client-s3 GetObject', async () => (await sdk.send(new GetObjectCommand({ Bucket: 'bucket', Key: 'key' }))).Body?.transformToByteArray()],
  ];
  const { cpu, calls } = await cpuMicrosPerCall(contenders, { total: n, warmup: 500 });
  const bench = new Bench({ time: 1000, warmupTime: 200 });
  for (const [name, fn] of contenders) bench.add(name, fn);
  await bench.run();
  const oursUs = cpu.get('s3kit S3Client getObject') ?? Number.NaN;
  console.log(`\n1 KiB GetObject, ${calls} sequential requests per contender (6 interleaved rounds), node ${process.version}, ${process.arch}`);
  console.table(
    bench.tasks.map((t) => {
      const r = t.result as { throughput?: { mean?: number } } | undefined;
      const us = cpu.get(t.name) ?? Number.NaN;
      return { name: t.name, 'CPU µs/req': us.toFixed(0), 'ours/this': (oursUs / us).toFixed(2), 'req/s (sequential)': r?.throughput?.mean?.toFixed(0) ?? '?' };
    }),
  );
  console.log(`target: s3kit getObject <= 250 µs/request -> ${oursUs.toFixed(0)} µs (${oursUs <= 250 ? 'met' : 'NOT met'})`);
  await ours.close();
  sdk.destroy();
  server.stop();
  return cpu;
}
