import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SigV2Signer, nobleCrypto, signatureV2, stringToSignV2, verifyV2, type V2Request } from '../src/index.js';

const AKID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const NOW = Date.parse('2024-05-01T12:00:00Z');
const creds = { accessKeyId: AKID, secretAccessKey: SECRET };
const getCredentials = (id: string) => (id === AKID ? creds : undefined);
const opts = { getCredentials, clock: () => NOW };

async function rejection(p: Promise<unknown>): Promise<{ code: string; status: number; message: string; details: Record<string, string> }> {
  try {
    await p;
  } catch (e) {
    return e as never;
  }
  throw new Error('expected a rejection');
}

function signed(req: V2Request, clock = NOW) {
  return new SigV2Signer({ credentials: creds, clock: () => clock }).sign(req);
}

describe('SigV2 string to sign', () => {
  it('lowercases, sorts and comma-joins repeated x-amz-* headers, unfolds folded values, ignores other headers', () => {
    const sts = stringToSignV2({
      method: 'put',
      url: '/bucket/key',
      headers: [
        ['X-Amz-Meta-B', ' two '],
        ['x-amz-meta-a', 'folded\r\n   value'],
        ['X-AMZ-META-B', 'three'],
        ['User-Agent', 'ignored'],
        ['Content-Type', ' text/plain '],
        ['Date', 'Wed, 01 May 2024 12:00:00 GMT'],
      ],
    });
    expect(sts).toBe('PUT\n\ntext/plain\nWed, 01 May 2024 12:00:00 GMT\nx-amz-meta-a:folded value\nx-amz-meta-b:two,three\n/bucket/key');
  });

  it("keeps only S3's sub-resources in the resource, sorted, values decoded once", () => {
    const sts = stringToSignV2({
      method: 'GET',
      url: '/b/k?versionId=3%2B4&prefix=x&response-content-type=image%2Fjpeg&acl&uploads=&partNumber=2&tagging',
      headers: { date: 'x' },
    });
    expect(sts.split('\n').pop()).toBe('/b/k?acl&partNumber=2&response-content-type=image/jpeg&tagging&uploads=&versionId=3+4');
  });

  it('takes the bucket from a virtual-hosted or CNAME Host when endpoints are given', () => {
    const r = (host: string) =>
      stringToSignV2({ method: 'GET', url: '/k', headers: { host, date: 'd' } }, { virtualHost: ['s3.amazonaws.com'] })
        .split('\n')
        .pop();
    expect(r('my.bucket.s3.amazonaws.com')).toBe('/my.bucket/k');
    expect(r('s3.amazonaws.com')).toBe('/k');
    expect(r('Files.Example.COM:8443')).toBe('/files.example.com/k');
  });
});

describe('SigV2 x-amz-date forms', () => {
  const headers: Array<[string, string]> = [
    ['Date', 'Wed, 01 May 2024 12:00:00 GMT'],
    ['x-amz-date', 'Wed, 01 May 2024 12:00:01 GMT'],
  ];
  const req = { method: 'GET', url: '/b/k', headers };

  it.each([
    ['amz-header', 'GET\n\n\n\nx-amz-date:Wed, 01 May 2024 12:00:01 GMT\n/b/k'],
    ['date-line', 'GET\n\n\nWed, 01 May 2024 12:00:01 GMT\n/b/k'],
    ['keep-date', 'GET\n\n\nWed, 01 May 2024 12:00:00 GMT\nx-amz-date:Wed, 01 May 2024 12:00:01 GMT\n/b/k'],
  ] as const)('%s form builds its string to sign and verifies', async (amzDate, sts) => {
    expect(stringToSignV2(req, { amzDate })).toBe(sts);
    const signature = signatureV2(sts, SECRET);
    const ok = await verifyV2({ ...req, headers: [...headers, ['Authorization', `AWS ${AKID}:${signature}`]] }, opts);
    expect(ok.stringToSign).toBe(sts);
  });
});

