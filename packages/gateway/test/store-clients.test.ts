import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { Readable } from 'node:stream';

import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import * as Minio from 'minio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyText, listFiles, makeStore, pattern, type TestStore } from './helpers.js';
import { toNodeListener } from './support/node-adapter.js';

const MiB = 1024 * 1024;
let t: TestStore;
let server: Server;
let port: number;
/** Request headers the server saw, to check what the clients really sent. */
const seen: Record<string, string>[] = [];

beforeAll(async () => {
  t = await makeStore();
  server = createServer(toNodeListener(t.store, { onRequest: (h) => seen.push(h) }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await t.cleanup();
});

function md5(b: Uint8Array): string {
  return createHash('md5').update(b).digest('hex');
}

describe('@aws-sdk/client-s3 against the local store', () => {
  let s3: S3Client;
  const Bucket = 'sdk-bucket';
  beforeAll(async () => {
    // Default 2025 checksum settings: CRC32 on uploads (aws-chunked with a trailer for streams).
    s3 = new S3Client({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'dummy-secret' },
    });
    await s3.send(new CreateBucketCommand({ Bucket }));
  });
  afterAll(() => s3.destroy());

  it('puts and gets bytes with content type and user metadata', async () => {
    const Body = pattern(100_000, 1);
    const put = await s3.send(new PutObjectCommand({ Bucket, Key: 'dir/ünï cødé+1.bin', Body, ContentType: 'application/x-test', Metadata: { color: 'blue' } }));
    expect(put.ETag).toBe(`"${md5(Body)}"`);
    const get = await s3.send(new GetObjectCommand({ Bucket, Key: 'dir/ünï cødé+1.bin' }));
    expect(get.ContentType).toBe('application/x-test');
    expect(get.Metadata).toEqual({ color: 'blue' });
    expect(get.ContentLength).toBe(100_000);
    expect(Buffer.from(await get.Body!.transformToByteArray()).equals(Body)).toBe(true);
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'dir/ünï cødé+1.bin' }));
    expect(head.ETag).toBe(`"${md5(Body)}"`);
    expect(head.LastModified).toBeInstanceOf(Date);
  });

  it('puts a stream body (aws-chunked with a CRC32 trailer) and gets a range', async () => {
    const data = pattern(70_000, 2);
    await s3.send(new PutObjectCommand({ Bucket, Key: 'stream', Body: Readable.from([data.subarray(0, 30_000), data.subarray(30_000)]), ContentLength: data.length }));
    const sent = seen.filter((h) => h['x-amz-decoded-content-length'] === String(data.length));
    expect(sent.length).toBe(1);
    expect(sent[0]!['content-encoding']).toContain('aws-chunked');
    expect(sent[0]!['x-amz-trailer']).toBe('x-amz-checksum-crc32');
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'stream', Range: 'bytes=100-199' }));
    expect(got.ContentEncoding).toBeUndefined();
    expect(got.ContentRange).toBe(`bytes 100-199/${data.length}`);
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(data.subarray(100, 200))).toBe(true);
  });

  it('lists with a delimiter and copies, tags and deletes objects', async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: 'list/a', Body: 'a' }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'list/sub/b', Body: 'b' }));
    const list = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'list/', Delimiter: '/' }));
    expect(list.Contents?.map((c) => c.Key)).toEqual(['list/a']);
    expect(list.CommonPrefixes?.map((c) => c.Prefix)).toEqual(['list/sub/']);
    expect(list.KeyCount).toBe(2);
    await s3.send(new CopyObjectCommand({ Bucket, Key: 'list/copy', CopySource: `${Bucket}/${encodeURIComponent('list/sub/b')}` }));
    expect(await (await s3.send(new GetObjectCommand({ Bucket, Key: 'list/copy' }))).Body!.transformToString()).toBe('b');
    await s3.send(new PutObjectTaggingCommand({ Bucket, Key: 'list/copy', Tagging: { TagSet: [{ Key: 'k', Value: 'v' }] } }));
    expect((await s3.send(new GetObjectTaggingCommand({ Bucket, Key: 'list/copy' }))).TagSet).toEqual([{ Key: 'k', Value: 'v' }]);
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'list/a' }));
    const del = await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: 'list/sub/b' }, { Key: 'list/copy' }, { Key: ' ' }] } }));
    expect(del.Deleted?.map((d) => d.Key)).toEqual(['list/sub/b', 'list/copy', ' ']);
    expect((await s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'list/' }))).KeyCount).toBe(0);
  });

  it.each(['../x', 'a//b', ' ', '%2F', 'sp ace+plus?q=1#frag', 'ünï/😀', 'k'.repeat(1024)])('round-trips the hostile key %j', async (Key) => {
    await s3.send(new PutObjectCommand({ Bucket, Key, Body: `v:${Key}` }));
    expect(await (await s3.send(new GetObjectCommand({ Bucket, Key }))).Body!.transformToString()).toBe(`v:${Key}`);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: Key }));
    expect(listed.Contents?.map((c) => c.Key)).toEqual([Key]);
    await s3.send(new DeleteObjectCommand({ Bucket, Key }));
    await expect(s3.send(new HeadObjectCommand({ Bucket, Key }))).rejects.toMatchObject({ name: 'NotFound' });
  });

  it('maps store errors to SDK errors (NoSuchKey 404, InvalidRange 416)', async () => {
    await expect(s3.send(new GetObjectCommand({ Bucket, Key: 'missing' }))).rejects.toMatchObject({ name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
    await s3.send(new PutObjectCommand({ Bucket, Key: 'tiny', Body: 'x' }));
    await expect(s3.send(new GetObjectCommand({ Bucket, Key: 'tiny', Range: 'bytes=5-' }))).rejects.toMatchObject({ name: 'InvalidRange', $metadata: { httpStatusCode: 416 } });
  });

  it('uploads a multipart object (5 MiB part + tail, one part copied) with the -N ETag', async () => {
    const Key = 'mp/object.bin';
    const p1 = pattern(5 * MiB, 3);
    const p2 = pattern(1000, 4);
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key, ContentType: 'application/zip', Metadata: { m: '1' } }));
    const r1 = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: p1 }));
    const r2 = await s3.send(new UploadPartCopyCommand({ Bucket, Key, UploadId, PartNumber: 2, CopySource: `${Bucket}/tiny` }));
    const r3 = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 3, Body: p2 }));
    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket, Prefix: 'mp/' }));
    expect(uploads.Uploads?.map((u) => u.UploadId)).toEqual([UploadId]);
    const parts = await s3.send(new ListPartsCommand({ Bucket, Key, UploadId }));
    expect(parts.Parts?.map((p) => [p.PartNumber, p.Size])).toEqual([
      [1, 5 * MiB],
      [2, 1],
      [3, 1000],
    ]);
    // Part 2 (1 byte) is not last: EntityTooSmall.
    await expect(
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key,
          UploadId,
          MultipartUpload: {
            Parts: [
              { PartNumber: 1, ETag: r1.ETag },
              { PartNumber: 2, ETag: r2.CopyPartResult!.ETag },
              { PartNumber: 3, ETag: r3.ETag },
            ],
          },
        }),
      ),
    ).rejects.toMatchObject({ name: 'EntityTooSmall' });
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key,
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: r1.ETag },
            { PartNumber: 3, ETag: r3.ETag },
          ],
        },
      }),
    );
    const expectedEtag = `"${createHash('md5')
      .update(Buffer.concat([createHash('md5').update(p1).digest(), createHash('md5').update(p2).digest()]))
      .digest('hex')}-2"`;
    expect(done.ETag).toBe(expectedEtag);
    const get = await s3.send(new GetObjectCommand({ Bucket, Key }));
    expect(get.ContentType).toBe('application/zip');
    expect(get.Metadata).toEqual({ m: '1' });
    expect(Buffer.from(await get.Body!.transformToByteArray()).equals(Buffer.concat([p1, p2]))).toBe(true);
    const { UploadId: aborted } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'mp/aborted' }));
    await s3.send(new AbortMultipartUploadCommand({ Bucket, Key: 'mp/aborted', UploadId: aborted }));
    expect((await s3.send(new ListMultipartUploadsCommand({ Bucket }))).Uploads ?? []).toEqual([]);
  });

  it('leaves no object when the client aborts a streaming upload', async () => {
    const ac = new AbortController();
    async function* slow(): AsyncGenerator<Buffer> {
      yield Buffer.alloc(64 * 1024, 1);
      await new Promise((r) => setTimeout(r, 50));
      ac.abort();
      await new Promise((r) => setTimeout(r, 1000));
      yield Buffer.alloc(64 * 1024, 2);
    }
    await expect(s3.send(new PutObjectCommand({ Bucket, Key: 'aborted', Body: Readable.from(slow()), ContentLength: 128 * 1024 }), { abortSignal: ac.signal })).rejects.toThrow();
    // The server notices the reset asynchronously: wait (bounded) for its cleanup.
    let stray: string[] = [];
    for (let i = 0; i < 50; i++) {
      stray = (await listFiles(t.dir)).filter((f) => f.startsWith('tmp/'));
      if (stray.length === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(stray).toEqual([]);
    await expect(s3.send(new HeadObjectCommand({ Bucket, Key: 'aborted' }))).rejects.toMatchObject({ name: 'NotFound' });
  });
});

