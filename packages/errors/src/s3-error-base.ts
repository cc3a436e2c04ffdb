import type { S3Error } from './s3-error.js';

/** A code's HTTP status and S3's default message. */
export interface S3ErrorSpec {
  readonly status: number;
  readonly message: string;
}

/** A table entry that carries its own code (the one-export-per-code form, e.g. `AccessDenied`). */
export interface S3ErrorEntry extends S3ErrorSpec {
  readonly code: string;
}

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

const BRAND = Symbol.for('s3kit.S3Error');

/**
 * The S3Error class without the code table: status and message come from the spec given.
 * `S3Error` extends it and looks codes up in `S3_ERRORS`; {@link s3ErrorOf} builds one from a
 * single entry, so code that raises a few known codes does not bundle the whole table.
 */
export class S3ErrorBase extends Error {
  override readonly name = 'S3Error';
  /** The wire code, e.g. `SignatureDoesNotMatch`. Unknown upstream codes keep their text. */
  readonly code: string;
  readonly status: number;
  readonly resource: string | undefined;
  readonly requestId: string | undefined;
  readonly hostId: string | undefined;
  readonly details: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: string, spec: S3ErrorSpec | undefined, init: S3ErrorInit) {
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

  /** `instanceof` (on this class and on `S3Error`) holds for any copy of this package's errors. */
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

/**
 * `s3Error` for one entry (`s3ErrorOf(AccessDenied, 'Request has expired')`): the same
 * `S3Error`, built without looking the code up in `S3_ERRORS`.
 */
export function s3ErrorOf(entry: S3ErrorEntry, message?: string, init: Omit<S3ErrorInit, 'message'> = {}): S3Error {
  return new S3ErrorBase(entry.code, entry, message === undefined ? init : { ...init, message }) as S3Error;
}
