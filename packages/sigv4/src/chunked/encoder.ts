import { EMPTY_SHA256 } from '../constants.js';
import { defaultCrypto, sha256HexOf, type CryptoProvider } from '../crypto.js';
import { utf8 } from '../encoding.js';
import { ChunkAccumulator } from './accumulator.js';
import { checksumAlgorithmOf, createChecksum, type Checksum } from './checksums.js';
import { chunkedLengths, chunkedModeOf, resolveChunkSize, resolveMode, type ChunkedFramingOptions, type ChunkedMode } from './framing.js';
import { chunkSignature, trailerSignature, type ChunkSigningSeed } from './signatures.js';
import { pushThrough, pushTransform, type ByteSource } from './source.js';

export interface ChunkedEncoderOptions extends ChunkedFramingOptions {
  /** Hash primitives. Default: node:crypto when available, else @noble/hashes. */
  crypto?: CryptoProvider | undefined;
  /**
   * The `x-amz-decoded-content-length` that was signed (default: the seed's header). When
   * known, the encoder errors if the body turns out longer or shorter.
   */
  decodedContentLength?: number | undefined;
}

/**
 * The synchronous core of the encoder: feed body pieces of any size, get framed output
 * pieces through `emit`. Holds at most one chunk of input (by reference, not copied).
 */
export class ChunkedEncoder {
  readonly mode: ChunkedMode;
  readonly chunkSize: number;
  readonly #crypto: CryptoProvider;
  readonly #seed: ChunkSigningSeed | undefined;
  readonly #scope: string;
  readonly #checksum: Checksum | undefined;
  readonly #declared: number | undefined;
  readonly #upper: boolean;
  #prev: string;
  readonly #acc = new ChunkAccumulator();
  #held = 0;
  #total = 0;
  #crlfPending = false;
  #done = false;

  constructor(seed: ChunkSigningSeed | undefined, options: ChunkedEncoderOptions = {}) {
    const mode = options.mode ?? chunkedModeOf(seed?.payloadHash);
    if (mode === undefined) {
      throw new TypeError('createChunkedEncoder: the seed payloadHash is not a STREAMING-… value; sign with payloadHash: streamingPayloadHash(mode) or pass options.mode');
    }
    this.mode = resolveMode(mode);
    const seedMode = chunkedModeOf(seed?.payloadHash);
    if (seedMode !== undefined && seedMode !== this.mode) {
      throw new TypeError(`createChunkedEncoder: options.mode ${this.mode} disagrees with the signed payload hash (${seedMode})`);
    }
    if (this.mode !== 'streaming-unsigned-trailer' && seed === undefined) {
      throw new TypeError('createChunkedEncoder: signed modes need the seed request (signature, signingKey, amzDate, credentialScope)');
    }
    this.chunkSize = resolveChunkSize(options);
    this.#crypto = options.crypto ?? defaultCrypto();
    this.#seed = seed;
    this.#scope = seed?.credentialScope ?? '';
    this.#prev = seed?.signature ?? '';
    // Defaults and consistency checks from the signed headers (when the seed carries them).
    const h = seed?.headers;
    const trailerHeader = h?.['x-amz-trailer'];
    const signedAlg = trailerHeader === undefined ? undefined : checksumAlgorithmOf(trailerHeader);
    if (this.mode !== 'streaming' && trailerHeader !== undefined && signedAlg === undefined) {
      throw new TypeError(`createChunkedEncoder: unsupported x-amz-trailer ${trailerHeader}`);
    }
    if (options.checksumAlgorithm !== undefined && signedAlg !== undefined && options.checksumAlgorithm !== signedAlg) {
      throw new TypeError(`createChunkedEncoder: checksumAlgorithm ${options.checksumAlgorithm} but the signed x-amz-trailer is ${trailerHeader}`);
    }
    const alg = options.checksumAlgorithm ?? signedAlg ?? 'crc32';
    this.#checksum = this.mode === 'streaming' ? undefined : createChecksum(alg, this.#crypto);
    const signedDecoded = h?.['x-amz-decoded-content-length'];
    const declared = options.decodedContentLength ?? (signedDecoded === undefined ? undefined : Number(signedDecoded));
    if (declared !== undefined && (!Number.isSafeInteger(declared) || declared < 0)) {
      throw new RangeError(`decodedContentLength must be a non-negative integer; got ${String(declared)}`);
    }
    this.#declared = declared;
    const signedLength = h?.['content-length'];
    if (declared !== undefined && signedLength !== undefined) {
      const framed = chunkedLengths(declared, { ...options, mode: this.mode, checksumAlgorithm: alg }).contentLength;
      if (String(framed) !== signedLength.trim()) {
        throw new TypeError(
          `createChunkedEncoder: the signed content-length ${signedLength} is not the ${framed} bytes this encoding produces; pass the same chunkSize/checksumAlgorithm as to chunkedHeaders`,
        );
      }
    }
    this.#upper = options.upperCaseHex === true;
    this.#acc.start(this.chunkSize);
  }

