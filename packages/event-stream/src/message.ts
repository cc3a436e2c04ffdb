import { crc32Matches, writeCrc32 } from './crc32.js';
import { EventStreamError } from './errors.js';
import { decodeHeaders, prepareHeaders, writeHeaders, type HeaderInput, type Headers } from './headers.js';

/** A decoded message. `body` is a view into the decoded bytes (copy it to keep it past them). */
export interface Message {
  headers: Headers;
  body: Uint8Array;
}

/** What {@link encodeMessage} takes: headers by name (plain or typed values) and a body. */
export interface MessageInput {
  headers?: Record<string, HeaderInput>;
  /** Bytes, or text sent as UTF-8. */
  body?: Uint8Array | string;
}

/** Prelude (total length, headers length, prelude CRC) plus the message CRC. */
export const FRAME_OVERHEAD = 16;
/** The largest message the encoder writes and, by default, the decoder accepts: 16 MiB (as the AWS CRT). */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
/** The largest headers section the encoder writes: 128 KiB (as the AWS CRT). */
export const MAX_HEADERS_BYTES = 128 * 1024;

const utf8 = new TextEncoder();

/** Encodes one message: prelude, headers in insertion order, body, CRCs. */
export function encodeMessage({ headers, body }: MessageInput): Uint8Array<ArrayBuffer> {
  const payload = typeof body === 'string' ? utf8.encode(body) : (body ?? new Uint8Array(0));
  const { list, size: headersLength } = prepareHeaders(headers);
  if (headersLength > MAX_HEADERS_BYTES) throw new RangeError(`headers of ${headersLength} bytes exceed ${MAX_HEADERS_BYTES}`);
  const total = FRAME_OVERHEAD + headersLength + payload.length;
  if (total > MAX_MESSAGE_BYTES) throw new RangeError(`a message of ${total} bytes exceeds ${MAX_MESSAGE_BYTES}`);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, total);
  view.setUint32(4, headersLength);
  writeCrc32(out.subarray(0, 8), out, 8);
  const p = writeHeaders(list, out, view, 12);
  out.set(payload, p);
  writeCrc32(out.subarray(0, total - 4), out, total - 4);
  return out;
}

/**
 * Checks a 12-byte prelude at `b[at..]` and returns the message's total length. The CRC is
 * checked first (nothing else in an unchecked prelude can be trusted), then the lengths.
 */
export function checkPrelude(b: Uint8Array, at: number, maxMessageBytes: number): number {
  if (!crc32Matches(b.subarray(at, at + 8), b, at + 8)) throw new EventStreamError('PreludeChecksumMismatch', 'prelude checksum mismatch');
  const view = new DataView(b.buffer, b.byteOffset + at, 8);
  const total = view.getUint32(0);
  const headersLength = view.getUint32(4);
  if (total < FRAME_OVERHEAD) throw new EventStreamError('InvalidLength', `total length ${total} is below ${FRAME_OVERHEAD}`);
  if (headersLength > total - FRAME_OVERHEAD) {
    throw new EventStreamError('InvalidLength', `headers length ${headersLength} exceeds total length ${total} - ${FRAME_OVERHEAD}`);
  }
  if (total > maxMessageBytes) throw new EventStreamError('MessageTooLarge', `a message of ${total} bytes exceeds the maximum of ${maxMessageBytes}`);
  return total;
}

/** Decodes one whole message whose prelude was already checked: message CRC, headers, body view. */
export function decodeChecked(m: Uint8Array): Message {
  const total = m.length;
  if (!crc32Matches(m.subarray(0, total - 4), m, total - 4)) throw new EventStreamError('MessageChecksumMismatch', 'message checksum mismatch');
  const view = new DataView(m.buffer, m.byteOffset, total);
  const headersEnd = 12 + view.getUint32(4);
  return { headers: decodeHeaders(m, view, 12, headersEnd), body: m.subarray(headersEnd, total - 4) };
}

/** Decodes exactly one message; `bytes` must hold it and nothing else. */
export function decodeMessage(bytes: Uint8Array, { maxMessageBytes = MAX_MESSAGE_BYTES }: { maxMessageBytes?: number } = {}): Message {
  if (bytes.length < 12) throw new EventStreamError('Truncated', `${bytes.length} bytes are less than a prelude`);
  const total = checkPrelude(bytes, 0, maxMessageBytes);
  if (bytes.length < total) throw new EventStreamError('Truncated', `the message is ${total} bytes, only ${bytes.length} given`);
  if (bytes.length > total) throw new EventStreamError('InvalidLength', `the message is ${total} bytes, ${bytes.length} given`);
  return decodeChecked(bytes);
}
