import { describe, expect, it } from 'vitest';
import { parseRawRequest, suiteCases, suiteFile } from '@s3kit/test-utils';
import { SigV4Signer } from '../src/index.js';

interface Context {
  credentials: { access_key_id: string; secret_access_key: string; token?: string };
  expiration_in_seconds: number;
  normalize: boolean;
  region: string;
  service: string;
  sign_body: boolean;
  timestamp: string;
  omit_session_token?: boolean;
}

function setup(name: string) {
  const ctx = JSON.parse(suiteFile('v4', name, 'context.json')!) as Context;
  const raw = parseRawRequest(suiteFile('v4', name, 'request.txt')!);
  const signer = new SigV4Signer({
    credentials: {
      accessKeyId: ctx.credentials.access_key_id,
      secretAccessKey: ctx.credentials.secret_access_key,
      sessionToken: ctx.credentials.token,
    },
    region: ctx.region,
    service: ctx.service,
    normalizePath: ctx.normalize,
    contentSha256Header: ctx.sign_body,
    clock: () => Date.parse(ctx.timestamp),
  });
  const input = {
    method: raw.method,
    url: raw.target,
    headers: raw.headers,
    body: raw.body,
    signSessionToken: !ctx.omit_session_token,
  };
  return { ctx, signer, input };
}

describe('aws-c-auth SigV4 suite (v4)', () => {
  for (const name of suiteCases('v4')) {
    it(`${name}: header mode matches canonical request, string to sign and signature`, () => {
      const { signer, input } = setup(name);
      const signed = signer.sign(input);
      expect(signed.canonicalRequest).toBe(suiteFile('v4', name, 'header-canonical-request.txt'));
      expect(signed.stringToSign).toBe(suiteFile('v4', name, 'header-string-to-sign.txt'));
      expect(signed.signature).toBe(suiteFile('v4', name, 'header-signature.txt')!.trim());
    });
    it(`${name}: query mode matches canonical request, string to sign and signature`, () => {
      const { ctx, signer, input } = setup(name);
      const signed = signer.presign({ ...input, expiresIn: ctx.expiration_in_seconds });
      expect(signed.canonicalRequest).toBe(suiteFile('v4', name, 'query-canonical-request.txt'));
      expect(signed.stringToSign).toBe(suiteFile('v4', name, 'query-string-to-sign.txt'));
      expect(signed.signature).toBe(suiteFile('v4', name, 'query-signature.txt')!.trim());
    });
  }
});
