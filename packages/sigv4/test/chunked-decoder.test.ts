import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ChunkedDecoder,
  ChunkedEncoder,
  createChunkedDecoder,
  createChunkedEncoder,
  decodeChunked,
  SigV4Signer,
  streamingPayloadHash,
  type ChecksumAlgorithm,
  type ChunkedDecoderOptions,
  type ChunkedMode,
  type SignedRequest,
} from '../src/index.js';
import { ascii, concat, expectS3, latin1, runTransform, splitAt } from './chunked-helpers.js';

const signer = new SigV4Signer({
  credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
  region: 'us-east-1',
  clock: () => Date.UTC(2013, 4, 24),
});

function seedFor(mode: ChunkedMode, headers: Record<string, string> = {}): SignedRequest {
  return signer.sign({ method: 'PUT', url: 'https://s3.amazonaws.com/b/k', headers, payloadHash: streamingPayloadHash(mode) });
}

/** Small-chunk fixture: data of `n` bytes, 16-byte chunks. */
function fixture(mode: ChunkedMode, n = 50, alg: ChecksumAlgorithm = 'crc32c') {
  const data = new Uint8Array(n).map((_, i) => 33 + ((i * 7) % 90));
  const seed = seedFor(mode);
  const enc = new ChunkedEncoder(seed, { chunkSize: 16, allowSmallChunks: true, checksumAlgorithm: alg });
  const out: Uint8Array[] = [];
  for (const p of splitAt(data, [5, 21])) enc.write(p, (b) => out.push(b.slice()));
  enc.end((b) => out.push(b.slice()));
  const body = concat(out);
  const opts: ChunkedDecoderOptions = {
    minChunkSize: 0,
    decodedContentLength: n,
    ...(mode === 'streaming' ? {} : { trailer: `x-amz-checksum-${alg}` }),
  };
  // Region map: for each encoded byte, the decoded offset where its chunk starts.
  const signed = mode !== 'streaming-unsigned-trailer';
  const owner = new Int32Array(body.length);
  let pos = 0;
  let decoded = 0;
  for (let left = n; left > 0; ) {
    const size = Math.min(16, left);
    const len = size.toString(16).length + (signed ? 81 : 0) + 2 + size + 2;
    owner.fill(decoded, pos, pos + len);
    pos += len;
    decoded += size;
    left -= size;
  }
  owner.fill(n, pos);
  return { data, body, seed, opts, owner, finalStart: pos };
}

function decodeSync(seed: SignedRequest, opts: ChunkedDecoderOptions, pieces: readonly Uint8Array[]) {
  const out: Uint8Array[] = [];
  let error: unknown;
  try {
    const dec = new ChunkedDecoder(seed, opts);
    for (const p of pieces) dec.write(p, (b) => out.push(b));
    dec.end((b) => out.push(b));
  } catch (e) {
    error = e;
  }
  return { out: concat(out), error };
}

const MODES: ChunkedMode[] = ['streaming', 'streaming-trailer', 'streaming-unsigned-trailer'];

describe('aws-chunked decoder: splits', () => {
  for (const mode of MODES) {
    it(`decodes the same bytes whatever the input split, at every single cut point (${mode})`, () => {
      const { data, body, seed, opts } = fixture(mode);
      for (let cut = 0; cut <= body.length; cut++) {
        const { out, error } = decodeSync(seed, opts, splitAt(body, [cut]));
        expect(error).toBeUndefined();
        expect(Buffer.compare(out, data)).toBe(0);
      }
    });

    it(`decodes the same bytes for random multi-way splits, including 1-byte pieces (${mode})`, () => {
      const { data, body, seed, opts } = fixture(mode, 200);
      fc.assert(
        fc.property(fc.array(fc.nat(body.length), { maxLength: 60 }), (cuts) => {
          const { out, error } = decodeSync(seed, opts, splitAt(body, cuts));
          return error === undefined && Buffer.compare(out, data) === 0;
        }),
        { numRuns: 200 },
      );
      const bytewise = Array.from(body, (b) => new Uint8Array([b]));
      expect(Buffer.compare(decodeSync(seed, opts, bytewise).out, data)).toBe(0);
    });
  }
});

