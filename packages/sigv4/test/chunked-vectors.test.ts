import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  canonicalTrailers,
  ChunkedDecoder,
  checksumBase64,
  chunkedHeaders,
  chunkedLengths,
  chunkSignature,
  chunkStringToSign,
  createChunkedDecoder,
  createChunkedEncoder,
  defaultCrypto,
  STREAMING_UNSIGNED_PAYLOAD_TRAILER,
  streamingPayloadHash,
  trailerSignature,
  trailerStringToSign,
} from '../src/index.js';
import { ascii, bytesOf, concat, latin1, runTransform, signerFor, signSeed, splitAt, vector } from './chunked-helpers.js';

const crypto = defaultCrypto();

/** The exact encoded body a streaming vector describes. */
function expectedBody(name: string): { data: Uint8Array; body: Uint8Array } {
  const v = vector(name);
  const parts: Uint8Array[] = [];
  const chunks = v.expected.chunks!;
  for (const [i, c] of chunks.entries()) {
    parts.push(ascii(c.chunk_header_line));
    if (i < chunks.length - 1) parts.push(bytesOf(c.data.byte, c.data.repeat), ascii('\r\n'));
  }
  const tail = v.expected['encoded_body_tail_after_last_data_chunk'] as string | undefined;
  if (tail !== undefined) {
    parts.pop(); // the final chunk line is part of the tail
    parts.push(ascii(tail));
  } else {
    parts.push(ascii('\r\n'));
  }
  return { data: bytesOf(v.inputs.object!.byte, v.inputs.object!.repeat), body: concat(parts) };
}

