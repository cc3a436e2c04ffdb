/** Why a byte sequence is not a valid event-stream message. */
export type EventStreamErrorCode =
  /** The prelude's CRC32 does not match its first 8 bytes. */
  | 'PreludeChecksumMismatch'
  /** The message's trailing CRC32 does not match the bytes before it. */
  | 'MessageChecksumMismatch'
  /** Total length below 16, headers length beyond `total - 16`, or a length that disagrees with the bytes given. */
  | 'InvalidLength'
  /** The prelude announces a message larger than `maxMessageBytes`. */
  | 'MessageTooLarge'
  /** The input ended inside a message. */
  | 'Truncated'
  /** A header runs past the headers section, has an unknown type, or an empty name. */
  | 'InvalidHeader'
  /** The same header name twice in one message. */
  | 'DuplicateHeader';

/** A malformed or refused event-stream message (decoding) or an unencodable one (encoding). */
export class EventStreamError extends Error {
  override readonly name = 'EventStreamError';
  readonly code: EventStreamErrorCode;

  constructor(code: EventStreamErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
