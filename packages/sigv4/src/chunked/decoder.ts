import {
  BadDigest,
  EntityTooLarge,
  IncompleteBody,
  InvalidArgument,
  InvalidChunkSizeError,
  InvalidRequest,
  MalformedTrailerError,
  SignatureDoesNotMatch,
  s3ErrorOf,
  type S3Error,
} from '@s3kit/errors';
import { EMPTY_SHA256 } from '../constants.js';
import { defaultCrypto, sha256HexOf, type CryptoProvider } from '../crypto.js';
import { fromBase64, timingSafeEqual } from '../encoding.js';
import type { PayloadMode } from '../payload.js';
import { ChunkAccumulator } from './accumulator.js';
import { CHUNK_SIG_LENGTH, hexEqualsBytes, readChunkHeader } from './chunk-header.js';
import { checksumAlgorithmOf, checksumBase64Length, checksumDigestLength, createChecksum, type ChecksumAlgorithm, type Checksum } from './checksums.js';
import { chunkedModeOf, MIN_CHUNK_SIZE, resolveMode, type ChunkedMode } from './framing.js';
import { chunkStringToSign, trailerStringToSign, trimOws, type ChunkSigningSeed } from './signatures.js';
import { pushThrough, pushTransform, type ByteSource } from './source.js';

/*
 * Error codes (what S3 answers; S3 publishes no table for aws-chunked, so these follow the
 * S3-compatible servers that test against it):
 * - bad chunk or trailer signature: SignatureDoesNotMatch (403), as AWS and MinIO
 *   (`errSignatureMismatch`) answer. A signed trailer with no x-amz-trailer-signature, or a
 *   trailer section that never comes, is IncompleteBody (S3's answer in versitygw #1695).
 * - malformed framing (bad hex size, missing CRLF, missing `;chunk-signature=` in a signed
 *   mode, over-long header line, bytes after the final chunk) and a truncated body:
 *   IncompleteBody (400) "The request body terminated unexpectedly". That is what AWS S3
 *   answered in the requests quoted in versity/versitygw issues #1685 (signed modes: missing
 *   CRLF, missing or garbled chunk-signature, invalid size) and #1660/#1666 (unsigned
 *   trailer). s3s also maps its FormatError and Incomplete to IncompleteBody. MinIO answers a
 *   non-standard `BadRequest`, which we do not copy. The precise reason is the error's `cause`.
 * - a decoded length that differs from `x-amz-decoded-content-length`: IncompleteBody with
 *   its default message (versitygw's ErrContentLengthMismatch; s3s LengthMismatch).
 * - a chunk larger than `maxChunkSize`: EntityTooLarge (400), as s3s (ChunkDataTooLarge).
 * - a non-final chunk under 8192 bytes: InvalidChunkSizeError, S3's own code for it
 *   ("Only the last chunk is allowed to have a size less than 8192 bytes", with <Chunk> and
 *   <BadChunkSize>; S3's answer is quoted in versity/versitygw issue #1683).
 * - a trailer that is not `name:value`, undeclared in `x-amz-trailer`, duplicated, missing,
 *   or too large: MalformedTrailerError (400), S3's answer for a bad trailer name, a missing
 *   `:` and an x-amz-trailer that does not match the trailer sent (versitygw #1690, #1691,
 *   #1600).
 * - a checksum trailer value that is not base64 of the digest size: InvalidRequest (400),
 *   "Value for x-amz-checksum-crc64nvme trailing header is invalid." (S3's answer quoted in
 *   versitygw #1652 and #1692).
 * - a checksum that does not match the data: BadDigest (400), "The x-amz-checksum-crc32 you
 *   specified did not match the calculated checksum."
 */

/** Everything the decoder needs from a verified request (a `VerifiedRequest` has it all). */
export interface ChunkedDecoderSeed extends ChunkSigningSeed {
  readonly payloadMode?: PayloadMode | undefined;
  readonly accessKeyId?: string | undefined;
}

