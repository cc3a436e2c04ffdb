import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { s3ErrorFromResponse } from './s3-error-response.js';

const escapeText = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

describe('s3ErrorFromResponse', () => {
  it('never throws on arbitrary bodies and always keeps the HTTP status', () => {
    fc.assert(
      fc.property(fc.integer({ min: 300, max: 599 }), fc.string(), (status, body) => {
        const err = s3ErrorFromResponse(status, {}, body);
        expect(err.status).toBe(status);
        expect(typeof err.code).toBe('string');
        expect(err.code.length).toBeGreaterThan(0);
      }),
    );
  });

  it('reads back any escaped code and message', () => {
    const code = fc.stringMatching(/^[A-Z][A-Za-z]{1,30}$/);
    fc.assert(
      fc.property(
        code,
        fc.string({ minLength: 1 }).filter((s) => s.trim() === s && !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udfff]/.test(s)),
        (c, message) => {
          const err = s3ErrorFromResponse(400, {}, `<Error><Code>${c}</Code><Message>${escapeText(message)}</Message></Error>`);
          expect(err.code).toBe(c);
          expect(err.message).toBe(message);
        },
      ),
    );
  });

  it('takes the region hint from x-amz-bucket-region and keeps Retry-After', () => {
    const err = s3ErrorFromResponse(301, { 'x-amz-bucket-region': 'eu-central-1', 'retry-after': '5' }, '');
    expect(err.code).toBe('PermanentRedirect');
    expect(err.details['Region']).toBe('eu-central-1');
    expect(err.headers['retry-after']).toBe('5');
  });

  it("keeps a delete marker's x-amz-delete-marker and x-amz-version-id (404 HEAD, 405 named)", () => {
    const head = s3ErrorFromResponse(404, { 'x-amz-delete-marker': 'true', 'x-amz-version-id': 'v1', authorization: 'x' }, '');
    expect(head.headers).toEqual({ 'x-amz-delete-marker': 'true', 'x-amz-version-id': 'v1' });
    const named = s3ErrorFromResponse(405, { 'x-amz-delete-marker': 'true', 'x-amz-version-id': 'v1', allow: 'DELETE' }, '<Error><Code>MethodNotAllowed</Code><Message>m</Message></Error>');
    expect([named.code, named.headers['x-amz-delete-marker'], named.headers['allow']]).toEqual(['MethodNotAllowed', 'true', 'DELETE']);
  });

  it('names a non-XML 504 GatewayTimeout', () => {
    expect(s3ErrorFromResponse(504, {}, '<html>gateway</html>').code).toBe('GatewayTimeout');
  });
});
