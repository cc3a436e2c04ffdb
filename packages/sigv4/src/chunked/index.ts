/**
 * aws-chunked streaming uploads.
 *
 * Client (encode):
 * ```ts
 * const opts = { mode: 'streaming-trailer', checksumAlgorithm: 'crc32c' } as const;
 * const headers = chunkedHeaders(size, opts); // content-encoding, x-amz-decoded-content-length, content-length, x-amz-trailer
 * const signed = signer.sign({ method: 'PUT', url, headers, payloadHash: streamingPayloadHash(opts.mode) });
 * const body = file.stream().pipeThrough(createChunkedEncoder(signed, opts));
 * ```
 * Server (verify + decode):
 * ```ts
 * const verified = await verifier.verify({ method, url, headers });
 * const data = request.body.pipeThrough(createPayloadVerifier(verified, {
 *   decodedContentLength: headers['x-amz-decoded-content-length'],
 *   trailer: headers['x-amz-trailer'],
 * }));
 * ```
 */
export {
  createChecksum,
  checksumBase64,
  checksumHeaderName,
  checksumAlgorithmOf,
  CHECKSUM_ALGORITHMS,
  type Checksum,
  type ChecksumAlgorithm,
} from './checksums.js';
export {
  chunkedHeaders,
  chunkedLengths,
  streamingPayloadHash,
  DEFAULT_CHUNK_SIZE,
  MIN_CHUNK_SIZE,
  type ChunkedMode,
  type ChunkedFramingOptions,
  type ChunkedHeadersOptions,
  type ChunkedLengths,
} from './framing.js';
export { createChunkedEncoder, encodeChunked, ChunkedEncoder, type ChunkedEncoderOptions } from './encoder.js';
export {
  createChunkedDecoder,
  decodeChunked,
  ChunkedDecoder,
  DEFAULT_MAX_CHUNK_SIZE,
  type ChunkedDecoderOptions,
  type ChunkedDecoderSeed,
} from './decoder.js';
export {
  chunkSignature,
  chunkStringToSign,
  trailerSignature,
  trailerStringToSign,
  canonicalTrailers,
  type ChunkSigningSeed,
} from './signatures.js';
export { hashStream, createSha256Verifier, createPayloadVerifier, type Sha256VerifierOptions, type PayloadVerifierSeed } from './payload-hash.js';
export { toAsyncIterable, type ByteSource } from './source.js';
