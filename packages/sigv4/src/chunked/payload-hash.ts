import { InvalidArgument, XAmzContentSHA256Mismatch, s3ErrorOf } from '@s3kit/errors';
import { defaultCrypto, type CryptoProvider } from '../crypto.js';
import { timingSafeEqual, toHex } from '../encoding.js';
import { payloadModeOf, type PayloadMode } from '../payload.js';
import { createChunkedDecoder, type ChunkedDecoderOptions, type ChunkedDecoderSeed } from './decoder.js';
import { toAsyncIterable, type ByteSource } from './source.js';

/** Hex SHA-256 of a whole body, read incrementally (e.g. to sign it as `x-amz-content-sha256`). */
export async function hashStream(source: ByteSource, crypto: CryptoProvider = defaultCrypto()): Promise<string> {
  const h = crypto.createSha256();
  for await (const piece of toAsyncIterable(source)) h.update(piece);
  return toHex(h.digest());
}

export interface Sha256VerifierOptions {
  crypto?: CryptoProvider | undefined;
}

/**
 * A pass-through `TransformStream` that hashes the body and checks it against the
 * `x-amz-content-sha256` hex value. The guarantee: every piece but the last is released as
 * it arrives (the hash covers the whole body, so nothing earlier can be judged); the last
 * piece is held until the hash is checked, so a mismatching body never reaches its end:
 * the stream errors with XAmzContentSHA256Mismatch (400) instead of closing. Treat the
 * output as provisional until the stream closes.
 */
export function createSha256Verifier(expectedHex: string, options: Sha256VerifierOptions = {}): TransformStream<Uint8Array, Uint8Array> {
  const crypto = options.crypto ?? defaultCrypto();
  const expected = expectedHex.toLowerCase();
  const h = crypto.createSha256();
  let held: Uint8Array | undefined;
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(piece, controller) {
      if (piece.length === 0) return;
      h.update(piece);
      if (held !== undefined) controller.enqueue(held);
      held = piece;
    },
    flush(controller) {
      const actual = toHex(h.digest());
      if (!timingSafeEqual(actual, expected)) {
        held = undefined;
        throw s3ErrorOf(XAmzContentSHA256Mismatch, undefined, {
          details: { ClientComputedContentSHA256: expectedHex, S3ComputedContentSHA256: actual },
        });
      }
      if (held !== undefined) controller.enqueue(held);
      held = undefined;
    },
  });
}

/** What {@link createPayloadVerifier} reads from a verified request. */
export interface PayloadVerifierSeed extends ChunkedDecoderSeed {
  readonly payloadHash: string;
}

/**
 * The body check a verified request calls for, by its payload mode: the SHA-256 check
 * (`sha256`), the aws-chunked decoder (the three streaming modes), or a plain pass-through
 * (`UNSIGNED-PAYLOAD`). Options are those of `createChunkedDecoder` (used for chunked modes).
 */
export function createPayloadVerifier(verified: PayloadVerifierSeed, options: ChunkedDecoderOptions = {}): TransformStream<Uint8Array, Uint8Array> {
  const mode: PayloadMode | undefined = verified.payloadMode ?? payloadModeOf(verified.payloadHash);
  switch (mode) {
    case 'sha256':
      return createSha256Verifier(verified.payloadHash, { crypto: options.crypto });
    case 'unsigned':
      return new TransformStream<Uint8Array, Uint8Array>();
    case 'streaming':
    case 'streaming-trailer':
    case 'streaming-unsigned-trailer':
      return createChunkedDecoder(verified, options);
    default:
      throw s3ErrorOf(InvalidArgument, `x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-… or a SHA-256 hex digest`);
  }
}
