// Real clients (AWS SDK v3; boto3 in py-sse) through the gateway with server-side encryption:
// bucket default encryption, SSE-C put/get/head/range/copy/multipart and SSE-S3, on both
// upstream kinds: the embedded store and Ceph RGW 16.2 (run with rgw_crypt_require_ssl=false, as
// the gateway's tests speak plain HTTP). Same assertions; where RGW differs from AWS, the case says so.
import { createHash, randomBytes } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteBucketEncryptionCommand,
  DeleteObjectCommand,
  GetBucketEncryptionCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutBucketEncryptionCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type ServerSideEncryption,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@s3kit/post-policy';
import { rgwOrSkip } from '@s3kit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startGateway, type RunningGateway } from './support/gateway-server.js';
import { formData, postForm } from './support/post-forms.js';
import { upstreamKinds, type Target } from './support/targets.js';
import { sdkError } from './support/sdk-errors.js';

const { rgw, reason } = await rgwOrSkip();

let serial = 0;
const bucketName = (what: string): string => `sse-${what}-${Date.now().toString(36)}-${serial++}`;
const md5b64 = (b: Uint8Array): string => createHash('md5').update(b).digest('base64');
const MiB = 1024 * 1024;

const KEY = randomBytes(32);
const OTHER = randomBytes(32);
/** SDK v3's SSE-C parameters (it sends the key base64 and its MD5). */
const ssec = (key: Buffer) => ({ SSECustomerAlgorithm: 'AES256', SSECustomerKey: key.toString('base64'), SSECustomerKeyMD5: md5b64(key) });
const copySsec = (key: Buffer) => ({ CopySourceSSECustomerAlgorithm: 'AES256', CopySourceSSECustomerKey: key.toString('base64'), CopySourceSSECustomerKeyMD5: md5b64(key) });

