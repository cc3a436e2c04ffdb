import { describe, expect, it } from 'vitest';
import { isS3Error, type S3Error } from '@s3kit/errors';
import { EMPTY_SHA256, SigV4Signer, SigV4Verifier, canonicalRequest, classifyAuth, defaultCrypto, toHeaderMap, toHex, type VerifyRequestInput } from '../src/index.js';

const AK = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const NOW = Date.parse('2013-05-24T00:00:00Z');
const URL_ = 'https://examplebucket.s3.amazonaws.com/photos/puppy.jpg';

const signer = (opts: { secret?: string; token?: string; region?: string; service?: string; at?: number } = {}) =>
  new SigV4Signer({
    credentials: { accessKeyId: AK, secretAccessKey: opts.secret ?? SECRET, sessionToken: opts.token },
    region: opts.region ?? 'us-east-1',
    service: opts.service ?? 's3',
    clock: () => opts.at ?? NOW,
  });

const verifier = (opts: { token?: string; now?: number; region?: string | string[] } = {}) =>
  new SigV4Verifier({
    getCredentials: async (ak) => (ak === AK ? { secretAccessKey: SECRET, sessionToken: opts.token } : undefined),
    region: opts.region ?? 'us-east-1',
    clock: () => opts.now ?? NOW,
  });

/** A request as the server receives it: target only, headers as pairs. */
function wire(s: { method: string; url: string; headers: Record<string, string> }, edit?: (h: Record<string, string>) => void): VerifyRequestInput & { url: string; headers: Record<string, string> } {
  const headers = { ...s.headers };
  edit?.(headers);
  const url = s.url.slice(s.url.indexOf('/', 8));
  return { method: s.method, url, headers };
}

const get = () => signer().sign({ method: 'GET', url: URL_ });
const presigned = (expiresIn = 3600, at = NOW) => signer({ at }).presign({ method: 'GET', url: URL_, expiresIn });

async function failure(v: SigV4Verifier, req: VerifyRequestInput): Promise<S3Error> {
  try {
    await v.verify(req);
  } catch (e) {
    if (!isS3Error(e)) throw e;
    // No error ever carries the secret.
    expect(JSON.stringify({ ...e.toJSON(), details: e.details })).not.toContain(SECRET);
    return e;
  }
  throw new Error('verify() accepted the request');
}

const withAuth = (edit: (a: string) => string) => (h: Record<string, string>) => {
  h['authorization'] = edit(h['authorization']!);
};

