import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { isS3Error, type S3Error } from '@s3kit/errors';
import { rgwOrSkip } from '@s3kit/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { createFetchTransport } from '../src/fetch.js';
import { createTransport, type Transport } from '../src/index.js';

// A real S3 server: Ceph RGW on 127.0.0.1 (the run's, or a fresh one; skipped when Ceph is
// not installed, failing under CI).
const { rgw, reason } = await rgwOrSkip();
afterAll(() => rgw?.stop(), 120_000); // a memstore OSD writes its objects out on a clean stop

const md5 = (b: Uint8Array | string): string => createHash('md5').update(b).digest('hex');

describe.skipIf(!rgw)(`against Ceph RGW ${reason}`, () => {
  const h = rgw!;
  const bucket = `s3kit-transport-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const credentials = { accessKeyId: h.accessKeyId, secretAccessKey: h.secretAccessKey };
  let t: Transport;
  const url = (key = ''): string => `${h.endpoint}/${bucket}${key ? `/${key}` : ''}`;

  afterAll(async () => {
    for (const key of ['text.txt', 'file.bin', 'stream.bin']) {
      await t?.request({ method: 'DELETE', url: url(key) }).then(
        (r) => r.body.dump(),
        () => undefined,
      );
    }
    await t?.request({ method: 'DELETE', url: url() }).then(
      (r) => r.body.dump(),
      () => undefined,
    );
    await t?.close();
  });

  it('creates a bucket and PUTs a hashed string body (ETag = MD5)', async () => {
    t = createTransport({ proxy: false, sign: { credentials, region: h.region } });
    await (await t.request({ method: 'PUT', url: url() })).body.dump();
    const put = await t.request({ method: 'PUT', url: url('text.txt'), body: 'hello rgw', headers: { 'content-type': 'text/plain' } });
    await put.body.dump();
    expect(put.statusCode).toBe(200);
    expect(put.headers['etag']).toBe(`"${md5('hello rgw')}"`);
    const get = await t.request({ method: 'GET', url: url('text.txt') });
    expect(await get.body.text()).toBe('hello rgw');
  });

  it('uploads a file as signed aws-chunked (streaming) and reads it back byte for byte', async () => {
    const dir = await mkdtemp(join(tmpdir(), 's3kit-rgw-'));
    const path = join(dir, 'f.bin');
    const data = Buffer.alloc(300_000).map((_, i) => (i * 7) % 256);
    await writeFile(path, data);
    const put = await t.request({ method: 'PUT', url: url('file.bin'), body: { path }, signing: { payload: 'streaming' } });
    await put.body.dump();
    expect(put.headers['etag']).toBe(`"${md5(data)}"`);
    const get = await t.request({ method: 'GET', url: url('file.bin') });
    expect(Buffer.from(await get.body.bytes()).equals(data)).toBe(true);
  });

  it('uploads a one-shot stream as UNSIGNED-PAYLOAD and serves a ranged GET as 206', async () => {
    const data = Buffer.from('0123456789abcdef'.repeat(1000));
    const put = await t.request({ method: 'PUT', url: url('stream.bin'), body: Readable.from([data.subarray(0, 5000), data.subarray(5000)]), contentLength: data.length });
    await put.body.dump();
    expect(put.statusCode).toBe(200);
    const part = await t.request({ method: 'GET', url: url('stream.bin'), headers: { range: 'bytes=10-25' } });
    expect(part.statusCode).toBe(206);
    expect(await part.body.text()).toBe(data.subarray(10, 26).toString());
    const head = await t.request({ method: 'HEAD', url: url('stream.bin') });
    expect(head.headers['content-length']).toBe(String(data.length));
  });

  it('rejects a missing key with S3Error NoSuchKey carrying the request id, and a HEAD with NotFound', async () => {
    const err = (await t.request({ method: 'GET', url: url('missing') }).catch((e: unknown) => e)) as S3Error;
    expect(isS3Error(err)).toBe(true);
    expect(err.code).toBe('NoSuchKey');
    expect(err.status).toBe(404);
    expect(err.requestId).toBeTruthy();
    const head = (await t.request({ method: 'HEAD', url: url('missing') }).catch((e: unknown) => e)) as S3Error;
    expect(head.code).toBe('NotFound');
  });

  it('reports a wrong secret as SignatureDoesNotMatch (403), not retried', async () => {
    const bad = createTransport({ proxy: false, sign: { credentials: { ...credentials, secretAccessKey: 'wrong' }, region: h.region } });
    try {
      const err = (await bad.request({ method: 'GET', url: url('text.txt') }).catch((e: unknown) => e)) as S3Error;
      expect(err.code).toBe('SignatureDoesNotMatch');
      expect(err.status).toBe(403);
    } finally {
      await bad.close();
    }
  });

  it('works through the fetch transport too (signed PUT and GET)', async () => {
    const f = createFetchTransport({ sign: { credentials, region: h.region } });
    await (await f.request({ method: 'PUT', url: url('text.txt'), body: new TextEncoder().encode('via fetch') })).body.dump();
    expect(await (await f.request({ method: 'GET', url: url('text.txt') })).body.text()).toBe('via fetch');
  });
});
