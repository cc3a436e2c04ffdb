import { S3_ERRORS, isS3ErrorCode, type S3ErrorCode } from './table.js';

const BRAND = Symbol.for('s3kit.S3Error');

export interface S3ErrorInit {
  /** Overrides the table's default message. */
  message?: string;
  /** Overrides the table's status (e.g. an upstream answered with another one). */
  status?: number;
  /** The bucket or object the error is about (`<Resource>`). */
  resource?: string;
  requestId?: string;
  hostId?: string;
  /**
   * Extra `<Error>` fields, such as `StringToSign`, `CanonicalRequest`, `Region`,
   * `MaxSizeAllowed`. Never a secret or a signing key.
   */
  details?: Record<string, string>;
  /** Response headers that go with the error (e.g. `Allow` for MethodNotAllowed). */
  headers?: Record<string, string>;
  cause?: unknown;
}

/**
 * An S3 error: the wire code, its HTTP status and message, and optional extra fields.
 * Match on `err.code`; `instanceof S3Error` also works across duplicate installs.
 */
export class S3Error extends Error {
  override readonly name = 'S3Error';
  /** The wire code, e.g. `SignatureDoesNotMatch`. Unknown upstream codes keep their text. */
  readonly code: S3ErrorCode | (string & {});
  readonly status: number;
  readonly resource: string | undefined;
  readonly requestId: string | undefined;
  readonly hostId: string | undefined;
  readonly details: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: S3ErrorCode | (string & {}), init: S3ErrorInit = {}) {
    const spec = isS3ErrorCode(code) ? S3_ERRORS[code] : undefined;
    super(init.message ?? spec?.message ?? code, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = code;
    this.status = init.status ?? spec?.status ?? 500;
    this.resource = init.resource;
    this.requestId = init.requestId;
    this.hostId = init.hostId;
    this.details = init.details ?? {};
    this.headers = init.headers ?? {};
  }

  get [BRAND](): true {
    return true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  /** A plain object for logs and JSON: never carries secrets (they never enter an S3Error). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      status: this.status,
      message: this.message,
      ...(this.resource === undefined ? {} : { resource: this.resource }),
      ...(this.requestId === undefined ? {} : { requestId: this.requestId }),
      ...(this.hostId === undefined ? {} : { hostId: this.hostId }),
      ...(Object.keys(this.details).length ? { details: this.details } : {}),
    };
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
