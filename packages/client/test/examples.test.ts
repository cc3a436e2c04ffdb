import { afterAll, describe, expect, it } from 'vitest';
import { quickstart } from '../examples/quickstart.js';
import { bucketName, cleanBucket, client, reason, rgw } from './helpers.js';

describe.skipIf(!rgw)(`README example against Ceph RGW ${reason}`, () => {
  const bucket = bucketName('ex');
  afterAll(async () => {
    const s3 = client();
    await cleanBucket(s3, bucket);
    await s3.close();
  });

  it('examples/quickstart.ts creates the bucket, uploads, lists, reads back and fetches a presigned URL', async () => {
    expect(await quickstart(rgw!.endpoint, rgw!.accessKeyId, rgw!.secretAccessKey, bucket)).toEqual(['notes/hello.txt (10 bytes)', 'Hello, S3! by me', 'Hello, S3!']);
  });
});
