import { describe, expect, it } from 'vitest';
import { drain, encodeMultipart, streamOf, type MultipartPart } from '@s3kit/test-utils';
import { toBase64, utf8 } from '@s3kit/sigv4';
import { createPresignedPost, verifyPost, type CreatePresignedPostInput, type PolicyCondition, type VerifyPostOptions } from '../src/index.js';

const creds = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const NOW = Date.UTC(2024, 0, 1);
const opts: VerifyPostOptions = {
  bucket: 'uploads',
  getCredentials: (id) => (id === creds.accessKeyId ? { secretAccessKey: creds.secretAccessKey } : undefined),
  now: () => NOW + 1000,
};

type Build = Partial<CreatePresignedPostInput>;
function form(build: Build = {}, edit: (f: [string, string][]) => [string, string][] = (f) => f): [string, string][] {
  const { fields } = createPresignedPost({ bucket: 'uploads', key: 'in/${filename}', credentials: creds, now: NOW, ...build });
  return edit(Object.entries(fields));
}
const file = (data: Uint8Array | string = 'hello', filename = 'a.txt'): MultipartPart => ({ filename, contentType: 'text/plain', data });

function req(parts: MultipartPart[], chunk = 1024) {
  const { body, contentType } = encodeMultipart(parts);
  return { headers: new Headers({ 'content-type': contentType }), body: streamOf(body, chunk) };
}

async function outcome(parts: MultipartPart[], o: Partial<VerifyPostOptions> = {}, chunk = 1024): Promise<{ code: string; status: number; message: string; phase: string }> {
  let phase = 'verify';
  try {
    const v = await verifyPost(req(parts, chunk), { ...opts, ...o });
    phase = 'stream';
    await drain(v.file);
  } catch (e) {
    const err = e as { code: string; status: number; message: string };
    return { code: err.code, status: err.status, message: err.message, phase };
  }
  return { code: 'OK', status: 200, message: '', phase: 'done' };
}

const set = (name: string, value: string) => (f: [string, string][]) => f.map(([n, v]): [string, string] => [n, n === name ? value : v]);
const add =
  (name: string, value: string, before = 'policy') =>
  (f: [string, string][]) => {
    const i = f.findIndex(([n]) => n === before);
    return [...f.slice(0, i), [name, value] as [string, string], ...f.slice(i)];
  };
const drop = (name: string) => (f: [string, string][]) => f.filter(([n]) => n !== name);
const policyOf = (doc: unknown) => toBase64(utf8(typeof doc === 'string' ? doc : JSON.stringify(doc)));

interface Case {
  name: string;
  parts: () => MultipartPart[];
  code: string;
  status: number;
  phase?: 'verify' | 'stream';
  message?: string | RegExp;
  options?: Partial<VerifyPostOptions>;
}

const ct = (c: PolicyCondition[], fields: Record<string, string>): Build => ({ conditions: c, fields });