describe('verifyV2 errors', () => {
  const req = (): V2Request => ({
    method: 'GET',
    url: 'https://s3.amazonaws.com/bucket/key',
    headers: { date: new Date(NOW).toUTCString() },
  });

  it('rejects a tampered header request with SignatureDoesNotMatch (403) carrying StringToSign, never the secret', async () => {
    const s = signed(req());
    const err = await rejection(verifyV2({ ...req(), url: 'https://s3.amazonaws.com/bucket/other', headers: s.headers }, opts));
    expect(err).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
    expect(err.details).toMatchObject({ AWSAccessKeyId: AKID, SignatureProvided: s.signature });
    expect(err.details['StringToSign']).toBe(`GET\n\n\n${s.headers['date']}\n/bucket/other`);
    expect(JSON.stringify(err)).not.toContain(SECRET);
    expect(JSON.stringify(err.details)).not.toContain(SECRET);
  });

  it('rejects an unknown access key with InvalidAccessKeyId (403)', async () => {
    const s = new SigV2Signer({ credentials: { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: SECRET }, clock: () => NOW }).sign(req());
    const err = await rejection(verifyV2({ ...req(), headers: s.headers }, opts));
    expect(err).toMatchObject({ code: 'InvalidAccessKeyId', status: 403 });
  });

  it('rejects a Date 16 minutes off with RequestTimeTooSkewed (403), accepts 14 minutes', async () => {
    const bare = { method: 'GET', url: 'https://s3.amazonaws.com/bucket/key' };
    const late = signed(bare, NOW + 16 * 60_000);
    const err = await rejection(verifyV2({ ...req(), headers: late.headers }, opts));
    expect(err).toMatchObject({ code: 'RequestTimeTooSkewed', status: 403 });
    const ok = signed(bare, NOW - 14 * 60_000);
    await expect(verifyV2({ ...req(), headers: ok.headers }, opts)).resolves.toMatchObject({ authType: 'header' });
  });

  it('gives the signing time as signedAt for header auth, none for query auth', async () => {
    const s = signed({ method: 'GET', url: 'https://s3.amazonaws.com/bucket/key' }, NOW - 5_000);
    await expect(verifyV2({ ...req(), headers: s.headers }, opts)).resolves.toMatchObject({ signedAt: NOW - 5_000, requestTime: NOW - 5_000 });
    const p = new SigV2Signer({ credentials: creds, clock: () => NOW }).presign({ method: 'GET', url: 'https://s3.amazonaws.com/b/k', expiresIn: 60 });
    const q = await verifyV2({ method: 'GET', url: p.url }, opts);
    expect(q.signedAt).toBeUndefined();
  });

  it('rejects a Date before the epoch with AccessDenied (403) as S3 does, not RequestTimeTooSkewed', async () => {
    // ceph/s3-tests test_object_create_bad_date_before_epoch_aws2: 403 AccessDenied.
    for (const date of ['Tue, 07 Jul 1950 21:53:04 GMT', 'Wed, 31 Dec 1969 23:59:59 GMT']) {
      const s = new SigV2Signer({ credentials: creds, clock: () => NOW }).sign({ ...req(), headers: { date } });
      const err = await rejection(verifyV2({ ...req(), headers: s.headers }, opts));
      expect(err).toMatchObject({ code: 'AccessDenied', status: 403 });
      expect(err.message).toMatch(/valid Date or x-amz-date/);
    }
    const amz = new SigV2Signer({ credentials: creds, clock: () => NOW }).sign({ ...req(), headers: { 'x-amz-date': 'Tue, 07 Jul 1950 21:53:04 GMT' } });
    expect(await rejection(verifyV2({ ...req(), headers: amz.headers }, opts))).toMatchObject({ code: 'AccessDenied', status: 403 });
  });

  it('rejects a request without Date or x-amz-date with AccessDenied (403)', async () => {
    const s = signed(req());
    const headers = { authorization: s.headers['authorization']! };
    const err = await rejection(verifyV2({ ...req(), headers }, opts));
    expect(err).toMatchObject({ code: 'AccessDenied', status: 403 });
    expect(err.message).toMatch(/Date or x-amz-date/);
  });

  it.each([
    ['AWS AKIAIOSFODNN7EXAMPLE', 'Expected AwsAccessKeyId:signature'],
    ['AWS AKIAIOSFODNN7EXAMPLE:', 'Expected AwsAccessKeyId:signature'],
    ['AWS  AKIAIOSFODNN7EXAMPLE:abc=', "one and only one ' ' (space)"],
    ['AWS AKIAIOSFODNN7EXAMPLE: abc=', "one and only one ' ' (space)"],
    ['Basic dXNlcjpwYXNz', 'Unsupported Authorization Type'],
  ])('rejects the malformed header %j with InvalidArgument (400)', async (authorization, message) => {
    const err = await rejection(verifyV2({ ...req(), headers: { ...req().headers, authorization } as never }, opts));
    expect(err).toMatchObject({ code: 'InvalidArgument', status: 400 });
    expect(err.message).toContain(message);
  });

  it('rejects query auth missing a parameter with AccessDenied (403)', async () => {
    const err = await rejection(verifyV2({ method: 'GET', url: `/b/k?AWSAccessKeyId=${AKID}&Signature=abc` }, opts));
    expect(err).toMatchObject({ code: 'AccessDenied', status: 403 });
    expect(err.message).toMatch(/requires the Signature, Expires and AWSAccessKeyId/);
  });

  it('rejects a non-numeric Expires with AccessDenied (403)', async () => {
    const err = await rejection(verifyV2({ method: 'GET', url: `/b/k?AWSAccessKeyId=${AKID}&Signature=abc&Expires=tomorrow` }, opts));
    expect(err).toMatchObject({ code: 'AccessDenied', status: 403 });
  });

  it('rejects an expired presigned URL with AccessDenied "Request has expired" (403) and accepts it one second before', async () => {
    const signer = new SigV2Signer({ credentials: creds, clock: () => NOW });
    const p = signer.presign({ method: 'GET', url: 'https://s3.amazonaws.com/b/k?versionId=7', expiresIn: 60 });
    await expect(verifyV2({ method: 'GET', url: p.url }, { getCredentials, clock: () => NOW + 59_000 })).resolves.toMatchObject({
      authType: 'presigned',
      expiresAt: NOW + 60_000,
    });
    const err = await rejection(verifyV2({ method: 'GET', url: p.url }, { getCredentials, clock: () => NOW + 61_000 }));
    expect(err).toMatchObject({ code: 'AccessDenied', status: 403, message: 'Request has expired' });
  });

  it('requires the session token of temporary credentials (InvalidToken 400) and signs it', async () => {
    const temp = { accessKeyId: AKID, secretAccessKey: SECRET, sessionToken: 'token/+=' };
    const lookup = { getCredentials: () => temp, clock: () => NOW };
    const s = new SigV2Signer({ credentials: temp, clock: () => NOW }).sign(req());
    expect(s.stringToSign).toContain('x-amz-security-token:token/+=');
    await expect(verifyV2({ ...req(), headers: s.headers }, lookup)).resolves.toMatchObject({ sessionToken: 'token/+=' });
    const { ['x-amz-security-token']: _drop, ...without } = s.headers;
    const err = await rejection(verifyV2({ ...req(), headers: without }, lookup));
    expect(err).toMatchObject({ code: 'InvalidToken', status: 400 });
    const p = new SigV2Signer({ credentials: temp, clock: () => NOW }).presign({ method: 'GET', url: 'https://s3.amazonaws.com/b/k' });
    await expect(verifyV2({ method: 'GET', url: p.url }, lookup)).resolves.toMatchObject({ authType: 'presigned' });
  });
});

