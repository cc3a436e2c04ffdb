import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { SigV4Signer, type ChunkedMode } from '@s3kit/sigv4';
import { rgwOrSkip } from '@s3kit/test-utils';
import * as Minio from 'minio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Upstream, type S3Upstream } from '../src/index.js';
import { pattern } from './helpers.js';
import { ADMIN, chunkedPut as putChunked, rawRequest, startGateway, type RunningGateway } from './support/gateway-server.js';

const { rgw, reason } = await rgwOrSkip();
const MiB = 1024 * 1024;

const md5 = (b: Uint8Array): string => createHash('md5').update(b).digest('hex');
const sha256 = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

describe.skipIf(!rgw)(`gateway in front of Ceph RGW ${reason}`, () => {
  const Bucket = `gw-rgw-${Date.now().toString(36)}`;
  let upstream: S3Upstream;
  let g: RunningGateway;
  let direct: S3Client;
  let viaGw: S3Client;
  const signer = new SigV4Signer({ credentials: { accessKeyId: ADMIN.accessKeyId, secretAccessKey: ADMIN.secretAccessKey }, region: 'us-east-1' });

  /** The object as RGW holds it (bypassing the gateway), or undefined. */
  async function stored(Key: string): Promise<Buffer | undefined> {
    try {
      const r = await direct.send(new GetObjectCommand({ Bucket, Key }));
      return Buffer.from(await r.Body!.transformToByteArray());
    } catch (err) {
      if ((err as { name?: string }).name === 'NoSuchKey') return undefined;
      throw err;
    }
  }
  beforeAll(async () => {
    upstream = createS3Upstream({
      endpoint: rgw!.endpoint,
      region: rgw!.region,
      credentials: { accessKeyId: rgw!.accessKeyId, secretAccessKey: rgw!.secretAccessKey },
      // RGW: rejects STREAMING-UNSIGNED-PAYLOAD-TRAILER and ignores x-amz-checksum-*: the gateway decodes and verifies.
      profile: { checksumHeaders: false },
    });
    g = await startGateway(upstream);
    direct = new S3Client({ endpoint: rgw!.endpoint, region: rgw!.region, forcePathStyle: true, credentials: { accessKeyId: rgw!.accessKeyId, secretAccessKey: rgw!.secretAccessKey } });
    viaGw = new S3Client({ endpoint: g.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: ADMIN.accessKeyId, secretAccessKey: ADMIN.secretAccessKey } });
    await viaGw.send(new CreateBucketCommand({ Bucket }));
  });
  afterAll(async () => {
    viaGw?.destroy();
    direct?.destroy();
    await g?.close();
    await upstream?.close();
  });

  it('@aws-sdk/client-s3: put (bytes and a stream with the default CRC32 trailer), head, get, list, copy; the bytes and metadata arrive in RGW', async () => {
    const Body = pattern(150_000, 1);
    const put = await viaGw.send(new PutObjectCommand({ Bucket, Key: 'sdk/a b+ü.bin', Body, ContentType: 'application/x-test', Metadata: { color: 'blue' } }));
    expect(put.ETag).toBe(`"${md5(Body)}"`);
    const head = await direct.send(new HeadObjectCommand({ Bucket, Key: 'sdk/a b+ü.bin' }));
    expect(head).toMatchObject({ ContentLength: 150_000, ContentType: 'application/x-test', Metadata: { color: 'blue' } });
    const stream = pattern(200_000, 2);
    await viaGw.send(new PutObjectCommand({ Bucket, Key: 'sdk/stream', Body: Readable.from([stream.subarray(0, 70_000), stream.subarray(70_000)]), ContentLength: stream.length }));
    expect((await stored('sdk/stream'))?.equals(stream)).toBe(true);
    const got = await viaGw.send(new GetObjectCommand({ Bucket, Key: 'sdk/stream', Range: 'bytes=10-19' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(stream.subarray(10, 20))).toBe(true);
    await viaGw.send(new CopyObjectCommand({ Bucket, Key: 'sdk/copy', CopySource: `${Bucket}/sdk/stream` }));
    expect((await stored('sdk/copy'))?.equals(stream)).toBe(true);
    const list = await viaGw.send(new ListObjectsV2Command({ Bucket, Prefix: 'sdk/' }));
    expect(list.Contents?.map((c) => c.Key)).toEqual(['sdk/a b+ü.bin', 'sdk/copy', 'sdk/stream']);
  });

  it('@aws-sdk/client-s3: multipart upload (5 MiB + tail) arrives whole', async () => {
    const Key = 'sdk/mp';
    const p1 = pattern(5 * MiB, 3);
    const p2 = pattern(999, 4);
    const { UploadId } = await viaGw.send(new CreateMultipartUploadCommand({ Bucket, Key }));
    const e1 = await viaGw.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: p1 }));
    const e2 = await viaGw.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 2, Body: p2 }));
    await viaGw.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key,
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: e1.ETag },
            { PartNumber: 2, ETag: e2.ETag },
          ],
        },
      }),
    );
    expect((await stored(Key))?.equals(Buffer.concat([p1, p2]))).toBe(true);
  });

  it('minio: put and get through the gateway', async () => {
    const mc = new Minio.Client({ endPoint: '127.0.0.1', port: g.port, useSSL: false, accessKey: ADMIN.accessKeyId, secretKey: ADMIN.secretAccessKey, region: 'us-east-1', pathStyle: true });
    const data = pattern(40_000, 5);
    await mc.putObject(Bucket, 'minio/obj', data, data.length);
    expect((await stored('minio/obj'))?.equals(data)).toBe(true);
    const chunks: Buffer[] = [];
    for await (const c of await mc.getObject(Bucket, 'minio/obj')) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
  });

  it('passes RGW errors through with their codes (NoSuchKey 404)', async () => {
    await expect(viaGw.send(new GetObjectCommand({ Bucket, Key: 'missing' }))).rejects.toMatchObject({ name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
  });

  const chunkedPut = (key: string, data: Buffer, mode: ChunkedMode, tamper?: (framed: Buffer) => void) =>
    putChunked(g, signer, `/${Bucket}/${key}`, data, mode, { checksumAlgorithm: 'crc32', ...(tamper ? { tamper } : {}) });

  it.each<ChunkedMode>(['streaming', 'streaming-trailer', 'streaming-unsigned-trailer'])('forwards a verified %s upload to RGW as UNSIGNED-PAYLOAD with the decoded length', async (mode) => {
    const data = pattern(60_000, 6);
    expect((await chunkedPut(`ok-${mode}`, data, mode)).status).toBe(200);
    expect((await stored(`ok-${mode}`))?.equals(data)).toBe(true);
  });

  it('nothing partial on RGW: a tampered last chunk (SignatureDoesNotMatch 403)', async () => {
    const data = pattern(60_000, 7);
    const res = await chunkedPut('np-tampered', data, 'streaming', (f) => {
      f[f.length - 200] = f[f.length - 200]! ^ 1; // inside the last data chunk
    });
    expect(res.status).toBe(403);
    expect(res.body).toContain('<Code>SignatureDoesNotMatch</Code>');
    await g.loggedFor('np-tampered');
    expect(await stored('np-tampered')).toBeUndefined();
  });

  it('nothing partial on RGW: a trailer checksum mismatch (BadDigest 400)', async () => {
    const res = await chunkedPut('np-crc', pattern(60_000, 8), 'streaming-unsigned-trailer', (f) => {
      f[f.length - 300] = f[f.length - 300]! ^ 1;
    });
    expect(res.status).toBe(400);
    expect(res.body).toContain('<Code>BadDigest</Code>');
    await g.loggedFor('np-crc');
    expect(await stored('np-crc')).toBeUndefined();
  });

  it('nothing partial on RGW: a hex SHA-256 mismatch (XAmzContentSHA256Mismatch 400)', async () => {
    const s = signer.sign({ method: 'PUT', url: `${g.endpoint}/${Bucket}/np-hash`, payloadHash: sha256('something else') });
    const res = await rawRequest(g.port, { method: 'PUT', path: `/${Bucket}/np-hash`, headers: s.headers, body: pattern(70_000, 9) });
    expect(res.status).toBe(400);
    expect(res.body).toContain('<Code>XAmzContentSHA256Mismatch</Code>');
    await g.loggedFor('np-hash');
    expect(await stored('np-hash')).toBeUndefined();
  });

  it('nothing partial on RGW: an x-amz-checksum-crc32c header that does not match (BadDigest 400; RGW ignores the header, the gateway checks it)', async () => {
    const { checksumBase64 } = await import('@s3kit/sigv4');
    const body = pattern(30_000, 11);
    const s = signer.sign({
      method: 'PUT',
      url: `${g.endpoint}/${Bucket}/np-crc32c`,
      headers: { 'x-amz-checksum-crc32c': checksumBase64('crc32c', Buffer.from('other')) },
      payloadHash: 'UNSIGNED-PAYLOAD',
    });
    const res = await rawRequest(g.port, { method: 'PUT', path: `/${Bucket}/np-crc32c`, headers: { ...s.headers, 'content-length': String(body.length) }, body });
    expect(res.status).toBe(400);
    expect(res.body).toContain('<Code>BadDigest</Code>');
    await g.loggedFor('np-crc32c');
    expect(await stored('np-crc32c')).toBeUndefined();
  });

  it('nothing partial on RGW: the client aborts mid-upload', async () => {
    const s = signer.sign({ method: 'PUT', url: `${g.endpoint}/${Bucket}/np-abort`, headers: { 'content-length': String(MiB) }, payloadHash: 'UNSIGNED-PAYLOAD' });
    await rawRequest(g.port, {
      method: 'PUT',
      path: `/${Bucket}/np-abort`,
      headers: s.headers,
      body: (async function* () {
        yield pattern(MiB - 10, 10);
        await new Promise((r) => setTimeout(r, 100));
        throw new Error('client gives up');
      })(),
    }).catch(() => undefined);
    await g.loggedFor('np-abort');
    await new Promise((r) => setTimeout(r, 200));
    expect(await stored('np-abort')).toBeUndefined();
  });

  it('presigned GET and PUT through the gateway', async () => {
    const put = signer.presign({ method: 'PUT', url: `${g.endpoint}/${Bucket}/presigned`, expiresIn: 300 });
    expect((await fetch(put.url, { method: 'PUT', body: 'presigned body' })).status).toBe(200);
    expect((await stored('presigned'))?.toString()).toBe('presigned body');
    const get = signer.presign({ method: 'GET', url: `${g.endpoint}/${Bucket}/presigned`, expiresIn: 300 });
    expect(await (await fetch(get.url)).text()).toBe('presigned body');
  });
});