describe('minio (npm) against the local store', () => {
  let mc: Minio.Client;
  const bucket = 'minio-bucket';
  beforeAll(async () => {
    mc = new Minio.Client({ endPoint: '127.0.0.1', port, useSSL: false, accessKey: 'minioadmin', secretKey: 'minioadmin', region: 'us-east-1', pathStyle: true, partSize: 5 * MiB });
    await mc.makeBucket(bucket);
  });

  it('puts, stats and gets an object with metadata', async () => {
    const data = pattern(50_000, 5);
    await mc.putObject(bucket, 'folder/obj one.txt', data, data.length, { 'Content-Type': 'text/plain', 'X-Amz-Meta-Owner': 'me' });
    const stat = await mc.statObject(bucket, 'folder/obj one.txt');
    expect(stat.size).toBe(data.length);
    expect(stat.etag).toBe(md5(data));
    expect(stat.metaData['content-type']).toBe('text/plain');
    expect(stat.metaData['owner']).toBe('me');
    const chunks: Buffer[] = [];
    for await (const c of await mc.getObject(bucket, 'folder/obj one.txt')) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
  });

  it('lists with listObjectsV2 and removes with removeObjects', async () => {
    for (const k of ['rm/1', 'rm/2', 'rm/deep/3']) await mc.putObject(bucket, k, Buffer.from(k));
    const names = async (recursive: boolean): Promise<string[]> => {
      const out: string[] = [];
      for await (const item of mc.listObjectsV2(bucket, 'rm/', recursive)) out.push((item as { name?: string; prefix?: string }).name ?? (item as { prefix: string }).prefix);
      return out;
    };
    expect(await names(true)).toEqual(['rm/1', 'rm/2', 'rm/deep/3']);
    expect(await names(false)).toEqual(['rm/1', 'rm/2', 'rm/deep/']);
    await mc.removeObjects(bucket, ['rm/1', 'rm/2', 'rm/deep/3']);
    expect(await names(true)).toEqual([]);
  });

  it('round-trips hostile keys', async () => {
    const keys = ['a//b', ' ', '%2F', 'ünï/😀', '../x'];
    for (const k of keys) await mc.putObject(bucket, `hostile/${k}`, Buffer.from(k));
    const listed: string[] = [];
    for await (const item of mc.listObjectsV2(bucket, 'hostile/', true)) listed.push((item as { name: string }).name);
    expect(listed.sort()).toEqual(keys.map((k) => `hostile/${k}`).sort());
    for (const k of keys) {
      const chunks: Buffer[] = [];
      for await (const c of await mc.getObject(bucket, `hostile/${k}`)) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks).toString()).toBe(k);
    }
  });

  it('uploads a file over 5 MiB with fPutObject as a multipart upload', async () => {
    const data = pattern(11 * MiB + 123, 6);
    const file = join(t.dir, 'upload-src.bin');
    await writeFile(file, data);
    await mc.fPutObject(bucket, 'big/file.bin', file, { 'Content-Type': 'application/octet-stream' });
    const stat = await mc.statObject(bucket, 'big/file.bin');
    expect(stat.size).toBe(data.length);
    expect(stat.etag).toMatch(/^[0-9a-f]{32}-3$/);
    const chunks: Buffer[] = [];
    for await (const c of await mc.getObject(bucket, 'big/file.bin')) chunks.push(c as Buffer);
    expect(md5(Buffer.concat(chunks))).toBe(md5(data));
  });
});

