import { S3Error } from '@s3kit/errors';

/**
 * An S3 Select error: S3's code and message, status 400 unless said otherwise. Thrown before
 * the answer starts it is an XML error response; thrown while streaming, an event-stream
 * error message (see frames.ts).
 */
export class SelectError extends S3Error {
  constructor(code: string, message: string, status = 400) {
    super(code, { message, status });
  }
}

/** The SQL text is longer than S3's 256 KB. */
export const MAX_EXPRESSION_BYTES = 256 * 1024;
/** The longest input record S3 Select takes (1 MB). */
export const MAX_RECORD_BYTES = 1024 * 1024;
