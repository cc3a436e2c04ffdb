import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetBucketLocationCommand,
  GetObjectAttributesCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCi, missingRgwBinaries, rgwOrSkip, rgwScript, spawnRgw, type RgwHandle } from '@s3kit/test-utils';

// One RGW for this file: the run's (S3KIT_RGW_ENDPOINT, from the global setup or CI), else a
// fresh one via rgw.sh, else skip (CI fails instead).
const { rgw, reason } = await rgwOrSkip();
afterAll(() => rgw?.stop());

function client(h: RgwHandle, over: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    endpoint: h.endpoint,
    region: h.region,
    forcePathStyle: true,
    credentials: { accessKeyId: h.accessKeyId, secretAccessKey: h.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
    ...over,
  });
}

const md5 = (b: Uint8Array | string) => createHash('md5').update(b).digest('hex');

async function s3Error(p: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, status: err.$metadata?.httpStatusCode };
  }
  throw new Error('expected the request to fail');
}

describe.skipIf(!rgw)(`Ceph RGW smoke ${reason}`, () => {
  const h = rgw!;
  const bucket = `s3kit-smoke-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  let s3: S3Client;

  beforeAll(async () => {
    s3 = client(h);
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });

  it('answers GET / anonymously with 200 and a ListAllMyBucketsResult', async () => {
    const res = await fetch(`${h.endpoint}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('ListAllMyBucketsResult');
  });

  it('PUTs, GETs and lists an object: same bytes, ETag = MD5, listed with its size', async () => {
    const body = `hello from s3kit ${bucket}\n`;
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'dir/hello.txt', Body: body, ContentType: 'text/plain' }));
    expect(put.ETag).toBe(`"${md5(body)}"`);

    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'dir/hello.txt' }));
    expect(got.ContentType).toBe('text/plain');
    expect(got.ETag).toBe(put.ETag);
    expect(await got.Body!.transformToString()).toBe(body);

    const list = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'dir/' }));
    expect(list.KeyCount).toBe(1);
    expect(list.Contents?.map((o) => [o.Key, o.Size, o.ETag])).toEqual([['dir/hello.txt', body.length, put.ETag]]);
  });

  it('answers a GET of a missing key with NoSuchKey (404)', async () => {
    expect(await s3Error(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'missing' })))).toEqual({
      name: 'NoSuchKey',
      status: 404,
    });
  });

  it('rejects a request signed with the wrong secret with SignatureDoesNotMatch (403)', async () => {
    const bad = client({ ...h, secretAccessKey: `${h.secretAccessKey}x` });
    expect(await s3Error(bad.send(new ListObjectsV2Command({ Bucket: bucket })))).toEqual({
      name: 'SignatureDoesNotMatch',
      status: 403,
    });
  });

  // Where RGW Pacific differs from AWS (tooling/ceph-rgw/README.md). These pin the observed
  // behaviour so that a changed server shows up here rather than as puzzling failures elsewhere.
  describe('differences from AWS', () => {
    it('CompleteMultipartUpload answers an empty ETag; HEAD gives the "<md5 of part md5s>-2" ETag', async () => {
      const key = 'mpu/object';
      const part1 = new Uint8Array(5 * 1024 * 1024).fill(0x61);
      const part2 = new TextEncoder().encode('tail');
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
      const p1 = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: part1 }));
      const p2 = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 2, Body: part2 }));
      expect(p1.ETag).toBe(`"${md5(part1)}"`);
      const done = await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          UploadId,
          MultipartUpload: {
            Parts: [
              { PartNumber: 1, ETag: p1.ETag },
              { PartNumber: 2, ETag: p2.ETag },
            ],
          },
        }),
      );
      expect(done.ETag).toBe('');
      const expected = createHash('md5')
        .update(Buffer.concat([Buffer.from(md5(part1), 'hex'), Buffer.from(md5(part2), 'hex')]))
        .digest('hex');
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      expect(head.ETag).toBe(`"${expected}-2"`);
      expect(head.ContentLength).toBe(part1.length + part2.length);

      // GET ?partNumber=2 returns the whole object with 200 (AWS: part 2 only, 206).
      const part = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, PartNumber: 2 }));
      expect(part.$metadata.httpStatusCode).toBe(200);
      expect(part.ContentLength).toBe(part1.length + part2.length);
      await part.Body!.transformToByteArray();
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    });

    it('ListParts after AbortMultipartUpload says NoSuchKey (404), where AWS says NoSuchUpload', async () => {
      const key = 'mpu/aborted';
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
      await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId }));
      expect(await s3Error(s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId })))).toEqual({
        name: 'NoSuchKey',
        status: 404,
      });
    });

    it('ignores x-amz-checksum-crc32: a wrong value is stored with 200 (AWS: 400 BadDigest)', async () => {
      const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'checksum', Body: 'hello', ChecksumCRC32: 'AAAAAA==' }));
      expect(put.$metadata.httpStatusCode).toBe(200);
      expect(put.ChecksumCRC32).toBeUndefined();
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'checksum' }));
    });

    it('has no GetObjectAttributes: GET ?attributes serves the object itself (200), which the SDK cannot parse', async () => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'attrs', Body: 'hello' }));
      const err = await s3Error(s3.send(new GetObjectAttributesCommand({ Bucket: bucket, Key: 'attrs', ObjectAttributes: ['ETag', 'ObjectSize'] })));
      expect(err.status).toBe(200);
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'attrs' }));
    });

    it('rejects the SDK default for streams (STREAMING-UNSIGNED-PAYLOAD-TRAILER, chunked) with MissingContentLength (411)', async () => {
      // Default requestChecksumCalculation (WHEN_SUPPORTED): hence WHEN_REQUIRED in every RGW client.
      const sdkDefault = new S3Client({
        endpoint: h.endpoint,
        region: h.region,
        forcePathStyle: true,
        credentials: { accessKeyId: h.accessKeyId, secretAccessKey: h.secretAccessKey },
        maxAttempts: 1,
      });
      const body = Readable.from([Buffer.from('hello')]);
      expect(await s3Error(sdkDefault.send(new PutObjectCommand({ Bucket: bucket, Key: 'trailer', Body: body, ContentLength: 5 })))).toEqual({
        name: 'MissingContentLength',
        status: 411,
      });
    });

    it('accepts any SigV4 region, but a LocationConstraint other than "default" is InvalidLocationConstraint (400)', async () => {
      const eu = client(h, { region: 'eu-west-1' });
      // The SDK sends LocationConstraint=eu-west-1 for a non-us-east-1 region.
      expect(await s3Error(eu.send(new CreateBucketCommand({ Bucket: `${bucket}-eu` })))).toEqual({
        name: 'InvalidLocationConstraint',
        status: 400,
      });
      const listed = await eu.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1 }));
      expect(listed.$metadata.httpStatusCode).toBe(200);
      const loc = await s3.send(new GetBucketLocationCommand({ Bucket: bucket }));
      expect(loc.LocationConstraint).toBe('default');
    });
  });

  afterAll(async () => {
    if (!s3) return;
    const list = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    for (const o of list.Contents ?? []) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: o.Key! }));
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  });
});

