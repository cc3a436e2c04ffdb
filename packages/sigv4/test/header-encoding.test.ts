import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { S3Error } from '@s3kit/errors';
import { SigV2Signer, SigV4Signer, SigV4Verifier, verifyV2, type HeaderEncoding } from '../src/index.js';

// UTF-8 metadata as a client sends it (its bytes) and as Node's http module hands it over
// (one code unit per byte: "latin1").
const AK = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const NOW = Date.parse('2024-05-01T12:00:00Z');
const TEXT = 'café ☕';
const WIRE = Buffer.from(TEXT, 'utf8').toString('latin1');
const URL_ = 'http://127.0.0.1:9000/bucket/key';
const creds = { accessKeyId: AK, secretAccessKey: SECRET };

const signer = (headerEncoding?: HeaderEncoding) => new SigV4Signer({ credentials: creds, region: 'us-east-1', clock: () => NOW, ...(headerEncoding ? { headerEncoding } : {}) });
const verifier = (headerEncoding?: HeaderEncoding) =>
  new SigV4Verifier({ getCredentials: (id) => (id === AK ? { secretAccessKey: SECRET } : undefined), region: 'us-east-1', clock: () => NOW, ...(headerEncoding ? { headerEncoding } : {}) });

/** What reaches a Node server: the target, and header values as byte strings. */
function received(s: { url: string; headers: Record<string, string> }, method = 'PUT') {
  const u = new URL(s.url);
  return { method, url: `${u.pathname}${u.search}`, headers: Object.entries(s.headers) };
}

async function failure(p: Promise<unknown>): Promise<S3Error> {
  try {
    await p;
  } catch (e) {
    return e as S3Error;
  }
  throw new Error('expected a rejection');
}