describe('aws-chunked decoder: chunk header spellings', () => {
  /** Rewrites every chunk header's size digits (the data never holds CRLF + hex + `;`). */
  const respell = (body: Uint8Array, size: (hex: string) => string) =>
    ascii(latin1(body).replace(/(^|\r\n)([0-9a-f]+)(;chunk-signature=|\r\n)/g, (_, before: string, hex: string, after: string) => before + size(hex) + after));

  for (const mode of MODES) {
    it(`decodes sizes in uppercase hex and with leading zeros past 12 digits, as the text path does (${mode})`, () => {
      const { data, body, seed, opts } = fixture(mode);
      for (const size of [(h: string) => h.toUpperCase(), (h: string) => `${'0'.repeat(14)}${h}`, (h: string) => `0${h}`]) {
        const { out, error } = decodeSync(seed, opts, [respell(body, size)]);
        expect(error).toBeUndefined();
        expect(out).toEqual(data);
      }
    });
  }

  it('refuses a chunk signature in uppercase hex (SignatureDoesNotMatch is never reached: the framing is wrong)', () => {
    const { body, seed, opts } = fixture('streaming');
    const upper = ascii(latin1(body).replace(/chunk-signature=([0-9a-f]{64})/, (_, sig: string) => `chunk-signature=${sig.toUpperCase()}`));
    expect(expectS3(decodeSync(seed, opts, [upper]).error).code).toBe('IncompleteBody');
  });
});