for (const [name, noUpstream, make] of upstreamKinds(rgw, reason)) {
  const onRgw = name.startsWith('Ceph RGW');
  describe.skipIf(noUpstream)(`AWS SDK v3 with server-side encryption through the gateway to ${name}`, () => {
    let target: Target;
    let g: RunningGateway;
    let sdk: S3Client;
    beforeAll(async () => {
      target = await make();
      g = await startGateway(target.upstream);
      const credentials = { accessKeyId: ADMIN.accessKeyId, secretAccessKey: ADMIN.secretAccessKey };
      sdk = new S3Client({ endpoint: g.endpoint, region: 'us-east-1', forcePathStyle: true, credentials, maxAttempts: 1 });
    });
    afterAll(async () => {
      sdk?.destroy();
      await g?.close();
      await target?.close();
    });

    async function cleanup(Bucket: string, keys: string[]): Promise<void> {
      for (const Key of keys) await sdk.send(new DeleteObjectCommand({ Bucket, Key }));
      await sdk.send(new DeleteBucketCommand({ Bucket }));
    }

    it('PutBucketEncryption AES256, GetBucketEncryption, DeleteBucketEncryption; aws:kms refused without a key source', async () => {
      const Bucket = bucketName('cfg');
      await sdk.send(new CreateBucketCommand({ Bucket }));
      const setting = (SSEAlgorithm: ServerSideEncryption) =>
        sdk.send(new PutBucketEncryptionCommand({ Bucket, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm }, BucketKeyEnabled: true }] } }));
      const rule = async () => (await sdk.send(new GetBucketEncryptionCommand({ Bucket }))).ServerSideEncryptionConfiguration?.Rules?.[0];
      if (onRgw) {
        // RGW 16.2 has no bucket encryption (it answers GET ?encryption as a listing, PUT as
        // CreateBucket and DELETE as DeleteBucket): the tests' RGW profile lists the three as
        // unsupported, so the gateway answers NotImplemented (501) and the bucket survives.
        const notImplemented = { code: 'NotImplemented', status: 501 };
        expect(await sdkError(setting('AES256'))).toEqual(notImplemented);
        expect(await sdkError(setting('aws:kms'))).toEqual(notImplemented);
        expect(await sdkError(rule())).toEqual(notImplemented);
        expect(await sdkError(sdk.send(new DeleteBucketEncryptionCommand({ Bucket })))).toEqual(notImplemented);
        expect((await sdk.send(new HeadBucketCommand({ Bucket }))).$metadata.httpStatusCode).toBe(200);
        await sdk.send(new DeleteBucketCommand({ Bucket }));
        return;
      }
      // AWS (since 2023) and the store: every bucket has SSE-S3 by default.
      expect([(await rule())?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm, (await rule())?.BucketKeyEnabled]).toEqual(['AES256', false]);
      await setting('AES256');
      expect([(await rule())?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm, (await rule())?.BucketKeyEnabled]).toEqual(['AES256', true]);
      expect(await sdkError(setting('aws:kms'))).toEqual({ code: 'InvalidArgument', status: 400 });
      await sdk.send(new DeleteBucketEncryptionCommand({ Bucket }));
      expect([(await rule())?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm, (await rule())?.BucketKeyEnabled]).toEqual(['AES256', false]);
      await sdk.send(new DeleteBucketCommand({ Bucket }));
    });

    it('SSE-S3: PutObject with ServerSideEncryption AES256 and GetObject/HeadObject answer AES256', async () => {
      const Bucket = bucketName('s3');
      await sdk.send(new CreateBucketCommand({ Bucket }));
      // RGW 16.2 accepts x-amz-server-side-encryption: AES256 but answers no x-amz-server-side-encryption.
      const sse = onRgw ? undefined : 'AES256';
      const put = await sdk.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'sse-s3 body', ServerSideEncryption: 'AES256' }));
      expect(put.ServerSideEncryption).toBe(sse);
      const get = await sdk.send(new GetObjectCommand({ Bucket, Key: 'k' }));
      expect([get.ServerSideEncryption, await get.Body!.transformToString()]).toEqual([sse, 'sse-s3 body']);
      expect((await sdk.send(new HeadObjectCommand({ Bucket, Key: 'k' }))).ServerSideEncryption).toBe(sse);
      // AWS and the store encrypt every new object with SSE-S3 by default.
      const plain = await sdk.send(new PutObjectCommand({ Bucket, Key: 'plain', Body: 'default' }));
      expect(plain.ServerSideEncryption).toBe(sse);
      // aws:kms: the store has no key source; RGW 16.2 wants a key id.
      expect(await sdkError(sdk.send(new PutObjectCommand({ Bucket, Key: 'kms', Body: 'x', ServerSideEncryption: 'aws:kms' })))).toEqual({ code: 'InvalidArgument', status: 400 });
      await cleanup(Bucket, ['k', 'plain']);
    });

    it('SSE-C: PutObject, GetObject (whole, Range), HeadObject with the key; without it 400 InvalidRequest, with another 403', async () => {
      const Bucket = bucketName('c');
      await sdk.send(new CreateBucketCommand({ Bucket }));
      const data = randomBytes(200_000);
      const put = await sdk.send(new PutObjectCommand({ Bucket, Key: 'k', Body: data, ...ssec(KEY) }));
      expect([put.SSECustomerAlgorithm, put.SSECustomerKeyMD5]).toEqual(['AES256', md5b64(KEY)]);
      const get = await sdk.send(new GetObjectCommand({ Bucket, Key: 'k', ...ssec(KEY) }));
      expect([get.SSECustomerAlgorithm, get.SSECustomerKeyMD5]).toEqual(['AES256', md5b64(KEY)]);
      expect(Buffer.from(await get.Body!.transformToByteArray()).equals(data)).toBe(true);
      const range = await sdk.send(new GetObjectCommand({ Bucket, Key: 'k', Range: 'bytes=1000-70999', ...ssec(KEY) }));
      expect(Buffer.from(await range.Body!.transformToByteArray()).equals(data.subarray(1000, 71000))).toBe(true);
      const head = await sdk.send(new HeadObjectCommand({ Bucket, Key: 'k', ...ssec(KEY) }));
      expect([head.ContentLength, head.SSECustomerKeyMD5]).toEqual([data.length, md5b64(KEY)]);
      // AWS: no key is 400 InvalidRequest, another key 403 AccessDenied (a HEAD: the same statuses,
      // no body). RGW 16.2 answers 400 InvalidArgument to both.
      expect(await sdkError(sdk.send(new GetObjectCommand({ Bucket, Key: 'k' })))).toEqual({ code: onRgw ? 'InvalidArgument' : 'InvalidRequest', status: 400 });
      expect(await sdkError(sdk.send(new GetObjectCommand({ Bucket, Key: 'k', ...ssec(OTHER) })))).toEqual(onRgw ? { code: 'InvalidArgument', status: 400 } : { code: 'AccessDenied', status: 403 });
      expect((await sdkError(sdk.send(new HeadObjectCommand({ Bucket, Key: 'k' })))).status).toBe(400);
      expect((await sdkError(sdk.send(new HeadObjectCommand({ Bucket, Key: 'k', ...ssec(OTHER) })))).status).toBe(onRgw ? 400 : 403);
      // AWS: a key for an object stored without SSE-C is 400 InvalidRequest; RGW 16.2 ignores it.
      await sdk.send(new PutObjectCommand({ Bucket, Key: 'plain', Body: 'p' }));
      const keyed = sdk.send(new GetObjectCommand({ Bucket, Key: 'plain', ...ssec(KEY) }));
      if (onRgw) expect(await (await keyed).Body!.transformToString()).toBe('p');
      else expect(await sdkError(keyed)).toEqual({ code: 'InvalidRequest', status: 400 });
      await cleanup(Bucket, ['k', 'plain']);
    });

    it('SSE-C: CopyObject with the source key to another key, and to SSE-S3', async () => {
      const Bucket = bucketName('copy');
      await sdk.send(new CreateBucketCommand({ Bucket }));
      await sdk.send(new PutObjectCommand({ Bucket, Key: 'src', Body: 'copy me', ...ssec(KEY) }));
      if (onRgw) {
        // RGW 16.2 copies no SSE-C object: 501 NotImplemented, with or without the source key.
        expect(await sdkError(sdk.send(new CopyObjectCommand({ Bucket, Key: 'dst', CopySource: `${Bucket}/src`, ...copySsec(KEY), ...ssec(OTHER) })))).toEqual({ code: 'NotImplemented', status: 501 });
        expect(await sdkError(sdk.send(new CopyObjectCommand({ Bucket, Key: 'x', CopySource: `${Bucket}/src` })))).toEqual({ code: 'NotImplemented', status: 501 });
        await cleanup(Bucket, ['src']);
        return;
      }
      const c = await sdk.send(new CopyObjectCommand({ Bucket, Key: 'dst', CopySource: `${Bucket}/src`, ...copySsec(KEY), ...ssec(OTHER) }));
      expect([c.SSECustomerAlgorithm, c.SSECustomerKeyMD5]).toEqual(['AES256', md5b64(OTHER)]);
      expect(await (await sdk.send(new GetObjectCommand({ Bucket, Key: 'dst', ...ssec(OTHER) }))).Body!.transformToString()).toBe('copy me');
      const plain = await sdk.send(new CopyObjectCommand({ Bucket, Key: 'plain', CopySource: `${Bucket}/src`, ...copySsec(KEY) }));
      expect(plain.SSECustomerAlgorithm).toBeUndefined();
      expect(await (await sdk.send(new GetObjectCommand({ Bucket, Key: 'plain' }))).Body!.transformToString()).toBe('copy me');
      expect(await sdkError(sdk.send(new CopyObjectCommand({ Bucket, Key: 'x', CopySource: `${Bucket}/src` })))).toEqual({ code: 'InvalidRequest', status: 400 });
      await cleanup(Bucket, ['src', 'dst', 'plain']);
    });

    it('SSE-C multipart: CreateMultipartUpload, UploadPart and UploadPartCopy with the key, Complete; GET whole and by PartNumber', async () => {
      const Bucket = bucketName('mp');
      await sdk.send(new CreateBucketCommand({ Bucket }));
      const src = randomBytes(100_000);
      await sdk.send(new PutObjectCommand({ Bucket, Key: 'src', Body: src, ...ssec(OTHER) }));
      const create = await sdk.send(new CreateMultipartUploadCommand({ Bucket, Key: 'mp', ...ssec(KEY) }));
      expect([create.SSECustomerAlgorithm, create.SSECustomerKeyMD5]).toEqual(['AES256', md5b64(KEY)]);
      const UploadId = create.UploadId!;
      const p1 = randomBytes(5 * MiB + 1);
      const u1 = await sdk.send(new UploadPartCommand({ Bucket, Key: 'mp', UploadId, PartNumber: 1, Body: p1, ...ssec(KEY) }));
      expect(u1.SSECustomerKeyMD5).toBe(md5b64(KEY));
      // AWS: a part without the upload's key, or with another, is 400 InvalidRequest; RGW 16.2: InvalidArgument.
      const partError = { code: onRgw ? 'InvalidArgument' : 'InvalidRequest', status: 400 };
      expect(await sdkError(sdk.send(new UploadPartCommand({ Bucket, Key: 'mp', UploadId, PartNumber: 2, Body: 'x' })))).toEqual(partError);
      expect(await sdkError(sdk.send(new UploadPartCommand({ Bucket, Key: 'mp', UploadId, PartNumber: 2, Body: 'x', ...ssec(OTHER) })))).toEqual(partError);
      const copyPart = sdk.send(
        new UploadPartCopyCommand({ Bucket, Key: 'mp', UploadId, PartNumber: 2, CopySource: `${Bucket}/src`, CopySourceRange: 'bytes=10-50009', ...copySsec(OTHER), ...ssec(KEY) }),
      );
      let etag2: string | undefined;
      if (onRgw) {
        // RGW 16.2 copies no SSE-C source into a part (400 InvalidArgument); the part is uploaded instead.
        expect(await sdkError(copyPart)).toEqual({ code: 'InvalidArgument', status: 400 });
        etag2 = (await sdk.send(new UploadPartCommand({ Bucket, Key: 'mp', UploadId, PartNumber: 2, Body: src.subarray(10, 50010), ...ssec(KEY) }))).ETag;
      } else {
        const u2 = await copyPart;
        expect(u2.SSECustomerKeyMD5).toBe(md5b64(KEY));
        etag2 = u2.CopyPartResult!.ETag;
      }
      const done = await sdk.send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key: 'mp',
          UploadId,
          MultipartUpload: {
            Parts: [
              { PartNumber: 1, ETag: u1.ETag },
              { PartNumber: 2, ETag: etag2 },
            ],
          },
        }),
      );
      // RGW 16.2 answers an empty ETag to Complete of an SSE-C upload (checked directly too); HEAD has the -2 one.
      expect(done.ETag).toMatch(onRgw ? /^$/ : /-2"$/);
      expect((await sdk.send(new HeadObjectCommand({ Bucket, Key: 'mp', ...ssec(KEY) }))).ETag).toMatch(/^"[0-9a-f]{32}-2"$/);
      const whole = Buffer.concat([p1, src.subarray(10, 50010)]);
      const get = await sdk.send(new GetObjectCommand({ Bucket, Key: 'mp', ...ssec(KEY) }));
      expect(Buffer.from(await get.Body!.transformToByteArray()).equals(whole)).toBe(true);
      const part2 = await sdk.send(new GetObjectCommand({ Bucket, Key: 'mp', PartNumber: 2, ...ssec(KEY) }));
      const got2 = Buffer.from(await part2.Body!.transformToByteArray());
      // AWS: part 2 alone (206, x-amz-mp-parts-count). RGW 16.2 ignores partNumber on an SSE-C object: all of it, 200.
      expect(got2.equals(onRgw ? whole : src.subarray(10, 50010))).toBe(true);
      expect([part2.ContentRange, part2.PartsCount]).toEqual(onRgw ? [undefined, undefined] : [`bytes ${5 * MiB + 1}-${whole.length - 1}/${whole.length}`, 2]);
      const across = await sdk.send(new GetObjectCommand({ Bucket, Key: 'mp', Range: `bytes=${5 * MiB - 5}-${5 * MiB + 100}`, ...ssec(KEY) }));
      expect(Buffer.from(await across.Body!.transformToByteArray()).equals(whole.subarray(5 * MiB - 5, 5 * MiB + 101))).toBe(true);
      await cleanup(Bucket, ['src', 'mp']);
    });
    it('POST form with SSE-C fields and starts-with conditions on them: stored encrypted with the form key', async () => {
      const Bucket = bucketName('post');
      await sdk.send(new CreateBucketCommand({ Bucket }));
      const fields = {
        'Content-Type': 'text/plain',
        'x-amz-server-side-encryption-customer-algorithm': 'AES256',
        'x-amz-server-side-encryption-customer-key': KEY.toString('base64'),
        'x-amz-server-side-encryption-customer-key-MD5': md5b64(KEY),
      };
      const conditions = Object.keys(fields).map((f) => ['starts-with', `$${f}`, ''] as ['starts-with', string, string]);
      const post = createPresignedPost({
        bucket: Bucket,
        key: 'form.txt',
        credentials: ADMIN,
        endpoint: g.endpoint,
        forcePathStyle: true,
        fields: { ...fields, success_action_status: '201' },
        conditions: [...conditions, { success_action_status: '201' }],
      });
      const res = await postForm(post.url, formData(post.fields, 'posted secret'));
      expect([res.status, res.code]).toEqual([201, undefined]);
      const get = await sdk.send(new GetObjectCommand({ Bucket, Key: 'form.txt', ...ssec(KEY) }));
      expect([await get.Body!.transformToString(), get.SSECustomerKeyMD5]).toEqual(['posted secret', md5b64(KEY)]);
      expect((await sdkError(sdk.send(new GetObjectCommand({ Bucket, Key: 'form.txt' })))).status).toBe(400);
      // A key MD5 that does not match: 400 InvalidArgument, nothing stored.
      const bad = createPresignedPost({
        bucket: Bucket,
        key: 'bad.txt',
        credentials: ADMIN,
        endpoint: g.endpoint,
        forcePathStyle: true,
        fields: { ...fields, 'x-amz-server-side-encryption-customer-key-MD5': md5b64(OTHER) },
        conditions,
      });
      const refused = await postForm(bad.url, formData(bad.fields, 'never stored'));
      expect([refused.status, refused.code]).toEqual([400, 'InvalidArgument']);
      expect(await sdkError(sdk.send(new HeadObjectCommand({ Bucket, Key: 'bad.txt' })))).toMatchObject({ status: 404 });
      await cleanup(Bucket, ['form.txt']);
    });
  });
}
