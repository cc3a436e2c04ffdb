import { describe, expect, it } from 'vitest';
import { fromBase64 } from '@s3kit/sigv4';
import { createPresignedPost, PostPolicy, presignedPostPolicy } from './index.js';
import { pythonJson } from './policy-json.js';

const creds = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const decode = (b64: string) => new TextDecoder().decode(fromBase64(b64)!);
const NOW = Date.UTC(2013, 4, 24);

describe('policy JSON (Python json.dumps parity)', () => {
  it('escapes non-ASCII as \\uXXXX and uses ", " / ": " separators', () => {
    expect(pythonJson({ a: ['x', 1, 'é€😀'] })).toBe('{"a": ["x", 1, "\\u00e9\\u20ac\\ud83d\\ude00"]}');
    expect(pythonJson('q"\\\n\u0001/')).toBe('"q\\"\\\\\\n\\u0001/"');
  });
});

describe('createPresignedPost', () => {
  it('adds x-amz-checksum-sha256 and x-amz-checksum-algorithm as fields and exact conditions (upload ticket)', () => {
    const sha = '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=';
    const out = createPresignedPost({ bucket: 'tickets', key: 'in/a.bin', credentials: creds, checksumSha256: sha, now: NOW });
    expect(out.fields['x-amz-checksum-sha256']).toBe(sha);
    expect(out.fields['x-amz-checksum-algorithm']).toBe('SHA256');
    expect(out.expiration).toBe('2013-05-24T01:00:00Z');
    const policy = JSON.parse(decode(out.fields['policy']!)) as { conditions: unknown[] };
    expect(policy.conditions).toContainEqual({ 'x-amz-checksum-sha256': sha });
    expect(policy.conditions).toContainEqual({ 'x-amz-checksum-algorithm': 'SHA256' });
  });

  it('accepts ${filename} in any field, not only key (aws-sdk-js-v3 #7191 rejects it)', () => {
    const out = createPresignedPost({
      bucket: 'b1b',
      key: 'u/${filename}',
      fields: { 'Content-Disposition': 'attachment; filename="${filename}"' },
      conditions: [['starts-with', '$Content-Disposition', 'attachment; filename="']],
      credentials: creds,
    });
    expect(out.fields['Content-Disposition']).toBe('attachment; filename="${filename}"');
  });

  it('signs each condition once, treating {"f": v} and ["eq", "$f", v] as the same rule', () => {
    const out = createPresignedPost({
      bucket: 'b1b',
      key: 'k',
      conditions: [['eq', '$bucket', 'b1b'], { acl: 'private' }, ['eq', '$ACL', 'private'], ['content-length-range', 0, 9], ['content-length-range', 0, 9]],
      credentials: creds,
      now: NOW,
    });
    const conds = (JSON.parse(decode(out.fields['policy']!)) as { conditions: unknown[] }).conditions;
    expect(conds.slice(0, 4)).toEqual([['eq', '$bucket', 'b1b'], { acl: 'private' }, ['content-length-range', 0, 9], { key: 'k' }]);
  });

  it('rejects a condition S3 could not interpret', () => {
    expect(() => createPresignedPost({ bucket: 'b1b', key: 'k', credentials: creds, conditions: [['starts-with', 'key', 'x'] as never] })).toThrow(TypeError);
  });
});

describe('PostPolicy (MinIO parity)', () => {
  it('builds conditions and form data, signs with SigV4, defaults expiry to 7 days', () => {
    const p = new PostPolicy()
      .setBucket('photos')
      .setKeyStartsWith('user/')
      .setContentTypeStartsWith('image/')
      .setContentDisposition('inline')
      .setContentEncoding('gzip')
      .setContentLengthRange(1, 1024)
      .setUserMetaData({ owner: 'ann' })
      .setSuccessActionStatus(201)
      .setChecksum('47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
    const { postURL, formData } = presignedPostPolicy(p, { credentials: creds, region: 'us-east-1', endpoint: 'http://127.0.0.1:9000', now: NOW });
    expect(postURL).toBe('http://127.0.0.1:9000/photos');
    expect(formData).toMatchObject({
      bucket: 'photos',
      key: 'user/',
      'Content-Type': 'image/',
      'x-amz-meta-owner': 'ann',
      success_action_status: '201',
      'x-amz-algorithm': 'AWS4-HMAC-SHA256',
      'x-amz-credential': 'AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request',
      'x-amz-date': '20130524T000000Z',
    });
    const policy = JSON.parse(decode(formData['policy']!)) as { expiration: string; conditions: unknown[] };
    expect(policy.expiration).toBe('2013-05-31T00:00:00.000Z');
    expect(policy.conditions).toContainEqual(['content-length-range', 1, 1024]);
    expect(policy.conditions).toContainEqual(['starts-with', '$key', 'user/']);
  });

  it('rejects an inverted content-length-range', () => {
    expect(() => new PostPolicy().setContentLengthRange(5, 1)).toThrow(RangeError);
  });
});
