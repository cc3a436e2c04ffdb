import { describe, expect, it } from 'vitest';
import { configFromEnv, keyPath, runDemo } from '../src/demo.js';

describe('sign demo', () => {
  it('signs a PUT and presigns a GET for the configured endpoint', () => {
    const cfg = configFromEnv({ S3KIT_ENDPOINT: 'http://127.0.0.1:9000/', S3KIT_KEY: 'a b+c/d' });
    const out = runDemo(cfg, Date.UTC(2026, 0, 2, 3, 4, 5));
    expect(out.put.url).toBe('http://127.0.0.1:9000/demo-bucket/a%20b%2Bc/d');
    expect(out.put.headers['x-amz-date']).toBe('20260102T030405Z');
    expect(out.put.headers['authorization']).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/20260102\/us-east-1\/s3\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
    expect(out.canonicalRequest.split('\n')[1]).toBe('/demo-bucket/a%20b%2Bc/d');
    const presigned = new URL(out.presignedGet);
    expect(presigned.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(presigned.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('encodes each key segment once and keeps slashes', () => {
    expect(keyPath('b', 'x/ü/%')).toBe('/b/x/%C3%BC/%25');
  });
});