const cases: Case[] = [
  // One per condition kind.
  {
    name: 'object-form exact match fails',
    parts: () => [...form(ct([{ acl: 'private' }], { acl: 'public-read' })), file()],
    code: 'AccessDenied',
    status: 403,
    message: 'Invalid according to Policy: Policy Condition failed: ["eq", "$acl", "private"]',
  },
  {
    name: 'eq array form fails',
    parts: () => [...form(ct([['eq', '$Content-Type', 'text/plain']], { 'Content-Type': 'text/html' })), file()],
    code: 'AccessDenied',
    status: 403,
    message: 'Invalid according to Policy: Policy Condition failed: ["eq", "$Content-Type", "text/plain"]',
  },
  { name: 'starts-with fails', parts: () => [...form({ key: 'in/x' }, set('key', 'out/x')), file()], code: 'AccessDenied', status: 403, message: /\["eq", "\$key", "in\/x"\]/ },
  {
    name: 'starts-with on the key prefix fails',
    parts: () => [...form({}, set('key', 'other/${filename}')), file()],
    code: 'AccessDenied',
    status: 403,
    message: 'Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "in/"]',
  },
  { name: 'starts-with "" fails when the field is absent', parts: () => [...form(ct([['starts-with', '$Content-Type', '']], {})), file()], code: 'AccessDenied', status: 403 },
  {
    name: 'starts-with on an exact-only field (success_action_status) fails',
    parts: () => [...form(ct([['starts-with', '$success_action_status', '2']], { success_action_status: '201' })), file()],
    code: 'AccessDenied',
    status: 403,
  },
  {
    name: 'a $Content-Type list fails when one member misses the prefix',
    parts: () => [...form(ct([['starts-with', '$Content-Type', 'image/']], { 'Content-Type': 'image/png, text/html' })), file()],
    code: 'AccessDenied',
    status: 403,
  },
  {
    name: 'a condition S3 cannot interpret (no $ before the field)',
    parts: () => [...handSigned([{ bucket: 'uploads' }, ['starts-with', 'key', 'in/']], [['key', 'in/a']]), file()],
    code: 'InvalidPolicyDocument',
    status: 400,
    message: 'Invalid Policy: Invalid Condition: ["starts-with", "key", "in/"]',
  },
  {
    name: 'a condition with an unknown operator',
    parts: () => [...handSigned([{ bucket: 'uploads' }, { key: 'in/a' }, ['ends-with', '$key', 'a']], [['key', 'in/a']]), file()],
    code: 'InvalidPolicyDocument',
    status: 400,
    message: 'Invalid Policy: Invalid Condition: unknown operation ends-with.',
  },
  {
    name: 'an object condition with two properties',
    parts: () => [...handSigned([{ bucket: 'uploads', key: 'in/a' }], [['key', 'in/a']]), file()],
    code: 'InvalidPolicyDocument',
    status: 400,
    message: /Simple-Conditions must have exactly one property/,
  },
  {
    name: 'conditions that are not a list',
    parts: () => [...form({}, set('policy', policyOf({ expiration: '2030-01-01T00:00:00Z', conditions: {} }))), file()],
    code: 'InvalidPolicyDocument',
    status: 400,
    message: "Invalid Policy: Invalid 'conditions' value: must be a List.",
  },
  {
    name: 'several fields without a condition are all named',
    parts: () => [...form({}, (f) => add('x-amz-meta-b', '2')(add('x-amz-meta-a', '1')(f))), file()],
    code: 'AccessDenied',
    status: 403,
    message: 'Invalid according to Policy: Extra input fields: x-amz-meta-a, x-amz-meta-b',
  },
  { name: 'signed policy without a signature field', parts: () => [...form({}, drop('x-amz-signature')), file()], code: 'InvalidArgument', status: 400, message: /'x-amz-signature'/ },
  { name: 'signature without a policy field', parts: () => [...form({}, drop('policy')), file()], code: 'InvalidArgument', status: 400, message: /'policy'/ },
  { name: 'content-length-range: one byte over the maximum', parts: () => [...form(ct([['content-length-range', 1, 4]], {})), file('hello')], code: 'EntityTooLarge', status: 400, phase: 'stream' },
  { name: 'content-length-range: below the minimum', parts: () => [...form(ct([['content-length-range', 6, 10]], {})), file('hello')], code: 'EntityTooSmall', status: 400, phase: 'stream' },
  { name: 'content-length-range: empty file with minimum 1', parts: () => [...form(ct([['content-length-range', 1, 10]], {})), file('')], code: 'EntityTooSmall', status: 400, phase: 'stream' },
  { name: 'no content-length-range: maxObjectSize applies', parts: () => [...form(), file('hello')], code: 'EntityTooLarge', status: 400, phase: 'stream', options: { maxObjectSize: 3 } },
  // Coverage and policy document.
  {
    name: 'a field without a condition',
    parts: () => [...form({}, add('x-amz-meta-extra', '1')), file()],
    code: 'AccessDenied',
    status: 403,
    message: 'Invalid according to Policy: Extra input fields: x-amz-meta-extra',
  },
  { name: 'a policy without a bucket condition', parts: () => [...form({ conditions: [] }, (f) => f), file()].map((p) => p), code: 'OK', status: 200 },
  {
    name: 'expired policy',
    parts: () => [...form({ expiresIn: 1 }), file()],
    code: 'AccessDenied',
    status: 403,
    message: 'Invalid according to Policy: Policy expired.',
    options: { now: () => NOW + 1000 },
  },
  { name: 'policy that is not base64', parts: () => [...form({}, set('policy', '%%%')), file()], code: 'InvalidPolicyDocument', status: 400 },
  {
    name: 'policy that is not JSON',
    parts: () => [...form({}, set('policy', policyOf('{"expiration": '))), file()],
    code: 'InvalidPolicyDocument',
    status: 400,
    message: 'Invalid Policy: Invalid JSON.',
  },
  { name: 'policy without expiration', parts: () => [...form({}, set('policy', policyOf({ conditions: [] }))), file()], code: 'InvalidPolicyDocument', status: 400 },
  { name: 'policy without conditions', parts: () => [...form({}, set('policy', policyOf({ expiration: '2030-01-01T00:00:00Z' }))), file()], code: 'InvalidPolicyDocument', status: 400 },
  { name: 'policy with a malformed expiration', parts: () => [...form({}, set('policy', policyOf({ expiration: 'tomorrow', conditions: [] }))), file()], code: 'InvalidPolicyDocument', status: 400 },
  {
    name: 'policy changed after signing',
    parts: () => [...form({}, set('policy', policyOf({ expiration: '2030-01-01T00:00:00Z', conditions: [{ bucket: 'uploads' }] }))), file()],
    code: 'SignatureDoesNotMatch',
    status: 403,
  },
  // Signature.
  { name: 'SigV4 signature wrong', parts: () => [...form({}, set('x-amz-signature', '0'.repeat(64))), file()], code: 'SignatureDoesNotMatch', status: 403 },
  { name: 'SigV2 signature wrong', parts: () => [...form({ signatureVersion: 'v2' }, set('signature', 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=')), file()], code: 'SignatureDoesNotMatch', status: 403 },
  { name: 'unknown access key', parts: () => [...form({ credentials: { ...creds, accessKeyId: 'AKIDUNKNOWN' } }), file()], code: 'InvalidAccessKeyId', status: 403 },
  { name: 'SigV2 unknown access key', parts: () => [...form({ signatureVersion: 'v2', credentials: { ...creds, accessKeyId: 'AKIDUNKNOWN' } }), file()], code: 'InvalidAccessKeyId', status: 403 },
  { name: 'malformed x-amz-credential', parts: () => [...form({}, set('x-amz-credential', 'AKIAIOSFODNN7EXAMPLE/2024/us-east-1')), file()], code: 'InvalidArgument', status: 400 },
  {
    name: 'session token missing for temporary credentials',
    parts: () => [...form(), file()],
    code: 'InvalidToken',
    status: 400,
    options: { getCredentials: () => ({ secretAccessKey: creds.secretAccessKey, sessionToken: 'tok' }) },
  },
  {
    name: 'no signature fields',
    parts: () => [...form({}, (f) => drop('x-amz-signature')(drop('x-amz-credential')(drop('x-amz-algorithm')(f)))), file()],
    code: 'InvalidArgument',
    status: 400,
    message: /'AWSAccessKeyId'/,
  },
  { name: 'no policy and no signature (anonymous)', parts: () => [['key', 'in/a'], file()], code: 'AccessDenied', status: 403 },
  // Form structure.
  { name: 'missing key field', parts: () => [...form({}, drop('key')), file()], code: 'InvalidArgument', status: 400, message: /'key'/ },
  { name: 'key resolving to empty', parts: () => [...form({ key: '${filename}' }), file('x', '')], code: 'UserKeyMustBeSpecified', status: 400 },
  { name: 'no file part', parts: () => [...form()], code: 'IncorrectNumberOfFilesInPostRequest', status: 400 },
  { name: 'two file parts', parts: () => [...form(), file(new Uint8Array(200_000)), file('b')], code: 'IncorrectNumberOfFilesInPostRequest', status: 400, phase: 'stream' },
  { name: 'two file parts in one chunk', parts: () => [...form(), file('a'), file('b')], code: 'IncorrectNumberOfFilesInPostRequest', status: 400 },
  { name: 'duplicate field', parts: () => [...form({}, add('key', 'in/b')), file()], code: 'InvalidArgument', status: 400 },
  { name: 'body cut before the closing boundary', parts: () => [...form(), file()], code: 'MalformedPOSTRequest', status: 400 },
  {
    name: 'too many fields',
    parts: () => [...form({}, (f) => [...Array.from({ length: 5 }, (_, i): [string, string] => [`x-ignore-${i}`, 'v']), ...f]), file()],
    code: 'MaxPostPreDataLengthExceededError',
    status: 400,
    options: { limits: { maxFields: 8 } },
  },
  {
    name: 'a field over maxFieldSize',
    parts: () => [...form({}, add('x-ignore-big', 'x'.repeat(5000))), file()],
    code: 'MaxPostPreDataLengthExceededError',
    status: 400,
    options: { limits: { maxFieldSize: 4096 } },
  },
  {
    name: 'fields over maxPreDataLength',
    parts: () => [...form({}, (f) => [...Array.from({ length: 4 }, (_, i): [string, string] => [`x-ignore-${i}`, 'y'.repeat(3000)]), ...f]), file()],
    code: 'MaxPostPreDataLengthExceededError',
    status: 400,
    options: { limits: { maxPreDataLength: 10000 } },
  },
  {
    name: 'part headers over maxHeaderSize',
    parts: () => [...form({}, (f) => [...Array.from({ length: 40 }, (_, i): [string, string] => [`x-ignore-${'n'.repeat(40)}-${i}`, '']), ...f]), file()],
    code: 'MaxPostPreDataLengthExceededError',
    status: 400,
    options: { limits: { maxHeaderSize: 2048 } },
  },
  // Checksums.
  { name: 'declared SHA-256 does not match the file', parts: () => [...form({ checksumSha256: toBase64(new Uint8Array(32)) }), file()], code: 'BadDigest', status: 400, phase: 'stream' },
  { name: 'declared SHA-256 that is not 32 bytes', parts: () => [...form({ checksumSha256: 'AAAA' }), file()], code: 'InvalidRequest', status: 400 },
];

describe('verifyPost negative cases (code and status)', () => {
  for (const c of cases) {
    it(`${c.name} → ${c.code}${c.code === 'OK' ? '' : ` (${c.status})`}`, async () => {
      let parts = c.parts();
      const o = c.options ?? {};
      if (c.name === 'body cut before the closing boundary') {
        const { body, contentType } = encodeMultipart(parts);
        const r = await outcomeRaw(body.slice(0, body.length - 20), contentType);
        expect([r.code, r.status]).toEqual([c.code, c.status]);
        return;
      }
      if (c.name === 'a policy without a bucket condition') {
        // boto3 always adds {"bucket": ...}; sign a policy without it by hand.
        parts = [...handSigned([{ key: 'in/a' }], [['key', 'in/a']]), file()];
        const r = await outcome(parts, o);
        expect(r.code).toBe('AccessDenied');
        expect(r.message).toBe('Invalid according to Policy: Extra input fields: bucket');
        return;
      }
      const r = await outcome(parts, o);
      expect([r.code, r.status]).toEqual([c.code, c.status]);
      if (c.phase !== undefined) expect(r.phase).toBe(c.phase);
      if (typeof c.message === 'string') expect(r.message).toBe(c.message);
      else if (c.message) expect(r.message).toMatch(c.message);
      void o;
    });
  }

  it('fails on a broken filename* parameter with MalformedPOSTRequest (400), not a URIError', async () => {
    const { body, contentType } = encodeMultipart([...form(), { data: 'x', filename: 'a.txt' }]);
    const text = new TextDecoder().decode(body).replace('filename="a.txt"', "filename*=UTF-8''%E0%A4%A");
    const r = await outcomeRaw(new TextEncoder().encode(text), contentType);
    expect([r.code, r.status]).toEqual(['MalformedPOSTRequest', 400]);
  });

  it('fails on a not-multipart request with RequestIsNotMultiPartContent (400)', async () => {
    const p = verifyPost({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: streamOf(utf8('a=b')) }, opts);
    await expect(p).rejects.toMatchObject({ code: 'RequestIsNotMultiPartContent', status: 400 });
  });
});

async function outcomeRaw(body: Uint8Array, contentType: string) {
  try {
    const v = await verifyPost({ headers: { 'content-type': contentType }, body: streamOf(body, 100) }, opts);
    await drain(v.file);
    return { code: 'OK', status: 200 };
  } catch (e) {
    return e as { code: string; status: number };
  }
}

function handSigned(conditions: unknown[], fields: [string, string][]): [string, string][] {
  // Sign an arbitrary policy: reuse createPresignedPost's signer through a throwaway form, then
  // re-sign the custom document with SigV2 (HMAC-SHA1 over the base64 text).
  const policy = policyOf({ expiration: '2030-01-01T00:00:00Z', conditions });
  const sig = v2sign(policy);
  return [...fields, ['AWSAccessKeyId', creds.accessKeyId], ['policy', policy], ['signature', sig]];
}

import { createHmac } from 'node:crypto';
function v2sign(policy: string): string {
  return createHmac('sha1', creds.secretAccessKey).update(policy).digest('base64');
}

describe('verifyPost accepts what S3 accepts', () => {
  it('ignores fields after the file, x-ignore-* fields, and non-file parts that carry a filename', async () => {
    const parts: MultipartPart[] = [
      { name: 'key', filename: 'blob', data: 'in/${filename}' },
      ...form({}, add('x-ignore-note', 'anything')).filter(([n]) => n !== 'key'),
      file('hello', '/home/u/notes.txt'),
      ['x-amz-meta-after', 'ignored'],
      ['submit', 'Upload'],
    ];
    const v = await verifyPost(req(parts, 3), opts);
    expect(v.key).toBe('in/notes.txt');
    expect(v.fields.has('x-amz-meta-after')).toBe(false);
    expect(new TextDecoder().decode(await drain(v.file))).toBe('hello');
  });

  it('matches field names case-insensitively (KEY, X-AMZ-SIGNATURE, Policy)', async () => {
    const parts = [...form({}, (f) => f.map(([n, v]): [string, string] => [n.toUpperCase(), v])), file()];
    const v = await verifyPost(req(parts), opts);
    expect(v.key).toBe('in/a.txt');
    await drain(v.file);
  });

  it('replaces ${filename} in every field, not only key', async () => {
    const parts = [
      ...form({
        fields: { 'Content-Disposition': 'attachment; filename="${filename}"' },
        conditions: [['starts-with', '$Content-Disposition', 'attachment; filename="']],
      }),
      file('x', 'C:\\tmp\\report.pdf'),
    ];
    const v = await verifyPost(req(parts), opts);
    expect(v.headers['content-disposition']).toBe('attachment; filename="report.pdf"');
  });

  it('accepts the exact content-length-range bounds and a matching SHA-256', async () => {
    const data = utf8('exactly-16-bytes');
    const sha = toBase64(new Uint8Array(await crypto.subtle.digest('SHA-256', data)));
    const parts = [...form({ checksumSha256: sha, conditions: [['content-length-range', 16, 16]] }), file(data)];
    const v = await verifyPost(req(parts, 5), opts);
    expect(v.headers['x-amz-checksum-sha256']).toBe(sha);
    expect(await drain(v.file)).toEqual(data);
  });

  it('errors the file stream with EntityTooLarge before delivering a byte past the maximum', async () => {
    const max = 100_000;
    const parts = [...form({ conditions: [['content-length-range', 0, max]] }), file(new Uint8Array(1_000_000))];
    const v = await verifyPost(req(parts, 4096), opts);
    let delivered = 0;
    const reader = v.file.getReader();
    const err = await (async () => {
      for (;;) {
        try {
          const { done, value } = await reader.read();
          if (done) return undefined;
          delivered += value.length;
        } catch (e) {
          return e as { code: string };
        }
      }
    })();
    expect(err?.code).toBe('EntityTooLarge');
    expect(delivered).toBeLessThanOrEqual(max);
  });
});

describe('success responses', () => {
  async function verified(fields: Record<string, string>, conditions: PolicyCondition[]) {
    const v = await verifyPost(req([...form({ fields, conditions }), file()]), opts);
    await drain(v.file);
    return v;
  }
  it('success_action_status 201 answers PostResponse XML with Location, Bucket, Key, ETag', async () => {
    const v = await verified({ success_action_status: '201' }, [{ success_action_status: '201' }]);
    const res = v.success({ etag: 'd41d8cd98f00b204e9800998ecf8427e', location: 'https://uploads.s3.amazonaws.com/in/a.txt' });
    expect(res.status).toBe(201);
    expect(await res.text()).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse><Location>https://uploads.s3.amazonaws.com/in/a.txt</Location><Bucket>uploads</Bucket><Key>in/a.txt</Key><ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag></PostResponse>',
    );
  });
  it('success_action_status 200 answers 200 with an empty body; default and unknown values answer 204', async () => {
    const ok = await verified({ success_action_status: '200' }, [{ success_action_status: '200' }]);
    const r200 = ok.success({ etag: '"e"' });
    expect([r200.status, await r200.text()]).toEqual([200, '']);
    expect((await verified({}, [])).success({ etag: '"e"' }).status).toBe(204);
    expect((await verified({ success_action_status: '404' }, [{ success_action_status: '404' }])).success({ etag: '"e"' }).status).toBe(204);
  });
  it('redirect (legacy field) answers 303; an invalid redirect URL is treated as absent', async () => {
    const r = (await verified({ redirect: 'https://app.example/done?x=1' }, [['starts-with', '$redirect', 'https://app.example/']])).success({ etag: '"e"' });
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('https://app.example/done?x=1&bucket=uploads&key=in%2Fa.txt&etag=%22e%22');
    const bad = await verified({ success_action_redirect: 'not a url', success_action_status: '201' }, [{ success_action_redirect: 'not a url' }, { success_action_status: '201' }]);
    expect(bad.success({ etag: '"e"' }).status).toBe(201);
  });
});