describe('aws-chunked decoder: tampering', () => {
  for (const mode of ['streaming', 'streaming-trailer'] as const) {
    it(`rejects every single-byte change of a signed body and never releases bytes of the changed chunk (${mode})`, () => {
      const { data, body, seed, opts, owner } = fixture(mode);
      const codes = new Set<string>();
      for (let i = 0; i < body.length; i++) {
        const bad = body.slice();
        bad[i] = bad[i]! ^ 1;
        const { out, error } = decodeSync(seed, opts, [bad]);
        const err = expectS3(error);
        codes.add(err.code);
        expect(out.length).toBeLessThanOrEqual(owner[i]!);
        expect(Buffer.compare(out, data.subarray(0, out.length))).toBe(0);
      }
      expect([...codes].every((c) => ['SignatureDoesNotMatch', 'IncompleteBody', 'MalformedTrailerError', 'EntityTooLarge'].includes(c))).toBe(true);
      expect(codes.has('SignatureDoesNotMatch')).toBe(true);
    });
  }

  it('rejects every single-byte change of an unsigned-trailer body (BadDigest for data, framing errors otherwise)', () => {
    const { body, seed, opts } = fixture('streaming-unsigned-trailer');
    const codes = new Set<string>();
    for (let i = 0; i < body.length; i++) {
      const bad = body.slice();
      bad[i] = bad[i]! ^ 1;
      codes.add(expectS3(decodeSync(seed, opts, [bad]).error).code);
    }
    expect(codes.has('BadDigest')).toBe(true);
    expect([...codes].every((c) => ['BadDigest', 'IncompleteBody', 'MalformedTrailerError', 'InvalidRequest', 'EntityTooLarge'].includes(c))).toBe(true);
  });

  it('rejects a changed data byte with SignatureDoesNotMatch (403) before releasing any byte of that chunk', () => {
    const { data, body, seed, opts } = fixture('streaming');
    const second = latin1(body).indexOf('10;chunk-signature=', 10);
    const dataStart = latin1(body).indexOf('\r\n', second) + 2;
    const bad = body.slice();
    bad[dataStart + 3] = bad[dataStart + 3]! ^ 0x40;
    const { out, error } = decodeSync(seed, opts, [bad]);
    const err = expectS3(error);
    expect([err.code, err.status]).toEqual(['SignatureDoesNotMatch', 403]);
    expect(err.details['StringToSign']).toMatch(/^AWS4-HMAC-SHA256-PAYLOAD\n/);
    expect(out.length).toBe(16);
    expect(Buffer.compare(out, data.subarray(0, 16))).toBe(0);
  });

  it('rejects a chunk signature changed to another valid-looking hex value with SignatureDoesNotMatch', () => {
    const { body, seed, opts } = fixture('streaming');
    const text = latin1(body);
    const at = text.indexOf('chunk-signature=') + 16;
    const bad = ascii(text.slice(0, at) + (text[at] === '0' ? '1' : '0') + text.slice(at + 1));
    const { out, error } = decodeSync(seed, opts, [bad]);
    expect(expectS3(error).code).toBe('SignatureDoesNotMatch');
    expect(out.length).toBe(0);
  });

  it('rejects a changed crc32c trailer value: SignatureDoesNotMatch when signed, BadDigest (400) when unsigned', () => {
    for (const mode of ['streaming-trailer', 'streaming-unsigned-trailer'] as const) {
      const { body, seed, opts } = fixture(mode);
      const text = latin1(body);
      const at = text.indexOf('x-amz-checksum-crc32c:') + 22;
      const swapped = text[at] === 'A' ? 'B' : 'A';
      const bad = ascii(text.slice(0, at) + swapped + text.slice(at + 1));
      const err = expectS3(decodeSync(seed, opts, [bad]).error);
      if (mode === 'streaming-trailer') {
        expect(err.code).toBe('SignatureDoesNotMatch');
        expect(err.details['StringToSign']).toMatch(/^AWS4-HMAC-SHA256-TRAILER\n/);
      } else {
        expect([err.code, err.status]).toEqual(['BadDigest', 400]);
        expect(err.message).toBe('The x-amz-checksum-crc32c you specified did not match the calculated checksum.');
      }
    }
  });

  it('rejects a changed trailer signature with SignatureDoesNotMatch', () => {
    const { body, seed, opts } = fixture('streaming-trailer');
    const text = latin1(body);
    const at = text.indexOf('x-amz-trailer-signature:') + 30;
    const bad = ascii(text.slice(0, at) + (text[at] === 'f' ? 'e' : 'f') + text.slice(at + 1));
    expect(expectS3(decodeSync(seed, opts, [bad]).error).code).toBe('SignatureDoesNotMatch');
  });

  it('rejects a signed trailer whose checksum is right but does not match the data with BadDigest', () => {
    // Re-sign a wrong checksum: only the checksum check can catch it.
    const { body, seed, opts } = fixture('streaming-trailer', 50, 'sha256');
    const text = latin1(body);
    const start = text.indexOf('x-amz-checksum-sha256:');
    const finalLine = text.lastIndexOf('0;chunk-signature=', start);
    const prev = text.slice(finalLine + 18, finalLine + 18 + 64);
    const fake = Buffer.alloc(32, 7).toString('base64');
    const sig = trailerSig(seed, prev, [['x-amz-checksum-sha256', fake]]);
    const bad = ascii(`${text.slice(0, start)}x-amz-checksum-sha256:${fake}\r\nx-amz-trailer-signature:${sig}\r\n\r\n`);
    const err = expectS3(decodeSync(seed, opts, [bad]).error);
    expect([err.code, err.status]).toEqual(['BadDigest', 400]);
  });
});

import { trailerSignature, defaultCrypto } from '../src/index.js';
function trailerSig(seed: SignedRequest, prev: string, trailers: Array<[string, string]>): string {
  return trailerSignature(defaultCrypto(), seed.signingKey, seed.amzDate, seed.credentialScope, prev, trailers);
}