describe.skipIf(!rgw)(`bucket mapping to Ceph RGW ${reason}`, () => {
  it('maps a client bucket to an upstream bucket (requests and x-amz-copy-source)', async () => {
    const real = `gw-mapped-${Date.now().toString(36)}`;
    const creds = { accessKeyId: rgw!.accessKeyId, secretAccessKey: rgw!.secretAccessKey };
    const up = createS3Upstream({ endpoint: rgw!.endpoint, region: rgw!.region, credentials: creds, buckets: { photos: real }, profile: { checksumHeaders: false } });
    const g = await startGateway(up);
    const s3 = new S3Client({ endpoint: g.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: ADMIN.accessKeyId, secretAccessKey: ADMIN.secretAccessKey } });
    const direct = new S3Client({ endpoint: rgw!.endpoint, region: rgw!.region, forcePathStyle: true, credentials: creds });
    try {
      await s3.send(new CreateBucketCommand({ Bucket: 'photos' }));
      await s3.send(new PutObjectCommand({ Bucket: 'photos', Key: 'cat.txt', Body: 'meow' }));
      await s3.send(new CopyObjectCommand({ Bucket: 'photos', Key: 'cat-copy.txt', CopySource: 'photos/cat.txt' }));
      const got = await direct.send(new GetObjectCommand({ Bucket: real, Key: 'cat-copy.txt' }));
      expect(await got.Body!.transformToString()).toBe('meow');
      expect(await (await s3.send(new GetObjectCommand({ Bucket: 'photos', Key: 'cat.txt' }))).Body!.transformToString()).toBe('meow');
    } finally {
      s3.destroy();
      direct.destroy();
      await g.close();
      await up.close();
    }
  });
});

