import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CHECKSUM_ALGORITHMS,
  checksumBase64,
  chunkedHeaders,
  chunkedLengths,
  ChunkedDecoder,
  ChunkedEncoder,
  createChunkedDecoder,
  createChunkedEncoder,
  decodeChunked,
  encodeChunked,
  SigV4Signer,
  streamingPayloadHash,
  type ChecksumAlgorithm,
  type ChunkedMode,
} from '../src/index.js';
import { concat, runTransform, splitAt } from './chunked-helpers.js';

const signer = new SigV4Signer({
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'tok' },
  region: 'eu-west-1',
});

const MODES: ChunkedMode[] = ['streaming', 'streaming-trailer', 'streaming-unsigned-trailer'];

function randomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed | 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** client: headers -> sign -> encode; server: decode with the signed request's values. */
async function roundTrip(data: Uint8Array, mode: ChunkedMode, alg: ChecksumAlgorithm, cuts: number[], chunkSize?: number) {
  const opts = { mode, checksumAlgorithm: alg, ...(chunkSize === undefined ? {} : { chunkSize }) };
  const headers = chunkedHeaders(data.length, opts);
  const signed = signer.sign({ method: 'PUT', url: 'https://bucket.s3.eu-west-1.amazonaws.com/a%20b/c', headers, payloadHash: streamingPayloadHash(mode) });
  const enc = await runTransform(createChunkedEncoder(signed, { ...opts, decodedContentLength: data.length }), splitAt(data, cuts));
  expect(enc.error).toBeUndefined();
  expect(enc.out.length).toBe(chunkedLengths(data.length, opts).contentLength);
  expect(String(enc.out.length)).toBe(headers['content-length']);
  let trailers: ReadonlyArray<readonly [string, string]> = [];
  const dec = await runTransform(
    createChunkedDecoder(signed, {
      decodedContentLength: signed.headers['x-amz-decoded-content-length'],
      trailer: signed.headers['x-amz-trailer'],
      onTrailers: (t) => (trailers = t),
    }),
    splitAt(
      enc.out,
      cuts.map((c) => c * 3 + 1),
    ),
  );
  expect(dec.error).toBeUndefined();
  expect(Buffer.compare(dec.out, data)).toBe(0);
  if (mode !== 'streaming') expect(trailers).toEqual([[`x-amz-checksum-${alg}`, checksumBase64(alg, data)]]);
}

