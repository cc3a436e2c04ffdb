/**
 * `pnpm --filter @s3kit/post-policy bench` (build first): benches the BUILT package (../dist).
 *
 * 1. Build: a presigned POST with fields and conditions, ours side by side with
 *    @aws-sdk/s3-presigned-post createPresignedPost (S3Client, static credentials, no network)
 *    and minio-js presignedPostPolicy (Client with region set, no network), plus the hand-rolled
 *    node:crypto floor with a cached signing key (@s3kit/test-utils floorSigner), in 20 interleaved
 *    rounds, medians. Targets: ours >= 4x the SDK, >= 0.9x the floor.
 * 2. Verify: a 64 MiB file in a multipart body made in memory, streamed in 64 KiB chunks
 *    through verifyPost and drained. Target: >= 500 MB/s on Node. Also shown: the same body
 *    through multipasta alone (the parser we replaced with our own, no checks) and
 *    @remix-run/multipart-parser 0.16.3 (the parser we did not pick: it buffers each part whole).
 *
 * 3. Weight: verifyPost bundled for the browser (esbuild, minified + gzip). Target <= 12 KB.
 *
 * Benchmarks are not tests: targets are reported, never asserted.
 */
import { createHash, randomFillSync } from 'node:crypto';
import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost as sdkCreatePresignedPost } from '@aws-sdk/s3-presigned-post';
import * as Minio from 'minio';
import { make as multipasta } from 'multipasta';
import { parseMultipartStream } from '@remix-run/multipart-parser';
import { bundleWeight, cpuMedianRounds, floorSigner, kb } from '@s3kit/test-utils';
import { createPresignedPost, verifyPost } from '../dist/index.js';

const TIME_MS = Number(process.env['BENCH_TIME_MS'] ?? 100);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 20);
const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const region = 'us-east-1';
const bucket = 'examplebucket';
const key = 'user/user1/${filename}';

// ---------------------------------------------------------------- build
const sdkClient = new S3Client({ region, credentials });
const minio = new Minio.Client({ endPoint: 's3.amazonaws.com', useSSL: true, accessKey: credentials.accessKeyId, secretKey: credentials.secretAccessKey, region });

const ours = () =>
  createPresignedPost({
    bucket,
    key,
    fields: { acl: 'public-read', 'Content-Type': 'image/jpeg' },
    conditions: [{ acl: 'public-read' }, ['starts-with', '$Content-Type', 'image/'], ['content-length-range', 1, 10485760]],
    credentials,
    region,
    expiresIn: 600,
  });
const sdk = () =>
  sdkCreatePresignedPost(sdkClient, {
    Bucket: bucket,
    Key: key,
    Fields: { acl: 'public-read', 'Content-Type': 'image/jpeg' },
    Conditions: [{ acl: 'public-read' }, ['starts-with', '$Content-Type', 'image/'], ['content-length-range', 1, 10485760]],
    Expires: 600,
  });
const minioBuild = () => {
  const p = minio.newPostPolicy();
  p.setBucket(bucket);
  p.setKeyStartsWith('user/user1/');
  p.setContentTypeStartsWith('image/');
  p.setContentLengthRange(1, 10485760);
  p.setExpires(new Date(Date.now() + 600_000));
  return minio.presignedPostPolicy(p);
};
/** The least work a SigV4 POST needs: policy JSON, base64, one HMAC under a cached key, no checks. */
const floorKey = floorSigner(credentials.accessKeyId, credentials.secretAccessKey, region, 's3', new Date().toISOString().replace(/[-:]/g, '').slice(0, 15) + 'Z');
const floor = () => {
  const expiration = new Date(Date.now() + 600_000).toISOString();
  return floorKey.signPolicy(
    JSON.stringify({
      expiration,
      conditions: [
        { acl: 'public-read' },
        ['starts-with', '$Content-Type', 'image/'],
        ['content-length-range', 1, 10485760],
        { bucket },
        ['starts-with', '$key', 'user/user1/'],
        { 'x-amz-algorithm': 'AWS4-HMAC-SHA256' },
        { 'x-amz-credential': floorKey.credential },
        { 'x-amz-date': floorKey.amzDate },
      ],
    }),
  );
};

