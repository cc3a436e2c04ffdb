import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isS3Error } from '@s3kit/errors';
import type { UploadProgress } from '../src/index.js';
import { bucketName, cleanBucket, client, reason, rgw } from './helpers.js';

const MiB = 1024 * 1024;
const md5 = (b: Uint8Array) => createHash('md5').update(b).digest();
/** S3's multipart ETag: md5 of the concatenated part md5s, "-" part count. */
function multipartEtag(data: Buffer, partSize: number): string {
  const sums: Buffer[] = [];
  for (let o = 0; o < data.length; o += partSize) sums.push(md5(data.subarray(o, o + partSize)));
  return `${createHash('md5').update(Buffer.concat(sums)).digest('hex')}-${sums.length}`;
}
async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe.skipIf(!rgw)(`multipart against Ceph RGW ${reason}`, () => {
  const s3 = rgw ? client({ partSize: 5 * MiB, concurrency: 3 }) : undefined!;
  const bucket = bucketName('mp');
  const data = randomBytes(11 * MiB + 123);
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 's3kit-client-mp-'));
    await s3.makeBucket(bucket);
  });
  afterAll(async () => {
    await cleanBucket(s3, bucket);
    await s3.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('putObject of a buffer above the part size uploads 3 parts with progress and the multipart ETag (RGW empty ETag worked around)', async () => {
    const progress: UploadProgress[] = [];
    const r = await s3.putObject(bucket, 'buf', data, { onProgress: (p) => progress.push(p), metadata: { kind: 'mp' } });
    expect(r.etag).toBe(multipartEtag(data, 5 * MiB));
    expect(progress.map((p) => p.partNumber).sort()).toEqual([1, 2, 3]);
    expect(progress.at(-1)).toMatchObject({ loaded: data.length, total: data.length });
    const st = await s3.statObject(bucket, 'buf');
    expect([st.size, st.metadata]).toEqual([data.length, { kind: 'mp' }]);
    const back = Buffer.from(await (await s3.getObject(bucket, 'buf')).bytes());
    expect(back.equals(data)).toBe(true);
  });

  it('putObject of a stream of unknown length (small pieces) goes multipart and stores the exact bytes', async () => {
    const pieces = (async function* () {
      for (let o = 0; o < data.length; o += 64 * 1024 + 7) yield data.subarray(o, Math.min(data.length, o + 64 * 1024 + 7));
    })();
    const r = await s3.putObject(bucket, 'stream', Readable.from(pieces));
    expect(r.etag).toBe(multipartEtag(data, 5 * MiB));
  });

  it('a stream shorter than the declared size rejects and leaves no object and no upload', async () => {
    const err = await s3.putObject(bucket, 'short', Readable.from([data.subarray(0, 6 * MiB)]), { size: 8 * MiB }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RangeError);
    expect((await collect(s3.listIncompleteUploads(bucket, 'short'))).length).toBe(0);
    expect(await s3.statObject(bucket, 'short').catch((e: unknown) => isS3Error(e) && e.status)).toBe(404);
  });

  it('a source stream failing mid-upload aborts the multipart upload: no object, no upload left', async () => {
    const failing = (async function* () {
      yield data.subarray(0, 6 * MiB);
      await new Promise((r) => setTimeout(r, 50));
      throw new Error('disk on fire');
    })();
    const err = await s3.putObject(bucket, 'broken', failing).catch((e: unknown) => e);
    expect((err as Error).message).toBe('disk on fire');
    expect(await collect(s3.listIncompleteUploads(bucket, 'broken'))).toEqual([]);
    expect(await s3.statObject(bucket, 'broken').catch((e: unknown) => isS3Error(e) && e.status)).toBe(404);
  });

  it('aborting with the signal mid-upload rejects and leaves no object and no upload', async () => {
    const ac = new AbortController();
    const slow = (async function* () {
      for (let i = 0; i < 4; i++) {
        yield data.subarray(i * 3 * MiB, (i + 1) * 3 * MiB);
        if (i === 2) ac.abort();
      }
    })();
    const err = await s3.putObject(bucket, 'aborted', slow, { signal: ac.signal }).catch((e: unknown) => e);
    expect(err).toBeTruthy();
    expect(await collect(s3.listIncompleteUploads(bucket, 'aborted'))).toEqual([]);
    expect(await s3.statObject(bucket, 'aborted').catch((e: unknown) => isS3Error(e) && e.status)).toBe(404);
  });

  it('aborting while the source stream stalls rejects with TransportAbortedError and leaves no upload', async () => {
    const ac = new AbortController();
    // 11 MiB (multipart started, two parts sent), then nothing: the source never ends by itself.
    const stalled = new Readable({ read() {} });
    stalled.push(data.subarray(0, 11 * MiB));
    setTimeout(() => ac.abort(), 300);
    const started = Date.now();
    const err = await s3.putObject(bucket, 'stalled', stalled, { signal: ac.signal }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('TransportAbortedError');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(stalled.destroyed).toBe(true);
    expect(await collect(s3.listIncompleteUploads(bucket, 'stalled'))).toEqual([]);
  });

  it('fPutObject uploads a large file by ranges', async () => {
    const file = join(dir, 'big.bin');
    writeFileSync(file, data);
    const r = await s3.fPutObject(bucket, 'file', file);
    expect(r.etag).toBe(multipartEtag(data, 5 * MiB));
  });

  it('low level: create, uploadPart, listParts, listMultipartUploads, complete; abort then ListParts fails', async () => {
    const id = await s3.createMultipartUpload(bucket, 'low', { contentType: 'application/x-low' });
    const p1 = await s3.uploadPart(bucket, 'low', id, 1, data.subarray(0, 5 * MiB));
    const p2 = await s3.uploadPart(bucket, 'low', id, 2, Readable.from([data.subarray(5 * MiB, 6 * MiB)]), { size: MiB });
    const parts = await collect(s3.listParts(bucket, 'low', id));
    expect(parts.map((p) => [p.partNumber, p.etag, p.size])).toEqual([
      [1, p1.etag, 5 * MiB],
      [2, p2.etag, MiB],
    ]);
    const uploads = await collect(s3.listMultipartUploads(bucket, { prefix: 'low' }));
    expect(uploads).toEqual([expect.objectContaining({ key: 'low', uploadId: id })]);
    const done = await s3.completeMultipartUpload(bucket, 'low', id, [p2, p1]);
    expect(done.etag).toBe(multipartEtag(data.subarray(0, 6 * MiB), 5 * MiB));
    expect((await s3.statObject(bucket, 'low')).contentType).toBe('application/x-low');

    const id2 = await s3.createMultipartUpload(bucket, 'low2');
    await s3.uploadPart(bucket, 'low2', id2, 1, 'tiny');
    await s3.abortMultipartUpload(bucket, 'low2', id2);
    const err = await collect(s3.listParts(bucket, 'low2', id2)).catch((e: unknown) => e);
    // AWS: NoSuchUpload; RGW Pacific: NoSuchKey (both 404).
    expect(isS3Error(err) && err.status).toBe(404);
    const bad = await s3.completeMultipartUpload(bucket, 'low2', id2, [{ partNumber: 1, etag: 'x' }]).catch((e: unknown) => e);
    // AWS: NoSuchUpload (404); RGW Pacific answers 500 InternalError here. Either way it is an S3Error.
    expect(isS3Error(bad)).toBe(true);
  });

  it('completing with a part too small (< 5 MiB, not last) fails EntityTooSmall', async () => {
    const id = await s3.createMultipartUpload(bucket, 'small');
    const a = await s3.uploadPart(bucket, 'small', id, 1, 'a');
    const b = await s3.uploadPart(bucket, 'small', id, 2, 'b');
    const err = await s3.completeMultipartUpload(bucket, 'small', id, [a, b]).catch((e: unknown) => e);
    expect(isS3Error(err) && err.code).toBe('EntityTooSmall');
    await s3.abortMultipartUpload(bucket, 'small', id);
  });

  it('uploadPartCopy with ranges and composeObject build one object from others', async () => {
    await s3.putObject(bucket, 'c1', data.subarray(0, 5 * MiB));
    await s3.putObject(bucket, 'c2', data.subarray(5 * MiB, 6 * MiB));
    const r = await s3.composeObject(bucket, 'composed', [
      { bucket, key: 'c1' },
      { bucket, key: 'c2', start: 10, end: 1009 },
    ]);
    const back = Buffer.from(await (await s3.getObject(bucket, 'composed')).bytes());
    expect(back.equals(Buffer.concat([data.subarray(0, 5 * MiB), data.subarray(5 * MiB + 10, 5 * MiB + 1010)]))).toBe(true);
    expect(r.etag).toMatch(/-2$/);
    const err = await s3
      .composeObject(bucket, 'bad', [
        { bucket, key: 'c2' },
        { bucket, key: 'c1' },
      ])
      .catch((e: unknown) => e);
    expect(isS3Error(err) && err.code).toBe('EntityTooSmall');
    const missing = await s3.composeObject(bucket, 'bad', [{ bucket, key: 'nope' }]).catch((e: unknown) => e);
    expect(isS3Error(missing) && missing.status).toBe(404);
    expect(await collect(s3.listIncompleteUploads(bucket, 'bad'))).toEqual([]);
  });
});
