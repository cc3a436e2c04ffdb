import { describe, expect, it } from 'vitest';
import { SigV4Signer, SigV4Verifier } from '../src/index.js';

// presign joins its X-Amz-* auth parameters once and places the caller's (sorted) query around
// them; a caller parameter that sorts among the auth names takes the general sort. The verifier
// builds the canonical query on its own, so it accepting the URL checks the order.
describe('presign query order', () => {
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'tok/en+=' };
  const now = Date.UTC(2026, 0, 15, 12, 0, 0);
  const signer = new SigV4Signer({ credentials, region: 'us-east-1', clock: () => now });
  const verifier = new SigV4Verifier({
    getCredentials: () => ({ secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken }),
    region: 'us-east-1',
    clock: () => now,
  });

  it.each([
    '',
    '?response-content-type=text%2Fplain',
    '?A=1&b=2&Z=3',
    '?X-Amz-Expires-Not=1&versionId=v',
    '?X-Amz-B=1&X-Amz-Date2=x&X-Amz-T=2&a',
    '?X-Amz-Security-Tokenx=1&X-Amz-Signed=2&X-Amz-SignedHeadersZ=3',
  ])('signs and verifies with query %j', async (query) => {
    for (const expiresIn of [60, 900]) {
      const signed = signer.presign({ method: 'GET', url: `https://b.s3.amazonaws.com/k${query}`, headers: { 'x-amz-meta-a': 'v' }, expiresIn });
      const url = new URL(signed.url);
      const v = await verifier.verify({ method: 'GET', url: url.pathname + url.search, headers: { host: url.host } });
      expect(v.signature).toBe(signed.signature);
      const names = signed.canonicalRequest
        .split('\n')[2]!
        .split('&')
        .map((p) => p.split('=')[0]!);
      expect(names).toEqual([...names].sort());
    }
  });
});
