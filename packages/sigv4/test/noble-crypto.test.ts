import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defaultCrypto, defaultSha256Crypto, nobleCrypto } from '../src/index.js';

// The portable provider (browsers, Workers) against node:crypto: its HMAC is its own few lines
// over noble's hashes, so keys shorter than, equal to and longer than the 64-byte block count.
describe('nobleCrypto', () => {
  const keyLengths = [0, 1, 32, 63, 64, 65, 200];
  const data = ['', 'AWS4-HMAC-SHA256\n20260115T123456Z\n20260115/us-east-1/s3/aws4_request\nabc', 'x'.repeat(1000), 'café ☕'];

  it.each(keyLengths)('HMAC-SHA256 and HMAC-SHA1 with a %i-byte key match node:crypto', (n) => {
    const key = Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 255);
    for (const d of data) {
      expect(Buffer.from(nobleCrypto.hmacSha256(key, d)).toString('hex')).toBe(createHmac('sha256', key).update(d).digest('hex'));
      expect(Buffer.from(nobleCrypto.hmacSha1(key, d)).toString('hex')).toBe(createHmac('sha1', key).update(d).digest('hex'));
    }
  });

  it('takes string keys as UTF-8 and hashes like node:crypto', () => {
    expect(Buffer.from(nobleCrypto.hmacSha256('AWS4secret', '20260115')).toString('hex')).toBe(createHmac('sha256', 'AWS4secret').update('20260115').digest('hex'));
    expect(Buffer.from(nobleCrypto.sha256('abc')).toString('hex')).toBe(createHash('sha256').update('abc').digest('hex'));
  });

  it('is the SHA-256 default only where node:crypto is missing', () => {
    expect(defaultCrypto().name).toBe('node:crypto');
    expect(defaultSha256Crypto()).toBe(defaultCrypto());
  });
});
