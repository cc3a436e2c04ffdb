import { describe, expect, it } from 'vitest';
import { drain, encodeMultipart, loadS3Vector, streamOf, type MultipartPart } from '@s3kit/test-utils';
import { toBase64, utf8, fromBase64 } from '@s3kit/sigv4';
import { verifyPost, type VerifyPostOptions } from '../src/index.js';

const S3_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const V2_DOC_SECRET = 'uV3F3YluFJax1cknvbcGwgjvx4QpvB+leU8dUj2o';

function request(parts: MultipartPart[], chunk = 7) {
  const { body, contentType } = encodeMultipart(parts);
  return { headers: { 'content-type': contentType }, body: streamOf(body, chunk), url: 'http://sigv4examplebucket.s3.amazonaws.com/' };
}

async function rejection(p: Promise<unknown>): Promise<{ code: string; status: number; message: string }> {
  try {
    const v = await p;
    if (v && typeof v === 'object' && 'file' in v) await drain((v as { file: ReadableStream<Uint8Array> }).file);
  } catch (e) {
    return e as { code: string; status: number; message: string };
  }
  throw new Error('expected a rejection');
}

interface V4Doc {
  inputs: { form_fields: [string, string][]; credentials: { access_key_id: string; secret_access_key: string } };
}
const v4 = loadS3Vector<V4Doc>('sigv4-post-policy-browser-upload');
const v4Opts: VerifyPostOptions = {
  bucket: 'sigv4examplebucket',
  getCredentials: (id) => (id === 'AKIAIOSFODNN7EXAMPLE' ? { secretAccessKey: S3_SECRET } : undefined),
  now: () => Date.UTC(2015, 11, 29, 12),
};
const photo = { filename: 'C:\\Users\\me\\Pictures\\photo.jpg', contentType: 'image/jpeg', data: 'jpeg bytes' };
const v4Parts = (fields = v4.inputs.form_fields): MultipartPart[] => [...fields, photo, ['submit', 'Upload to Amazon S3']];