describe('verify: accepts', () => {
  it('accepts a header-signed GET and returns the typed result', async () => {
    const s = get();
    const v = await verifier().verify(wire(s));
    expect(v).toMatchObject({
      authType: 'header',
      accessKeyId: AK,
      region: 'us-east-1',
      service: 's3',
      date: '20130524',
      amzDate: '20130524T000000Z',
      credentialScope: '20130524/us-east-1/s3/aws4_request',
      signedHeaders: ['host', 'x-amz-content-sha256', 'x-amz-date'],
      payloadMode: 'sha256',
      signature: s.signature,
    });
    // The signing key handle signs chunk strings exactly like the client's.
    expect(v.signingKey.sign('x')).toBe(s.signingKey.sign('x'));
    expect(JSON.stringify(v)).not.toContain(SECRET);
  });

  it('accepts a region from a list or a predicate', async () => {
    const s = signer({ region: 'eu-west-1' }).sign({ method: 'GET', url: URL_ });
    await expect(verifier({ region: ['us-east-1', 'eu-west-1'] }).verify(wire(s))).resolves.toMatchObject({ region: 'eu-west-1' });
    const byPredicate = new SigV4Verifier({ getCredentials: () => ({ secretAccessKey: SECRET }), region: (r) => r.startsWith('eu-'), clock: () => NOW });
    await expect(byPredicate.verify(wire(s))).resolves.toMatchObject({ region: 'eu-west-1' });
  });

  it('accepts a request dated by the Date header alone (no x-amz-date), as S3 does', async () => {
    // Our signer always sends x-amz-date, so build the Date-only client by hand from the primitives.
    const headers = toHeaderMap({ host: 'examplebucket.s3.amazonaws.com', date: 'Fri, 24 May 2013 00:00:00 GMT', 'x-amz-content-sha256': EMPTY_SHA256 });
    const names = ['date', 'host', 'x-amz-content-sha256'];
    const creq = canonicalRequest('GET', '/photos/puppy.jpg', '', headers, names, EMPTY_SHA256);
    const scope = '20130524/us-east-1/s3/aws4_request';
    const sts = `AWS4-HMAC-SHA256\n20130524T000000Z\n${scope}\n${toHex(defaultCrypto().sha256(creq))}`;
    const sig = signer().signingKey('20130524').sign(sts);
    const authorization = `AWS4-HMAC-SHA256 Credential=${AK}/${scope}, SignedHeaders=${names.join(';')}, Signature=${sig}`;
    const req = { method: 'GET', url: '/photos/puppy.jpg', headers: { ...Object.fromEntries(headers), authorization } };
    await expect(verifier().verify(req)).resolves.toMatchObject({ amzDate: '20130524T000000Z', signature: sig });
    // And the Date header then counts for the skew check.
    await expect(verifier({ now: NOW + 20 * 60_000 }).verify(req)).rejects.toMatchObject({ code: 'RequestTimeTooSkewed', details: { RequestTime: 'Fri, 24 May 2013 00:00:00 GMT' } });
  });

  it('accepts a presigned URL whose session token travels as a signed x-amz-security-token header', async () => {
    const p = signer().presign({
      method: 'GET',
      url: URL_,
      headers: { 'x-amz-security-token': 'FQoGZXIvYXdzEXAMPLE' },
      keepHeaders: ['x-amz-security-token'],
    });
    expect(p.signedHeaders).toBe('host;x-amz-security-token');
    await expect(verifier({ token: 'FQoGZXIvYXdzEXAMPLE' }).verify(wire(p))).resolves.toMatchObject({ sessionToken: 'FQoGZXIvYXdzEXAMPLE' });
  });

  it('accepts the Authorization components in any order and with any spacing after commas, as S3 does', async () => {
    const s = get();
    const m = /^AWS4-HMAC-SHA256 (Credential=[^,]+), (SignedHeaders=[^,]+), (Signature=[0-9a-f]+)$/.exec(s.headers['authorization']!)!;
    const [, c, h, sig] = m;
    for (const auth of [`AWS4-HMAC-SHA256 ${sig},${c},${h}`, `AWS4-HMAC-SHA256  ${h} ,  ${sig},\t${c}`, `AWS4-HMAC-SHA256\t${c},${h},${sig}`]) {
      await expect(verifier().verify(wire(s, (hd) => (hd['authorization'] = auth)))).resolves.toMatchObject({ signature: s.signature });
    }
    const dup = await failure(
      verifier(),
      wire(s, (hd) => (hd['authorization'] = `AWS4-HMAC-SHA256 ${c}, ${c}, ${sig}`)),
    );
    expect(dup).toMatchObject({ code: 'AuthorizationHeaderMalformed', status: 400 });
  });

  it('answers a repeated Authorization prefix exactly as a fresh parse would (trailing text, extra components)', async () => {
    const v = verifier();
    const s = get();
    await v.verify(wire(s));
    // Same text up to Signature=, then: trailing whitespace (trimmed), an extra component, a comma.
    await expect(
      v.verify(
        wire(
          s,
          withAuth((a) => `${a} \t`),
        ),
      ),
    ).resolves.toMatchObject({ signature: s.signature });
    expect(
      await failure(
        v,
        wire(
          s,
          withAuth((a) => `${a}, Foo=bar`),
        ),
      ),
    ).toMatchObject({ code: 'AuthorizationHeaderMalformed', status: 400 });
    expect(
      await failure(
        v,
        wire(
          s,
          withAuth((a) => `${a},`),
        ),
      ),
    ).toMatchObject({ code: 'AuthorizationHeaderMalformed', status: 400 });
    expect(
      await failure(
        v,
        wire(
          s,
          withAuth((a) => `${a.slice(0, -1)}0`),
        ),
      ),
    ).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
    // And the next request of the client still verifies.
    const later = signer({ at: NOW + 1000 }).sign({ method: 'GET', url: URL_ });
    await expect(v.verify(wire(later))).resolves.toMatchObject({ signature: later.signature });
  });

  it('reuses the derived key per access key and scope, and never serves a key derived from a rotated secret', async () => {
    let secret = SECRET;
    const v = new SigV4Verifier({ getCredentials: () => ({ secretAccessKey: secret }), region: 'us-east-1', clock: () => NOW });
    const a = await v.verify(wire(get()));
    const b = await v.verify(wire(get()));
    expect(b.signingKey).toBe(a.signingKey);
    secret = 'rotated/secret/value/000000000000000000000';
    const e = await v.verify(wire(get())).catch((x: unknown) => x as S3Error);
    expect(e).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
  });
});