describe('raw aws-chunked uploads through the adapter (nothing partial)', () => {
  const Bucket = 'raw-bucket';
  beforeAll(async () => {
    await t.call('CreateBucket', { bucket: Bucket });
  });

  function rawPut(key: string, body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method: 'PUT', path: `/${Bucket}/${key}`, headers: { 'content-length': String(Buffer.byteLength(body)), ...headers } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  const chunked = { 'content-encoding': 'aws-chunked', 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'x-amz-trailer': 'x-amz-checksum-crc32' };
  function crc32b64(s: string): string {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(crc32(s));
    return b.toString('base64');
  }

  it('stores a well-formed body with a matching CRC32 trailer', async () => {
    const body = `5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:${crc32b64('hello world')}\r\n\r\n`;
    const res = await rawPut('ok', body, { ...chunked, 'x-amz-decoded-content-length': '11' });
    expect(res.status).toBe(200);
    expect(await bodyText(await t.call('GetObject', { bucket: Bucket, key: 'ok' }))).toBe('hello world');
  });

  it.each([
    ['a CRC32 trailer mismatch', `5\r\nhello\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n`, '5', 'BadDigest'],
    ['broken chunk framing', `5\r\nhello\r\nzz\r\n`, '5', 'InvalidRequest'],
    ['a body that ends mid-chunk', `a\r\nhello`, '10', 'IncompleteBody'],
    ['a decoded length mismatch', `5\r\nhello\r\n0\r\n\r\n`, '6', 'IncompleteBody'],
  ])('leaves no object after %s', async (_, body, decoded, code) => {
    const res = await rawPut('bad', body, { ...chunked, 'x-amz-decoded-content-length': decoded });
    expect(res.status).toBe(400);
    expect(res.text).toContain(`<Code>${code}</Code>`);
    expect((await t.fail('HeadObject', { bucket: Bucket, key: 'bad' })).code).toBe('NoSuchKey');
    expect((await listFiles(t.dir)).filter((f) => f.startsWith('tmp/'))).toEqual([]);
  });
});
