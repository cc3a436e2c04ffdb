import { describe, expect, it } from 'vitest';
import { configFromEnv, keyPath, runDemo } from '../src/demo.js';

describe('sign demo', () => {
  it('signs a PUT and presigns a GET for the configured endpoint, and both verify', async () => {
    const cfg = configFromEnv({ S3KIT_ENDPOINT: 'http://127.0.0.1:9000/', S3KIT_KEY: 'a b+c/d' });
    const out = await runDemo(cfg, Date.UTC(2026, 0, 2, 3, 4, 5));
    expect(out.put.url).toBe('http://127.0.0.1:9000/demo-bucket/a%20b%2Bc/d');
    expect(out.put.headers['x-amz-date']).toBe('20260102T030405Z');
    expect(out.put.headers['authorization']).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/20260102\/us-east-1\/s3\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
    expect(out.canonicalRequest.split('\n')[1]).toBe('/demo-bucket/a%20b%2Bc/d');
    const presigned = new URL(out.presignedGet);
    expect(presigned.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(presigned.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(out.verified.put).toMatchObject({ authType: 'header', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', payloadMode: 'sha256' });
    expect(out.verified.presignedGet).toMatchObject({ authType: 'presigned', payloadMode: 'unsigned' });
  });

  it('fails verification when the signed request is tampered with', async () => {
    const cfg = configFromEnv({});
    const now = Date.UTC(2026, 0, 2, 3, 4, 5);
    const out = await runDemo(cfg, now);
    const { SigV4Verifier } = await import('@s3kit/sigv4');
    const verifier = new SigV4Verifier({
      region: 'us-east-1',
      clock: () => now,
      getCredentials: () => ({ secretAccessKey: cfg.secretAccessKey }),
    });
    const target = out.put.url.slice(cfg.endpoint.length).replace('demo-bucket', 'demo-bucket2');
    await expect(verifier.verify({ method: 'PUT', url: target, headers: out.put.headers })).rejects.toMatchObject({
      code: 'SignatureDoesNotMatch',
      status: 403,
    });
  });

  it('encodes each key segment once and keeps slashes', () => {
    expect(keyPath('b', 'x/ü/%')).toBe('/b/x/%C3%BC/%25');
  });
});