describe('verify: rejects with the S3 error', () => {
  it('rejects a request signed with another secret with SignatureDoesNotMatch (403), showing canonical request and string to sign, never the secret', async () => {
    const s = signer({ secret: 'not-the-right-secret-not-the-right-secret' }).sign({ method: 'GET', url: URL_ });
    const e = await failure(verifier(), wire(s));
    expect(e).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
    expect(e.details).toMatchObject({
      AWSAccessKeyId: AK,
      CanonicalRequest: s.canonicalRequest,
      StringToSign: s.stringToSign,
      SignatureProvided: s.signature,
    });
    expect(e.details['StringToSignBytes']!.startsWith('41 57 53 34 2d 48 4d 41 43')).toBe(true);
  });

  it('rejects a tampered path with SignatureDoesNotMatch (403)', async () => {
    const req = wire(get());
    const e = await failure(verifier(), { ...req, url: '/photos/kitten.jpg' });
    expect(e).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
  });

  it('rejects an expired presigned URL with AccessDenied "Request has expired" (403) and X-Amz-Expires, Expires, ServerTime', async () => {
    const e = await failure(verifier({ now: NOW + 3601_000 }), wire(presigned(3600)));
    expect(e).toMatchObject({ code: 'AccessDenied', status: 403, message: 'Request has expired' });
    expect(e.details).toEqual({ 'X-Amz-Expires': '3600', Expires: '2013-05-24T01:00:00Z', ServerTime: '2013-05-24T01:00:01Z' });
  });

  it('rejects a presigned URL dated more than the allowed skew in the future with AccessDenied "Request is not valid yet" (403)', async () => {
    const e = await failure(verifier(), wire(presigned(3600, NOW + 16 * 60_000)));
    expect(e).toMatchObject({ code: 'AccessDenied', status: 403, message: 'Request is not valid yet' });
    // Within the skew it is fine.
    await expect(verifier().verify(wire(presigned(3600, NOW + 14 * 60_000)))).resolves.toMatchObject({ authType: 'presigned' });
  });

  it('rejects a header-signed request without x-amz-date or Date with AccessDenied (403)', async () => {
    const e = await failure(
      verifier(),
      wire(get(), (h) => delete h['x-amz-date']),
    );
    expect(e).toMatchObject({ code: 'AccessDenied', status: 403, message: 'AWS authentication requires a valid Date or x-amz-date header' });
  });

  it('rejects a malformed x-amz-date with AccessDenied (403)', async () => {
    const e = await failure(
      verifier(),
      wire(get(), (h) => (h['x-amz-date'] = '2013-05-24T00:00:00Z')),
    );
    expect(e).toMatchObject({ code: 'AccessDenied', status: 403 });
  });

  it('rejects an x-amz-* header added after signing with AccessDenied "There were headers present in the request which were not signed" (403)', async () => {
    const e = await failure(
      verifier(),
      wire(get(), (h) => (h['x-amz-meta-owner'] = 'mallory')),
    );
    expect(e).toMatchObject({ code: 'AccessDenied', status: 403, message: 'There were headers present in the request which were not signed' });
    expect(e.details).toEqual({ HeadersNotSigned: 'x-amz-meta-owner' });
  });

  it('rejects an x-amz-* header added to a presigned URL request with AccessDenied (403), but ignores an unsigned x-amz-content-sha256 as S3 does', async () => {
    const p = presigned();
    const e = await failure(verifier(), { ...wire(p), headers: { ...p.headers, 'x-amz-acl': 'public-read' } });
    expect(e).toMatchObject({ code: 'AccessDenied', status: 403, details: { HeadersNotSigned: 'x-amz-acl' } });
    await expect(verifier().verify({ ...wire(p), headers: { ...p.headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } })).resolves.toMatchObject({
      payloadHash: 'UNSIGNED-PAYLOAD',
    });
  });

  it('rejects a request whose SignedHeaders leaves out host with AccessDenied (403, HeadersNotSigned host)', async () => {
    const e = await failure(
      verifier(),
      wire(
        get(),
        withAuth((a) => a.replace('SignedHeaders=host;', 'SignedHeaders=')),
      ),
    );
    expect(e).toMatchObject({ code: 'AccessDenied', status: 403, details: { HeadersNotSigned: 'host' } });
  });

  it('rejects a credential for another region with AuthorizationHeaderMalformed (400) naming the expected Region', async () => {
    const s = signer({ region: 'us-west-2' }).sign({ method: 'GET', url: URL_ });
    const e = await failure(verifier({ region: 'eu-central-1' }), wire(s));
    expect(e).toMatchObject({
      code: 'AuthorizationHeaderMalformed',
      status: 400,
      message: "The authorization header is malformed; the region 'us-west-2' is wrong; expecting 'eu-central-1'",
      details: { Region: 'eu-central-1' },
    });
  });

  it('rejects an Authorization header without Signature with AuthorizationHeaderMalformed (400)', async () => {
    const e = await failure(
      verifier(),
      wire(
        get(),
        withAuth((a) => a.slice(0, a.indexOf(', Signature='))),
      ),
    );
    expect(e).toMatchObject({
      code: 'AuthorizationHeaderMalformed',
      status: 400,
      message: 'The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature.',
    });
  });

  it('rejects a credential with four parts with AuthorizationHeaderMalformed (400)', async () => {
    const e = await failure(
      verifier(),
      wire(
        get(),
        withAuth((a) => a.replace('/aws4_request', '')),
      ),
    );
    expect(e).toMatchObject({ code: 'AuthorizationHeaderMalformed', status: 400 });
    expect(e.message).toContain('the Credential is mal-formed');
  });

  it('rejects a credential for another service or terminal with AuthorizationHeaderMalformed (400)', async () => {
    const svc = await failure(
      verifier(),
      wire(
        get(),
        withAuth((a) => a.replace('/s3/', '/ec2/')),
      ),
    );
    expect(svc).toMatchObject({ code: 'AuthorizationHeaderMalformed', status: 400, message: 'The authorization header is malformed; incorrect service "ec2". This endpoint belongs to "s3".' });
    const term = await failure(
      verifier(),
      wire(
        get(),
        withAuth((a) => a.replace('/aws4_request', '/aws4_requests')),
      ),
    );
    expect(term).toMatchObject({ code: 'AuthorizationHeaderMalformed', status: 400 });
  });

  it('rejects a scope date that is not the x-amz-date day with AuthorizationHeaderMalformed (400)', async () => {
    const e = await failure(
      verifier(),
      wire(
        get(),
        withAuth((a) => a.replace('/20130524/', '/20130523/')),
      ),
    );
    expect(e).toMatchObject({
      code: 'AuthorizationHeaderMalformed',
      status: 400,
      message: 'The authorization header is malformed; Invalid credential date "20130523". This date is not the same as X-Amz-Date: "20130524".',
    });
  });

  it('rejects a presigned URL without X-Amz-Signature with AuthorizationQueryParametersError (400)', async () => {
    const p = wire(presigned());
    const e = await failure(verifier(), { ...p, url: p.url.replace(/&X-Amz-Signature=[0-9a-f]+/, '') });
    expect(e).toMatchObject({ code: 'AuthorizationQueryParametersError', status: 400 });
    expect(e.message).toContain('requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires');
  });

  it.each([
    ['604801', 'X-Amz-Expires must be less than a week'],
    ['0', 'X-Amz-Expires must be at least 1 second'],
    ['-5', 'X-Amz-Expires must be non-negative'],
    ['1h', 'X-Amz-Expires should be a number'],
  ])('rejects X-Amz-Expires=%s with AuthorizationQueryParametersError (400)', async (value, text) => {
    const p = wire(presigned());
    const e = await failure(verifier(), { ...p, url: p.url.replace('X-Amz-Expires=3600', `X-Amz-Expires=${value}`) });
    expect(e).toMatchObject({ code: 'AuthorizationQueryParametersError', status: 400 });
    expect(e.message).toContain(text);
  });

  it('rejects a presigned credential for another region with AuthorizationQueryParametersError (400) naming the expected Region', async () => {
    const p = signer({ region: 'ap-south-1' }).presign({ method: 'GET', url: URL_ });
    const e = await failure(verifier(), wire(p));
    expect(e).toMatchObject({
      code: 'AuthorizationQueryParametersError',
      status: 400,
      message: "Error parsing the X-Amz-Credential parameter; the region 'ap-south-1' is wrong; expecting 'us-east-1'",
      details: { Region: 'us-east-1' },
    });
  });

  it('rejects a presigned URL with a malformed X-Amz-Date or another algorithm with AuthorizationQueryParametersError (400)', async () => {
    const p = wire(presigned());
    const date = await failure(verifier(), { ...p, url: p.url.replace('X-Amz-Date=20130524T000000Z', 'X-Amz-Date=20130524') });
    expect(date).toMatchObject({ code: 'AuthorizationQueryParametersError', status: 400 });
    const alg = await failure(verifier(), { ...p, url: p.url.replace('X-Amz-Algorithm=AWS4-HMAC-SHA256', 'X-Amz-Algorithm=AWS4-HMAC-SHA1') });
    expect(alg).toMatchObject({ code: 'AuthorizationQueryParametersError', status: 400, message: 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"' });
  });

  it('rejects a header-signed request 16 minutes off the server clock with RequestTimeTooSkewed (403) and RequestTime, ServerTime, MaxAllowedSkewMilliseconds', async () => {
    const e = await failure(verifier({ now: NOW + 16 * 60_000 }), wire(get()));
    expect(e).toMatchObject({ code: 'RequestTimeTooSkewed', status: 403 });
    expect(e.details).toEqual({ RequestTime: '20130524T000000Z', ServerTime: '2013-05-24T00:16:00Z', MaxAllowedSkewMilliseconds: '900000' });
    await expect(verifier({ now: NOW - 14 * 60_000 }).verify(wire(get()))).resolves.toBeDefined();
  });

  it('rejects an unknown access key with InvalidAccessKeyId (403)', async () => {
    const s = new SigV4Signer({ credentials: { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: SECRET }, region: 'us-east-1', clock: () => NOW }).sign({ method: 'GET', url: URL_ });
    const e = await failure(verifier(), wire(s));
    expect(e).toMatchObject({ code: 'InvalidAccessKeyId', status: 403, details: { AWSAccessKeyId: 'AKIAUNKNOWN000000000' } });
  });

  it('rejects temporary credentials used without their session token with MissingSecurityHeader (400)', async () => {
    const e = await failure(verifier({ token: 'FQoGZXIvYXdzEXAMPLE' }), wire(get()));
    expect(e).toMatchObject({ code: 'MissingSecurityHeader', status: 400 });
  });

  it('rejects a wrong or unexpected session token with InvalidToken (400), header and presigned', async () => {
    const withToken = signer({ token: 'stolen-or-stale-token' });
    const e = await failure(verifier({ token: 'FQoGZXIvYXdzEXAMPLE' }), wire(withToken.sign({ method: 'GET', url: URL_ })));
    expect(e).toMatchObject({ code: 'InvalidToken', status: 400 });
    const q = await failure(verifier(), wire(withToken.presign({ method: 'GET', url: URL_ })));
    expect(q).toMatchObject({ code: 'InvalidToken', status: 400 });
    const good = signer({ token: 'FQoGZXIvYXdzEXAMPLE' }).presign({ method: 'GET', url: URL_ });
    await expect(verifier({ token: 'FQoGZXIvYXdzEXAMPLE' }).verify(wire(good))).resolves.toMatchObject({ sessionToken: 'FQoGZXIvYXdzEXAMPLE' });
  });

  it('rejects an S3 header-signed request without x-amz-content-sha256 with InvalidRequest (400)', async () => {
    const s = signer().sign({ method: 'GET', url: URL_ });
    const e = await failure(
      verifier(),
      wire(s, (h) => delete h['x-amz-content-sha256']),
    );
    expect(e).toMatchObject({ code: 'InvalidRequest', status: 400, message: 'Missing required header for this request: x-amz-content-sha256' });
  });

  it('rejects a SigV2 Authorization header with InvalidRequest (400) "Please use AWS4-HMAC-SHA256"', async () => {
    const e = await failure(verifier(), {
      method: 'GET',
      url: '/photos/puppy.jpg',
      headers: { host: 'examplebucket.s3.amazonaws.com', date: 'Fri, 24 May 2013 00:00:00 GMT', authorization: `AWS ${AK}:bWq2s1WEIj+Ydj0vQ697zp+IXMU=` },
    });
    expect(e).toMatchObject({ code: 'InvalidRequest', status: 400 });
    expect(e.message).toContain('Please use AWS4-HMAC-SHA256');
  });

  it('rejects an invalid x-amz-content-sha256 with InvalidArgument (400)', async () => {
    const s = signer().sign({ method: 'PUT', url: URL_, payloadHash: 'not-a-hash' });
    const e = await failure(verifier(), wire(s));
    expect(e).toMatchObject({ code: 'InvalidArgument', status: 400, details: { ArgumentName: 'x-amz-content-sha256', ArgumentValue: 'not-a-hash' } });
  });

  it('rejects header and query auth together with InvalidArgument "Only one auth mechanism allowed" (400)', async () => {
    const p = presigned();
    const h = get();
    const e = await failure(verifier(), { ...wire(p), headers: { ...p.headers, authorization: h.headers['authorization']! } });
    expect(e).toMatchObject({ code: 'InvalidArgument', status: 400 });
    expect(e.message).toContain('Only one auth mechanism allowed');
  });

  it('rejects a foreign Authorization scheme with InvalidArgument "Unsupported Authorization Type" (400) without echoing the credential', async () => {
    const e = await failure(verifier(), { method: 'GET', url: '/photos/puppy.jpg', headers: { host: 'examplebucket.s3.amazonaws.com', authorization: 'Bearer eyJhbGciOi.secret-token' } });
    expect(e).toMatchObject({ code: 'InvalidArgument', status: 400, message: 'Unsupported Authorization Type', details: { ArgumentName: 'Authorization', ArgumentValue: 'Bearer' } });
    expect(JSON.stringify(e.details)).not.toContain('secret-token');
  });

  it('rejects a body that is not the signed one with XAmzContentSHA256Mismatch (400)', async () => {
    const s = signer().sign({ method: 'PUT', url: URL_, body: 'Welcome to Amazon S3.' });
    const v = verifier();
    const ok = await v.verify(wire(s));
    expect(() => v.checkPayload(ok, 'Welcome to Amazon S3.')).not.toThrow();
    const checker = v.payloadChecker(ok);
    checker.update('Welcome to ');
    checker.update('Amazon S4.');
    let err: unknown;
    try {
      checker.finish();
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'XAmzContentSHA256Mismatch', status: 400, details: { ClientComputedContentSHA256: ok.payloadHash } });
  });

  it('rejects an anonymous request passed to verify with AccessDenied (403)', async () => {
    const e = await failure(verifier(), { method: 'GET', url: '/photos/puppy.jpg', headers: { host: 'examplebucket.s3.amazonaws.com' } });
    expect(e).toMatchObject({ code: 'AccessDenied', status: 403 });
  });
});

describe('classifyAuth', () => {
  const host = { host: 'examplebucket.s3.amazonaws.com' };
  it.each([
    ['header-v4', { method: 'GET', url: '/k', headers: { ...host, authorization: 'AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders=host, Signature=00' } }],
    ['header-v2', { method: 'GET', url: '/k', headers: { ...host, authorization: 'AWS AKID:c2ln' } }],
    ['presigned-v4', { method: 'GET', url: '/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=00', headers: host }],
    ['presigned-v4', { method: 'GET', url: '/k?X-Amz-Credential=a', headers: host }],
    ['presigned-v2', { method: 'GET', url: '/k?AWSAccessKeyId=AKID&Expires=1&Signature=c2ln', headers: host }],
    ['post', { method: 'POST', url: '/', headers: { ...host, 'content-type': 'multipart/form-data; boundary=x' } }],
    ['anonymous', { method: 'GET', url: '/k?versionId=3', headers: host }],
    ['anonymous', { method: 'POST', url: '/k?uploads', headers: host }],
    ['unsupported', { method: 'GET', url: '/k', headers: { ...host, authorization: 'Bearer abc' } }],
    ['unsupported', { method: 'GET', url: '/k?X-Amz-Signature=00', headers: { ...host, authorization: 'AWS4-HMAC-SHA256 Credential=x' } }],
    ['unsupported', { method: 'GET', url: '/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&Signature=x', headers: host }],
  ] as const)('classifies as %s', (kind, req) => {
    expect(classifyAuth(req)).toBe(kind);
  });
});
