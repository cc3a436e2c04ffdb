import { createHash } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CHECKSUM_ALGORITHMS,
  checksumAlgorithmOf,
  checksumBase64,
  createChecksum,
  createPayloadVerifier,
  createSha256Verifier,
  hashStream,
  nobleCrypto,
  SigV4Signer,
  streamingPayloadHash,
  type ChecksumAlgorithm,
} from '../src/index.js';
import { ascii, expectS3, runTransform, splitAt } from './chunked-helpers.js';

/** Bit-at-a-time reflected CRC with BigInt: slow, obviously correct, independent of the tables. */
function referenceCrc(width: 32 | 64, reflectedPoly: bigint, data: Uint8Array): bigint {
  const mask = (1n << BigInt(width)) - 1n;
  let crc = mask;
  for (const b of data) {
    crc ^= BigInt(b);
    for (let k = 0; k < 8; k++) crc = crc & 1n ? (crc >> 1n) ^ reflectedPoly : crc >> 1n;
  }
  return crc ^ mask;
}

function reference(alg: ChecksumAlgorithm, data: Uint8Array): string {
  const be = (v: bigint, bytes: number) => Buffer.from(v.toString(16).padStart(bytes * 2, '0'), 'hex').toString('base64');
  switch (alg) {
    case 'crc32':
      return be(BigInt(zlibCrc32(data)), 4);
    case 'crc32c':
      return be(referenceCrc(32, 0x82f63b78n, data), 4);
    case 'crc64nvme':
      return be(referenceCrc(64, 0x9a6c9329ac4bc9b5n, data), 8);
    default:
      return createHash(alg).update(data).digest('base64');
  }
}

describe('checksums', () => {
  const check = ascii('123456789');
  it('match the published check values for "123456789" (CRC32 cbf43926, CRC32C e3069283, CRC64NVME ae8b14860a799888)', () => {
    const hex = (a: ChecksumAlgorithm) => Buffer.from(createChecksum(a).update(check).digest()).toString('hex');
    expect(hex('crc32')).toBe('cbf43926');
    expect(hex('crc32c')).toBe('e3069283');
    expect(hex('crc64nvme')).toBe('ae8b14860a799888');
    expect(hex('sha1')).toBe('f7c3bc1d808e04732adf679965ccc34ca7ae3441');
    expect(hex('sha256')).toBe('15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225');
  });

  it('match an independent bitwise reference (zlib for CRC32, node:crypto for SHA) on random data fed in random pieces', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(300), { maxLength: 6 }), fc.constantFrom(...CHECKSUM_ALGORITHMS), (data, cuts, alg) => {
        const c = createChecksum(alg);
        for (const p of splitAt(data, cuts)) c.update(p);
        return c.digestBase64() === reference(alg, data);
      }),
      { numRuns: 400 },
    );
  });

  it('give the same values from unaligned views and through the portable (table / noble) path', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 200 }), fc.integer({ min: 0, max: 7 }), fc.constantFrom(...CHECKSUM_ALGORITHMS), (data, shift, alg) => {
        const backing = new Uint8Array(data.length + 8);
        backing.set(data, shift);
        const view = backing.subarray(shift, shift + data.length);
        const expected = reference(alg, data);
        const halves = splitAt(view, [3]).length === 1 ? [view] : [view.subarray(0, 3), view.subarray(3)];
        const portable = createChecksum(alg, nobleCrypto);
        for (const h of halves) portable.update(h);
        return createChecksum(alg).update(view).digestBase64() === expected && portable.digestBase64() === expected;
      }),
      { numRuns: 300 },
    );
  });

  it('give the same SHA values through the noble (portable) provider', () => {
    const data = ascii('x'.repeat(1000));
    for (const alg of ['sha1', 'sha256'] as const) expect(checksumBase64(alg, data, nobleCrypto)).toBe(reference(alg, data));
  });

  it('give the S3 base64 form of the empty body', () => {
    expect(checksumBase64('crc32', new Uint8Array(0))).toBe('AAAAAA==');
    expect(checksumBase64('crc64nvme', new Uint8Array(0))).toBe('AAAAAAAAAAA=');
    expect(checksumBase64('sha256', new Uint8Array(0))).toBe('47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
  });

  it('map header names to algorithms', () => {
    expect(checksumAlgorithmOf('X-Amz-Checksum-CRC64NVME')).toBe('crc64nvme');
    expect(checksumAlgorithmOf('x-amz-checksum-md5')).toBeUndefined();
    expect(checksumAlgorithmOf('content-md5')).toBeUndefined();
    expect(() => createChecksum('md5' as ChecksumAlgorithm)).toThrowError(/unsupported/);
  });
});

describe('payload SHA-256 helpers', () => {
  const body = ascii('hello world, '.repeat(1000));
  const hex = createHash('sha256').update(body).digest('hex');

  it('hashStream hashes a ReadableStream, an async iterable and an iterable', async () => {
    expect(await hashStream(new Blob([body]).stream())).toBe(hex);
    expect(await hashStream(splitAt(body, [5, 77]))).toBe(hex);
    expect(
      await hashStream(
        (async function* () {
          yield body;
        })(),
      ),
    ).toBe(hex);
  });

  it('createSha256Verifier passes a matching body through unchanged', async () => {
    const { out, error } = await runTransform(createSha256Verifier(hex), splitAt(body, [1, 500, 9000]));
    expect(error).toBeUndefined();
    expect(Buffer.compare(out, body)).toBe(0);
  });

  it('createSha256Verifier rejects a changed body with XAmzContentSHA256Mismatch (400) and withholds the last piece', async () => {
    const bad = body.slice();
    bad[body.length - 1] = bad[body.length - 1]! ^ 1;
    const pieces = splitAt(bad, [4000, 8000]);
    const { out, error } = await runTransform(createSha256Verifier(hex), pieces);
    const err = expectS3(error);
    expect([err.code, err.status]).toEqual(['XAmzContentSHA256Mismatch', 400]);
    expect(err.details['ClientComputedContentSHA256']).toBe(hex);
    expect(out.length).toBe(8000);
  });

  it('createPayloadVerifier picks the check from the payload mode', async () => {
    const signer = new SigV4Signer({ credentials: { accessKeyId: 'A', secretAccessKey: 'S' }, region: 'us-east-1' });
    const hashed = signer.sign({ method: 'PUT', url: 'https://h/b/k', body });
    expect((await runTransform(createPayloadVerifier(hashed), [body])).error).toBeUndefined();
    expect(expectS3((await runTransform(createPayloadVerifier(hashed), [body.subarray(1)])).error).code).toBe('XAmzContentSHA256Mismatch');
    const unsigned = signer.sign({ method: 'PUT', url: 'https://h/b/k', payloadHash: 'UNSIGNED-PAYLOAD' });
    expect((await runTransform(createPayloadVerifier(unsigned), [body])).out.length).toBe(body.length);
    const chunked = signer.sign({ method: 'PUT', url: 'https://h/b/k', payloadHash: streamingPayloadHash('streaming') });
    expect(expectS3((await runTransform(createPayloadVerifier(chunked), [body])).error).code).toBe('IncompleteBody');
    expect(() => createPayloadVerifier({ ...unsigned, payloadHash: 'nonsense' })).toThrowError(/x-amz-content-sha256/);
  });
});