async function benchBuild() {
  const OURS = 'ours createPresignedPost';
  const FLOOR = 'hand-rolled floor (node:crypto, cached key, no checks)';
  const SDK = '@aws-sdk/s3-presigned-post createPresignedPost';
  const ops = await cpuMedianRounds(
    [
      [OURS, () => void ours()],
      [SDK, async () => void (await sdk())],
      ['minio presignedPostPolicy', async () => void (await minioBuild())],
      [FLOOR, () => void floor()],
    ],
    { rounds: ROUNDS, timeMs: TIME_MS },
  );
  const hz = (name: string) => ops.get(name)!;
  console.log(`\n## Build a presigned POST (ops per CPU-second, median of ${ROUNDS} interleaved rounds, higher is better)\n`);
  console.log('| implementation | ops/s | ours / this |');
  console.log('| --- | ---: | ---: |');
  for (const [name, v] of ops) console.log(`| ${name} | ${Math.round(v).toLocaleString('en-US')} | ${(hz(OURS) / v).toFixed(2)}x |`);
  const sdkRatio = hz(OURS) / hz(SDK);
  const floorRatio = hz(OURS) / hz(FLOOR);
  console.log(`\nTarget ours >= 4x @aws-sdk/s3-presigned-post: ${sdkRatio.toFixed(2)}x ${sdkRatio >= 4 ? 'PASS' : 'MISS'}`);
  console.log(`Target ours >= 0.9x the floor: ${(Math.floor(floorRatio * 100) / 100).toFixed(2)}x ${floorRatio >= 0.9 ? 'PASS' : 'MISS'}`);
}

// ---------------------------------------------------------------- weight
async function benchWeight() {
  const here = new URL('.', import.meta.url).pathname;
  const w = await bundleWeight(`import { verifyPost } from '../dist/index.js'; export { verifyPost };`, here);
  // What verifyPost cannot shed: the portable hashes (SHA-256 and SHA-1 for V4/V2 signatures and
  // streamed checksums) and the CRC32/CRC32C/CRC64NVME checksums, all from @s3kit/sigv4.
  const deps = await bundleWeight(`import { nobleCrypto, createChecksum } from '@s3kit/sigv4'; export { nobleCrypto, createChecksum };`, here);
  // The form reader, ours next to the library it replaced.
  const parser = await bundleWeight(`import { MultipartForm } from '../dist/multipart-form.js'; export { MultipartForm };`, here);
  const multipastaAlone = await bundleWeight(`import { make, decodeField } from 'multipasta'; export { make, decodeField };`, here);
  if (process.env['BENCH_WEIGHT_INPUTS']) console.log(w.inputs);
  console.log(`\n## Browser weight (esbuild, minified + gzip level 9, KB = 1000 bytes)\n`);
  console.log('| bundle | minified | gzip | target |');
  console.log('| --- | ---: | ---: | --- |');
  console.log(`| verifyPost | ${kb(w.minified)} | ${kb(w.gzip)} | <= 12 KB gzip: ${w.gzip <= 12_000 ? 'PASS' : 'MISS'} |`);
  console.log(`| of which fixed: @s3kit/sigv4's @noble/hashes provider + checksums alone | ${kb(deps.minified)} | ${kb(deps.gzip)} | |`);
  console.log(`| our multipart form reader alone (with its S3 errors) | ${kb(parser.minified)} | ${kb(parser.gzip)} | |`);
  console.log(`| multipasta 0.2.8 alone (the parser it replaced, without our adapter) | ${kb(multipastaAlone.minified)} | ${kb(multipastaAlone.gzip)} | |`);
}

// ---------------------------------------------------------------- verify
const FILE_MIB = Number(process.env['BENCH_FILE_MIB'] ?? 64);
const CHUNK = 64 * 1024;

