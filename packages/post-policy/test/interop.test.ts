import { describe, expect, it } from 'vitest';
import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost as sdkCreatePresignedPost } from '@aws-sdk/s3-presigned-post';
import * as Minio from 'minio';
import { drain } from '@s3kit/test-utils';
import { verifyPost } from '../src/index.js';

const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const getCredentials = (id: string) => (id === credentials.accessKeyId ? { secretAccessKey: credentials.secretAccessKey } : undefined);

function browserPost(url: string, fields: Record<string, string>, file: File): Request {
  const fd = new FormData();
  for (const [n, v] of Object.entries(fields)) fd.append(n, v);
  fd.append('file', file);
  return new Request(url, { method: 'POST', body: fd });
}

describe('forms built by other clients verify', () => {
  it('@aws-sdk/s3-presigned-post (X-Amz-* field names, bucket field): accepted; over its content-length-range: EntityTooLarge', async () => {
    const client = new S3Client({ region: 'eu-west-1', credentials });
    const post = await sdkCreatePresignedPost(client, {
      Bucket: 'sdk-bucket',
      Key: 'uploads/${filename}',
      Conditions: [
        ['content-length-range', 0, 8],
        ['starts-with', '$Content-Type', 'text/'],
      ],
      Fields: { 'Content-Type': 'text/plain' },
      Expires: 600,
    });
    const ok = await verifyPost(browserPost(post.url, post.fields, new File(['12345678'], 'n.txt')), { bucket: 'sdk-bucket', getCredentials });
    expect(ok.key).toBe('uploads/n.txt');
    expect(ok.identity?.scope?.region).toBe('eu-west-1');
    expect(await drain(ok.file)).toHaveLength(8);
    const big = await verifyPost(browserPost(post.url, post.fields, new File(['123456789'], 'n.txt')), { bucket: 'sdk-bucket', getCredentials });
    await expect(drain(big.file)).rejects.toMatchObject({ code: 'EntityTooLarge' });
  });

  it('minio-js presignedPostPolicy: accepted; another key prefix: AccessDenied', async () => {
    const minio = new Minio.Client({ endPoint: '127.0.0.1', port: 9000, useSSL: false, ...{ accessKey: credentials.accessKeyId, secretKey: credentials.secretAccessKey }, region: 'us-east-1' });
    const policy = minio.newPostPolicy();
    policy.setBucket('minio-bucket');
    policy.setKeyStartsWith('photos/');
    policy.setContentType('image/png');
    policy.setContentLengthRange(1, 1024);
    policy.setUserMetaData({ owner: 'ann' });
    policy.setExpires(new Date(Date.now() + 600_000));
    const { postURL, formData } = await minio.presignedPostPolicy(policy);
    const fields = { ...formData, key: 'photos/cat.png' };
    const ok = await verifyPost(browserPost(postURL, fields, new File(['png'], 'cat.png')), { bucket: 'minio-bucket', getCredentials });
    expect(ok.metadata).toEqual({ owner: 'ann' });
    expect(ok.headers['content-type']).toBe('image/png');
    await drain(ok.file);
    const bad = verifyPost(browserPost(postURL, { ...formData, key: 'other/cat.png' }, new File(['png'], 'cat.png')), { bucket: 'minio-bucket', getCredentials });
    await expect(bad).rejects.toMatchObject({ code: 'AccessDenied', status: 403, message: 'Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "photos/"]' });
  });
});
