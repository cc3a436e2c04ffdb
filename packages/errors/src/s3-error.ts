import { S3_ERRORS, isS3ErrorCode, type S3ErrorCode } from './table.js';
import { S3ErrorBase, type S3ErrorInit } from './s3-error-base.js';

export type { S3ErrorInit };

/**
 * An S3 error: the wire code, its HTTP status and message, and optional extra fields.
 * Match on `err.code`; `instanceof S3Error` also works across duplicate installs.
 */
export class S3Error extends S3ErrorBase {
  /** The wire code, e.g. `SignatureDoesNotMatch`. Unknown upstream codes keep their text. */
  declare readonly code: S3ErrorCode | (string & {});

  constructor(code: S3ErrorCode | (string & {}), init: S3ErrorInit = {}) {
    super(code, isS3ErrorCode(code) ? S3_ERRORS[code] : undefined, init);
  }
}

/** Shorthand for `new S3Error(code, init)` that reads well in `throw` position. */
export function s3Error(code: S3ErrorCode, message?: string, init: Omit<S3ErrorInit, 'message'> = {}): S3Error {
  return new S3Error(code, message === undefined ? init : { ...init, message });
}

/** True for an S3Error (from any installed copy of this package). */
export function isS3Error(value: unknown): value is S3Error {
  return value instanceof S3Error;
}
