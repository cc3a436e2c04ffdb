// Upload checksums (`x-amz-checksum-*`) as a header or as an aws-chunked trailer, over @s3kit/sigv4.
// Internal module: upload.ts applies them to PutObject; the option types are re-exported from the index.

import { ChunkedEncoder, chunkedHeaders, createChecksum, streamingPayloadHash, type ChecksumAlgorithm } from '@s3kit/sigv4';

export type { ChecksumAlgorithm } from '@s3kit/sigv4';

/** Where the upload checksum travels: an `x-amz-checksum-*` header, or the trailer of an unsigned aws-chunked body. */
export type ChecksumLocation = 'header' | 'trailer';

/** A body ready to send with its checksum, and the checksum (base64). */
export interface ChecksummedBody {
  headers: Record<string, string>;
  body: Uint8Array;
  /** `STREAMING-UNSIGNED-PAYLOAD-TRAILER` for the trailer form. */
  payloadHash: string | undefined;
  checksum: string;
}

const ALGORITHMS = new Set<string>(['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256']);

/** The algorithm in lower case (`'CRC32C'` → `'crc32c'`); throws `TypeError` for others. */
export function checksumAlgorithm(name: string): ChecksumAlgorithm {
  const alg = String(name).toLowerCase();
  if (!ALGORITHMS.has(alg)) throw new TypeError(`checksumAlgorithm must be one of CRC32, CRC32C, CRC64NVME, SHA1, SHA256; got ${String(name)}`);
  return alg as ChecksumAlgorithm;
}

/**
 * Checksums `data` with `algorithm` and returns the request parts that carry it: the header
 * form adds `x-amz-checksum-<alg>`; the trailer form frames `data` as unsigned `aws-chunked`
 * with the checksum in the trailer (`x-amz-trailer`), as the 2025 AWS SDKs do.
 */
export function withChecksum(data: Uint8Array, algorithm: ChecksumAlgorithm, location: ChecksumLocation, contentEncoding?: string): ChecksummedBody {
  if (location === 'header') {
    const c = createChecksum(algorithm).update(data);
    const checksum = c.digestBase64();
    return { headers: { [c.headerName]: checksum, 'x-amz-sdk-checksum-algorithm': algorithm.toUpperCase() }, body: data, payloadHash: undefined, checksum };
  }
  if (location !== 'trailer') throw new TypeError(`checksumLocation must be header or trailer; got ${String(location)}`);
  const mode = 'streaming-unsigned-trailer' as const;
  const headers = chunkedHeaders(data.byteLength, { mode, checksumAlgorithm: algorithm, ...(contentEncoding ? { contentEncoding } : {}) });
  headers['x-amz-sdk-checksum-algorithm'] = algorithm.toUpperCase();
  const enc = new ChunkedEncoder(undefined, { mode, checksumAlgorithm: algorithm, decodedContentLength: data.byteLength });
  const out: Uint8Array[] = [];
  const emit = (b: Uint8Array) => out.push(b.slice());
  enc.write(data, emit);
  enc.end(emit);
  const body = new Uint8Array(out.reduce((n, b) => n + b.byteLength, 0));
  let at = 0;
  for (const b of out) {
    body.set(b, at);
    at += b.byteLength;
  }
  return { headers, body, payloadHash: streamingPayloadHash(mode), checksum: createChecksum(algorithm).update(data).digestBase64() };
}
