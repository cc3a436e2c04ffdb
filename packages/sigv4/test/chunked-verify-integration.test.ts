import { describe, expect, it } from 'vitest';
import { chunkedHeaders, createChunkedEncoder, createPayloadVerifier, SigV4Signer, SigV4Verifier, streamingPayloadHash, type ChunkedMode, type VerifiedRequest } from '../src/index.js';
import { amzDateMs, bytesOf, concat, expectS3, runTransform, signSeed, vector, ascii } from './chunked-helpers.js';

const keys = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const now = Date.UTC(2024, 0, 2, 3, 4, 5);
const verifier = (clock = now) =>
  new SigV4Verifier({
    getCredentials: (id) => (id === keys.accessKeyId ? { secretAccessKey: keys.secretAccessKey } : undefined),
    region: 'us-east-1',
    clock: () => clock,
  });

describe('aws-chunked with the SigV4 verifier (VerifiedRequest -> decoder)', () => {
  for (const mode of ['streaming', 'streaming-trailer', 'streaming-unsigned-trailer'] as ChunkedMode[]) {
    it(`a client upload verifies and decodes on the server (${mode})`, async () => {
      const data = bytesOf('z', 150_000);
      const opts = { mode, checksumAlgorithm: 'crc64nvme' as const };
      const signer = new SigV4Signer({ credentials: keys, region: 'us-east-1', clock: () => now });
      const signed = signer.sign({
        method: 'PUT',
        url: 'https://examplebucket.s3.amazonaws.com/photos/a%20b.jpg',
        headers: chunkedHeaders(data.length, opts),
        payloadHash: streamingPayloadHash(mode),
      });
      const wire = await runTransform(createChunkedEncoder(signed, opts), [data]);
      const verified: VerifiedRequest = await verifier().verify({ method: 'PUT', url: '/photos/a%20b.jpg', headers: signed.headers });
      expect(verified.payloadMode).toBe(mode);
      const serverOpts = { decodedContentLength: signed.headers['x-amz-decoded-content-length'], trailer: signed.headers['x-amz-trailer'] };
      const ok = await runTransform(createPayloadVerifier(verified, serverOpts), [wire.out]);
      expect(ok.error).toBeUndefined();
      expect(Buffer.compare(ok.out, data)).toBe(0);
      // Same body, one byte changed in the second chunk's data.
      const bad = wire.out.slice();
      bad[65536 + 300] = bad[65536 + 300]! ^ 2;
      const rejected = await runTransform(createPayloadVerifier(verified, serverOpts), [bad]);
      expect(expectS3(rejected.error).code).toBe(mode === 'streaming-unsigned-trailer' ? 'BadDigest' : 'SignatureDoesNotMatch');
      if (mode !== 'streaming-unsigned-trailer') expect(rejected.out.length).toBe(65536);
    });
  }

  it('the documented signed-trailer request verifies and its documented body decodes', async () => {
    const v = vector('sigv4-streaming-trailer-put-object');
    const seed = signSeed(v);
    const headers = { ...seed.headers };
    const verified = await verifier(amzDateMs(v.inputs.amz_date)).verify({ method: 'PUT', url: '/examplebucket/chunkObject.txt', headers });
    expect(verified.signature).toBe(v.expected.seed_signature);
    const chunks = v.expected.chunks!;
    const body = concat([
      ascii(chunks[0]!.chunk_header_line),
      bytesOf('a', 65536),
      ascii('\r\n'),
      ascii(chunks[1]!.chunk_header_line),
      bytesOf('a', 1024),
      ascii('\r\n'),
      ascii(v.expected['encoded_body_tail_after_last_data_chunk'] as string),
    ]);
    const out = await runTransform(createPayloadVerifier(verified, { decodedContentLength: headers['x-amz-decoded-content-length'], trailer: headers['x-amz-trailer'] }), [body]);
    expect(out.error).toBeUndefined();
    expect(out.out.length).toBe(66560);
  });
});
