import { STREAMING_PAYLOAD, STREAMING_PAYLOAD_TRAILER, STREAMING_UNSIGNED_PAYLOAD_TRAILER, UNSIGNED_PAYLOAD } from './constants.js';

/**
 * How the body of a signed request is protected, from its `x-amz-content-sha256` value:
 * - `sha256`: the header is the hex SHA-256 of the whole body (check it while streaming);
 * - `unsigned`: `UNSIGNED-PAYLOAD`, the body is not covered;
 * - `streaming`: `aws-chunked` with a signature per chunk;
 * - `streaming-trailer`: signed chunks plus a signed trailer (checksum);
 * - `streaming-unsigned-trailer`: plain `aws-chunked` framing with an unsigned trailer checksum.
 */
export type PayloadMode = 'sha256' | 'unsigned' | 'streaming' | 'streaming-trailer' | 'streaming-unsigned-trailer';

/** The payload mode for an `x-amz-content-sha256` value, or undefined if it is none of them. */
export function payloadModeOf(value: string): PayloadMode | undefined {
  switch (value) {
    case UNSIGNED_PAYLOAD:
      return 'unsigned';
    case STREAMING_PAYLOAD:
      return 'streaming';
    case STREAMING_PAYLOAD_TRAILER:
      return 'streaming-trailer';
    case STREAMING_UNSIGNED_PAYLOAD_TRAILER:
      return 'streaming-unsigned-trailer';
    default:
      return /^[0-9a-f]{64}$/.test(value) ? 'sha256' : undefined;
  }
}
