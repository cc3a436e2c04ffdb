import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { SigV2Signer, SigV4Signer, type ChunkedMode } from '@s3kit/sigv4';
import * as Minio from 'minio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyBytes, makeStore, pattern, type TestStore } from './helpers.js';
import { ADMIN, READER, chunkedPut as putChunked, rawRequest, startGateway, type RunningGateway } from './support/gateway-server.js';

const MiB = 1024 * 1024;
const Bucket = 'gw-local';
let t: TestStore;
let g: RunningGateway;

const md5 = (b: Uint8Array): string => createHash('md5').update(b).digest('hex');
const sha256 = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

/** The object as the store holds it (bypassing the gateway), or undefined. */
async function stored(key: string): Promise<Buffer | undefined> {
  try {
    return await bodyBytes(await t.store.handle({ method: 'GET', operation: 'GetObject', bucket: Bucket, key, query: {}, headers: {} }));
  } catch {
    return undefined;
  }
}

function sdk(id = ADMIN): S3Client {
  return new S3Client({ endpoint: g.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: id.accessKeyId, secretAccessKey: id.secretAccessKey } });
}

const signer = (id = ADMIN, clock?: () => number): SigV4Signer =>
  new SigV4Signer({ credentials: { accessKeyId: id.accessKeyId, secretAccessKey: id.secretAccessKey }, region: 'us-east-1', ...(clock ? { clock } : {}) });

beforeAll(async () => {
  t = await makeStore();
  g = await startGateway(t.store);
  await t.store.handle({ method: 'PUT', operation: 'CreateBucket', bucket: Bucket, query: {}, headers: {} });
});
afterAll(async () => {
  await g.close();
  await t.cleanup();
});

