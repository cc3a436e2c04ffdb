import { describe, expect, it } from 'vitest';
import { isS3Error } from '@s3kit/errors';
import { loadS3Vector, parseRawRequest, s3VectorNames } from '@s3kit/test-utils';
import { SigV2Signer, nobleCrypto, signPolicyV2, signatureV2, stringToSignV2, verifyV2, type V2Request } from '../src/index.js';

interface HeaderVector {
  id: string;
  inputs: { credentials: { access_key_id: string; secret_access_key: string }; request_as_documented: string };
  expected: { string_to_sign: string; signature: string; authorization: string };
}

const AKID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
/**
 * The guide's hosts: path-style `s3.us-west-1.amazonaws.com`, virtual-hosted
 * `<bucket>.s3.us-west-1.amazonaws.com`, once written `<bucket>.us-west-1.s3.amazonaws.com`
 * (Object GET), and a CNAME (`static.awsexamplebucket1.net:8080`).
 */
const ENDPOINTS = ['s3.us-west-1.amazonaws.com', 'us-west-1.s3.amazonaws.com'];
const getCredentials = (id: string) => (id === AKID ? { accessKeyId: AKID, secretAccessKey: SECRET } : undefined);

const headerNames = s3VectorNames('sigv2-authorization-header');

function requestOf(text: string, authorization?: string): V2Request & { headers: Array<[string, string]> } {
  const raw = parseRawRequest(text);
  const headers = raw.headers.map(([n, v]) => [n, v] as [string, string]);
  if (authorization !== undefined) headers.push(['Authorization', authorization]);
  return { method: raw.method, url: raw.target, headers };
}

