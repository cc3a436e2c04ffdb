import { describe, expect, it } from 'vitest';
import { S3Error, S3_ERRORS, isS3Error, isS3ErrorCode, s3Error } from './index.js';

describe('S3_ERRORS', () => {
  it('gives every code a 3xx-5xx status and a non-empty message', () => {
    for (const [code, spec] of Object.entries(S3_ERRORS)) {
      expect(spec.status, code).toBeGreaterThanOrEqual(300);
      expect(spec.status, code).toBeLessThan(600);
      expect(spec.message.length, code).toBeGreaterThan(0);
    }
  });

  it('maps the auth codes to the statuses S3 uses', () => {
    expect(S3_ERRORS.SignatureDoesNotMatch.status).toBe(403);
    expect(S3_ERRORS.AuthorizationHeaderMalformed.status).toBe(400);
    expect(S3_ERRORS.RequestTimeTooSkewed.status).toBe(403);
    expect(S3_ERRORS.XAmzContentSHA256Mismatch.status).toBe(400);
    expect(S3_ERRORS.SlowDown.status).toBe(503);
  });
});

describe('S3Error', () => {
  it('takes status and message from the table', () => {
    const err = new S3Error('NoSuchKey', { resource: '/b/k' });
    expect(err.code).toBe('NoSuchKey');
    expect(err.status).toBe(404);
    expect(err.message).toBe(S3_ERRORS.NoSuchKey.message);
    expect(err.resource).toBe('/b/k');
    expect(err).toBeInstanceOf(Error);
  });

  it('keeps unknown upstream codes with a 500 default', () => {
    const err = new S3Error('SomeVendorCode');
    expect(err.status).toBe(500);
    expect(isS3ErrorCode('SomeVendorCode')).toBe(false);
  });

  it('is recognised across copies through its Symbol.for brand', () => {
    const foreign = Object.create({ [Symbol.for('s3kit.S3Error')]: true });
    expect(foreign instanceof S3Error).toBe(true);
    expect(isS3Error(new Error('x'))).toBe(false);
    expect(isS3Error(s3Error('AccessDenied'))).toBe(true);
  });

  it('overrides message and serialises details without extras', () => {
    const err = s3Error('SignatureDoesNotMatch', 'nope', { details: { StringToSign: 'a' } });
    expect(err.message).toBe('nope');
    expect(err.toJSON()).toEqual({ name: 'S3Error', code: 'SignatureDoesNotMatch', status: 403, message: 'nope', details: { StringToSign: 'a' } });
  });
});