describe('aws-chunked round trip (encoder -> decoder)', () => {
  const sizes = [0, 1, 8191, 8192, 65535, 65536, 65537, 3 * 65536 + 5];
  for (const mode of MODES) {
    for (const alg of mode === 'streaming' ? (['crc32'] as const) : CHECKSUM_ALGORITHMS) {
      it(`round-trips sizes ${sizes.join(', ')} (${mode}${mode === 'streaming' ? '' : `, ${alg}`})`, async () => {
        for (const n of sizes) await roundTrip(randomBytes(n, n + 1), mode, alg, [1, 4095, 70000, 131072]);
      });
    }
  }

  it('round-trips random sizes, chunk sizes and input splits in every mode (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 150_000 }),
        fc.constantFrom(...MODES),
        fc.constantFrom(...CHECKSUM_ALGORITHMS),
        fc.integer({ min: 8192, max: 70_000 }),
        fc.array(fc.nat(150_000), { maxLength: 12 }),
        async (n, mode, alg, chunkSize, cuts) => {
          await roundTrip(randomBytes(n, n * 31 + 7), mode, alg, cuts, chunkSize);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('emits fixed-size chunks whatever the input piece sizes, holding at most one chunk', async () => {
    const data = randomBytes(200_000, 3);
    const signed = signer.sign({ method: 'PUT', url: 'https://h/b/k', headers: chunkedHeaders(data.length), payloadHash: streamingPayloadHash('streaming') });
    const { out } = await runTransform(createChunkedEncoder(signed), splitAt(data, [1, 2, 3, 100, 65535, 65537, 190_000]));
    const text = Buffer.from(out).toString('latin1');
    const sizes = [...text.matchAll(/(?:^|\r\n)([0-9a-f]+);chunk-signature=/g)].map((m) => parseInt(m[1]!, 16));
    expect(sizes).toEqual([65536, 65536, 65536, 200_000 - 3 * 65536, 0]);
  });

  it('a held partial chunk does not pin (or depend on) the large input piece it came from', () => {
    const data = randomBytes(1_048_576 + 100, 5);
    const input = data.slice();
    const signed = signer.sign({ method: 'PUT', url: 'https://h/b/k', headers: chunkedHeaders(data.length), payloadHash: streamingPayloadHash('streaming') });
    const enc = new ChunkedEncoder(signed);
    const wire: Uint8Array[] = [];
    enc.write(input, (b) => wire.push(b.slice()));
    input.fill(0); // the 100-byte tail is still held: it must have been copied
    enc.end((b) => wire.push(b.slice()));
    const body = concat(wire);
    const dec = new ChunkedDecoder(signed, { decodedContentLength: data.length });
    const out: Uint8Array[] = [];
    const cut = body.length - 138; // 50 bytes into the last (100-byte) data chunk
    const piece = body.slice(0, cut);
    dec.write(piece, (b) => out.push(b.slice()));
    piece.fill(0); // the decoder holds the last chunk's head: it must have been copied too
    dec.write(body.slice(cut), (b) => out.push(b.slice()));
    dec.end(() => {});
    expect(Buffer.compare(concat(out), data)).toBe(0);
  });

  it('async-iterable encodeChunked/decodeChunked give the same bytes as the streams', async () => {
    const data = randomBytes(100_000, 9);
    const opts = { mode: 'streaming-trailer' as const, checksumAlgorithm: 'crc64nvme' as const };
    const signed = signer.sign({ method: 'PUT', url: 'https://h/b/k', headers: chunkedHeaders(data.length, opts), payloadHash: streamingPayloadHash('streaming-trailer') });
    const encoded: Uint8Array[] = [];
    for await (const p of encodeChunked(splitAt(data, [10, 70_000]), signed, opts)) encoded.push(p.slice());
    const viaStream = await runTransform(createChunkedEncoder(signed, opts), [data]);
    const fromWebStream: Uint8Array[] = [];
    for await (const p of encodeChunked(new Blob([data]).stream(), signed, opts)) fromWebStream.push(p.slice());
    expect(Buffer.compare(concat(fromWebStream), viaStream.out)).toBe(0);
    expect(Buffer.compare(concat(encoded), viaStream.out)).toBe(0);
    const decoded: Uint8Array[] = [];
    for await (const p of decodeChunked(encoded, signed, { trailer: 'x-amz-checksum-crc64nvme', decodedContentLength: data.length })) decoded.push(p);
    expect(Buffer.compare(concat(decoded), data)).toBe(0);
  });

  it('the encoder refuses a body whose length differs from the declared decoded length', async () => {
    const signed = signer.sign({ method: 'PUT', url: 'https://h/b/k', payloadHash: streamingPayloadHash('streaming') });
    const longer = await runTransform(createChunkedEncoder(signed, { decodedContentLength: 3 }), [new Uint8Array(4)]);
    expect(String(longer.error)).toMatch(/longer than the declared/);
    const shorter = await runTransform(createChunkedEncoder(signed, { decodedContentLength: 5 }), [new Uint8Array(4)]);
    expect(String(shorter.error)).toMatch(/4 bytes but x-amz-decoded-content-length is 5/);
  });

  it('the encoder takes checksum and decoded length from the signed headers and refuses options that contradict them', async () => {
    const opts = { mode: 'streaming-trailer' as const, checksumAlgorithm: 'sha1' as const, chunkSize: 10_000 };
    const signed = signer.sign({ method: 'PUT', url: 'https://h/b/k', headers: chunkedHeaders(25_000, opts), payloadHash: streamingPayloadHash('streaming-trailer') });
    const { out, error } = await runTransform(createChunkedEncoder(signed, { chunkSize: 10_000 }), [new Uint8Array(25_000)]);
    expect(error).toBeUndefined();
    expect(Buffer.from(out).toString('latin1')).toContain('\r\nx-amz-checksum-sha1:');
    expect(String(out.length)).toBe(signed.headers['content-length']);
    expect(() => createChunkedEncoder(signed)).toThrowError(/content-length .* chunkSize/);
    expect(() => createChunkedEncoder(signed, { chunkSize: 10_000, checksumAlgorithm: 'crc32' })).toThrowError(/x-amz-trailer/);
    const short = await runTransform(createChunkedEncoder(signed, { chunkSize: 10_000 }), [new Uint8Array(24_999)]);
    expect(String(short.error)).toMatch(/24999 bytes but x-amz-decoded-content-length is 25000/);
  });

  it('the encoder refuses chunk sizes under 8192 unless allowSmallChunks, and a mode that contradicts the seed', () => {
    const signed = signer.sign({ method: 'PUT', url: 'https://h/b/k', payloadHash: streamingPayloadHash('streaming') });
    expect(() => createChunkedEncoder(signed, { chunkSize: 8191 })).toThrowError(/at least 8192/);
    expect(() => createChunkedEncoder(signed, { chunkSize: 100, allowSmallChunks: true })).not.toThrow();
    expect(() => createChunkedEncoder(signed, { mode: 'streaming-trailer' })).toThrowError(/disagrees/);
    expect(() => chunkedLengths(-1)).toThrowError(RangeError);
  });
});
