// The operations every runtime must run with the neutral client (fetch transport): list, upload
// (one PUT; multipart from a Blob and from a Web ReadableStream of unknown length), download
// (text, bytes, stream, range) and presign (GET and PUT, used with plain fetch). Runtime-neutral
// code: headless Chromium runs it from the esbuild bundle (browser-app.ts), Node imports it.
import type { S3Client } from '../../src/index.js';

const MiB = 1024 * 1024;

/** What a run saw; equal on every runtime for the same `tag` (ETags of multipart objects depend only on the bytes). */
export interface ScenarioReport {
  putEtag: string;
  blobEtag: string;
  streamEtag: string;
  listed: string[];
  text: string;
  metadata: Record<string, string>;
  contentType: string | undefined;
  blobMatches: boolean;
  streamedBytes: number;
  streamMatches: boolean;
  range: number[];
  rangeSize: number;
  presignedGet: string;
  presignedPutStatus: number;
  presignedSize: number;
  listedAfterRemove: string[];
  /** Whether getObject's body is a Node `Readable` (only on the Node entry's undici transport). */
  nodeReadable: boolean;
}

/** `n` bytes of a fixed pattern (byte i = (i * 7 + i >> 16) & 255), the same on every runtime. */
export function pattern(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 7 + (i >> 16)) & 255;
  return out;
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A Web stream of `data` in 64 KiB chunks, its length not told to the client. */
function streamOf(data: Uint8Array): ReadableStream<Uint8Array> {
  let off = 0;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (off >= data.byteLength) return c.close();
      c.enqueue(data.slice(off, off + 64 * 1024));
      off += 64 * 1024;
    },
  });
}

async function keysOf(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of s3.listObjects(bucket, { prefix, recursive: true })) if ('key' in o) keys.push(`${o.key.slice(prefix.length)}:${o.size}`);
  return keys;
}

/** Runs the operations under `bucket/tag/` with `s3` (partSize 5 MiB). */
export async function scenario(s3: S3Client, bucket: string, tag: string): Promise<ScenarioReport> {
  const p = `${tag}/`;
  const big = pattern(11 * MiB);
  const put = await s3.putObject(bucket, `${p}small.txt`, `hello from ${tag}`, { contentType: 'text/plain', metadata: { runtime: tag } });
  // 11 MiB Blob: three parts read one at a time; 6 MiB stream of unknown length: two parts.
  const blob = await s3.putObject(bucket, `${p}blob.bin`, new Blob([big as Uint8Array<ArrayBuffer>]), { partSize: 5 * MiB });
  const stream = await s3.putObject(bucket, `${p}stream.bin`, streamOf(big.subarray(0, 6 * MiB)), { partSize: 5 * MiB });
  const listed = await keysOf(s3, bucket, p);

  const small = await s3.getObject(bucket, `${p}small.txt`);
  const text = await small.text();
  const blobBytes = await (await s3.getObject(bucket, `${p}blob.bin`)).bytes();
  const reader = (await s3.getObject(bucket, `${p}stream.bin`)).stream().getReader();
  const chunks: Uint8Array[] = [];
  let streamedBytes = 0;
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    chunks.push(r.value);
    streamedBytes += r.value.byteLength;
  }
  const streamed = new Uint8Array(streamedBytes);
  chunks.reduce((at, c) => (streamed.set(c, at), at + c.byteLength), 0);
  const ranged = await s3.getObject(bucket, `${p}blob.bin`, { offset: 5 * MiB - 2, length: 4 });
  const range = [...(await ranged.bytes())];

  const presignedGet = await (await fetch(await s3.presignedGetObject(bucket, `${p}small.txt`, { expires: 300 }))).text();
  const putRes = await fetch(await s3.presignedPutObject(bucket, `${p}presigned.txt`, { expires: 300 }), { method: 'PUT', body: 'via a presigned PUT' });
  await putRes.body?.cancel();
  const presignedSize = (await s3.statObject(bucket, `${p}presigned.txt`)).size;
  await s3.removeObject(bucket, `${p}presigned.txt`);

  return {
    putEtag: put.etag,
    blobEtag: blob.etag,
    streamEtag: stream.etag,
    listed,
    text,
    metadata: small.stat.metadata,
    contentType: small.stat.contentType,
    blobMatches: same(blobBytes, big),
    streamedBytes,
    streamMatches: same(streamed, big.subarray(0, 6 * MiB)),
    range,
    rangeSize: ranged.stat.size,
    presignedGet,
    presignedPutStatus: putRes.status,
    presignedSize,
    listedAfterRemove: await keysOf(s3, bucket, p),
    nodeReadable: typeof (small as unknown as { pipe?: unknown }).pipe === 'function',
  };
}
