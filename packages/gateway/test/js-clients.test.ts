import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { S3Client as AwsS3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { S3Client } from '@s3kit/client';
import { rgwOrSkip } from '@s3kit/test-utils';
import { describe, expect, it } from 'vitest';
import { gatewayOver, upstreamKinds } from './support/targets.js';
import { ADMIN } from './support/gateway-server.js';

const { rgw, reason } = await rgwOrSkip();
const MiB = 1024 * 1024;
const md5 = (b: Uint8Array): string => createHash('md5').update(b).digest('hex');
function pattern(size: number, seed: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 17 + seed) & 0xff;
  return b;
}

for (const [name, noUpstream, make] of upstreamKinds(rgw, reason)) {
  describe.skipIf(noUpstream)(`@s3kit/client and @aws-sdk/lib-storage through the gateway to ${name}`, () => {
    const s = gatewayOver(make, 'js');
    const { bucket } = s;

    it('@aws-sdk/lib-storage: a streaming upload of unknown length (multipart) arrives whole', async () => {
      const sdk = new AwsS3Client({ endpoint: s.g.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: ADMIN.accessKeyId, secretAccessKey: ADMIN.secretAccessKey } });
      const data = pattern(11 * MiB + 123, 1);
      const pieces = [data.subarray(0, 3 * MiB), data.subarray(3 * MiB, 9 * MiB), data.subarray(9 * MiB)];
      const up = new Upload({ client: sdk, params: { Bucket: bucket, Key: 'libstorage/unknown-length', Body: Readable.from(pieces) }, partSize: 5 * MiB, queueSize: 2 });
      await up.done();
      expect((await s.target.stored(bucket, 'libstorage/unknown-length'))?.equals(data)).toBe(true);
      sdk.destroy();
    });

    it('@s3kit/client: put, stat, get, list, copy, multipart stream, presigned GET and PUT, remove', async () => {
      const s3 = new S3Client({ endpoint: s.g.endpoint, accessKey: ADMIN.accessKeyId, secretKey: ADMIN.secretAccessKey, region: 'us-east-1', secure: false, partSize: 5 * MiB });
      try {
        const small = pattern(50_000, 2);
        const put = await s3.putObject(bucket, 'client/small.bin', small, { contentType: 'application/x-client', metadata: { who: 'client' } });
        expect(put.etag.replace(/"/g, '')).toBe(md5(small));
        expect((await s.target.stored(bucket, 'client/small.bin'))?.equals(small)).toBe(true);
        const stat = await s3.statObject(bucket, 'client/small.bin');
        expect(stat.size).toBe(50_000);
        expect(stat.metadata['who']).toBe('client');
        expect(Buffer.from(await (await s3.getObject(bucket, 'client/small.bin')).bytes()).equals(small)).toBe(true);
        const big = pattern(6 * MiB, 3);
        await s3.putObject(bucket, 'client/big.bin', Readable.from([big.subarray(0, 2 * MiB), big.subarray(2 * MiB)]));
        expect((await s.target.stored(bucket, 'client/big.bin'))?.equals(big)).toBe(true);
        await s3.copyObject(bucket, 'client/copy.bin', { bucket, key: 'client/small.bin' });
        expect((await s.target.stored(bucket, 'client/copy.bin'))?.equals(small)).toBe(true);
        const keys: string[] = [];
        for await (const item of s3.listObjects(bucket, { prefix: 'client/', recursive: true })) if ('key' in item) keys.push(item.key);
        expect(keys).toEqual(['client/big.bin', 'client/copy.bin', 'client/small.bin']);
        const putUrl = await s3.presignedPutObject(bucket, 'client/presigned.txt', { expires: 300 });
        expect((await fetch(putUrl, { method: 'PUT', body: 'via @s3kit/client presign' })).status).toBe(200);
        const getUrl = await s3.presignedGetObject(bucket, 'client/presigned.txt', { expires: 300 });
        expect(await (await fetch(getUrl)).text()).toBe('via @s3kit/client presign');
        await s3.removeObject(bucket, 'client/copy.bin');
        expect(await s.target.stored(bucket, 'client/copy.bin')).toBeUndefined();
      } finally {
        await s3.close();
      }
    });
  });
}