function makeBody(withChecksum: boolean) {
  // Random bytes: boundary-like byte runs ('\r', '\n', '-') occur as in real files.
  const file = randomFillSync(new Uint8Array(FILE_MIB * 1024 * 1024));
  const sha = createHash('sha256').update(file).digest('base64');
  const post = createPresignedPost({
    bucket,
    key: 'big/${filename}',
    conditions: [['content-length-range', 0, file.length]],
    credentials,
    ...(withChecksum ? { checksumSha256: sha } : {}),
  });
  const boundary = '----s3kitBench4f1c';
  const enc = new TextEncoder();
  let head = '';
  for (const [n, v] of Object.entries(post.fields)) head += `--${boundary}\r\nContent-Disposition: form-data; name="${n}"\r\n\r\n${v}\r\n`;
  head += `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  const h = enc.encode(head);
  const t = enc.encode(`\r\n--${boundary}--\r\n`);
  const body = new Uint8Array(h.length + file.length + t.length);
  body.set(h, 0);
  body.set(file, h.length);
  body.set(t, h.length + file.length);
  const chunks: Uint8Array[] = [];
  for (let o = 0; o < body.length; o += CHUNK) chunks.push(body.subarray(o, o + CHUNK));
  return { chunks, contentType: `multipart/form-data; boundary=${boundary}`, bytes: body.length };
}

const streamOf = (chunks: Uint8Array[]) => {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (i < chunks.length) c.enqueue(chunks[i++]!);
      else c.close();
    },
  });
};

async function drain(s: ReadableStream<Uint8Array>): Promise<number> {
  const r = s.getReader();
  let n = 0;
  for (;;) {
    const { done, value } = await r.read();
    if (done) return n;
    n += value.length;
  }
}

/** Median and best (fastest) of `runs` timed runs, after one warm-up. */
async function timeIt(runs: number, fn: () => Promise<unknown>): Promise<{ median: number; best: number }> {
  await fn(); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(ms.length / 2)]!, best: ms[0]! };
}

async function benchVerify() {
  const plain = makeBody(false);
  const summed = makeBody(true);
  const getCredentials = () => ({ secretAccessKey: credentials.secretAccessKey });
  const run = async (b: ReturnType<typeof makeBody>) => {
    const v = await verifyPost({ headers: { 'content-type': b.contentType }, body: streamOf(b.chunks) }, { bucket, getCredentials });
    const n = await drain(v.file);
    if (n !== FILE_MIB * 1024 * 1024) throw new Error(`drained ${n}`);
  };
  const parserOnly = async (b: ReturnType<typeof makeBody>) => {
    let n = 0;
    await new Promise<void>((resolve, reject) => {
      const p = multipasta({
        headers: { 'content-type': b.contentType },
        onField() {},
        onFile: () => (c) => void (c && (n += c.length)),
        onError: (e) => reject(new Error(e._tag)),
        onDone: resolve,
      });
      for (const c of b.chunks) p.write(c);
      p.end();
    });
    if (n !== FILE_MIB * 1024 * 1024) throw new Error(`parsed ${n}`);
  };
  const remix = async (b: ReturnType<typeof makeBody>) => {
    let n = 0;
    for await (const part of parseMultipartStream(streamOf(b.chunks), { boundary: b.contentType.split('boundary=')[1]!, maxFileSize: 2 ** 30, maxTotalSize: 2 ** 31 })) n += part.size;
    if (n < FILE_MIB * 1024 * 1024) throw new Error(`remix ${n}`);
  };
  const rows: [string, { median: number; best: number }][] = [];
  const runs = Number(process.env['BENCH_RUNS'] ?? 7);
  rows.push(['ours verifyPost (policy + V4 signature + conditions + content-length-range), drained', await timeIt(runs, () => run(plain))]);
  rows.push(['ours verifyPost + x-amz-checksum-sha256 verified', await timeIt(runs, () => run(summed))]);
  rows.push(['multipasta 0.2.8 alone (the parser we replaced; parse only, no checks)', await timeIt(runs, () => parserOnly(plain))]);
  rows.push(['@remix-run/multipart-parser 0.16.3 (parse only, buffers each part whole)', await timeIt(runs, () => remix(plain))]);
  const mbps = (ms: number) => plain.bytes / 1e6 / (ms / 1000);
  const mem = await peakMemory(plain, run, remix);
  console.log(`\n## Verify a ${FILE_MIB} MiB POST upload (${runs} runs, 64 KiB chunks)\n`);
  console.log('| path | median ms | median MB/s | best MB/s |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const [n, t] of rows) console.log(`| ${n} | ${t.median.toFixed(1)} | ${Math.round(mbps(t.median))} | ${Math.round(mbps(t.best))} |`);
  console.log(`\nPeak retained ArrayBuffer memory while the body streams in fresh 64 KiB chunks (as from a socket): ours ${mem.ours} MiB, @remix-run/multipart-parser ${mem.remix} MiB.`);
  const ours = mbps(rows[0]![1].median);
  const best = mbps(rows[0]![1].best);
  console.log(`\nTarget verify >= 500 MB/s: median ${Math.round(ours)} MB/s ${ours >= 500 ? 'PASS' : 'MISS'} (best ${Math.round(best)} MB/s)`);
}

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Peak growth of ArrayBuffer memory while a body of freshly allocated chunks is consumed. */
async function peakMemory(
  b: ReturnType<typeof makeBody>,
  ours: (b: ReturnType<typeof makeBody>) => Promise<void>,
  remix: (b: ReturnType<typeof makeBody>) => Promise<void>,
): Promise<{ ours: number; remix: number }> {
  const measure = async (fn: (b: ReturnType<typeof makeBody>) => Promise<void>) => {
    gc();
    const base = process.memoryUsage().arrayBuffers;
    let peak = base;
    const fresh = b.chunks.map((c, i) => ({ c, i }));
    const copy: ReturnType<typeof makeBody> = {
      ...b,
      // Lazily copied chunks: each is a new allocation, like bytes read from a socket.
      chunks: new Proxy(fresh, {
        get(target, prop) {
          if (typeof prop === 'string' && /^\d+$/.test(prop)) {
            const e = target[Number(prop)]!;
            if (e.i % 64 === 0) {
              // Retained memory only: collect garbage before sampling.
              gc();
              peak = Math.max(peak, process.memoryUsage().arrayBuffers);
            }
            return e.c.slice();
          }
          return Reflect.get(target, prop);
        },
      }) as unknown as Uint8Array[],
    };
    await fn(copy);
    return Math.round((peak - base) / 1024 / 1024);
  };
  return { ours: await measure(ours), remix: await measure(remix) };
}

console.log(`# @s3kit/post-policy bench: Node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, ${new Date().toISOString()}`);
if (process.env['BENCH_ONLY'] !== 'verify') {
  await benchWeight();
  await benchBuild();
}
if (process.env['BENCH_ONLY'] !== 'build') await benchVerify();