export interface ChunkedDecoderOptions {
  /** The `x-amz-decoded-content-length` header. When given, the decoded bytes must match. */
  decodedContentLength?: number | string | undefined;
  /**
   * The `x-amz-trailer` header (comma-separated names) or the names. Trailer modes: every
   * declared trailer must arrive, no other may; `x-amz-checksum-*` ones are verified.
   */
  trailer?: string | readonly string[] | undefined;
  /** Largest chunk accepted. Default 16 MiB. */
  maxChunkSize?: number | undefined;
  /** Smallest non-final chunk accepted. Default 8192 (S3's rule); 0 to accept any. */
  minChunkSize?: number | undefined;
  /** Longest chunk header or trailer line. Default 4096. */
  maxLineLength?: number | undefined;
  /** Most trailer bytes accepted. Default 16384. */
  maxTrailerSize?: number | undefined;
  /** Override the mode (default: from the seed's payloadMode / payloadHash). */
  mode?: ChunkedMode | undefined;
  /** Hash primitives. Default: node:crypto when available, else @noble/hashes. */
  crypto?: CryptoProvider | undefined;
  /** Called once the trailer is verified, with the trailers received (lowercase names). */
  onTrailers?: ((trailers: ReadonlyArray<readonly [string, string]>) => void) | undefined;
}

export const DEFAULT_MAX_CHUNK_SIZE = 16 * 1024 * 1024;

const S_HEADER = 0;
const S_DATA = 1;
const S_DATA_CR = 2;
const S_DATA_LF = 3;
const S_FINAL = 4;
const S_TRAILER = 5;
const S_END = 6;

const NO_BYTES: Uint8Array = new Uint8Array(0);

const SIGNED_HEADER = /^([0-9A-Fa-f]+);chunk-signature=([0-9a-f]{64})$/;
const UNSIGNED_HEADER = /^([0-9A-Fa-f]+)$/;

/** S3's answer to a malformed or truncated aws-chunked body; the precise reason is the `cause`. */
function incomplete(reason: string): S3Error {
  return s3ErrorOf(IncompleteBody, 'The request body terminated unexpectedly', { cause: new Error(reason) });
}

/** The decoded length is not `x-amz-decoded-content-length` (S3's default IncompleteBody text). */
function lengthMismatch(reason: string): S3Error {
  return s3ErrorOf(IncompleteBody, undefined, { cause: new Error(reason) });
}

function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode.apply(null, b.subarray(i, i + 4096) as unknown as number[]);
  return s;
}

/** Parses the `x-amz-trailer` header into lowercase names. */
function trailerNames(trailer: string | readonly string[] | undefined): string[] {
  if (trailer === undefined) return [];
  const list = typeof trailer === 'string' ? trailer.split(',') : trailer;
  return list.map((n) => n.trim().toLowerCase()).filter((n) => n !== '');
}

/**
 * The synchronous core of the verifying decoder: feed encoded pieces (split anywhere), get
 * verified payload pieces through `emit`. A chunk's bytes are emitted only after its
 * signature (signed modes) and framing are verified; at most one chunk is held, by reference.
 * Errors are thrown as `S3Error`s; after an error every call throws it again.
 */
export class ChunkedDecoder {
  readonly mode: ChunkedMode;
  readonly #signed: boolean;
  readonly #seed: ChunkDecoderSeedLike;
  readonly #crypto: CryptoProvider;
  readonly #declared: number | undefined;
  readonly #maxChunk: number;
  readonly #minChunk: number;
  readonly #maxLine: number;
  readonly #maxTrailer: number;
  readonly #expected: string[];
  readonly #checksums = new Map<string, Checksum>();
  /** The same checksums as a list: updated for every chunk. */
  readonly #checksumList: Checksum[] = [];
  readonly #onTrailers: ChunkedDecoderOptions['onTrailers'];

  #state = S_HEADER;
  #error: unknown;
  #line: Uint8Array;
  #lineLen = 0;
  /** The last complete line read: `#lineBuf[#lineStart..#lineEnd)`, CRLF excluded. */
  #lineBuf: Uint8Array = NO_BYTES;
  #lineStart = 0;
  #lineEnd = 0;
  #prev: string;
  /** The current chunk's signature as sent (64 ASCII hex bytes), kept as bytes. */
  readonly #chunkSig = new Uint8Array(CHUNK_SIG_LENGTH);
  #size = 0;
  #remaining = 0;
  readonly #acc = new ChunkAccumulator();
  #total = 0;
  #lastSize = -1;
  #chunkNo = 0;
  #trailers: Array<[string, string]> = [];
  #trailerSig: string | undefined;
  #trailerBytes = 0;
  #skippedBlank = false;