/** SigV4 by hand over raw bytes: the oracle for a value that is not UTF-8 text at all. */
function handSigned(value: Buffer): { authorization: string; amzDate: string } {
  const amzDate = '20240501T120000Z';
  const creq = Buffer.concat([
    Buffer.from(`PUT\n/bucket/key\n\nhost:127.0.0.1:9000\nx-amz-content-sha256:UNSIGNED-PAYLOAD\nx-amz-date:${amzDate}\nx-amz-meta-raw:`),
    value,
    Buffer.from('\n\nhost;x-amz-content-sha256;x-amz-date;x-amz-meta-raw\nUNSIGNED-PAYLOAD'),
  ]);
  const scope = '20240501/us-east-1/s3/aws4_request';
  const sts = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${createHash('sha256').update(creq).digest('hex')}`;
  let key: Buffer = createHmac('sha256', `AWS4${SECRET}`).update('20240501').digest();
  for (const part of ['us-east-1', 's3', 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  const sig = createHmac('sha256', key).update(sts).digest('hex');
  return { amzDate, authorization: `AWS4-HMAC-SHA256 Credential=${AK}/${scope}, SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-meta-raw, Signature=${sig}` };
}

describe("SigV4 header values as the bytes on the wire (headerEncoding: 'latin1')", () => {
  const client = signer().sign({ method: 'PUT', url: URL_, headers: { 'x-amz-meta-name': TEXT }, payloadHash: 'UNSIGNED-PAYLOAD' });
  const onWire = received({ url: URL_, headers: { ...client.headers, 'x-amz-meta-name': WIRE } });

  it('verifies a UTF-8 x-amz-meta value received as a byte string', async () => {
    await expect(verifier('latin1').verify(onWire)).resolves.toMatchObject({ accessKeyId: AK });
  });

  it("refuses it with the default 'utf8' (the byte string is not the text the client signed)", async () => {
    expect(await failure(verifier().verify(onWire))).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
  });

  it('verifies bytes that are not UTF-8 at all (a lone 0xE9), checked against a signature computed by hand', async () => {
    const raw = Buffer.from([0x63, 0x61, 0x66, 0xe9]);
    const { authorization, amzDate } = handSigned(raw);
    const req = {
      method: 'PUT',
      url: '/bucket/key',
      headers: [
        ['host', '127.0.0.1:9000'],
        ['x-amz-content-sha256', 'UNSIGNED-PAYLOAD'],
        ['x-amz-date', amzDate],
        ['x-amz-meta-raw', raw.toString('latin1')],
        ['authorization', authorization],
      ] as Array<[string, string]>,
    };
    await expect(verifier('latin1').verify(req)).resolves.toMatchObject({ accessKeyId: AK });
    // The latin1 signer signs the same bytes: same signature as the hand-made one.
    const s = signer('latin1').sign({ method: 'PUT', url: URL_, headers: { 'x-amz-meta-raw': raw.toString('latin1') }, payloadHash: 'UNSIGNED-PAYLOAD' });
    expect(s.headers['authorization']).toBe(authorization);
  });

  it('takes a value with code units above U+00FF as text (its UTF-8 bytes) even in latin1 mode', async () => {
    await expect(verifier('latin1').verify(received({ url: URL_, headers: client.headers }))).resolves.toMatchObject({ accessKeyId: AK });
  });

  it('reports the bytes that were hashed in SignatureDoesNotMatch (CanonicalRequestBytes), the text readable', async () => {
    const tampered = received({ url: URL_, headers: { ...client.headers, 'x-amz-meta-name': Buffer.from('cafe ☕').toString('latin1') } });
    const e = await failure(verifier('latin1').verify(tampered));
    expect(e.code).toBe('SignatureDoesNotMatch');
    expect(e.details?.['CanonicalRequest']).toContain('x-amz-meta-name:cafe ☕\n');
    expect(e.details?.['CanonicalRequestBytes']).toContain('63 61 66 65 20 e2 98 95');
  });

  it('a latin1 signer signs byte strings as the bytes undici sends, and turns text above U+00FF into UTF-8 byte strings', () => {
    const a = signer('latin1').sign({ method: 'PUT', url: URL_, headers: { 'x-amz-meta-name': WIRE }, payloadHash: 'UNSIGNED-PAYLOAD' });
    expect(a.headers['authorization']).toBe(client.headers['authorization']);
    expect(a.headers['x-amz-meta-name']).toBe(WIRE);
    const b = signer('latin1').sign({ method: 'PUT', url: URL_, headers: { 'x-amz-meta-name': TEXT }, payloadHash: 'UNSIGNED-PAYLOAD' });
    expect(b.headers['x-amz-meta-name']).toBe(WIRE);
    expect(b.headers['authorization']).toBe(client.headers['authorization']);
  });

  it('a latin1 presign hoists byte-string values into the query as their bytes', async () => {
    const text = signer().presign({ method: 'GET', url: URL_, headers: { 'x-amz-meta-name': TEXT } });
    const bytes = signer('latin1').presign({ method: 'GET', url: URL_, headers: { 'x-amz-meta-name': WIRE } });
    expect(bytes.url).toBe(text.url);
    expect(bytes.url).toContain('x-amz-meta-name=caf%C3%A9%20%E2%98%95');
    await expect(verifier('latin1').verify(received({ url: bytes.url, headers: { host: '127.0.0.1:9000' } }, 'GET'))).resolves.toMatchObject({ authType: 'presigned' });
  });

  it('refuses an unknown headerEncoding', () => {
    expect(() => signer('utf-8' as HeaderEncoding)).toThrow(TypeError);
    expect(() => verifier('bytes' as HeaderEncoding)).toThrow(TypeError);
  });
});

describe("SigV2 header values as the bytes on the wire (headerEncoding: 'latin1')", () => {
  const getCredentials = (id: string) => (id === AK ? creds : undefined);
  const s = new SigV2Signer({ credentials: creds, clock: () => NOW }).sign({ method: 'PUT', url: URL_, headers: { 'x-amz-meta-name': TEXT, 'content-type': 'text/plain' } });
  const onWire = received({ url: URL_, headers: { ...s.headers, 'x-amz-meta-name': WIRE } });

  it('verifies a UTF-8 x-amz-meta value received as a byte string', async () => {
    await expect(verifyV2(onWire, { getCredentials, clock: () => NOW, headerEncoding: 'latin1' })).resolves.toMatchObject({ accessKeyId: AK });
  });

  it("refuses it with the default 'utf8', StringToSignBytes showing what was signed", async () => {
    const e = await failure(verifyV2(onWire, { getCredentials, clock: () => NOW }));
    expect(e.code).toBe('SignatureDoesNotMatch');
    const tampered = received({ url: URL_, headers: { ...s.headers, 'x-amz-meta-name': Buffer.from('cafe ☕').toString('latin1') } });
    const e2 = await failure(verifyV2(tampered, { getCredentials, clock: () => NOW, headerEncoding: 'latin1' }));
    expect(e2.details?.['StringToSign']).toContain('x-amz-meta-name:cafe ☕\n');
    expect(e2.details?.['StringToSignBytes']).toContain('63 61 66 65 20 e2 98 95');
  });
});
