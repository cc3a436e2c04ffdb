/**
 * 512 MiB multipart upload to Ceph RGW: s3kit putObject (stream, unknown length) vs
 * @aws-sdk/lib-storage Upload, same part size and concurrency, alternating runs.
 */
import { Readable } from 'node:stream';
import { S3Client as AwsS3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { RgwHandle } from '@s3kit/test-utils';
import { S3Client } from '@s3kit/client'; // dist at run time (no @s3kit/source condition)

const MiB = 1024 * 1024;

/** `total` bytes in 64 KiB pieces, generated as read. */
export function generated(total: number): Readable {
  let sent = 0;
  const piece = Buffer.alloc(64 * 1024, 120);
  return new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      const n = Math.min(piece.length, total - sent);
      this.push(Buffer.from(piece.subarray(0, n)));
      sent += n;
    },
  });
}

export async function multipartBench(rgw: RgwHandle, totalMiB = Number(process.env['BENCH_MP_MIB'] ?? 512), rounds = Number(process.env['BENCH_MP_ROUNDS'] ?? 5)): Promise<void> {
  const total = totalMiB * MiB;
  const partSize = 8 * MiB;
  const queue = 4;
  const ours = new S3Client({ endpoint: rgw.endpoint, accessKey: rgw.accessKeyId, secretKey: rgw.secretAccessKey, region: rgw.region, partSize, concurrency: queue });
  const sdk = new AwsS3Client({
    endpoint: rgw.endpoint,
    region: rgw.region,
    forcePathStyle: true,
    credentials: { accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const bucket = `bench-mp-${Date.now()}`;
  await ours.makeBucket(bucket);
  const names = ['s3kit', 'lib-storage', 'lib-storage-defaults'] as const;
  const labels: Record<string, string> = {
    s3kit: `s3kit putObject (stream, ${partSize / MiB} MiB parts, ${queue} in flight)`,
    'lib-storage': `@aws-sdk/lib-storage Upload (stream, ${partSize / MiB} MiB parts, ${queue} in flight)`,
    'lib-storage-defaults': '@aws-sdk/lib-storage Upload (stream, its defaults: 5 MiB parts, 4 in flight)',
  };
  const times: Record<string, number[]> = { s3kit: [], 'lib-storage': [], 'lib-storage-defaults': [] };
  const cpu: Record<string, number[]> = { s3kit: [], 'lib-storage': [], 'lib-storage-defaults': [] };
  const run = async (name: string, fn: () => Promise<unknown>) => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    times[name]!.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu[name]!.push((c.user + c.system) / 1000);
  };
  for (let r = 0; r < rounds; r++) {
    // Rotate the order each round so RGW's state (memstore fill, load) does not favour one contender.
    const order = [...names.slice(r % names.length), ...names.slice(0, r % names.length)];
    for (const name of order) {
      if (name === 's3kit') await run(name, () => ours.putObject(bucket, 'obj', generated(total)));
      else if (name === 'lib-storage') await run(name, () => new Upload({ client: sdk, params: { Bucket: bucket, Key: 'obj', Body: generated(total) }, partSize, queueSize: queue }).done());
      else await run(name, () => new Upload({ client: sdk, params: { Bucket: bucket, Key: 'obj', Body: generated(total) } }).done());
      // Free RGW's memstore between runs.
      await ours.removeObject(bucket, 'obj');
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const mbps = (name: string) => totalMiB / (median(times[name]!) / 1000);
  console.log(`\n${totalMiB} MiB multipart upload (generated stream) to Ceph RGW (memstore, 127.0.0.1), median of ${rounds} rotated rounds`);
  console.table(
    names.map((name) => ({
      contender: labels[name],
      'median s': (median(times[name]!) / 1000).toFixed(2),
      'MiB/s (median)': mbps(name).toFixed(0),
      'MiB/s (best)': (totalMiB / (Math.min(...times[name]!) / 1000)).toFixed(0),
      'client CPU s': (median(cpu[name]!) / 1000).toFixed(2),
      'ratio ours/this (median)': (mbps('s3kit') / mbps(name)).toFixed(2),
    })),
  );
  const ratio = mbps('s3kit') / mbps('lib-storage');
  const ratioDefaults = mbps('s3kit') / mbps('lib-storage-defaults');
  console.log(`target: >= 1.2x lib-storage throughput -> ${ratio.toFixed(2)}x at equal settings (${ratio >= 1.2 ? 'met' : 'NOT met'}), ${ratioDefaults.toFixed(2)}x vs its defaults`);
  await ours.removeBucket(bucket);
  await ours.close();
  sdk.destroy();
}