function dateOf(req: { headers: Array<[string, string]> }): number {
  const h = req.headers.find(([n]) => n.toLowerCase() === 'x-amz-date') ?? req.headers.find(([n]) => n.toLowerCase() === 'date');
  return h === undefined ? NaN : Date.parse(h[1]);
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('SigV2 REST header vectors (S3 Developer Guide, RESTAuthentication)', () => {
  it('finds all 8 published header examples', () => {
    expect(headerNames).toHaveLength(8);
  });

  for (const name of headerNames) {
    const v = loadS3Vector<HeaderVector>(name);
    it(`${name}: string to sign and signature match the guide`, () => {
      const req = requestOf(v.inputs.request_as_documented);
      // 'date-line' only matters for the DELETE example (the only one with x-amz-date).
      const sts = stringToSignV2(req, { virtualHost: ENDPOINTS, amzDate: 'date-line' });
      expect(sts).toBe(v.expected.string_to_sign);
      expect(signatureV2(sts, v.inputs.credentials.secret_access_key)).toBe(v.expected.signature);
      expect(signatureV2(sts, v.inputs.credentials.secret_access_key, nobleCrypto)).toBe(v.expected.signature);
    });

    it(`${name}: SigV2Signer.sign produces the guide's Authorization header`, () => {
      const req = requestOf(v.inputs.request_as_documented);
      const signer = new SigV2Signer({ credentials: { accessKeyId: AKID, secretAccessKey: SECRET }, virtualHost: ENDPOINTS });
      const signed = signer.sign(req);
      if (name === 'sigv2-rest-delete-x-amz-date') {
        // Default x-amz-date rule (Date line empty, x-amz-date listed) differs from the page's form.
        expect(signed.stringToSign).toBe('DELETE\n\n\n\nx-amz-date:Tue, 27 Mar 2007 21:20:26 +0000\n/awsexamplebucket1/photos/puppy.jpg');
      } else {
        expect(signed.headers['authorization']).toBe(v.expected.authorization);
      }
    });

    it(`${name}: verifyV2 accepts the documented request`, async () => {
      const req = requestOf(v.inputs.request_as_documented, v.expected.authorization);
      const ok = await verifyV2(req, { getCredentials, clock: () => dateOf(req), virtualHost: ENDPOINTS });
      expect(ok).toMatchObject({ authType: 'header', accessKeyId: AKID, signature: v.expected.signature });
      expect(ok.stringToSign).toBe(v.expected.string_to_sign);
    });

    it(`${name}: verifyV2 rejects every single-byte change to a signed part or the signature`, async () => {
      const text = v.inputs.request_as_documented;
      const auth = v.expected.authorization;
      const original = requestOf(text);
      const clock = () => dateOf(original);
      const baseSts = stringToSignV2(original, { virtualHost: ENDPOINTS, amzDate: 'date-line' });
      let rejected = 0;
      for (let i = 0; i < text.length; i++) {
        const c = text[i]!;
        if (c === '\n') continue;
        const mutated = text.slice(0, i) + (c === 'a' ? 'b' : 'a') + text.slice(i + 1);
        let req;
        try {
          req = requestOf(mutated, auth);
        } catch {
          continue; // no longer an HTTP request
        }
        const sts = stringToSignV2(req, { virtualHost: ENDPOINTS, amzDate: 'date-line' });
        const result = await rejection(verifyV2(req, { getCredentials, clock, virtualHost: ENDPOINTS }));
        const mutatedDate = !Number.isFinite(dateOf(req)) || dateOf(req) !== clock();
        if (sts !== baseSts || mutatedDate) {
          expect(isS3Error(result), `byte ${i} (${JSON.stringify(c)}) changed what is signed`).toBe(true);
          rejected++;
        } else {
          // Unsigned bytes (User-Agent, Content-Length, list parameters) may change freely.
          expect(result).toBeUndefined();
        }
      }
      expect(rejected).toBeGreaterThan(20);
      const sig = v.expected.signature;
      for (let i = 0; i < sig.length; i++) {
        const bad = sig.slice(0, i) + (sig[i] === 'A' ? 'B' : 'A') + sig.slice(i + 1);
        const req = requestOf(text, `AWS ${AKID}:${bad}`);
        const err = await rejection(verifyV2(req, { getCredentials, clock, virtualHost: ENDPOINTS }));
        expect(err).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
      }
    });
  }

  it('accepts the x-amz-date request in both documented forms and reports which string was signed', async () => {
    const v = loadS3Vector<HeaderVector>('sigv2-rest-delete-x-amz-date');
    const signer = new SigV2Signer({ credentials: { accessKeyId: AKID, secretAccessKey: SECRET }, virtualHost: ENDPOINTS });
    const signed = signer.sign(requestOf(v.inputs.request_as_documented));
    const req = requestOf(v.inputs.request_as_documented, signed.headers['authorization']);
    const ok = await verifyV2(req, { getCredentials, clock: () => dateOf(req), virtualHost: ENDPOINTS });
    expect(ok.stringToSign).toBe(signed.stringToSign);
    expect(ok.stringToSign).not.toBe(v.expected.string_to_sign);
  });
});

interface QueryVector {
  inputs: { request_as_documented: string; expires: number };
  expected: {
    string_to_sign_as_documented: string;
    signature_as_documented: string;
    signature_url_encoded: string;
    signature_for_documented_string_to_sign: string;
    string_to_sign_that_produces_documented_signature: string;
  };
}

describe('SigV2 query-string auth vector (documented resource caveat)', () => {
  const v = loadS3Vector<QueryVector>('sigv2-rest-query-string-auth');
  const req = requestOf(v.inputs.request_as_documented);
  const before = (v.inputs.expires - 60) * 1000;

  it('builds the documented string to sign (Expires on the Date line) and its signature', () => {
    const sts = stringToSignV2(req, { virtualHost: ENDPOINTS, expires: String(v.inputs.expires) });
    expect(sts).toBe(v.expected.string_to_sign_as_documented);
    expect(signatureV2(sts, SECRET)).toBe(v.expected.signature_for_documented_string_to_sign);
    const old = stringToSignV2(req, { bucket: 'johnsmith', expires: String(v.inputs.expires) });
    expect(old).toBe(v.expected.string_to_sign_that_produces_documented_signature);
    expect(signatureV2(old, SECRET)).toBe(v.expected.signature_as_documented);
  });

  it('verifies the published URL against the johnsmith resource its signature was made for', async () => {
    const ok = await verifyV2(req, { getCredentials, clock: () => before, bucket: 'johnsmith' });
    expect(ok).toMatchObject({ authType: 'presigned', accessKeyId: AKID, expiresAt: v.inputs.expires * 1000 });
  });

  it('rejects the published URL for the displayed awsexamplebucket1 resource with SignatureDoesNotMatch (403)', async () => {
    const err = await rejection(verifyV2(req, { getCredentials, clock: () => before, virtualHost: ENDPOINTS }));
    expect(err).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
    expect((err as { details: Record<string, string> }).details['StringToSign']).toBe(v.expected.string_to_sign_as_documented);
  });

  it('presigns the same URL parameters (Signature URL-encoded)', () => {
    const signer = new SigV2Signer({ credentials: { accessKeyId: AKID, secretAccessKey: SECRET } });
    const signed = signer.presign({
      method: 'GET',
      url: 'https://johnsmith.s3.amazonaws.com/photos/puppy.jpg',
      bucket: 'johnsmith',
      expires: v.inputs.expires,
    });
    expect(signed.signature).toBe(v.expected.signature_as_documented);
    expect(signed.url).toBe(`https://johnsmith.s3.amazonaws.com/photos/puppy.jpg?AWSAccessKeyId=${AKID}&Expires=${v.inputs.expires}&Signature=${v.expected.signature_url_encoded}`);
  });

  it('rejects it after Expires with AccessDenied "Request has expired" (403)', async () => {
    const err = await rejection(verifyV2(req, { getCredentials, clock: () => (v.inputs.expires + 1) * 1000, bucket: 'johnsmith' }));
    expect(err).toMatchObject({ code: 'AccessDenied', status: 403, message: 'Request has expired' });
  });

  it('rejects any single-byte change of the query URL', async () => {
    const target = parseRawRequest(v.inputs.request_as_documented).target;
    const host = 'awsexamplebucket1.s3.us-west-1.amazonaws.com';
    let rejected = 0;
    for (let i = 0; i < target.length; i++) {
      const c = target[i]!;
      const mutated = target.slice(0, i) + (c === 'a' ? 'b' : 'a') + target.slice(i + 1);
      const err = await rejection(verifyV2({ method: 'GET', url: mutated, headers: { host } }, { getCredentials, clock: () => before, bucket: 'johnsmith' }));
      expect(isS3Error(err), `byte ${i} of ${target}`).toBe(true);
      rejected++;
    }
    expect(rejected).toBe(target.length);
  });
});

interface PostVector {
  inputs: { credentials: { secret_access_key_that_produces_the_signature: string }; policy_base64: string };
  expected: { string_to_sign: string; signature: string; signature_as_printed_in_docs?: string };
}

describe('SigV2 POST policy vectors (S3 Developer Guide, HTTPPOSTExamples)', () => {
  const names = s3VectorNames('sigv2-post-policy');
  it('finds both published POST examples', () => expect(names).toHaveLength(2));
  for (const name of names) {
    it(`${name}: base64(HMAC-SHA1(secret, policy)) matches`, () => {
      const v = loadS3Vector<PostVector>(name);
      const secret = v.inputs.credentials.secret_access_key_that_produces_the_signature;
      expect(v.expected.string_to_sign).toBe(v.inputs.policy_base64);
      expect(signPolicyV2(v.inputs.policy_base64, secret)).toBe(v.expected.signature);
      expect(signPolicyV2(v.inputs.policy_base64, secret, nobleCrypto)).toBe(v.expected.signature);
      if (v.expected.signature_as_printed_in_docs !== undefined) {
        // The text-area example prints ...WgF= (typo); the correct value ends in ...WgE=.
        expect(v.expected.signature_as_printed_in_docs).toBe('qA7FWXKq6VvU68lI9KdveT1cWgF=');
        expect(signPolicyV2(v.inputs.policy_base64, secret)).toBe('qA7FWXKq6VvU68lI9KdveT1cWgE=');
        expect(signPolicyV2(v.inputs.policy_base64, secret)).not.toBe(v.expected.signature_as_printed_in_docs);
      }
      // Any single-byte change of the policy changes the signature.
      const p = v.inputs.policy_base64;
      for (let i = 0; i < p.length; i += 7) {
        const mutated = p.slice(0, i) + (p[i] === 'A' ? 'B' : 'A') + p.slice(i + 1);
        expect(signPolicyV2(mutated, secret)).not.toBe(v.expected.signature);
      }
    });
  }
});