describe('@aws-sdk/client-s3 through the gateway to the local store', () => {
  let s3: S3Client;
  beforeAll(() => {
    s3 = sdk();
  });
  afterAll(() => s3.destroy());

  it('puts, heads, gets, lists, copies and deletes; the bytes and metadata arrive in the store', async () => {
    const Body = pattern(200_000, 1);
    const put = await s3.send(new PutObjectCommand({ Bucket, Key: 'sdk/ü 1+2.bin', Body, ContentType: 'application/x-test', Metadata: { color: 'blue' } }));
    expect(put.ETag).toBe(`"${md5(Body)}"`);
    expect((await stored('sdk/ü 1+2.bin'))?.equals(Body)).toBe(true);
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'sdk/ü 1+2.bin' }));
    expect(head).toMatchObject({ ContentLength: 200_000, ContentType: 'application/x-test', Metadata: { color: 'blue' } });
    const get = await s3.send(new GetObjectCommand({ Bucket, Key: 'sdk/ü 1+2.bin' }));
    expect(get.$metadata.requestId).toMatch(/^[0-9A-F]{16}$/);
    expect(Buffer.from(await get.Body!.transformToByteArray()).equals(Body)).toBe(true);
    await s3.send(new CopyObjectCommand({ Bucket, Key: 'sdk/copy', CopySource: `${Bucket}/${encodeURIComponent('sdk/ü 1+2.bin')}` }));
    expect((await stored('sdk/copy'))?.equals(Body)).toBe(true);
    const list = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'sdk/' }));
    expect(list.Contents?.map((c) => c.Key)).toEqual(['sdk/copy', 'sdk/ü 1+2.bin']);
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'sdk/copy' }));
    expect(await stored('sdk/copy')).toBeUndefined();
  });

  it('streams an upload with the default 2025+ checksum settings (aws-chunked, CRC32 trailer) and the trailer is verified', async () => {
    const data = pattern(300_000, 2);
    await s3.send(new PutObjectCommand({ Bucket, Key: 'sdk/stream', Body: Readable.from([data.subarray(0, 100_000), data.subarray(100_000)]), ContentLength: data.length }));
    expect((await stored('sdk/stream'))?.equals(data)).toBe(true);
  });

  it('uploads a multipart object (5 MiB + tail) with the -N ETag', async () => {
    const Key = 'sdk/multipart';
    const p1 = pattern(5 * MiB, 3);
    const p2 = pattern(1234, 4);
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key }));
    const e1 = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: p1 }));
    const e2 = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 2, Body: p2 }));
    const done = await s3.send(
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
    expect(done.ETag).toMatch(/-2"$/);
    expect((await stored(Key))?.equals(Buffer.concat([p1, p2]))).toBe(true);
  });

  it('passes upstream S3 errors through with their codes (NoSuchKey 404, HEAD 404 without a body)', async () => {
    await expect(s3.send(new GetObjectCommand({ Bucket, Key: 'missing' }))).rejects.toMatchObject({ name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
    await expect(s3.send(new HeadObjectCommand({ Bucket, Key: 'missing' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  });

  it('refuses a wrong secret with SignatureDoesNotMatch (403) and an unknown key with InvalidAccessKeyId (403)', async () => {
    const wrong = sdk({ ...ADMIN, secretAccessKey: 'not-the-secret' });
    await expect(wrong.send(new GetObjectCommand({ Bucket, Key: 'x' }))).rejects.toMatchObject({ name: 'SignatureDoesNotMatch', $metadata: { httpStatusCode: 403 } });
    const unknown = sdk({ ...ADMIN, accessKeyId: 'AKIAUNKNOWNKEY000000' });
    await expect(unknown.send(new GetObjectCommand({ Bucket, Key: 'x' }))).rejects.toMatchObject({ name: 'InvalidAccessKeyId', $metadata: { httpStatusCode: 403 } });
    expect(g.log.filter((e) => e.authFailure !== undefined).map((e) => e.authFailure)).toEqual(expect.arrayContaining(['SignatureDoesNotMatch', 'InvalidAccessKeyId']));
  });

  it('enforces the allow-list: a read-only identity gets AccessDenied (403) on PUT and nothing is stored', async () => {
    const reader = sdk(READER);
    await expect(reader.send(new PutObjectCommand({ Bucket, Key: 'ro', Body: 'x' }))).rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect(await stored('ro')).toBeUndefined();
    await s3.send(new PutObjectCommand({ Bucket, Key: 'ro2', Body: 'readable' }));
    expect(await (await reader.send(new GetObjectCommand({ Bucket, Key: 'ro2' }))).Body!.transformToString()).toBe('readable');
  });
});

describe('minio (npm) through the gateway', () => {
  it('puts, stats, gets and lists', async () => {
    const mc = new Minio.Client({ endPoint: '127.0.0.1', port: g.port, useSSL: false, accessKey: ADMIN.accessKeyId, secretKey: ADMIN.secretAccessKey, region: 'us-east-1', pathStyle: true });
    const data = pattern(70_000, 5);
    await mc.putObject(Bucket, 'minio/obj', data, data.length, { 'Content-Type': 'text/x-minio' });
    expect((await stored('minio/obj'))?.equals(data)).toBe(true);
    const stat = await mc.statObject(Bucket, 'minio/obj');
    expect(stat.size).toBe(70_000);
    const chunks: Buffer[] = [];
    for await (const c of await mc.getObject(Bucket, 'minio/obj')) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
    const names: string[] = [];
    for await (const o of mc.listObjectsV2(Bucket, 'minio/', true)) names.push((o as { name: string }).name);
    expect(names).toEqual(['minio/obj']);
  });
});

describe('raw signed requests: payload modes and nothing partial', () => {
  it('accepts a hex SHA-256 payload and refuses a mismatching one with XAmzContentSHA256Mismatch (400), storing nothing', async () => {
    const good = 'hashed body';
    const s = signer().sign({ method: 'PUT', url: `${g.endpoint}/${Bucket}/hash-ok`, body: good });
    expect((await rawRequest(g.port, { method: 'PUT', path: `/${Bucket}/hash-ok`, headers: s.headers, body: good })).status).toBe(200);
    expect((await stored('hash-ok'))?.toString()).toBe(good);
    const bad = signer().sign({ method: 'PUT', url: `${g.endpoint}/${Bucket}/hash-bad`, payloadHash: sha256('other body') });
    const res = await rawRequest(g.port, { method: 'PUT', path: `/${Bucket}/hash-bad`, headers: bad.headers, body: 'evil body!' });
    expect(res.status).toBe(400);
    expect(res.body).toContain('<Code>XAmzContentSHA256Mismatch</Code>');
    expect(await stored('hash-bad')).toBeUndefined();
  });

  const chunkedPut = (key: string, data: Buffer, mode: ChunkedMode, tamper?: (framed: Buffer) => void) =>
    putChunked(g, signer(), `/${Bucket}/${key}`, data, mode, { checksumAlgorithm: 'crc32c', ...(tamper ? { tamper } : {}) });

  it.each<ChunkedMode>(['streaming', 'streaming-trailer', 'streaming-unsigned-trailer'])('decodes and verifies %s uploads', async (mode) => {
    const data = pattern(50_000, 6);
    const res = await chunkedPut(`chunked-${mode}`, data, mode);
    expect(res.status).toBe(200);
    expect((await stored(`chunked-${mode}`))?.equals(data)).toBe(true);
  });

  it('verifies an x-amz-checksum-crc32c header sent up front: BadDigest (400) and nothing stored on mismatch', async () => {
    const { checksumBase64 } = await import('@s3kit/sigv4');
    const body = 'checksummed body';
    const ok = signer().sign({ method: 'PUT', url: `${g.endpoint}/${Bucket}/crc-ok`, body, headers: { 'x-amz-checksum-crc32c': checksumBase64('crc32c', Buffer.from(body)) } });
    const okRes = await rawRequest(g.port, { method: 'PUT', path: `/${Bucket}/crc-ok`, headers: ok.headers, body });
    expect(okRes.body).toBe('');
    expect(okRes.status).toBe(200);
    const bad = signer().sign({ method: 'PUT', url: `${g.endpoint}/${Bucket}/crc-bad`, body, headers: { 'x-amz-checksum-crc32c': checksumBase64('crc32c', Buffer.from('other')) } });
    const res = await rawRequest(g.port, { method: 'PUT', path: `/${Bucket}/crc-bad`, headers: bad.headers, body });
    expect(res.status).toBe(400);
    expect(res.body).toContain('<Code>BadDigest</Code>');
    expect(await stored('crc-bad')).toBeUndefined();
  });

  it('refuses a tampered signed chunk with SignatureDoesNotMatch (403) and stores nothing', async () => {
    const res = await chunkedPut('tampered', pattern(50_000, 7), 'streaming', (f) => {
      f[30_000] = f[30_000]! ^ 1;
    });
    expect(res.status).toBe(403);
    expect(res.body).toContain('<Code>SignatureDoesNotMatch</Code>');
    expect(await stored('tampered')).toBeUndefined();
  });

  it('refuses an unsigned-trailer upload whose data does not match its CRC32C with BadDigest (400) and stores nothing', async () => {
    const res = await chunkedPut('bad-crc', pattern(50_000, 8), 'streaming-unsigned-trailer', (f) => {
      f[40_000] = f[40_000]! ^ 1;
    });
    expect(res.status).toBe(400);
    expect(res.body).toContain('<Code>BadDigest</Code>');
    expect(await stored('bad-crc')).toBeUndefined();
  });

  it('stores nothing when the client aborts mid-upload', async () => {
    const s = signer().sign({ method: 'PUT', url: `${g.endpoint}/${Bucket}/aborted`, headers: { 'content-length': '100000' }, payloadHash: 'UNSIGNED-PAYLOAD' });
    await rawRequest(g.port, {
      method: 'PUT',
      path: `/${Bucket}/aborted`,
      headers: s.headers,
      body: (async function* () {
        yield pattern(40_000, 9);
        await new Promise((r) => setTimeout(r, 50));
        throw new Error('client gives up');
      })(),
    }).catch(() => undefined);
    await g.loggedFor('aborted', 2000);
    expect(await stored('aborted')).toBeUndefined();
  });

  it('refuses a skewed clock with RequestTimeTooSkewed (403) and an expired presigned URL with AccessDenied (403)', async () => {
    const skewed = signer(ADMIN, () => Date.now() - 60 * 60_000).sign({ method: 'GET', url: `${g.endpoint}/${Bucket}/ro2` });
    const r1 = await rawRequest(g.port, { method: 'GET', path: `/${Bucket}/ro2`, headers: skewed.headers });
    expect(r1.status).toBe(403);
    expect(r1.body).toContain('<Code>RequestTimeTooSkewed</Code>');
    const old = signer(ADMIN, () => Date.now() - 10 * 60_000).presign({ method: 'GET', url: `${g.endpoint}/${Bucket}/ro2`, expiresIn: 60 });
    const u = new URL(old.url);
    const r2 = await rawRequest(g.port, { method: 'GET', path: u.pathname + u.search });
    expect(r2.status).toBe(403);
    expect(r2.body).toContain('<Code>AccessDenied</Code>');
  });

  it('serves presigned GET and PUT URLs', async () => {
    const put = signer().presign({ method: 'PUT', url: `${g.endpoint}/${Bucket}/presigned`, expiresIn: 300 });
    const r = await fetch(put.url, { method: 'PUT', body: 'via presigned PUT' });
    expect(r.status).toBe(200);
    expect((await stored('presigned'))?.toString()).toBe('via presigned PUT');
    const get = signer().presign({ method: 'GET', url: `${g.endpoint}/${Bucket}/presigned`, expiresIn: 300 });
    expect(await (await fetch(get.url)).text()).toBe('via presigned PUT');
  });

  it('accepts SigV2 header and query auth', async () => {
    const v2 = new SigV2Signer({ credentials: { accessKeyId: ADMIN.accessKeyId, secretAccessKey: ADMIN.secretAccessKey } });
    const put = v2.sign({ method: 'PUT', url: `${g.endpoint}/${Bucket}/v2obj`, headers: { 'content-type': 'text/plain' } });
    const r = await rawRequest(g.port, { method: 'PUT', path: `/${Bucket}/v2obj`, headers: { ...put.headers, 'content-length': '7' }, body: 'v2 body' });
    expect(r.body).toBe('');
    expect(r.status).toBe(200);
    expect((await stored('v2obj'))?.toString()).toBe('v2 body');
    const get = v2.presign({ method: 'GET', url: `${g.endpoint}/${Bucket}/v2obj`, expiresIn: 60 });
    expect(await (await fetch(get.url)).text()).toBe('v2 body');
    const bad = new SigV2Signer({ credentials: { accessKeyId: ADMIN.accessKeyId, secretAccessKey: 'nope' } }).sign({ method: 'GET', url: `${g.endpoint}/${Bucket}/v2obj` });
    expect((await rawRequest(g.port, { method: 'GET', path: `/${Bucket}/v2obj`, headers: bad.headers })).status).toBe(403);
  });

  it('refuses anonymous requests with AccessDenied (403) as S3 XML', async () => {
    const r = await rawRequest(g.port, { method: 'GET', path: `/${Bucket}/ro2` });
    expect(r.status).toBe(403);
    expect(r.headers['content-type']).toBe('application/xml');
    expect(r.body).toMatch(/<Code>AccessDenied<\/Code>.*<RequestId>[0-9A-F]{16}<\/RequestId>/s);
  });

  it('logs identity, operation, bucket, key, status and bytes for each request', () => {
    const e = g.log.find((x) => x.key === 'hash-ok');
    expect(e).toMatchObject({ identity: 'admin', operation: 'PutObject', bucket: Bucket, status: 200, bytesIn: 11 });
    expect(JSON.stringify(g.log)).not.toContain(ADMIN.secretAccessKey);
  });
});

describe('virtual-hosted requests (baseDomains)', () => {
  it('routes <bucket>.<base domain> to the bucket, signed for that Host', async () => {
    const vg = await startGateway(t.store, { baseDomains: ['s3.test'] });
    try {
      const host = `${Bucket}.s3.test:${vg.port}`;
      const s = signer().sign({ method: 'PUT', url: `http://${host}/vhost.txt`, body: 'virtual' });
      const r = await rawRequest(vg.port, { method: 'PUT', path: '/vhost.txt', headers: s.headers, body: 'virtual' });
      expect(r.status).toBe(200);
      expect((await stored('vhost.txt'))?.toString()).toBe('virtual');
      expect(vg.log.at(-1)).toMatchObject({ operation: 'PutObject', bucket: Bucket, key: 'vhost.txt' });
    } finally {
      await vg.close();
    }
  });
});
