import { describe, expect, it } from 'vitest';
import { loadS3Vector, s3VectorNames } from '@s3kit/test-utils';
import { fromBase64 } from '@s3kit/sigv4';
import { createPresignedPost, type PolicyCondition } from '../src/index.js';

interface Boto3Vector {
  inputs: {
    credentials: { access_key_id: string; secret_access_key: string; session_token: string | null };
    region: string;
    client_config_signature_version: string | null;
    now_utc: string;
    generate_presigned_post_kwargs: {
      Bucket: string;
      Key: string;
      Fields?: Record<string, string>;
      Conditions?: PolicyCondition[];
      ExpiresIn: number;
    };
  };
  expected: { url: string; fields_in_order: [string, string][]; policy_decoded: string };
}

const FILENAME = '${filename}';

/**
 * boto3 appends the bucket and key conditions to the caller's list in place, so the recorded
 * kwargs already hold them. Strip that tail to get what the caller passed.
 */
function callerConditions(v: Boto3Vector): PolicyCondition[] | undefined {
  const k = v.inputs.generate_presigned_post_kwargs;
  if (!k.Conditions) return undefined;
  const tail = JSON.stringify([{ bucket: k.Bucket }, k.Key.endsWith(FILENAME) ? ['starts-with', '$key', k.Key.slice(0, -FILENAME.length)] : { key: k.Key }]);
  const c = k.Conditions;
  return JSON.stringify(c.slice(-2)) === tail ? c.slice(0, -2) : c;
}

function run(v: Boto3Vector, conditions = callerConditions(v)) {
  const k = v.inputs.generate_presigned_post_kwargs;
  const cfg = v.inputs.client_config_signature_version;
  // boto3's default picks SigV2 in regions that accept it; SigV4-only regions get SigV4.
  const v2 = cfg === 's3' || (cfg === null && v.inputs.region === 'us-east-1');
  return createPresignedPost({
    bucket: k.Bucket,
    key: k.Key,
    ...(k.Fields ? { fields: k.Fields } : {}),
    ...(conditions ? { conditions } : {}),
    expiresIn: k.ExpiresIn,
    credentials: {
      accessKeyId: v.inputs.credentials.access_key_id,
      secretAccessKey: v.inputs.credentials.secret_access_key,
      sessionToken: v.inputs.credentials.session_token ?? undefined,
    },
    region: v.inputs.region,
    // boto3 posts to the global endpoint in every region.
    endpoint: 'https://s3.amazonaws.com',
    signatureVersion: v2 ? 'v2' : 'v4',
    now: Date.parse(v.inputs.now_utc),
  });
}

const names = s3VectorNames('boto3-presigned-post');

describe('createPresignedPost matches boto3 generate_presigned_post', () => {
  it('has the five boto3 vectors', () => {
    expect(names.length).toBe(5);
  });

  for (const name of names) {
    it(`${name}: same url, fields in the same order, same policy bytes and signature`, () => {
      const v = loadS3Vector<Boto3Vector>(name);
      const out = run(v);
      expect(out.url).toBe(v.expected.url);
      expect(Object.entries(out.fields)).toEqual(v.expected.fields_in_order);
      const policy = new TextDecoder().decode(fromBase64(out.fields['policy']!)!);
      expect(policy).toBe(v.expected.policy_decoded);
    });
  }

  it('drops a repeated bucket/key condition instead of signing it twice (kwargs as recorded)', () => {
    const v = loadS3Vector<Boto3Vector>('boto3-presigned-post-s3v4-fields-conditions');
    const out = run(v, v.inputs.generate_presigned_post_kwargs.Conditions);
    expect(Object.entries(out.fields)).toEqual(v.expected.fields_in_order);
  });
});