describe('AWS SigV4 POST example (sigv4-post-example.html)', () => {
  it('verifies: key resolved from ${filename} without the client path, headers and metadata returned', async () => {
    const out = await verifyPost(request(v4Parts()), v4Opts);
    expect(out.key).toBe('user/user1/photo.jpg');
    expect(out.identity).toEqual({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', signatureVersion: 'v4', scope: { date: '20151229', region: 'us-east-1', service: 's3' } });
    expect(out.contentType).toBe('image/jpeg');
    expect(out.headers).toMatchObject({ 'content-type': 'image/jpeg', 'x-amz-acl': 'public-read', 'x-amz-meta-uuid': '14365123651274', 'x-amz-server-side-encryption': 'AES256' });
    expect(out.metadata).toEqual({ uuid: '14365123651274', tag: '' });
    expect(new TextDecoder().decode(await drain(out.file))).toBe('jpeg bytes');
    const res = out.success({ etag: '"abc"' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html?bucket=sigv4examplebucket&key=user%2Fuser1%2Fphoto.jpg&etag=%22abc%22');
  });

  // Each field replaced; the expected code says which check catches it.
  const expectations: Record<string, string | null> = {
    key: 'AccessDenied',
    acl: 'AccessDenied',
    success_action_redirect: 'AccessDenied',
    'Content-Type': 'AccessDenied',
    'x-amz-meta-uuid': 'AccessDenied',
    'x-amz-server-side-encryption': 'AccessDenied',
    'X-Amz-Credential': 'InvalidAccessKeyId',
    'X-Amz-Algorithm': 'InvalidArgument',
    'X-Amz-Date': 'AccessDenied',
    'x-amz-meta-tag': null, // ["starts-with", "$x-amz-meta-tag", ""] allows any value
    Policy: 'SignatureDoesNotMatch',
    'X-Amz-Signature': 'SignatureDoesNotMatch',
  };
  for (const [name, code] of Object.entries(expectations)) {
    it(`tampering with ${name} ${code === null ? 'is allowed by the policy' : `fails with ${code}`}`, async () => {
      const fields = v4.inputs.form_fields.map(([n, v]): [string, string] => {
        if (n !== name) return [n, v];
        if (n === 'Policy') return [n, toBase64(utf8(new TextDecoder().decode(fromBase64(v)!).replace('image/', 'text/')))];
        if (n === 'X-Amz-Signature') return [n, (v[0] === '8' ? '9' : '8') + v.slice(1)];
        return [n, `tampered-${v}`];
      });
      const p = verifyPost(request(v4Parts(fields)), v4Opts);
      if (code === null) {
        await expect(p).resolves.toMatchObject({ metadata: { tag: 'tampered-' } });
      } else {
        const e = await rejection(p);
        expect(e.code).toBe(code);
        expect(e.status).toBe(code === 'InvalidArgument' ? 400 : 403);
      }
    });
  }
});

interface V2Doc {
  inputs: { policy_base64: string; form_fields_from_sample_request: [string, string][] };
  expected: { signature: string };
}

describe('S3 legacy POST examples (SigV2, HTTPPOSTExamples.md)', () => {
  const v2Opts: VerifyPostOptions = {
    bucket: 'johnsmith',
    getCredentials: (id) => (id === 'AKIAIOSFODNN7EXAMPLE' ? { secretAccessKey: V2_DOC_SECRET } : undefined),
    now: () => Date.UTC(2007, 11, 1),
  };
  // The page renamed the bucket in its displayed form but kept the old signed policy; use the
  // values that policy signs (bucket johnsmith, redirect on johnsmith.s3.amazonaws.com).
  const johnsmith = (fields: [string, string][], redirect: string): MultipartPart[] => fields.map(([n, v]): [string, string] => [n, n === 'success_action_redirect' ? redirect : v]);

  it('file upload example verifies (signature 0RavWzkygo6QX9caELEqKi9kDbU=)', async () => {
    const v = loadS3Vector<V2Doc>('sigv2-post-policy-file-upload');
    const parts = johnsmith(v.inputs.form_fields_from_sample_request, 'http://johnsmith.s3.amazonaws.com/successful_upload.html');
    const out = await verifyPost(request([...parts, { filename: 'MyPicture.jpg', contentType: 'image/jpeg', data: '...file content...' }]), v2Opts);
    expect(out.key).toBe('user/eric/MyPicture.jpg');
    expect(out.identity).toEqual({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', signatureVersion: 'v2' });
    expect(await drain(out.file)).toHaveLength(18);
  });

  it('text area example verifies (signature ...WgE=, the corrected docs typo)', async () => {
    const v = loadS3Vector<V2Doc>('sigv2-post-policy-text-area-upload');
    const parts = johnsmith(v.inputs.form_fields_from_sample_request, 'http://johnsmith.s3.amazonaws.com/new_post.html');
    const out = await verifyPost(request([...parts, { data: '<html>entry</html>' }]), v2Opts);
    expect(out.key).toBe('user/eric/NewEntry.html');
    await drain(out.file);
  });

  it('fails with SignatureDoesNotMatch under the wJalr... secret, and for the printed typo signature', async () => {
    const v = loadS3Vector<V2Doc>('sigv2-post-policy-file-upload');
    const parts = johnsmith(v.inputs.form_fields_from_sample_request, 'http://johnsmith.s3.amazonaws.com/successful_upload.html');
    const wrongSecret = await rejection(verifyPost(request([...parts, photo]), { ...v2Opts, getCredentials: () => ({ secretAccessKey: S3_SECRET }) }));
    expect([wrongSecret.code, wrongSecret.status]).toEqual(['SignatureDoesNotMatch', 403]);
    const t = loadS3Vector<V2Doc>('sigv2-post-policy-text-area-upload');
    const typo = johnsmith(t.inputs.form_fields_from_sample_request, 'http://johnsmith.s3.amazonaws.com/new_post.html').map((p) =>
      Array.isArray(p) && p[0] === 'Signature' ? (['Signature', 'qA7FWXKq6VvU68lI9KdveT1cWgF='] as const) : p,
    );
    expect((await rejection(verifyPost(request([...typo, { data: 'x' }]), v2Opts))).code).toBe('SignatureDoesNotMatch');
  });

  it('as displayed (bucket awsexamplebucket1, another redirect) the signed policy rejects the form: AccessDenied', async () => {
    const v = loadS3Vector<V2Doc>('sigv2-post-policy-file-upload');
    const e = await rejection(verifyPost(request([...v.inputs.form_fields_from_sample_request, photo]), { ...v2Opts, bucket: 'awsexamplebucket1' }));
    expect(e.code).toBe('AccessDenied');
    expect(e.message).toBe('Invalid according to Policy: Policy Condition failed: ["eq", "$bucket", "johnsmith"]');
  });
});

interface PhpVector {
  inputs: { credentials: { session_token: string | null }; form_inputs_option: Record<string, string> };
  expected: { asserted_form_inputs: Record<string, string> };
}

describe('aws-sdk-php PostObjectV4 outputs (PHP JSON escapes, mixed-case X-Amz-* condition keys)', () => {
  for (const name of ['aws-sdk-php-postobjectv4-doc-example', 'aws-sdk-php-postobjectv4-doc-example-session-token']) {
    it(`${name} verifies`, async () => {
      const v = loadS3Vector<PhpVector>(name);
      const token = v.inputs.credentials.session_token ?? undefined;
      const fields: [string, string][] = [
        ...Object.entries(v.inputs.form_inputs_option),
        ['X-Amz-Credential', 'AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request'],
        ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
        ['X-Amz-Date', '20151229T0000Z'],
        ...Object.entries(v.expected.asserted_form_inputs),
      ];
      const out = await verifyPost(request([...fields, { filename: 'a.png', contentType: 'image/png', data: 'png' }]), {
        ...v4Opts,
        getCredentials: () => ({ secretAccessKey: S3_SECRET, sessionToken: token }),
        now: () => Date.UTC(2015, 11, 29, 0, 30),
      });
      expect(out.key).toBe('user/user1/');
      expect(out.identity?.sessionToken).toBe(token);
      await drain(out.file);
    });
  }
});