describe('rgw.sh', () => {
  const run = (...args: string[]) => spawnSync('bash', [rgwScript(), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

  it('stop of a missing DIR succeeds and does nothing; status of it fails', () => {
    const dir = join(tmpdir(), `s3kit-rgw-missing-${process.pid}`);
    expect(run('stop', dir).status).toBe(0);
    expect(run('status', dir).status).not.toBe(0);
  });

  it('refuses to stop (and delete) a directory it did not create', () => {
    const dir = mkdtempSync(join(tmpdir(), 's3kit-rgw-foreign-'));
    try {
      writeFileSync(join(dir, 'keep.txt'), 'x');
      const r = run('stop', dir);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/refusing/);
      expect(run('status', dir).status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers an unknown subcommand with usage and exit 2', () => {
    const r = run('frobnicate');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/rgw\.sh start \[DIR\]/);
  });

  const missing = missingRgwBinaries();
  // Under CI a missing Ceph fails here instead of skipping.
  it.skipIf(missing.length > 0 && !isCi())(
    'spawnRgw() starts a fresh instance and stop() shuts it down (connection refused after)',
    async () => {
      expect(missing).toEqual([]);
      const h = await spawnRgw();
      let stopped = false;
      try {
        expect((await fetch(`${h.endpoint}/`)).status).toBe(200);
        await h.stop();
        stopped = true;
        await expect(fetch(`${h.endpoint}/`)).rejects.toThrow();
      } finally {
        if (!stopped) await h.stop();
      }
    },
    120_000,
  );
});