  /** Feeds body bytes. Do not modify `piece` afterwards: it may be emitted by reference. */
  write(piece: Uint8Array, emit: (out: Uint8Array) => void): void {
    if (this.#done) throw new TypeError('ChunkedEncoder: write after end');
    const n = piece.length;
    if (n === 0) return;
    this.#total += n;
    if (this.#declared !== undefined && this.#total > this.#declared) {
      throw new RangeError(`body is longer than the declared x-amz-decoded-content-length ${this.#declared}`);
    }
    this.#checksum?.update(piece);
    let off = 0;
    while (off < n) {
      const take = Math.min(this.chunkSize - this.#held, n - off);
      this.#acc.push(off === 0 && take === n ? piece : piece.subarray(off, off + take));
      this.#held += take;
      off += take;
      if (this.#held === this.chunkSize) this.#flushChunk(emit);
    }
    if (this.#held > 0) this.#acc.compact();
  }

  /** Ends the body: emits the last data chunk, the final chunk and the trailer. */
  end(emit: (out: Uint8Array) => void): void {
    if (this.#done) return;
    if (this.#declared !== undefined && this.#total !== this.#declared) {
      throw new RangeError(`body has ${this.#total} bytes but x-amz-decoded-content-length is ${this.#declared}`);
    }
    if (this.#held > 0) this.#flushChunk(emit);
    this.#done = true;
    let tail = this.#crlfPending ? '\r\n' : '';
    if (this.mode === 'streaming-unsigned-trailer') {
      const cs = this.#checksum!;
      tail += `0\r\n${cs.headerName}:${cs.digestBase64()}\r\n\r\n`;
    } else {
      const seed = this.#seed!;
      const sig = chunkSignature(seed.signingKey, seed.amzDate, this.#scope, this.#prev, EMPTY_SHA256);
      this.#prev = sig;
      tail += `0;chunk-signature=${sig}\r\n`;
      if (this.mode === 'streaming') {
        tail += '\r\n';
      } else {
        const cs = this.#checksum!;
        const trailers: Array<[string, string]> = [[cs.headerName, cs.digestBase64()]];
        const tsig = trailerSignature(this.#crypto, seed.signingKey, seed.amzDate, this.#scope, sig, trailers);
        for (const [name, value] of trailers) tail += `${name}:${value}\r\n`;
        tail += `x-amz-trailer-signature:${tsig}\r\n\r\n`;
      }
    }
    emit(utf8(tail));
  }

  #flushChunk(emit: (out: Uint8Array) => void): void {
    const size = this.#held;
    const parts = this.#acc.take();
    let head = this.#crlfPending ? '\r\n' : '';
    head += this.#upper ? size.toString(16).toUpperCase() : size.toString(16);
    if (this.mode !== 'streaming-unsigned-trailer') {
      const seed = this.#seed!;
      const sig = chunkSignature(seed.signingKey, seed.amzDate, this.#scope, this.#prev, sha256HexOf(this.#crypto, parts));
      this.#prev = sig;
      head += `;chunk-signature=${sig}`;
    }
    head += '\r\n';
    emit(utf8(head));
    for (const p of parts) emit(p);
    this.#crlfPending = true;
    this.#held = 0;
    this.#acc.start(this.chunkSize);
  }
}

/**
 * A `TransformStream` that frames a body as `aws-chunked`: signed chunks
 * (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD`), signed chunks plus a signed checksum trailer
 * (`…-PAYLOAD-TRAILER`), or plain chunks plus a checksum trailer
 * (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`). `seed` is the `SignedRequest` of the request
 * (signed with the matching `payloadHash` and the headers from `chunkedHeaders`).
 *
 * Input pieces may have any size; output chunks have exactly `chunkSize` data bytes except
 * the last. Memory: at most one chunk of input is held (by reference).
 */
export function createChunkedEncoder(seed: ChunkSigningSeed | undefined, options: ChunkedEncoderOptions = {}): TransformStream<Uint8Array, Uint8Array> {
  return pushTransform(new ChunkedEncoder(seed, options));
}

/** The async-iterable form of {@link createChunkedEncoder}. */
export async function* encodeChunked(source: ByteSource, seed: ChunkSigningSeed | undefined, options: ChunkedEncoderOptions = {}): AsyncGenerator<Uint8Array, void, undefined> {
  yield* pushThrough(new ChunkedEncoder(seed, options), source);
}
