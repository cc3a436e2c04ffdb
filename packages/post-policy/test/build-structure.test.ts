import { describe, expect, it } from 'vitest';
import { loadS3Vector } from '@s3kit/test-utils';
import { fromBase64 } from '@s3kit/sigv4';
import { createPresignedPost, postUrl, type PolicyCondition } from '../src/index.js';

interface StructureCase {
  test: string;
  inputs?: Record<string, unknown>;
  expected: Record<string, unknown>;
}
const cases = loadS3Vector<{ cases: StructureCase[] }>('botocore-unit-presign-post-structure').cases;
const byTest = (suffix: string): StructureCase => cases.find((c) => c.test.endsWith(suffix))!;
const decode = (b64: string) => JSON.parse(new TextDecoder().decode(fromBase64(b64)!)) as { expiration: string; conditions: unknown[] };
const creds = { accessKeyId: 'access_key', secretAccessKey: 'secret_key' };

describe('botocore presigned POST structure (tests/unit/test_signers.py)', () => {
  it('TestGeneratePresignedPost: bucket and key conditions, key field, 3600 s default, virtual-hosted url', () => {
    const c = byTest('TestGeneratePresignedPost.test_generate_presigned_post');
    const now = Date.UTC(2014, 2, 10, 17, 2, 55);
    const out = createPresignedPost({ bucket: 'mybucket', key: 'mykey', credentials: creds, now });
    expect(out.url).toBe(c.expected['url']);
    const policy = decode(out.fields['policy']!);
    expect(policy.conditions.slice(0, 2)).toEqual(c.expected['conditions']);
    expect(out.fields['key']).toBe('mykey');
    expect(policy.expiration).toBe('2014-03-10T18:02:55Z');
  });

  it('with ${filename}: the key condition becomes starts-with on the prefix', () => {
    const c = byTest('test_generate_presigned_post_with_filename');
    const out = createPresignedPost({ bucket: 'mybucket', key: 'myprefix/${filename}', credentials: creds, signatureVersion: 'v2' });
    expect(decode(out.fields['policy']!).conditions).toEqual(c.expected['conditions']);
    expect(out.fields['key']).toBe('myprefix/${filename}');
  });

  it('with prefilled fields and conditions: neither is copied into the other', () => {
    const c = byTest('test_generate_presigned_post_with_prefilled');
    const out = createPresignedPost({
      bucket: 'mybucket',
      key: 'mykey',
      fields: { acl: 'public-read' },
      conditions: [{ acl: 'public-read' }],
      credentials: creds,
      signatureVersion: 'v2',
    });
    expect(decode(out.fields['policy']!).conditions).toEqual(c.expected['conditions']);
    const { AWSAccessKeyId, policy, signature, ...rest } = out.fields;
    expect([AWSAccessKeyId, typeof policy, typeof signature]).toEqual(['access_key', 'string', 'string']);
    expect(rest).toEqual(c.expected['fields']);
    // A field without a condition stays out of the policy.
    const extra = createPresignedPost({ bucket: 'b1b', key: 'k', fields: { acl: 'private' }, credentials: creds });
    expect(JSON.stringify(decode(extra.fields['policy']!).conditions)).not.toContain('acl');
  });

  it('SigV4 appends x-amz-algorithm, x-amz-credential, x-amz-date (and the token) as conditions and fields', () => {
    const c = byTest('TestS3SigV4Post.test_presign_post');
    const out = createPresignedPost({
      bucket: 'mybucket',
      key: 'mykey',
      credentials: { ...creds, sessionToken: 'my-token' },
      region: 'myregion',
      service: 'myservice',
      now: Date.UTC(2014, 0, 1),
    });
    const expectedFields = c.expected['fields'] as Record<string, string>;
    for (const name of ['x-amz-algorithm', 'x-amz-credential', 'x-amz-date']) expect(out.fields[name]).toBe(expectedFields[name]);
    expect(out.fields['x-amz-signature']).toMatch(/^[0-9a-f]{64}$/);
    expect(out.fields['x-amz-security-token']).toBe('my-token');
    const tail = decode(out.fields['policy']!).conditions.slice(-4);
    expect(tail).toEqual([...(c.expected['policy_decoded'] as { conditions: PolicyCondition[] }).conditions.slice(-3), { 'x-amz-security-token': 'my-token' }]);
  });
});

describe('post URL', () => {
  it('is virtual-hosted for DNS-safe buckets and path-style otherwise', () => {
    expect(postUrl('mybucket')).toBe('https://mybucket.s3.amazonaws.com/');
    expect(postUrl('mybucket', { region: 'eu-west-1' })).toBe('https://mybucket.s3.eu-west-1.amazonaws.com/');
    expect(postUrl('my.bucket', { region: 'eu-west-1' })).toBe('https://s3.eu-west-1.amazonaws.com/my.bucket');
    expect(postUrl('mybucket', { forcePathStyle: true })).toBe('https://s3.amazonaws.com/mybucket');
    expect(postUrl('My_Bucket')).toBe('https://s3.amazonaws.com/My_Bucket');
  });

  it('uses path-style on IP and localhost endpoints and keeps the port', () => {
    expect(postUrl('b1b', { endpoint: 'http://127.0.0.1:9000' })).toBe('http://127.0.0.1:9000/b1b');
    expect(postUrl('b1b', { endpoint: 'http://localhost:9000/' })).toBe('http://localhost:9000/b1b');
    expect(postUrl('b1b', { endpoint: 'https://storage.example.com:8443' })).toBe('https://b1b.storage.example.com:8443/');
  });
});
