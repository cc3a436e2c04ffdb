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
export type { ByteSource } from './source.js';
