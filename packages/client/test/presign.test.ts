import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostPolicy } from '../src/index.js';
import { bucketName, cleanBucket, client, reason, rgw } from './helpers.js';

describe.skipIf(!rgw)(`presigned URLs and POST policies with plain fetch against Ceph RGW ${reason}`, () => {
  const s3 = rgw ? client() : undefined!;
  const bucket = bucketName('pre');
  beforeAll(async () => {
    await s3.makeBucket(bucket);
    await s3.putObject(bucket, 'doc.txt', 'presigned hello', { contentType: 'text/plain' });
  });
  afterAll(async () => {
    await cleanBucket(s3, bucket);
    await s3.close();
  });

  it('presignedGetObject works with fetch and applies response-content-type / disposition overrides', async () => {
    const url = await s3.presignedGetObject(bucket, 'doc.txt', { expires: 60, query: { 'response-content-type': 'application/x-custom', 'response-content-disposition': 'attachment' } });
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('presigned hello');
    expect(res.headers.get('content-type')).toBe('application/x-custom');
    expect(res.headers.get('content-disposition')).toBe('attachment');
  });

  it('presignedPutObject uploads with fetch; a tampered signature is 403 SignatureDoesNotMatch', async () => {
    const url = await s3.presignedPutObject(bucket, 'put by url.txt', { expires: 60 });
    const res = await fetch(url, { method: 'PUT', body: 'from fetch' });
    expect(res.status).toBe(200);
    expect(await (await s3.getObject(bucket, 'put by url.txt')).text()).toBe('from fetch');
    const bad = url.replace(/X-Amz-Signature=([0-9a-f])/, (_m, c: string) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`);
    const denied = await fetch(bad, { method: 'PUT', body: 'x' });
    expect(denied.status).toBe(403);
    expect(await denied.text()).toContain('SignatureDoesNotMatch');
  });

  it('an expired URL (requestDate in the past) is refused with 403 AccessDenied', async () => {
    const url = await s3.presignedGetObject(bucket, 'doc.txt', { expires: 1, requestDate: new Date(Date.now() - 3600_000) });
    const res = await fetch(url);
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/AccessDenied|Request has expired/);
  });

  it('getPresignedUrl works for HEAD and DELETE, with a version id query', async () => {
    const head = await fetch(await s3.getPresignedUrl('HEAD', bucket, 'doc.txt', { expires: 60 }), { method: 'HEAD' });
    expect([head.status, head.headers.get('content-length')]).toEqual([200, '15']);
    await s3.putObject(bucket, 'gone.txt', 'x');
    const del = await fetch(await s3.getPresignedUrl('DELETE', bucket, 'gone.txt', { expires: 60 }), { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect(await s3.statObject(bucket, 'gone.txt').catch(() => 'missing')).toBe('missing');
    const url = await s3.getPresignedUrl('GET', bucket, 'doc.txt', { versionId: 'null', query: { 'x-id': 'GetObject' } });
    expect(url).toContain('versionId=null');
    expect(url).toContain('X-Amz-Expires=604800');
  });

  it('presignedPostPolicy: a browser-style multipart form uploads with fetch; a file over the length range is refused', async () => {
    const policy = new PostPolicy()
      .setBucket(bucket)
      .setKey('posted.txt')
      .setContentType('text/plain')
      .setContentLengthRange(1, 100)
      .setExpires(new Date(Date.now() + 600_000));
    const { postURL, formData } = await s3.presignedPostPolicy(policy);
    const form = new FormData();
    for (const [k, v] of Object.entries(formData)) form.append(k, v);
    form.append('file', new Blob(['posted body'], { type: 'text/plain' }), 'posted.txt');
    const res = await fetch(postURL, { method: 'POST', body: form });
    expect([res.status, res.status === 204 ? '' : await res.text()]).toEqual([204, '']);
    expect(await (await s3.getObject(bucket, 'posted.txt')).text()).toBe('posted body');

    const big = new FormData();
    for (const [k, v] of Object.entries(formData)) big.append(k, v);
    big.append('file', new Blob(['x'.repeat(500)], { type: 'text/plain' }), 'posted.txt');
    const refused = await fetch(postURL, { method: 'POST', body: big });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('EntityTooLarge');
  });
});
