import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client as AwsS3Client, ListObjectsV2Command } from '@aws-sdk/client-s3';
import * as Minio from 'minio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketName, cleanBucket, client, reason, rgw } from './helpers.js';

async function streamToBuffer(s: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

describe.skipIf(!rgw)(`cross-client interop (@aws-sdk/client-s3, minio) against Ceph RGW ${reason}`, () => {
  const s3 = rgw ? client({ partSize: 5 * 1024 * 1024 }) : undefined!;
  const bucket = bucketName('x');
  const aws = rgw
    ? new AwsS3Client({
        endpoint: rgw.endpoint,
        region: rgw.region,
        forcePathStyle: true,
        credentials: { accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey },
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      })
    : undefined!;
  const url = rgw ? new URL(rgw.endpoint) : undefined;
  const minio = rgw
    ? new Minio.Client({ endPoint: url!.hostname, port: Number(url!.port), useSSL: false, accessKey: rgw.accessKeyId, secretKey: rgw.secretAccessKey, region: rgw.region, pathStyle: true })
    : undefined!;
  const small = randomBytes(70_000);
  const large = randomBytes(11 * 1024 * 1024);

  beforeAll(async () => {
    await s3.makeBucket(bucket);
  });
  afterAll(async () => {
    aws?.destroy();
    await cleanBucket(s3, bucket);
    await s3.close();
  });

  it('objects written by s3kit (single PUT and multipart, metadata) read back identically by the AWS SDK and minio', async () => {
    await s3.putObject(bucket, 'by-s3kit/small', small, { metadata: { origin: 's3kit' }, contentType: 'application/x-s3kit' });
    await s3.putObject(bucket, 'by-s3kit/large', Readable.from([large]));
    for (const [key, data] of [
      ['by-s3kit/small', small],
      ['by-s3kit/large', large],
    ] as const) {
      const a = await aws.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      expect((await streamToBuffer(a.Body as AsyncIterable<Uint8Array>)).equals(data)).toBe(true);
      const m = await minio.getObject(bucket, key);
      expect((await streamToBuffer(m)).equals(data)).toBe(true);
    }
    const head = await aws.send(new HeadObjectCommand({ Bucket: bucket, Key: 'by-s3kit/small' }));
    expect([head.Metadata, head.ContentType]).toEqual([{ origin: 's3kit' }, 'application/x-s3kit']);
    const stat = await minio.statObject(bucket, 'by-s3kit/small');
    expect(stat.metaData['origin']).toBe('s3kit');
  });

  it('objects written by the AWS SDK and by minio (incl. minio multipart) are read by s3kit with the same ETag and metadata', async () => {
    const put = await aws.send(new PutObjectCommand({ Bucket: bucket, Key: 'by-aws', Body: small, Metadata: { origin: 'aws' } }));
    await minio.putObject(bucket, 'by-minio', large, large.length, { 'X-Amz-Meta-Origin': 'minio' });
    const a = await s3.getObject(bucket, 'by-aws');
    expect(Buffer.from(await a.bytes()).equals(small)).toBe(true);
    expect([a.stat.etag, a.stat.metadata]).toEqual([put.ETag!.replaceAll('"', ''), { origin: 'aws' }]);
    const mstat = await minio.statObject(bucket, 'by-minio');
    const m = await s3.getObject(bucket, 'by-minio');
    expect(Buffer.from(await m.bytes()).equals(large)).toBe(true);
    expect([m.stat.etag, m.stat.metadata]).toEqual([mstat.etag, { origin: 'minio' }]);
  });

  it('listings agree: s3kit listObjects sees the same keys, sizes and ETags as ListObjectsV2 from the AWS SDK', async () => {
    const theirs = await aws.send(new ListObjectsV2Command({ Bucket: bucket }));
    const ours = [];
    for await (const o of s3.listObjects(bucket, { recursive: true })) if ('key' in o) ours.push([o.key, o.size, o.etag]);
    expect(ours).toEqual((theirs.Contents ?? []).map((c) => [c.Key, c.Size, c.ETag!.replaceAll('"', '')]));
  });

  it('an s3kit presigned GET URL works through minio-less plain fetch and matches the AWS SDK bytes', async () => {
    const u = await s3.presignedGetObject(bucket, 'by-aws', { expires: 120 });
    const res = await fetch(u);
    expect(Buffer.from(await res.arrayBuffer()).equals(small)).toBe(true);
  });
});