  constructor(seed: ChunkedDecoderSeed, options: ChunkedDecoderOptions = {}) {
    const seedMode =
      seed.payloadMode === 'streaming' || seed.payloadMode === 'streaming-trailer' || seed.payloadMode === 'streaming-unsigned-trailer' ? seed.payloadMode : chunkedModeOf(seed.payloadHash);
    const mode = options.mode ?? seedMode;
    if (mode === undefined) throw new TypeError('createChunkedDecoder: the request is not an aws-chunked (STREAMING-…) upload');
    this.mode = resolveMode(mode);
    this.#signed = this.mode !== 'streaming-unsigned-trailer';
    this.#seed = { ...seed, scope: seed.credentialScope };
    this.#crypto = options.crypto ?? defaultCrypto();
    this.#prev = seed.signature;
    const d = options.decodedContentLength;
    if (d !== undefined) {
      const n = typeof d === 'string' ? (/^\d{1,16}$/.test(d.trim()) ? Number(d.trim()) : NaN) : d;
      if (!Number.isSafeInteger(n) || n < 0) {
        throw s3ErrorOf(InvalidArgument, `x-amz-decoded-content-length is not a valid length: ${String(d)}`);
      }
      this.#declared = n;
    }
    this.#maxChunk = options.maxChunkSize ?? DEFAULT_MAX_CHUNK_SIZE;
    this.#minChunk = options.minChunkSize ?? MIN_CHUNK_SIZE;
    this.#maxLine = options.maxLineLength ?? 4096;
    this.#maxTrailer = options.maxTrailerSize ?? 16_384;
    this.#line = new Uint8Array(this.#maxLine + 1);
    this.#onTrailers = options.onTrailers;
    this.#expected = this.mode === 'streaming' ? [] : trailerNames(options.trailer);
    for (const name of this.#expected) {
      if (name === 'x-amz-trailer-signature') throw s3ErrorOf(InvalidRequest, 'x-amz-trailer must not list x-amz-trailer-signature');
      if (name.startsWith('x-amz-checksum-')) {
        const alg: ChecksumAlgorithm | undefined = checksumAlgorithmOf(name);
        if (alg === undefined) throw s3ErrorOf(InvalidRequest, 'The value specified in the x-amz-trailer header is not supported');
        const cs = createChecksum(alg, this.#crypto);
        this.#checksums.set(name, cs);
        this.#checksumList.push(cs);
      }
    }
  }

  /** Decoded payload bytes released so far. */
  get decodedLength(): number {
    return this.#total;
  }

  /** The trailers received (after the stream completed). */
  get trailers(): ReadonlyArray<readonly [string, string]> {
    return this.#trailers;
  }

  /** Feeds encoded bytes; verified payload pieces come out through `emit`. */
  write(piece: Uint8Array, emit: (data: Uint8Array) => void): void {
    if (this.#error !== undefined) throw this.#error;
    try {
      this.#write(piece, emit);
      // Waiting for more of this chunk: do not pin a large input piece meanwhile.
      if (this.#state === S_DATA) this.#acc.compact();
    } catch (e) {
      this.#fail(e);
    }
  }

  /** Ends the input. Throws IncompleteBody if the body stopped anywhere but after the end. */
  end(emit: (data: Uint8Array) => void): void {
    if (this.#error !== undefined) throw this.#error;
    try {
      this.#end(emit);
    } catch (e) {
      this.#fail(e);
    }
  }

  #fail(e: unknown): never {
    this.#error = e;
    this.#acc.start(0);
    throw e;
  }

  #write(piece: Uint8Array, emit: (data: Uint8Array) => void): void {
    const n = piece.length;
    let off = 0;
    while (off < n) {
      switch (this.#state) {
        case S_DATA: {
          const take = Math.min(this.#remaining, n - off);
          const part = off === 0 && take === n ? piece : piece.subarray(off, off + take);
          this.#acc.push(part);
          off += take;
          this.#remaining -= take;
          if (this.#remaining === 0) this.#state = S_DATA_CR;
          break;
        }
        case S_DATA_CR:
          if (piece[off] !== 13) throw incomplete('chunk data is not followed by CRLF (chunk longer than its size?)');
          off++;
          this.#state = S_DATA_LF;
          break;
        case S_DATA_LF:
          if (piece[off] !== 10) throw incomplete('chunk data is not followed by CRLF');
          off++;
          this.#completeChunk(emit);
          break;
        case S_END:
          throw incomplete('unexpected data after the final chunk');
        default: {
          // S_HEADER, S_FINAL, S_TRAILER: line-oriented.
          const next = this.#readLine(piece, off);
          if (next === -1) return;
          off = next;
          if (this.#state === S_HEADER) this.#onHeaderLine();
          else this.#onLine(latin1(this.#lineBuf.subarray(this.#lineStart, this.#lineEnd)));
          // The line may be a view of the input piece: do not pin it.
          this.#lineBuf = NO_BYTES;
        }
      }
    }
  }

  /** Reads up to LF. Sets the line (without CRLF) and returns the offset after it, or -1. */
  #readLine(piece: Uint8Array, off: number): number {
    const lf = piece.indexOf(10, off);
    const end = lf === -1 ? piece.length : lf;
    const len = end - off;
    if (this.#lineLen + len > this.#maxLine) {
      throw this.#state === S_TRAILER ? s3ErrorOf(MalformedTrailerError, `trailer line longer than ${this.#maxLine} bytes`) : incomplete(`chunk header line longer than ${this.#maxLine} bytes`);
    }
    if (this.#state === S_TRAILER) {
      this.#trailerBytes += len + (lf === -1 ? 0 : 1);
      if (this.#trailerBytes > this.#maxTrailer) throw s3ErrorOf(MalformedTrailerError, `trailers larger than ${this.#maxTrailer} bytes`);
    }
    if (lf === -1) {
      this.#line.set(piece.subarray(off), this.#lineLen);
      this.#lineLen += len;
      return -1;
    }
    let buf = piece;
    let start = off;
    let stop = lf;
    if (this.#lineLen !== 0) {
      this.#line.set(piece.subarray(off, lf), this.#lineLen);
      buf = this.#line;
      start = 0;
      stop = this.#lineLen + len;
      this.#lineLen = 0;
    }
    if (stop === start || buf[stop - 1] !== 13) {
      throw this.#state === S_TRAILER ? s3ErrorOf(MalformedTrailerError, 'trailer line does not end with CRLF') : incomplete('chunk header line does not end with CRLF');
    }
    this.#lineBuf = buf;
    this.#lineStart = start;
    this.#lineEnd = stop - 1;
    return lf + 1;
  }

  /** A chunk header line: the usual shape read from its bytes, anything else as text. */
  #onHeaderLine(): void {
    const size = readChunkHeader(this.#lineBuf, this.#lineStart, this.#lineEnd, this.#signed, this.#chunkSig);
    if (size >= 0) this.#onChunkSize(size, undefined);
    else this.#onHeader(latin1(this.#lineBuf.subarray(this.#lineStart, this.#lineEnd)));
  }

  #onLine(text: string): void {
    if (this.#state === S_FINAL) {
      if (text !== '') throw incomplete('unexpected data after the final chunk');
      this.#state = S_END;
      return;
    }
    this.#onTrailerLine(text);
  }

  #onHeader(text: string): void {
    const m = (this.#signed ? SIGNED_HEADER : UNSIGNED_HEADER).exec(text);
    if (m === null) {
      throw incomplete(this.#signed && !text.includes(';chunk-signature=') ? 'chunk header has no chunk-signature extension' : `malformed chunk header: ${JSON.stringify(text.slice(0, 100))}`);
    }
    const hex = m[1]!.replace(/^0+(?=.)/, '');
    const sig = m[2] ?? '';
    for (let i = 0; i < sig.length; i++) this.#chunkSig[i] = sig.charCodeAt(i);
    this.#onChunkSize(hex.length > 12 ? Infinity : parseInt(hex, 16), hex);
  }

  /** A chunk header's size (`hex`: its digits, when the header came as text). */
  #onChunkSize(size: number, hex: string | undefined): void {
    if (size > this.#maxChunk) {
      throw s3ErrorOf(EntityTooLarge, `chunk of ${hex !== undefined && hex.length > 12 ? `0x${hex}` : size} bytes exceeds the ${this.#maxChunk}-byte limit`);
    }
    this.#chunkNo++;
    if (size !== 0 && this.#lastSize >= 0 && this.#lastSize < this.#minChunk) {
      // S3 answers with <Chunk> (the chunk being read, 1-based) and <BadChunkSize> (the
      // short one before it): "hello" in 3-byte chunks gives Chunk 2, BadChunkSize 3.
      throw s3ErrorOf(InvalidChunkSizeError, undefined, { details: { Chunk: String(this.#chunkNo), BadChunkSize: String(this.#lastSize) } });
    }
    if (this.#declared !== undefined && this.#total + size > this.#declared) {
      throw lengthMismatch(`chunk sizes exceed x-amz-decoded-content-length ${this.#declared}`);
    }
    this.#size = size;
    if (size > 0) {
      this.#remaining = size;
      this.#acc.start(size);
      this.#state = S_DATA;
      return;
    }
    // Final (zero-length) chunk.
    if (this.#declared !== undefined && this.#total !== this.#declared) {
      throw lengthMismatch(`decoded ${this.#total} bytes but x-amz-decoded-content-length is ${this.#declared}`);
    }
    if (this.#signed) this.#verifyChunk(EMPTY_SHA256);
    this.#state = this.mode === 'streaming' ? S_FINAL : S_TRAILER;
  }

  #verifyChunk(dataHashHex: string): void {
    const s = this.#seed;
    const sts = chunkStringToSign(s.amzDate, s.scope, this.#prev, dataHashHex);
    const expected = s.signingKey.sign(sts);
    if (!hexEqualsBytes(expected, this.#chunkSig)) {
      throw s3ErrorOf(SignatureDoesNotMatch, undefined, { details: this.#sigDetails(sts, latin1(this.#chunkSig)) });
    }
    this.#prev = expected;
  }

  #sigDetails(stringToSign: string, provided: string): Record<string, string> {
    const d: Record<string, string> = { StringToSign: stringToSign, SignatureProvided: provided };
    if (this.#seed.accessKeyId !== undefined) d['AWSAccessKeyId'] = this.#seed.accessKeyId;
    return d;
  }

  #completeChunk(emit: (data: Uint8Array) => void): void {
    const parts = this.#acc.take();
    if (this.#signed) this.#verifyChunk(sha256HexOf(this.#crypto, parts));
    for (const cs of this.#checksumList) for (const p of parts) cs.update(p);
    this.#total += this.#size;
    this.#lastSize = this.#size;
    this.#state = S_HEADER;
    for (const p of parts) emit(p);
  }

  #onTrailerLine(text: string): void {
    if (text === '') {
      // A blank line right after the final chunk line (a CRLF for its empty data, as some
      // encoders send) is skipped once; otherwise a blank line ends the trailer section.
      const wantsMore = this.#expected.length > 0 || this.#signed;
      if (this.#trailers.length === 0 && this.#trailerSig === undefined && !this.#skippedBlank && wantsMore) {
        this.#skippedBlank = true;
        return;
      }
      this.#finishTrailers();
      return;
    }
    const colon = text.indexOf(':');
    if (colon <= 0) throw s3ErrorOf(MalformedTrailerError, 'trailer line is not name:value');
    const name = trimOws(text.slice(0, colon)).toLowerCase();
    const value = trimOws(text.slice(colon + 1));
    if (this.#trailerSig !== undefined) throw s3ErrorOf(MalformedTrailerError, 'data after x-amz-trailer-signature');
    if (name === 'x-amz-trailer-signature') {
      if (!this.#signed) throw s3ErrorOf(MalformedTrailerError, 'x-amz-trailer-signature in an unsigned-trailer upload');
      this.#trailerSig = value;
      return;
    }
    if (this.#trailers.some(([n]) => n === name)) throw s3ErrorOf(MalformedTrailerError, `duplicate trailer ${name}`);
    if (!this.#expected.includes(name)) {
      throw s3ErrorOf(MalformedTrailerError, `trailer ${name} was not declared in x-amz-trailer`);
    }
    this.#trailers.push([name, value]);
  }

  #finishTrailers(): void {
    if (this.#signed) {
      const provided = this.#trailerSig;
      if (provided === undefined) throw incomplete('the trailer has no x-amz-trailer-signature');
      const s = this.#seed;
      const sts = trailerStringToSign(this.#crypto, s.amzDate, s.scope, this.#prev, this.#trailers);
      const expected = s.signingKey.sign(sts);
      if (!timingSafeEqual(expected, provided)) {
        throw s3ErrorOf(SignatureDoesNotMatch, undefined, { details: this.#sigDetails(sts, provided) });
      }
      this.#prev = expected;
    }
    for (const name of this.#expected) {
      if (!this.#trailers.some(([n]) => n === name)) {
        throw s3ErrorOf(MalformedTrailerError, `trailer ${name} declared in x-amz-trailer was not sent`);
      }
    }
    for (const [name, value] of this.#trailers) {
      const cs = this.#checksums.get(name);
      if (cs === undefined) continue;
      const computed = cs.digestBase64();
      const raw = fromBase64(value);
      if (raw === undefined || value.length !== checksumBase64Length(cs.algorithm) || raw.length !== checksumDigestLength(cs.algorithm)) {
        throw s3ErrorOf(InvalidRequest, `Value for ${name} trailing header is invalid.`);
      }
      if (computed !== value) {
        throw s3ErrorOf(BadDigest, `The ${name} you specified did not match the calculated checksum.`);
      }
    }
    this.#state = S_END;
    this.#onTrailers?.(this.#trailers);
  }

  #lineLooksWhole(text: string): boolean {
    const colon = text.indexOf(':');
    if (colon <= 0) return false;
    const name = trimOws(text.slice(0, colon)).toLowerCase();
    const value = trimOws(text.slice(colon + 1));
    if (name === 'x-amz-trailer-signature') return /^[0-9a-f]{64}$/.test(value);
    const cs = this.#checksums.get(name);
    return cs !== undefined && value.length === checksumBase64Length(cs.algorithm);
  }

  #end(_emit: (data: Uint8Array) => void): void {
    if (this.#state === S_END) return;
    if (this.#state === S_TRAILER) {
      // Lenient end: an unterminated last trailer line and a missing blank line are
      // accepted when everything required has arrived (all of it is verified anyway).
      if (this.#lineLen > 0) {
        const bytes = this.#line.subarray(0, this.#lineLen);
        this.#lineLen = 0;
        const text = latin1(bytes[bytes.length - 1] === 13 ? bytes.subarray(0, bytes.length - 1) : bytes);
        if (text !== '') {
          // Only a line that is visibly whole: a 64-hex signature or a full-length checksum.
          if (!this.#lineLooksWhole(text)) throw incomplete('The request body terminated unexpectedly.');
          this.#onTrailerLine(text);
        }
      }
      const complete = (!this.#signed || this.#trailerSig !== undefined) && this.#expected.every((n) => this.#trailers.some(([t]) => t === n));
      if (complete) {
        this.#finishTrailers();
        return;
      }
    }
    throw incomplete('The request body terminated unexpectedly.');
  }
}

interface ChunkDecoderSeedLike extends ChunkedDecoderSeed {
  readonly scope: string;
}

/**
 * A `TransformStream` that decodes and verifies an incoming `aws-chunked` body: each chunk
 * signature in order (before any of that chunk's bytes are released), then the trailer
 * checksum and trailer signature. Pass the `VerifiedRequest` of the request and its
 * `x-amz-decoded-content-length` / `x-amz-trailer` headers. Fails with an `S3Error`
 * (SignatureDoesNotMatch, IncompleteBody, BadDigest, ...); never hangs on a truncated body.
 *
 * The trailer checksum covers the whole body, so it can only be checked at the end: a
 * consumer must treat the output as provisional until the stream closes without error.
 */
export function createChunkedDecoder(verified: ChunkedDecoderSeed, options: ChunkedDecoderOptions = {}): TransformStream<Uint8Array, Uint8Array> {
  return pushTransform(new ChunkedDecoder(verified, options));
}

/** The async-iterable form of {@link createChunkedDecoder}. */
export async function* decodeChunked(source: ByteSource, verified: ChunkedDecoderSeed, options: ChunkedDecoderOptions = {}): AsyncGenerator<Uint8Array, void, undefined> {
  yield* pushThrough(new ChunkedDecoder(verified, options), source);
}
