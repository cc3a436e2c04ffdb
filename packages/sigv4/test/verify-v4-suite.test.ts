import { describe, expect, it } from 'vitest';
import { parseRawRequest, suiteCases, suiteFile } from '@s3kit/test-utils';
import { SigV4Verifier } from '../src/index.js';

interface Context {
  credentials: { access_key_id: string; secret_access_key: string; token?: string };
  expiration_in_seconds: number;
  normalize: boolean;
  region: string;
  service: string;
  timestamp: string;
  omit_session_token?: boolean;
}

function verifierFor(ctx: Context, clock: number): SigV4Verifier {
  return new SigV4Verifier({
    getCredentials: (ak) => (ak === ctx.credentials.access_key_id ? { secretAccessKey: ctx.credentials.secret_access_key, sessionToken: ctx.credentials.token } : undefined),
    region: ctx.region,
    service: ctx.service,
    normalizePath: ctx.normalize,
    querySessionTokenSigned: !ctx.omit_session_token,
    clock: () => clock,
  });
}

describe('aws-c-auth v4 suite: verify accepts every signed request', () => {
  for (const name of suiteCases('v4')) {
    const ctx = JSON.parse(suiteFile('v4', name, 'context.json')!) as Context;
    const now = Date.parse(ctx.timestamp);

    it(`${name}: header-signed-request.txt verifies and yields the suite's signature`, async () => {
      const raw = parseRawRequest(suiteFile('v4', name, 'header-signed-request.txt')!);
      const v = await verifierFor(ctx, now).verify({ method: raw.method, url: raw.target, headers: raw.headers, body: raw.body });
      expect(v.authType).toBe('header');
      expect(v.signature).toBe(suiteFile('v4', name, 'header-signature.txt')!.trim());
      expect(v.expiresAt).toBeUndefined();
      expect(v.signedAt).toBe(now);
    });

    it(`${name}: query-signed-request.txt verifies and yields the suite's signature`, async () => {
      const raw = parseRawRequest(suiteFile('v4', name, 'query-signed-request.txt')!);
      const v = await verifierFor(ctx, now).verify({ method: raw.method, url: raw.target, headers: raw.headers, body: raw.body });
      expect(v.authType).toBe('presigned');
      expect(v.signature).toBe(suiteFile('v4', name, 'query-signature.txt')!.trim());
      expect(v.expiresAt).toBe(now + ctx.expiration_in_seconds * 1000);
      expect(v.signedAt).toBe(now);
    });

    it(`${name}: query-signed request is refused once X-Amz-Expires has passed (AccessDenied 403)`, async () => {
      const raw = parseRawRequest(suiteFile('v4', name, 'query-signed-request.txt')!);
      const late = verifierFor(ctx, now + ctx.expiration_in_seconds * 1000 + 1000);
      await expect(late.verify({ method: raw.method, url: raw.target, headers: raw.headers, body: raw.body })).rejects.toMatchObject({
        code: 'AccessDenied',
        status: 403,
        message: 'Request has expired',
      });
    });
  }
});