describe.skipIf(!rgw)(`presigned redirect offload to Ceph RGW ${reason}`, () => {
  it('answers a presigned GET with 307 to an upstream presigned URL (off by default)', async () => {
    const creds = { accessKeyId: rgw!.accessKeyId, secretAccessKey: rgw!.secretAccessKey };
    const up = createS3Upstream({ endpoint: rgw!.endpoint, region: rgw!.region, credentials: creds, profile: { checksumHeaders: false } });
    const g = await startGateway(up, { presignedRedirect: true });
    const bucket = `gw-redirect-${Date.now().toString(36)}`;
    const signer = new SigV4Signer({ credentials: { accessKeyId: ADMIN.accessKeyId, secretAccessKey: ADMIN.secretAccessKey }, region: 'us-east-1' });
    try {
      await up.handle({ method: 'PUT', operation: 'CreateBucket', bucket, query: {}, headers: {} });
      const put = signer.sign({ method: 'PUT', url: `${g.endpoint}/${bucket}/offloaded.txt`, body: 'offloaded' });
      expect((await rawRequest(g.port, { method: 'PUT', path: `/${bucket}/offloaded.txt`, headers: put.headers, body: 'offloaded' })).status).toBe(200);
      const url = signer.presign({ method: 'GET', url: `${g.endpoint}/${bucket}/offloaded.txt`, expiresIn: 120 }).url;
      const manual = await fetch(url, { redirect: 'manual' });
      expect(manual.status).toBe(307);
      const location = manual.headers.get('location')!;
      expect(location.startsWith(`${rgw!.endpoint}/${bucket}/offloaded.txt?`)).toBe(true);
      expect(new URL(location).searchParams.get('X-Amz-Credential')).toContain(rgw!.accessKeyId);
      expect(await (await fetch(url)).text()).toBe('offloaded');
    } finally {
      await g.close();
      await up.close();
    }
  });
});