describe('aws-chunked decoder: truncation and framing errors', () => {
  for (const mode of MODES) {
    it(`answers IncompleteBody (400) for a body cut at any point, and never hangs (${mode})`, async () => {
      const { body, seed, opts, finalStart } = fixture(mode);
      for (let len = 0; len < body.length; len++) {
        const { out, error } = decodeSync(seed, opts, [body.subarray(0, len)]);
        // Trailer modes accept a missing final blank line / unterminated but whole last line.
        if (mode !== 'streaming' && len >= body.length - 4) {
          expect(error).toBeUndefined();
          continue;
        }
        const err = expectS3(error);
        expect([err.code, err.status]).toEqual(['IncompleteBody', 400]);
        expect(len >= finalStart || out.length < 50).toBe(true);
      }
      // Through a real TransformStream: errors, does not hang.
      const { error } = await runTransform(createChunkedDecoder(seed, opts), [body.subarray(0, body.length - 10)]);
      expect(expectS3(error).code).toBe('IncompleteBody');
    });
  }

  const seed = seedFor('streaming');
  const sig = 'a'.repeat(64);
  const cases: Array<[string, string, string, ChunkedDecoderOptions?]> = [
    ['a bad hex size', `zz;chunk-signature=${sig}\r\n`, 'IncompleteBody'],
    ['a missing chunk-signature extension in a signed mode', '10\r\n0123456789abcdef\r\n', 'IncompleteBody'],
    ['a header line ending in bare LF', `10;chunk-signature=${sig}\n`, 'IncompleteBody'],
    ['a chunk longer than its size (no CRLF after the data)', `1;chunk-signature=${sig}\r\nab\r\n`, 'IncompleteBody'],
    ['an over-long header line', `1;chunk-signature=${sig}${'x'.repeat(5000)}\r\n`, 'IncompleteBody'],
    ['a chunk over maxChunkSize', `1000001;chunk-signature=${sig}\r\n`, 'EntityTooLarge'],
    ['a huge hex size', `ffffffffffffffffffff;chunk-signature=${sig}\r\n`, 'EntityTooLarge'],
    ['chunk sizes above x-amz-decoded-content-length', `2000;chunk-signature=${sig}\r\n`, 'IncompleteBody', { decodedContentLength: 100 }],
  ];
  for (const [what, text, code, extra] of cases) {
    it(`answers ${code} for ${what}`, () => {
      const { out, error } = decodeSync(seed, { ...extra }, [ascii(text)]);
      const err = expectS3(error);
      expect([err.code, err.status]).toEqual([code, 400]);
      if (code === 'IncompleteBody' && extra === undefined) {
        // S3's wire message; the precise reason is kept as the cause (for logs).
        expect(err.message).toBe('The request body terminated unexpectedly');
        expect(String((err.cause as Error).message)).not.toBe('');
      }
      expect(out.length).toBe(0);
    });
  }

  it('answers InvalidChunkSizeError for a non-final chunk under 8192 bytes (S3 rule)', () => {
    const { body, seed: s } = fixture('streaming');
    const err = expectS3(decodeSync(s, {}, [body]).error);
    expect(err.code).toBe('InvalidChunkSizeError');
    expect(err.details).toEqual({ Chunk: '2', BadChunkSize: '16' });
    // S3's own example: "hello" in 3-byte chunks.
    const hello = new ChunkedEncoder(s, { chunkSize: 3, allowSmallChunks: true });
    const parts: Uint8Array[] = [];
    hello.write(ascii('hello'), (b) => parts.push(b.slice()));
    hello.end((b) => parts.push(b.slice()));
    expect(expectS3(decodeSync(s, {}, parts).error).details).toEqual({ Chunk: '2', BadChunkSize: '3' });
  });

  it('answers IncompleteBody when the decoded length differs from x-amz-decoded-content-length', () => {
    const { body, seed: s } = fixture('streaming');
    expect(expectS3(decodeSync(s, { minChunkSize: 0, decodedContentLength: 51 }, [body]).error).code).toBe('IncompleteBody');
    expect(expectS3(decodeSync(s, { minChunkSize: 0, decodedContentLength: '49' }, [body]).error).code).toBe('IncompleteBody');
    expect(expectS3(decodeSync(s, { decodedContentLength: '12x' }, []).error).code).toBe('InvalidArgument');
  });

  it('answers IncompleteBody for bytes after the final chunk', () => {
    for (const mode of MODES) {
      const { body, seed: s, opts } = fixture(mode);
      expect(expectS3(decodeSync(s, opts, [body, ascii('x')]).error).code).toBe('IncompleteBody');
    }
  });

  it('answers MalformedTrailerError for an undeclared, missing, duplicated or malformed trailer', () => {
    const { body, seed: s, opts } = fixture('streaming-unsigned-trailer', 50, 'crc32');
    const text = latin1(body);
    const at = text.indexOf('x-amz-checksum-crc32:');
    const head = text.slice(0, at);
    const line = text.slice(at, text.indexOf('\r\n', at) + 2);
    const variants = [
      `${head}x-amz-meta-x:1\r\n${line}\r\n`,
      `${head}\r\n`.replace(/\r\n\r\n$/, '\r\n\r\n\r\n'),
      `${head}${line}${line}\r\n`,
      `${head}no-colon-here\r\n\r\n`,
      `${head}${line}x-amz-trailer-signature:${'a'.repeat(64)}\r\n\r\n`,
    ];
    for (const v of variants) expect(expectS3(decodeSync(s, opts, [ascii(v)]).error).code).toBe('MalformedTrailerError');
    expect(expectS3(decodeSync(s, opts, [ascii(`${head}x-amz-checksum-crc32:!!!!\r\n\r\n`)]).error).code).toBe('InvalidRequest');
    expect(() => new ChunkedDecoder(s, { trailer: 'x-amz-checksum-md5' })).toThrowError(/not supported/);
  });

  it('answers IncompleteBody when a signed trailer has no x-amz-trailer-signature (as S3)', () => {
    const { body, seed: s, opts } = fixture('streaming-trailer');
    const text = latin1(body);
    const cut = text.indexOf('x-amz-trailer-signature:');
    expect(expectS3(decodeSync(s, opts, [ascii(`${text.slice(0, cut)}\r\n`)]).error).code).toBe('IncompleteBody');
    // No trailer at all and no x-amz-trailer header (S3's answer quoted in versitygw #1695).
    const final = text.lastIndexOf('0;chunk-signature=');
    const bare = `${text.slice(0, text.indexOf('\r\n', final) + 2)}\r\n\r\n`;
    expect(expectS3(decodeSync(s, { minChunkSize: 0 }, [ascii(bare)]).error).code).toBe('IncompleteBody');
  });

  it('answers InvalidRequest for a trailing checksum that is not base64 of the digest size ("M3eFcAZSQlcb")', () => {
    const { body, seed: s, opts } = fixture('streaming-unsigned-trailer', 50, 'crc64nvme');
    const text = latin1(body);
    const at = text.indexOf('x-amz-checksum-crc64nvme:') + 25;
    const bad = `${text.slice(0, at)}M3eFcAZSQlcb${text.slice(at + 12)}`;
    const err = expectS3(decodeSync(s, opts, [ascii(bad)]).error);
    expect([err.code, err.message]).toEqual(['InvalidRequest', 'Value for x-amz-checksum-crc64nvme trailing header is invalid.']);
  });

  it('keeps failing with the same error after the first one', () => {
    const dec = new ChunkedDecoder(seed, {});
    const errors: unknown[] = [];
    for (const step of [() => dec.write(ascii('zz;\r\n'), () => {}), () => dec.write(ascii('0'), () => {}), () => dec.end(() => {})]) {
      try {
        step();
      } catch (e) {
        errors.push(e);
      }
    }
    expect(errors).toHaveLength(3);
    expect(expectS3(errors[0]).code).toBe('IncompleteBody');
    expect(errors[1]).toBe(errors[0]);
    expect(errors[2]).toBe(errors[0]);
  });

  it('decodeChunked (async iterable) yields the data and throws the S3 error', async () => {
    const { data, body, seed: s, opts } = fixture('streaming-trailer');
    const got: Uint8Array[] = [];
    for await (const p of decodeChunked(splitAt(body, [7, 90, 300]), s, opts)) got.push(p);
    expect(Buffer.compare(concat(got), data)).toBe(0);
    const bad = body.slice(0, -20);
    await expect(async () => {
      for await (const _ of decodeChunked(new Blob([bad]).stream(), s, opts)) void _;
    }).rejects.toMatchObject({ code: 'IncompleteBody', status: 400 });
  });

  it('refuses a request that is not aws-chunked', () => {
    const plain = signer.sign({ method: 'PUT', url: 'https://s3.amazonaws.com/b/k', body: 'x' });
    expect(() => createChunkedDecoder(plain)).toThrowError(/not an aws-chunked/);
    expect(() => createChunkedEncoder(plain)).toThrowError(/STREAMING/);
  });
});
