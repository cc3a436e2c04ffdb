import type { Dispatcher } from 'undici';
import { s3ErrorFromResponse } from '../s3-error-response.js';

export interface S3ErrorsOptions {
  /** Most error-body bytes kept for parsing; the rest is read and dropped. **Default:** `65536`. */
  maxBodyBytes?: number;
}

type Headers = Record<string, string | string[] | undefined>;

class S3ErrorHandler implements Dispatcher.DispatchHandler {
  readonly #handler: Dispatcher.DispatchHandler;
  readonly #max: number;
  /** Set while an error response is being collected instead of forwarded. */
  #status = 0;
  #headers: Headers = {};
  #chunks: Buffer[] = [];
  #size = 0;

  constructor(handler: Dispatcher.DispatchHandler, max: number) {
    this.#handler = handler;
    this.#max = max;
  }

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.#handler.onRequestStart?.(controller, context);
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: Headers, statusMessage?: string): void {
    if (statusCode < 300 || statusCode === 304) {
      this.#handler.onResponseStart?.(controller, statusCode, headers, statusMessage);
      return;
    }
    this.#status = statusCode;
    this.#headers = headers;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#status === 0) {
      this.#handler.onResponseData?.(controller, chunk);
      return;
    }
    if (this.#size < this.#max) {
      const keep = chunk.length <= this.#max - this.#size ? chunk : chunk.subarray(0, this.#max - this.#size);
      this.#chunks.push(keep);
      this.#size += keep.length;
    }
  }

  onResponseEnd(controller: Dispatcher.DispatchController, trailers: Headers): void {
    if (this.#status === 0) {
      this.#handler.onResponseEnd?.(controller, trailers);
      return;
    }
    const text = this.#chunks.length === 0 ? '' : Buffer.concat(this.#chunks).toString('utf8');
    this.#chunks = [];
    this.#handler.onResponseError?.(controller, s3ErrorFromResponse(this.#status, this.#headers, text));
  }

  onResponseError(controller: Dispatcher.DispatchController, err: Error): void {
    this.#handler.onResponseError?.(controller, err);
  }
}

/**
 * Turns responses with status >= 300 (except 304) into an `S3Error` from `@s3kit/errors`:
 * `code`/`message`/`resource` from the `<Error>` body, `requestId` (`x-amz-request-id`),
 * `hostId` (`x-amz-id-2`), `details.Region` from `x-amz-bucket-region` for region errors. A
 * body that is not S3 XML (HEAD, proxies) gets a code from the status (`NotFound`,
 * `ServiceUnavailable`, ...). The error body is read to its end, so the connection is kept.
 *
 * @param options see {@link S3ErrorsOptions}
 * @returns an undici interceptor
 * @throws TypeError for invalid options
 */
export function s3Errors(options: S3ErrorsOptions = {}): Dispatcher.DispatchInterceptor {
  const max = options.maxBodyBytes ?? 65_536;
  if (!Number.isSafeInteger(max) || max < 0) throw new TypeError(`s3Errors: maxBodyBytes must be a non-negative integer, got ${String(options.maxBodyBytes)}`);
  return (dispatch) => (opts, handler) => dispatch(opts, new S3ErrorHandler(handler, max));
}
