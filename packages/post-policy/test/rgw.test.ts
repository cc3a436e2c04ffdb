import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { rgwOrSkip, type RgwHandle } from '@s3kit/test-utils';
import { createPresignedPost, verifyPost, type CreatePresignedPostInput, type PresignedPost } from '../src/index.js';

// A real S3 implementation (Ceph RGW on 127.0.0.1) receives the same browser forms as verifyPost.
const { rgw, reason } = await rgwOrSkip();
afterAll(() => rgw?.stop(), 120_000); // a memstore OSD writes its objects out on a clean stop

const BUCKET = 'post-policy-rgw';

function form(post: PresignedPost, file: File, edit: (f: [string, string][]) => [string, string][] = (f) => f): FormData {
  const fd = new FormData();
  for (const [n, v] of edit(Object.entries(post.fields))) fd.append(n, v);
  fd.append('file', file);
  return fd;
}

async function both(h: RgwHandle, post: PresignedPost, file: File, edit?: (f: [string, string][]) => [string, string][]) {
  const res = await fetch(post.url, { method: 'POST', body: form(post, file, edit), redirect: 'manual' });
  const body = await res.text();
  const rgwCode = /<Code>([^<]+)<\/Code>/.exec(body)?.[1];
  let ours: { status: number; code?: string };
  try {
    const v = await verifyPost(new Request(post.url, { method: 'POST', body: form(post, file, edit) }), {
      bucket: BUCKET,
      getCredentials: (id) => (id === h.accessKeyId ? { secretAccessKey: h.secretAccessKey } : undefined),
    });
    await new Response(v.file).arrayBuffer();
    ours = { status: v.success({ etag: '"x"' }).status };
  } catch (e) {
    const err = e as { status: number; code: string };
    ours = { status: err.status, code: err.code };
  }
  return { rgw: { status: res.status, code: rgwCode, body }, ours };
}

describe.skipIf(!rgw)(`browser POST forms against Ceph RGW ${reason}`, () => {
  const h = rgw!;
  const base = (over: Partial<CreatePresignedPostInput> = {}): PresignedPost =>
    createPresignedPost({
      bucket: BUCKET,
      key: 'uploads/${filename}',
      fields: { 'Content-Type': 'text/plain', 'x-amz-meta-owner': 'ann', success_action_status: '201' },
      conditions: [['starts-with', '$Content-Type', 'text/'], { 'x-amz-meta-owner': 'ann' }, { success_action_status: '201' }, ['content-length-range', 1, 64]],
      credentials: { accessKeyId: h.accessKeyId, secretAccessKey: h.secretAccessKey },
      region: h.region,
      endpoint: h.endpoint,
      ...over,
    });
  let s3: S3Client;
  beforeAll(async () => {
    s3 = new S3Client({ endpoint: h.endpoint, region: h.region, forcePathStyle: true, credentials: { accessKeyId: h.accessKeyId, secretAccessKey: h.secretAccessKey } });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET })).catch((e: { name?: string }) => {
      if (e.name !== 'BucketAlreadyOwnedByYou') throw e;
    });
  });

  for (const version of ['v4', 'v2'] as const) {
    it(`RGW stores a ${version} form built by createPresignedPost, and verifyPost accepts the same form`, async () => {
      const r = await both(h, base({ signatureVersion: version }), new File([`hello ${version}`], `${version}.txt`));
      expect(r.rgw.status).toBe(201);
      expect(r.ours.status).toBe(201);
      const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `uploads/${version}.txt` }));
      expect(await got.Body!.transformToString()).toBe(`hello ${version}`);
      expect(got.Metadata).toEqual({ owner: 'ann' });
      expect(got.ContentType).toBe('text/plain');
    });
  }

  const set = (name: string, value: string) => (f: [string, string][]) => f.map(([n, v]): [string, string] => [n, n === name ? value : v]);
  it('client paths in the file name: verifyPost keeps the base name as the S3 docs say; RGW keeps the whole name', async () => {
    const r = await both(h, base(), new File(['x'], 'C:\\tmp\\report.txt'));
    expect(r.rgw.body).toContain('<Key>uploads/C:\\tmp\\report.txt</Key>');
    const v = await verifyPost(new Request(base().url, { method: 'POST', body: form(base(), new File(['x'], 'C:\\tmp\\report.txt')) }), {
      bucket: BUCKET,
      getCredentials: () => ({ secretAccessKey: h.secretAccessKey }),
    });
    expect(v.key).toBe('uploads/report.txt');
    await v.file.cancel();
  });

  // [case, form, file, edit, code from verifyPost (S3's), code from RGW]
  const cases: [string, () => PresignedPost, File, ((f: [string, string][]) => [string, string][]) | undefined, string, string][] = [
    ['file over content-length-range', () => base(), new File(['x'.repeat(65)], 'a.txt'), undefined, 'EntityTooLarge', 'EntityTooLarge'],
    ['empty file under content-length-range', () => base(), new File([], 'a.txt'), undefined, 'EntityTooSmall', 'EntityTooSmall'],
    ['key outside the starts-with prefix', () => base(), new File(['x'], 'a.txt'), set('key', 'other/a.txt'), 'AccessDenied', 'AccessDenied'],
    ['Content-Type outside the prefix', () => base(), new File(['x'], 'a.txt'), set('Content-Type', 'image/png'), 'AccessDenied', 'AccessDenied'],
    ['metadata changed', () => base(), new File(['x'], 'a.txt'), set('x-amz-meta-owner', 'bob'), 'AccessDenied', 'AccessDenied'],
    ['expired policy', () => base({ now: Date.now() - 7200_000 }), new File(['x'], 'a.txt'), undefined, 'AccessDenied', 'AccessDenied'],
    // RGW answers AccessDenied for these two; S3 documents SignatureDoesNotMatch and InvalidAccessKeyId.
    ['signature changed', () => base(), new File(['x'], 'a.txt'), set('x-amz-signature', '0'.repeat(64)), 'SignatureDoesNotMatch', 'AccessDenied'],
    [
      'unknown access key',
      () => base({ credentials: { accessKeyId: 'AKIDUNKNOWNRGW', secretAccessKey: h.secretAccessKey } }),
      new File(['x'], 'a.txt'),
      undefined,
      'InvalidAccessKeyId',
      'AccessDenied',
    ],
  ];
  for (const [name, post, file, edit, oursCode, rgwCode] of cases) {
    it(`${name}: RGW and verifyPost reject with the same status (ours ${oursCode}, RGW ${rgwCode})`, async () => {
      const r = await both(h, post(), file, edit);
      expect(r.ours.code).toBe(oursCode);
      expect(r.rgw.code).toBe(rgwCode);
      expect(r.ours.status).toBe(r.rgw.status);
    });
  }
});