describe('SigV2 sign/verify round trip (property)', () => {
  const segment = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '+', '~', '%20', '%2F', 'é', '=', ':', '@', '.'), maxLength: 12 });
  const headerValue = fc.string({ unit: fc.constantFrom('a', 'B', ' ', ',', '-', '9', '\u00e9'), maxLength: 16 });

  it('verify(sign(x)) holds for random keys, x-amz headers, sub-resources and secrets; changing a signed part is refused', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'HEAD'),
        fc.array(segment, { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(fc.constantFrom('X-Amz-Meta-A', 'x-amz-meta-b', 'X-AMZ-ACL', 'x-amz-meta-a'), headerValue), { maxLength: 5 }),
        fc.subarray(['acl', 'uploads', 'versionId=12', 'prefix=p', 'response-content-type=text%2Fplain', 'tagging']),
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.boolean(),
        async (method, segments, amz, sub, secret, presign) => {
          const path = '/bucket/' + segments.map((s) => encodeURIComponent(s)).join('/');
          const url = `https://s3.amazonaws.com${path}${sub.length ? '?' + sub.join('&') : ''}`;
          const c = { accessKeyId: 'AKIDPROP', secretAccessKey: secret };
          const signer = new SigV2Signer({ credentials: c, clock: () => NOW });
          const headers: Array<[string, string]> = [['Content-Type', 'text/plain'], ...amz];
          const lookup = { getCredentials: () => c, clock: () => NOW };
          if (presign) {
            const p = signer.presign({ method, url, headers });
            const ok = await verifyV2({ method, url: p.url, headers }, lookup);
            expect(ok.signature).toBe(p.signature);
          } else {
            const s = signer.sign({ method, url, headers });
            const sent: Array<[string, string]> = [...headers, ['Date', s.headers['date']!], ['Authorization', s.headers['authorization']!]];
            const ok = await verifyV2({ method, url, headers: sent }, lookup);
            expect(ok.stringToSign).toBe(s.stringToSign);
            // Tampering with a signed part (method, an x-amz header, the path) is refused.
            const other = method === 'GET' ? 'PUT' : 'GET';
            await expect(verifyV2({ method: other, url, headers: sent }, lookup)).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
            const extra: Array<[string, string]> = [...sent, ['x-amz-meta-injected', '1']];
            await expect(verifyV2({ method, url, headers: extra }, lookup)).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
            const moved = url.replace('/bucket/', '/bucket/x');
            await expect(verifyV2({ method, url: moved, headers: sent }, lookup)).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
            // noble and node:crypto agree.
            const n = new SigV2Signer({ credentials: c, clock: () => NOW, crypto: nobleCrypto }).sign({ method, url, headers });
            expect(n.signature).toBe(s.signature);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
