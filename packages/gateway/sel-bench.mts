import { select, selectRequest } from './src/store/select/index.ts';
const MiB = 1024 * 1024;
const lines: string[] = [];
for (let i = 0, len = 0; len < 40 * MiB; i++) { const l = `${i},${i % 100},name-${i}\n`; lines.push(l); len += l.length; }
const data = Buffer.from(lines.join(''));
async function* src() { for (let i = 0; i < data.length; i += 64 * 1024) yield data.subarray(i, i + 64 * 1024); }
for (const expr of (process.env.Q ? [process.env.Q] : ["SELECT COUNT(*) FROM S3Object s WHERE CAST(s._2 AS INT) < 10", "SELECT s._3, s._1 FROM S3Object s WHERE CAST(s._2 AS INT) = 7", "SELECT * FROM S3Object", "SELECT s._1 FROM S3Object s"])) {
  const req = selectRequest({ Expression: expr, ExpressionType: 'SQL', InputSerialization: { CSV: {} }, OutputSerialization: { CSV: {} } } as any);
  const t0 = performance.now();
  let n = 0;
  for await (const e of select(req, src())) if (e.type === 'Records') n += e.payload.length;
  console.log(`${(data.length / MiB / ((performance.now() - t0) / 1000)).toFixed(1)} MB/s out=${n} ${expr}`);
}
