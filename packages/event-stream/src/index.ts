/**
 * `application/vnd.amazon.eventstream`: the binary framing of S3 Select (and other AWS event
 * streams). Web APIs only.
 *
 * ```ts
 * import { s3SelectEvents } from '@s3kit/event-stream';
 *
 * for await (const e of s3SelectEvents(response.body!)) {
 *   if (e.type === 'Records') out.write(e.payload);
 *   else if (e.type === 'Stats') console.log(e.details.bytesScanned);
 * }
 * ```
 */
export { EventStreamError, type EventStreamErrorCode } from './errors.js';
export { toHeaderValue, type HeaderValue, type HeaderInput, type Headers } from './headers.js';
export {
  encodeMessage,
  decodeMessage,
  FRAME_OVERHEAD,
  MAX_MESSAGE_BYTES,
  MAX_HEADERS_BYTES,
  type Message,
  type MessageInput,
} from './message.js';
export { decodeStream, type ByteSource, type DecodeStreamOptions } from './stream.js';
export {
  s3SelectEvents,
  recordsEvent,
  statsEvent,
  progressEvent,
  contEvent,
  endEvent,
  errorEvent,
  type SelectEvent,
  type SelectStats,
} from './s3-select.js';