describe('upstream reset mid-download', () => {
  let fake: Server;
  let g: RunningGateway;
  let upstream: S3Upstream;
  beforeAll(async () => {
    // An "S3" that promises 100 000 bytes, sends 30 000 and resets the connection.
    fake = createServer((_req, res) => {
      res.writeHead(200, { 'content-length': '100000', 'content-type': 'application/octet-stream', etag: '"x"' });
      res.write(Buffer.alloc(30_000, 7), () => setTimeout(() => res.socket?.destroy(), 20));
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    upstream = createS3Upstream({
      endpoint: `http://127.0.0.1:${(fake.address() as AddressInfo).port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'up', secretAccessKey: 'up-secret' },
      transport: { retry: false },
    });
    g = await startGateway(upstream);
  });
  afterAll(async () => {
    await g.close();
    await upstream.close();
    await new Promise((r) => fake.close(r));
  });

  it('the client sees an error, not a truncated success', async () => {
    const s3 = new S3Client({
      endpoint: g.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      maxAttempts: 1,
      credentials: { accessKeyId: ADMIN.accessKeyId, secretAccessKey: ADMIN.secretAccessKey },
    });
    const attempt = async (): Promise<number> => {
      const r = await s3.send(new GetObjectCommand({ Bucket: 'reset-bucket', Key: 'k' }));
      return (await r.Body!.transformToByteArray()).length;
    };
    await expect(attempt()).rejects.toThrow();
    s3.destroy();
    for (let i = 0; i < 200 && !g.log.some((x) => x.key === 'k'); i++) await new Promise((r) => setTimeout(r, 10));
    expect(g.log.find((x) => x.key === 'k')).toMatchObject({ status: 200, complete: false });
  });
});
