import { STREAMING_PAYLOAD, STREAMING_PAYLOAD_TRAILER, STREAMING_UNSIGNED_PAYLOAD_TRAILER } from '../constants.js';
import { payloadModeOf } from '../payload.js';
import { checksumBase64Length, checksumHeaderName, type ChecksumAlgorithm } from './checksums.js';

/** The three `aws-chunked` body encodings. */
export type ChunkedMode = 'streaming' | 'streaming-trailer' | 'streaming-unsigned-trailer';

/** Default chunk size: 64 KiB, as the AWS SDKs use. */
export const DEFAULT_CHUNK_SIZE = 65_536;
/** S3 rejects a non-final chunk smaller than this (InvalidChunkSizeError). */
export const MIN_CHUNK_SIZE = 8_192;

/** Options that decide the encoded framing (shared by the encoder and the length helpers). */
export interface ChunkedFramingOptions {
  /** Default: from the seed's payload hash (encoder), else `'streaming'`. */
  mode?: ChunkedMode | undefined;
  /** Data bytes per chunk (the last one may be shorter). Default 65536; at least 8192. */
  chunkSize?: number | undefined;
  /** Trailer checksum for the two trailer modes. Default `'crc32'`. Ignored in `streaming` mode. */
  checksumAlgorithm?: ChecksumAlgorithm | undefined;
  /** Permit `chunkSize` below 8192 (S3 rejects it; for tests and other servers). Default false. */
  allowSmallChunks?: boolean | undefined;
  /** Write chunk sizes in uppercase hex (as the AWS SDK for Rust does). Default false (as AWS's examples). */
  upperCaseHex?: boolean | undefined;
}

export interface ChunkedLengths {
  /** `x-amz-decoded-content-length`: the payload bytes. */
  decodedContentLength: number;
  /** `Content-Length`: the encoded body bytes. */
  contentLength: number;
  /** Number of chunks including the final zero-length one. */
  chunkCount: number;
}

/** The `x-amz-content-sha256` value of a chunked mode. */
export function streamingPayloadHash(mode: ChunkedMode): string {
  switch (mode) {
    case 'streaming':
      return STREAMING_PAYLOAD;
    case 'streaming-trailer':
      return STREAMING_PAYLOAD_TRAILER;
    case 'streaming-unsigned-trailer':
      return STREAMING_UNSIGNED_PAYLOAD_TRAILER;
    default:
      throw new TypeError(`not an aws-chunked mode: ${String(mode)}`);
  }
}

/** The chunked mode of an `x-amz-content-sha256` value, or undefined if it is not one. */
export function chunkedModeOf(payloadHash: string | undefined): ChunkedMode | undefined {
  if (payloadHash === undefined) return undefined;
  const mode = payloadModeOf(payloadHash);
  return mode === 'streaming' || mode === 'streaming-trailer' || mode === 'streaming-unsigned-trailer' ? mode : undefined;
}

/** Validated chunk size. */
export function resolveChunkSize(options: ChunkedFramingOptions): number {
  const size = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`chunkSize must be a positive integer; got ${String(size)}`);
  if (size < MIN_CHUNK_SIZE && options.allowSmallChunks !== true) {
    throw new RangeError(`chunkSize must be at least ${MIN_CHUNK_SIZE} bytes (S3 rejects smaller non-final chunks); got ${size}`);
  }
  return size;
}

export function resolveMode(mode: unknown): ChunkedMode {
  if (mode === 'streaming' || mode === 'streaming-trailer' || mode === 'streaming-unsigned-trailer') return mode;
  throw new TypeError(`not an aws-chunked mode: ${String(mode)}`);
}

const SIGNED_EXT = ';chunk-signature='.length + 64; // ";chunk-signature=<64 hex>"
const TRAILER_SIGNATURE_LINE = 'x-amz-trailer-signature:'.length + 64 + 2;

/** Bytes of the framing around one data chunk of `size` bytes (header line + CRLF after data). */
function chunkOverhead(size: number, signed: boolean): number {
  return size.toString(16).length + (signed ? SIGNED_EXT : 0) + 2 + 2;
}

/**
 * Computes, before sending, the encoded `Content-Length` for a payload of `decodedLength`
 * bytes, with the framing the encoder produces (lowercase hex sizes, one trailer line).
 */
export function chunkedLengths(decodedLength: number, options: ChunkedFramingOptions = {}): ChunkedLengths {
  if (!Number.isSafeInteger(decodedLength) || decodedLength < 0) {
    throw new RangeError(`decoded length must be a non-negative integer; got ${String(decodedLength)}`);
  }
  const mode = resolveMode(options.mode ?? 'streaming');
  const chunkSize = resolveChunkSize(options);
  const signed = mode !== 'streaming-unsigned-trailer';
  const full = Math.floor(decodedLength / chunkSize);
  const rest = decodedLength - full * chunkSize;
  let length = decodedLength + full * chunkOverhead(chunkSize, signed) + (rest > 0 ? chunkOverhead(rest, signed) : 0);
  // Final zero-length chunk: "0" [";chunk-signature=<sig>"] CRLF.
  length += 1 + (signed ? SIGNED_EXT : 0) + 2;
  if (mode === 'streaming') {
    length += 2; // empty data + CRLF
  } else {
    const alg = options.checksumAlgorithm ?? 'crc32';
    length += checksumHeaderName(alg).length + 1 + checksumBase64Length(alg) + 2;
    if (signed) length += TRAILER_SIGNATURE_LINE;
    length += 2; // blank line ending the trailer section
  }
  return { decodedContentLength: decodedLength, contentLength: length, chunkCount: full + (rest > 0 ? 1 : 0) + 1 };
}

export interface ChunkedHeadersOptions extends ChunkedFramingOptions {
  /** Include `content-length` (default true). Leave it out to send with `Transfer-Encoding: chunked`. */
  contentLength?: boolean | undefined;
  /** Other content codings of the object (e.g. `gzip`): sent as `aws-chunked,gzip`. */
  contentEncoding?: string | undefined;
}

/**
 * The headers to add before signing an aws-chunked upload: `content-encoding`,
 * `x-amz-decoded-content-length`, `content-length` (encoded) and, in trailer modes,
 * `x-amz-trailer`. Sign with `payloadHash: streamingPayloadHash(mode)`.
 */
export function chunkedHeaders(decodedLength: number, options: ChunkedHeadersOptions = {}): Record<string, string> {
  const mode = resolveMode(options.mode ?? 'streaming');
  const { contentLength } = chunkedLengths(decodedLength, options);
  const headers: Record<string, string> = {
    'content-encoding': options.contentEncoding ? `aws-chunked,${options.contentEncoding}` : 'aws-chunked',
    'x-amz-decoded-content-length': String(decodedLength),
  };
  if (options.contentLength !== false) headers['content-length'] = String(contentLength);
  if (mode !== 'streaming') headers['x-amz-trailer'] = checksumHeaderName(options.checksumAlgorithm ?? 'crc32');
  return headers;
}