describe('aws-chunked vectors: encoder', () => {
  it('signs the documented STREAMING-AWS4-HMAC-SHA256-PAYLOAD seed, chunks and final chunk byte-exactly (64 KiB + 1 KiB + 0)', async () => {
    const v = vector('sigv4-streaming-put-object');
    const seed = signSeed(v);
    expect(seed.signature).toBe(v.expected.seed_signature);
    for (const c of v.expected.chunks!) {
      expect(c.string_to_sign.split('\n')[0]).toBe('AWS4-HMAC-SHA256-PAYLOAD');
    }
    const { data, body } = expectedBody('sigv4-streaming-put-object');
    expect(body.length).toBe(v.expected['encoded_body_length']);
    for (const pieces of [[data], splitAt(data, [1, 7, 8192, 65535, 65536, 65537]), chunkPieces(data, 1000)]) {
      const { out, error } = await runTransform(createChunkedEncoder(seed), pieces);
      expect(error).toBeUndefined();
      expect(out.length).toBe(body.length);
      expect(Buffer.compare(out, body)).toBe(0);
    }
  });

  it('computes x-amz-decoded-content-length and Content-Length (66824) up front for the documented example', () => {
    const v = vector('sigv4-streaming-put-object');
    const sent = Object.fromEntries(v.inputs.request!.headers_as_sent!.map(([n, val]) => [n.toLowerCase(), val]));
    const h = chunkedHeaders(66560, { mode: 'streaming' });
    expect(h).toEqual({
      'content-encoding': sent['content-encoding'],
      'x-amz-decoded-content-length': sent['x-amz-decoded-content-length'],
      'content-length': sent['content-length'],
    });
    expect(chunkedLengths(66560).chunkCount).toBe(3);
  });

  it('reproduces the signed-trailer example: chunk signatures, crc32c trailer, trailer signature, 66946 bytes', async () => {
    const v = vector('sigv4-streaming-trailer-put-object');
    const seed = signSeed(v);
    expect(seed.signature).toBe(v.expected.seed_signature);
    const { data, body } = expectedBody('sigv4-streaming-trailer-put-object');
    expect(body.length).toBe(66946);
    const opts = { checksumAlgorithm: 'crc32c' as const };
    expect(chunkedLengths(66560, { ...opts, mode: 'streaming-trailer' }).contentLength).toBe(66946);
    const h = chunkedHeaders(66560, { ...opts, mode: 'streaming-trailer', contentLength: false });
    expect(h['x-amz-trailer']).toBe('x-amz-checksum-crc32c');
    expect(h['content-length']).toBeUndefined();
    const { out, error } = await runTransform(createChunkedEncoder(seed, opts), chunkPieces(data, 4096));
    expect(error).toBeUndefined();
    expect(latin1(out.subarray(out.length - 300))).toBe(latin1(body.subarray(body.length - 300)));
    expect(Buffer.compare(out, body)).toBe(0);
  });

  it('builds the documented trailer string to sign and signature from the final chunk signature', () => {
    const v = vector('sigv4-streaming-trailer-put-object');
    const seed = signSeed(v);
    const t = v.expected.trailer!;
    const trailers = v.inputs.trailers!;
    expect(canonicalTrailers(trailers)).toBe(t.canonical_trailers);
    const prev = v.expected.chunks!.at(-1)!.signature;
    expect(trailerStringToSign(crypto, seed.amzDate, seed.credentialScope, prev, trailers)).toBe(t.string_to_sign);
    expect(trailerSignature(crypto, seed.signingKey, seed.amzDate, seed.credentialScope, prev, trailers)).toBe(t.signature);
    expect(checksumBase64('crc32c', bytesOf('a', 66560))).toBe(trailers[0]![1]);
  });

  for (const name of ['sigv4-streaming-trailer-aws-c-auth-three-trailers', 'sigv4-streaming-trailer-minio-go-crc32c']) {
    it(`matches the pinned trailer signature primitive (${name})`, () => {
      const v = vector(name);
      const key = signerFor(v).signingKey(v.inputs.amz_date.slice(0, 8));
      const e = v.expected as { canonical_trailers: string; string_to_sign: string; signature: string };
      const trailers = v.inputs.trailers!;
      expect(canonicalTrailers(trailers)).toBe(e.canonical_trailers);
      expect(trailerStringToSign(crypto, v.inputs.amz_date, key.scope, v.inputs.previous_signature!, trailers)).toBe(e.string_to_sign);
      expect(trailerSignature(crypto, key, v.inputs.amz_date, key.scope, v.inputs.previous_signature!, trailers)).toBe(e.signature);
    });
  }

  it('wdBDMA== is the CRC32C of "a" (minio-go trailer value)', () => {
    expect(checksumBase64('crc32c', ascii('a'))).toBe(vector('sigv4-streaming-trailer-minio-go-crc32c').inputs.trailers![0]![1]);
  });

  it('chunk string to sign and signature match each documented chunk', () => {
    const v = vector('sigv4-streaming-put-object');
    const seed = signSeed(v);
    let prev = seed.signature;
    for (const c of v.expected.chunks!) {
      const hash = Buffer.from(crypto.sha256(bytesOf(c.data.byte, c.data.repeat))).toString('hex');
      expect(chunkStringToSign(seed.amzDate, seed.credentialScope, prev, hash)).toBe(c.string_to_sign);
      prev = chunkSignature(seed.signingKey, seed.amzDate, seed.credentialScope, prev, hash);
      expect(prev).toBe(c.signature);
    }
  });

  it('frames STREAMING-UNSIGNED-PAYLOAD-TRAILER exactly as smithy-rs (chunk size 10, uppercase hex, crc32 trailer)', async () => {
    const v = vector('unsigned-payload-trailer-framing-smithy-rs');
    const e = v.expected as { encoded_body: string; encoded_body_length: number; decoded_length: number };
    const data = ascii(v.inputs.data_utf8!);
    const opts = {
      mode: 'streaming-unsigned-trailer' as const,
      chunkSize: v.inputs.chunk_size!,
      allowSmallChunks: true,
      checksumAlgorithm: 'crc32' as const,
      upperCaseHex: true,
    };
    const { out, error } = await runTransform(createChunkedEncoder(undefined, opts), splitAt(data, [3, 11, 20]));
    expect(error).toBeUndefined();
    expect(latin1(out)).toBe(e.encoded_body);
    expect(chunkedLengths(e.decoded_length, opts).contentLength).toBe(e.encoded_body_length);
    // Lowercase hex (our default) has the same length.
    const lower = await runTransform(createChunkedEncoder(undefined, { ...opts, upperCaseHex: false }), [data]);
    expect(latin1(lower.out)).toBe(e.encoded_body.replaceAll('A\r\n', 'a\r\n'));
  });

  it('signs the derived STREAMING-UNSIGNED-PAYLOAD-TRAILER seed with the headers from chunkedHeaders, body length 66613', async () => {
    const v = vector('sigv4-unsigned-trailer-seed-derived');
    const opts = { mode: 'streaming-unsigned-trailer' as const, checksumAlgorithm: 'crc32c' as const };
    const headers = { ...chunkedHeaders(66560, { ...opts, contentLength: false }), 'x-amz-storage-class': 'REDUCED_REDUNDANCY' };
    const signed = signerFor(v).sign({
      method: 'PUT',
      url: v.inputs.request!.url,
      headers,
      payloadHash: streamingPayloadHash('streaming-unsigned-trailer'),
    });
    expect(signed.payloadHash).toBe(STREAMING_UNSIGNED_PAYLOAD_TRAILER);
    expect(signed.canonicalRequest).toBe(v.expected['canonical_request']);
    expect(signed.signature).toBe(v.expected.seed_signature);
    expect(chunkedLengths(66560, opts).contentLength).toBe(v.expected['encoded_body_length']);
    const data = bytesOf('a', 66560);
    const { out } = await runTransform(createChunkedEncoder(signed, { checksumAlgorithm: 'crc32c' }), [data]);
    const schematic = (v.expected['encoded_body_schematic'] as string).replace("<65536 x 'a'>", 'a'.repeat(65536)).replace("<1024 x 'a'>", 'a'.repeat(1024));
    expect(latin1(out)).toBe(schematic);
  });
});

