/**
 * Memory proof: putObject of a generated 2 GiB stream (unknown length) to Ceph RGW and getObject
 * of it back, sampling RSS every 50 ms. `BENCH_MEM_GIB` changes the size.
 */
import { createHash } from 'node:crypto';
import { startRgw } from '@s3kit/test-utils';
import { S3Client } from '@s3kit/client'; // dist at run time (no @s3kit/source condition)
import { generated } from './multipart.js';

const MiB = 1024 * 1024;
const total = Math.round(Number(process.env['BENCH_MEM_GIB'] ?? 2) * 1024) * MiB;
const rgw = await startRgw({ env: { S3KIT_RGW_MEMSTORE_BYTES: String(total + 1024 * MiB) } });
if (!rgw) {
  console.log('no Ceph RGW: skipped');
  process.exit(0);
}
try {
  const s3 = new S3Client({ endpoint: rgw.endpoint, accessKey: rgw.accessKeyId, secretKey: rgw.secretAccessKey, region: rgw.region });
  const bucket = `bench-mem-${Date.now()}`;
  await s3.makeBucket(bucket);
  const rows = [];
  for (const direction of ['upload', 'download'] as const) {
    const before = process.memoryUsage().rss;
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    const t0 = performance.now();
    const marks: number[] = [];
    const mark = (done: number) => {
      while (marks.length < 4 && done >= ((marks.length + 1) * total) / 4) marks.push(process.memoryUsage().rss);
    };
    if (direction === 'upload') await s3.putObject(bucket, 'big', generated(total), { onProgress: (p) => mark(p.loaded) });
    else {
      const obj = await s3.getObject(bucket, 'big');
      const h = createHash('md5');
      let n = 0;
      for await (const c of obj) {
        n += (c as Buffer).length;
        h.update(c as Buffer);
        mark(n);
      }
      if (n !== total) throw new Error(`read ${n} of ${total} bytes`);
    }
    clearInterval(timer);
    const s = (performance.now() - t0) / 1000;
    rows.push({
      direction,
      size: `${total / MiB} MiB`,
      'time s': s.toFixed(1),
      'MiB/s': (total / MiB / s).toFixed(0),
      'RSS before MiB': (before / MiB).toFixed(0),
      'peak RSS growth MiB': ((peak - before) / MiB).toFixed(1),
      'RSS at 25/50/75/100 % MiB': marks.map((m) => (m / MiB).toFixed(0)).join(' / '),
    });
  }
  console.log(`\nstreamed ${total / MiB} MiB through s3kit to Ceph RGW (8 MiB parts, 4 in flight), node ${process.version}`);
  console.table(rows);
  await s3.removeObject(bucket, 'big');
  await s3.removeBucket(bucket);
  await s3.close();
} finally {
  await rgw.stop();
}
