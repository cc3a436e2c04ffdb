import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isS3Error } from '@s3kit/errors';
import { isTransportError } from '@s3kit/http-transport';
import { bucketName, cleanBucket, client, reason, rgw } from './helpers.js';

const md5 = (b: string | Uint8Array) => createHash('md5').update(b).digest('hex');

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe.skipIf(!rgw)(`buckets and objects against Ceph RGW ${reason}`, () => {
  const s3 = rgw ? client() : undefined!;
  const bucket = bucketName('obj');
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 's3kit-client-'));
    await s3.makeBucket(bucket);
  });
  afterAll(async () => {
    await cleanBucket(s3, bucket);
    await s3.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('makeBucket / bucketExists / listBuckets / removeBucket round trip; a missing bucket is false', async () => {
    const other = bucketName('tmp');
    expect(await s3.bucketExists(other)).toBe(false);
    await s3.makeBucket(other);
    expect(await s3.bucketExists(other)).toBe(true);
    expect((await s3.listBuckets()).map((b) => b.name)).toContain(other);
    await s3.removeBucket(other);
    expect(await s3.bucketExists(other)).toBe(false);
  });

  it('rejects an invalid bucket name with InvalidBucketName before sending', async () => {
    const err = await rejection(s3.putObject('No_Such..Bucket', 'k', 'x'));
    expect(isS3Error(err) && err.code).toBe('InvalidBucketName');
  });

  it('removeBucket of a non-empty bucket fails with BucketNotEmpty (409)', async () => {
    await s3.putObject(bucket, 'keep', 'x');
    const err = await rejection(s3.removeBucket(bucket));
    expect(isS3Error(err) && [err.code, err.status]).toEqual(['BucketNotEmpty', 409]);
  });

  it('putObject string → getObject text, with metadata, content type and MD5 ETag', async () => {
    const put = await s3.putObject(bucket, 'a/hello.txt', 'Hello, S3!', { contentType: 'text/plain', metadata: { Color: 'blue' } });
    expect(put.etag).toBe(md5('Hello, S3!'));
    const obj = await s3.getObject(bucket, 'a/hello.txt');
    expect(await obj.text()).toBe('Hello, S3!');
    expect(obj.stat).toMatchObject({ contentType: 'text/plain', metadata: { color: 'blue' }, etag: put.etag, size: 10 });
  });

  it('keys with spaces, unicode, + and % survive put/stat/get/list', async () => {
    const key = 'dir one/ünï cödé+plus%25 & more?.txt';
    await s3.putObject(bucket, key, 'odd');
    expect((await s3.statObject(bucket, key)).size).toBe(3);
    expect(await (await s3.getObject(bucket, key)).text()).toBe('odd');
    const keys: string[] = [];
    for await (const o of s3.listObjects(bucket, { prefix: 'dir one/', recursive: true })) if ('key' in o) keys.push(o.key);
    expect(keys).toEqual([key]);
  });

  it('getObject ranges: offset+length (206), offset only, and InvalidRange (416) past the end', async () => {
    const data = randomBytes(1000);
    await s3.putObject(bucket, 'range.bin', data);
    const mid = await s3.getObject(bucket, 'range.bin', { offset: 100, length: 50 });
    expect(Buffer.from(await mid.bytes())).toEqual(data.subarray(100, 150));
    expect(mid.stat.size).toBe(1000);
    const tail = await s3.getObject(bucket, 'range.bin', { offset: 990 });
    expect(Buffer.from(await tail.bytes())).toEqual(data.subarray(990));
    const err = await rejection(s3.getObject(bucket, 'range.bin', { offset: 5000 }));
    expect(isS3Error(err) && [err.code, err.status]).toEqual(['InvalidRange', 416]);
  });

  it('getObject response overrides set Content-Type / Content-Disposition on the response', async () => {
    await s3.putObject(bucket, 'override.txt', 'x');
    const obj = await s3.getObject(bucket, 'override.txt', { responseHeaders: { 'content-type': 'application/x-test', 'response-content-disposition': 'attachment; filename="a.txt"' } });
    await obj.dump();
    expect(obj.stat.contentType).toBe('application/x-test');
    expect(obj.stat.headers['content-disposition']).toBe('attachment; filename="a.txt"');
  });

  it('getObject of a missing key rejects NoSuchKey (404) with a request id; statObject gives NotFound/NoSuchKey 404', async () => {
    const err = await rejection(s3.getObject(bucket, 'missing'));
    expect(isS3Error(err) && [err.code, err.status]).toEqual(['NoSuchKey', 404]);
    expect(isS3Error(err) && err.requestId).toBeTruthy();
    const st = await rejection(s3.statObject(bucket, 'missing'));
    expect(isS3Error(st) && st.status).toBe(404);
  });

  it('a missing bucket rejects NoSuchBucket (404)', async () => {
    const err = await rejection(s3.putObject(bucketName('none'), 'k', 'x'));
    expect(isS3Error(err) && [err.code, err.status]).toEqual(['NoSuchBucket', 404]);
  });

  it('a wrong secret rejects SignatureDoesNotMatch (403); an unknown key InvalidAccessKeyId (403)', async () => {
    const bad = client({ secretKey: 'wrong-secret-wrong-secret-wrong-secret00' });
    const err = await rejection(bad.getObject(bucket, 'a/hello.txt'));
    expect(isS3Error(err) && [err.code, err.status]).toEqual(['SignatureDoesNotMatch', 403]);
    const unknown = client({ accessKey: 'NOSUCHACCESSKEY00000' });
    const err2 = await rejection(unknown.listBuckets());
    expect(isS3Error(err2) && [err2.code, err2.status]).toEqual(['InvalidAccessKeyId', 403]);
    await Promise.all([bad.close(), unknown.close()]);
  });

  it('preconditions: ifMatch with a wrong ETag → PreconditionFailed (412); ifNoneMatch with the ETag → 304 NotModified', async () => {
    const { etag } = await s3.putObject(bucket, 'cond.txt', 'cond');
    const err = await rejection(s3.getObject(bucket, 'cond.txt', { ifMatch: '"0000"' }));
    expect(isS3Error(err) && [err.code, err.status]).toEqual(['PreconditionFailed', 412]);
    const ok = await s3.getObject(bucket, 'cond.txt', { ifMatch: `"${etag}"` });
    expect(await ok.text()).toBe('cond');
    const nm = await s3.getObject(bucket, 'cond.txt', { ifNoneMatch: `"${etag}"` }).then(
      async (o) => ({ status: 'ok', text: await o.text() }),
      (e: unknown) => ({ status: isS3Error(e) ? e.status : 'other' }),
    );
    // 304: no object to return, so getObject rejects with NotModified (as the AWS SDKs do).
    expect(nm).toEqual({ status: 304 });
  });

  it('putObject from a Node stream, a web ReadableStream and an async iterable (unknown length)', async () => {
    const data = randomBytes(300_000);
    await s3.putObject(bucket, 'node-stream', Readable.from([data.subarray(0, 1000), data.subarray(1000)]));
    await s3.putObject(bucket, 'web-stream', new Blob([data]).stream());
    await s3.putObject(
      bucket,
      'iterable',
      (async function* () {
        yield data.subarray(0, 7);
        yield data.subarray(7);
      })(),
    );
    for (const k of ['node-stream', 'web-stream', 'iterable']) {
      const st = await s3.statObject(bucket, k);
      expect([k, st.size, st.etag]).toEqual([k, data.length, md5(data)]);
    }
  });

  it('putObject with tags, content disposition and SSE-C; getObject needs the key', async () => {
    const key32 = randomBytes(32);
    await s3.putObject(bucket, 'ssec', 'secret data', { sse: { type: 'SSE-C', key: key32 }, tags: { a: 'b c' }, contentDisposition: 'inline' });
    const err = await rejection(s3.getObject(bucket, 'ssec'));
    expect(isS3Error(err) && err.status).toBe(400);
    const obj = await s3.getObject(bucket, 'ssec', { sse: { type: 'SSE-C', key: key32 } });
    expect(await obj.text()).toBe('secret data');
    expect(obj.stat.headers['content-disposition']).toBe('inline');
    expect(obj.stat.headers['x-amz-tagging-count']).toBe('1');
  });

  it('getObject returns a Node Readable with .stream() web access', async () => {
    await s3.putObject(bucket, 'web.txt', 'via web stream');
    const obj = await s3.getObject(bucket, 'web.txt');
    const text = await new Response(obj.stream()).text();
    expect(text).toBe('via web stream');
  });

  it('fPutObject / fGetObject round trip through files; a failed download leaves no file at the target', async () => {
    const src = join(dir, 'src.bin');
    const data = randomBytes(200_000);
    writeFileSync(src, data);
    const put = await s3.fPutObject(bucket, 'file.bin', src);
    expect(put.etag).toBe(md5(data));
    const dst = join(dir, 'dst.bin');
    const st = await s3.fGetObject(bucket, 'file.bin', dst);
    expect(st.size).toBe(data.length);
    expect(readFileSync(dst).equals(data)).toBe(true);
    const missing = join(dir, 'never.bin');
    const err = await rejection(s3.fGetObject(bucket, 'nope', missing));
    expect(isS3Error(err) && err.code).toBe('NoSuchKey');
    // An abort mid-download: neither the target nor a temp file remains.
    await s3.putObject(bucket, 'big.bin', randomBytes(4 * 1024 * 1024));
    const ac = new AbortController();
    const target = join(dir, 'aborted.bin');
    const p = s3.fGetObject(bucket, 'big.bin', target, { signal: ac.signal });
    setTimeout(() => ac.abort(), 1);
    await p.catch(() => undefined);
    expect(existsSync(target) && readFileSync(target).length !== 4 * 1024 * 1024).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('copyObject copies data and metadata; REPLACE sets new metadata; a failed matchETag condition is PreconditionFailed', async () => {
    await s3.putObject(bucket, 'copy-src', 'copy me', { metadata: { a: '1' }, contentType: 'text/plain' });
    const c = await s3.copyObject(bucket, 'copy-dst', { bucket, key: 'copy-src' });
    expect(c.etag).toBe(md5('copy me'));
    expect((await s3.statObject(bucket, 'copy-dst')).metadata).toEqual({ a: '1' });
    await s3.copyObject(bucket, 'copy-dst2', { bucket, key: 'copy-src' }, { metadata: { b: '2' } });
    expect((await s3.statObject(bucket, 'copy-dst2')).metadata).toEqual({ b: '2' });
    const err = await rejection(s3.copyObject(bucket, 'copy-dst3', { bucket, key: 'copy-src' }, { conditions: { matchETag: '"deadbeef"' } }));
    expect(isS3Error(err) && [err.code, err.status]).toEqual(['PreconditionFailed', 412]);
    const old = await rejection(s3.copyObject(bucket, 'copy-dst3', { bucket, key: 'copy-src' }, { conditions: { unmodifiedSince: new Date(0) } }));
    expect(isS3Error(old) && old.code).toBe('PreconditionFailed');
    const missing = await rejection(s3.copyObject(bucket, 'copy-dst4', { bucket, key: 'nope' }));
    expect(isS3Error(missing) && missing.code).toBe('NoSuchKey');
  });

  it('removeObject deletes; removeObjects deletes in batches and yields no errors for a clean batch', async () => {
    const keys = Array.from({ length: 1005 }, (_, i) => `rm/${String(i).padStart(4, '0')}`);
    await Promise.all(keys.slice(0, 20).map((k) => s3.putObject(bucket, k, 'x')));
    await s3.removeObject(bucket, 'rm/0000');
    const st = await rejection(s3.statObject(bucket, 'rm/0000'));
    expect(isS3Error(st) && st.status).toBe(404);
    const errors = [];
    for await (const e of s3.removeObjects(bucket, keys)) errors.push(e);
    expect(errors).toEqual([]);
    const left = [];
    for await (const o of s3.listObjects(bucket, { prefix: 'rm/', recursive: true })) left.push(o);
    expect(left).toEqual([]);
  });

  it('object lock: retention and legal hold headers are stored; removeObjects reports the locked version as an error entry', async () => {
    const locked = bucketName('lock');
    await s3.makeBucket(locked, { objectLocking: true });
    try {
      const until = new Date(Date.now() + 3600_000);
      const put = await s3.putObject(locked, 'held', 'keep me', { retention: { mode: 'GOVERNANCE', retainUntilDate: until }, legalHold: false });
      expect(put.versionId).toBeTruthy();
      const st = await s3.statObject(locked, 'held');
      expect(st.headers['x-amz-object-lock-mode']).toBe('GOVERNANCE');
      expect(Math.abs(new Date(st.headers['x-amz-object-lock-retain-until-date']!).getTime() - until.getTime())).toBeLessThan(1000);
      const errors = [];
      for await (const e of s3.removeObjects(locked, [{ key: 'held', versionId: put.versionId! }])) errors.push(e);
      expect(errors).toEqual([expect.objectContaining({ key: 'held', code: 'AccessDenied' })]);
      // Governance retention can be bypassed explicitly.
      await s3.removeObject(locked, 'held', { versionId: put.versionId!, governanceBypass: true });
      expect(await s3.statObject(locked, 'held', { versionId: put.versionId! }).catch((e: unknown) => isS3Error(e) && e.status)).toBe(404);
    } finally {
      await cleanBucket(s3, locked);
    }
  });

  it('an aborted request rejects with a TransportAbortedError', async () => {
    const ac = new AbortController();
    ac.abort();
    const err = await rejection(s3.getObject(bucket, 'a/hello.txt', { signal: ac.signal }));
    expect(isTransportError(err) && err.code).toBe('S3KIT_TRANSPORT_ABORTED');
  });
});