describe('aws-chunked vectors: decoder', () => {
  it('accepts the documented signed body and yields the 66560 original bytes', async () => {
    const v = vector('sigv4-streaming-put-object');
    const seed = signSeed(v);
    const { data, body } = expectedBody('sigv4-streaming-put-object');
    const { out, error } = await runTransform(createChunkedDecoder(seed, { decodedContentLength: '66560' }), [body]);
    expect(error).toBeUndefined();
    expect(Buffer.compare(out, data)).toBe(0);
  });

  it('accepts the documented signed-trailer body, verifies crc32c and the trailer signature', async () => {
    const v = vector('sigv4-streaming-trailer-put-object');
    const seed = signSeed(v);
    const { data, body } = expectedBody('sigv4-streaming-trailer-put-object');
    let trailers: unknown;
    const dec = createChunkedDecoder(seed, {
      decodedContentLength: 66560,
      trailer: 'x-amz-checksum-crc32c',
      onTrailers: (t) => (trailers = t),
    });
    const { out, error } = await runTransform(dec, chunkPieces(body, 999));
    expect(error).toBeUndefined();
    expect(Buffer.compare(out, data)).toBe(0);
    expect(trailers).toEqual([['x-amz-checksum-crc32c', 'sOO8/Q==']]);
  });

  it("accepts s3s's variant of the trailer framing (CRLF after the final chunk, no final CRLF)", async () => {
    const v = vector('sigv4-streaming-trailer-put-object');
    const seed = signSeed(v);
    const { data, body } = expectedBody('sigv4-streaming-trailer-put-object');
    const tail = v.expected['encoded_body_tail_after_last_data_chunk'] as string;
    const head = body.subarray(0, body.length - tail.length);
    const [finalLine, ...rest] = tail.split('\r\n');
    const variant = concat([head, ascii(`${finalLine}\r\n\r\n${rest[0]}\r\n${rest[1]}`)]);
    const { out, error } = await runTransform(createChunkedDecoder(seed, { trailer: 'x-amz-checksum-crc32c' }), [variant]);
    expect(error).toBeUndefined();
    expect(out.length).toBe(data.length);
  });

  for (const name of ['sigv4-streaming-put-object', 'sigv4-streaming-trailer-put-object']) {
    it(`decodes the documented body identically when cut anywhere in its framing, or split at random (${name})`, async () => {
      const v = vector(name);
      const seed = signSeed(v);
      const { data, body } = expectedBody(name);
      const opts = { decodedContentLength: 66560, trailer: v.inputs.trailers?.[0]?.[0] };
      const framing = (i: number) => i < 120 || (i > 65_560 && i < 65_760) || i > body.length - 300;
      for (let cut = 0; cut <= body.length; cut++) {
        if (!framing(cut)) continue;
        const dec = new ChunkedDecoder(seed, opts);
        let n = 0;
        for (const p of splitAt(body, [cut])) dec.write(p, (b) => (n += b.length));
        dec.end(() => {});
        expect(n).toBe(66_560);
      }
      await fc.assert(
        fc.asyncProperty(fc.array(fc.nat(body.length), { maxLength: 40 }), async (cuts) => {
          const { out, error } = await runTransform(createChunkedDecoder(seed, opts), splitAt(body, cuts));
          return error === undefined && Buffer.compare(out, data) === 0;
        }),
        { numRuns: 25 },
      );
    });
  }

  it('accepts the smithy-rs unsigned-trailer body (with minChunkSize 0; S3 itself wants 8 KiB chunks)', async () => {
    const v = vector('unsigned-payload-trailer-framing-smithy-rs');
    const e = v.expected as { encoded_body: string; decoded_length: number };
    const seed = { ...signSeed(vector('sigv4-unsigned-trailer-seed-derived')), payloadHash: STREAMING_UNSIGNED_PAYLOAD_TRAILER };
    const body = ascii(e.encoded_body);
    for (let cut = 0; cut <= body.length; cut++) {
      const dec = createChunkedDecoder(seed, { trailer: 'x-amz-checksum-crc32', decodedContentLength: 25, minChunkSize: 0 });
      const { out, error } = await runTransform(dec, splitAt(body, [cut]));
      expect(error).toBeUndefined();
      expect(latin1(out)).toBe(v.inputs.data_utf8);
    }
  });
});

function chunkPieces(data: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let o = 0; o < data.length; o += size) out.push(data.subarray(o, o + size));
  return out;
}
