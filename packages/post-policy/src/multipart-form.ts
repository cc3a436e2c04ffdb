import { IncorrectNumberOfFilesInPostRequest, MalformedPOSTRequest, MaxPostPreDataLengthExceededError, RequestIsNotMultiPartContent, s3ErrorOf, type S3Error } from '@s3kit/errors';
import { decodeField, make as makeParser, type MultipartError, type PartInfo, type Parser } from 'multipasta';

/** Limits applied to the form before the file part (and to the parts S3 ignores after it). */
export interface FormLimits {
  /** Fields before the file. Default 100. */
  maxFields: number;
  /** Bytes in one field value. Default 20480. */
  maxFieldSize: number;
  /** Bytes of all field values before the file (S3's pre-data limit). Default 20480. */
  maxPreDataLength: number;
  /** Bytes of all part headers before the file (names, values and line breaks). Default 16384. */
  maxHeaderSize: number;
  /** Bytes read after the file part ends (ignored fields); past this the rest of the body is dropped unread. Default 65536. */
  maxTrailingLength: number;
}

export const DEFAULT_LIMITS: FormLimits = {
  maxFields: 100,
  maxFieldSize: 20 * 1024,
  maxPreDataLength: 20 * 1024,
  maxHeaderSize: 16 * 1024,
  maxTrailingLength: 64 * 1024,
};

/** One field before the file, as sent (name case kept). */
export interface FormField {
  name: string;
  value: string;
}

/** The `file` part's metadata. */
export interface FilePartInfo {
  /** The filename parameter as sent (may hold a client path), or undefined. */
  filename: string | undefined;
  /** The part's own Content-Type header, if any. */
  contentType: string | undefined;
}

function preData(message: string): S3Error {
  return s3ErrorOf(MaxPostPreDataLengthExceededError, `Your POST request fields preceding the upload file were too large. ${message}`);
}

function malformed(detail?: string): S3Error {
  return s3ErrorOf(MalformedPOSTRequest, detail === undefined ? undefined : `The body of your POST request is not well-formed multipart/form-data. ${detail}`);
}

function mapError(e: MultipartError, maxFieldSize: number): S3Error {
  switch (e._tag) {
    case 'ReachedLimit':
      return e.limit === 'MaxFieldSize' ? preData(`A field is larger than ${maxFieldSize} bytes.`) : preData(`Limit reached: ${e.limit}.`);
    case 'BadHeaders':
      return e.error.reason === 'HeaderTooLarge' || e.error.reason === 'TooManyHeaders' ? preData('A part header is too large.') : malformed('A part header is invalid.');
    case 'InvalidDisposition':
      return malformed('A part has no form-data name.');
    case 'EndNotReached':
      return malformed('The body ended before the closing boundary.');
    case 'InvalidBoundary':
      return s3ErrorOf(RequestIsNotMultiPartContent);
  }
}

function headerBytes(info: PartInfo): number {
  let n = 2;
  for (const [k, v] of Object.entries(info.headers)) {
    for (const value of Array.isArray(v) ? v : [v]) n += k.length + value.length + 4;
  }
  return n;
}

/**
 * Reads a multipart/form-data body with multipasta (streaming, Web APIs only): buffers the
 * fields before the part named `file`, then hands out the file's bytes as they arrive, pulling
 * from the body only when asked (backpressure).
 */
export class MultipartForm {
  readonly fields: FormField[] = [];
  file: FilePartInfo | undefined;

  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #parser: Parser;
  readonly #limits: FormLimits;
  #error: S3Error | undefined;
  #pending: Uint8Array[] = [];
  #fileEnded = false;
  #parserDone = false;
  #bodyDone = false;
  #preData = 0;
  #headerSize = 0;
  #trailing = 0;

  constructor(body: ReadableStream<Uint8Array>, contentType: string, limits: FormLimits) {
    this.#reader = body.getReader();
    this.#limits = limits;
    this.#parser = makeParser({
      headers: { 'content-type': contentType },
      isFile: (info) => info.name.toLowerCase() === 'file',
      maxFieldSize: limits.maxFieldSize,
      onField: (info, value) => this.#onField(info, value),
      onFile: (info) => this.#onFile(info),
      onError: (e) => this.#fail(mapError(e, limits.maxFieldSize)),
      onDone: () => {
        this.#parserDone = true;
      },
    });
  }

  #fail(e: S3Error): void {
    // Once the file is complete, only a second file matters: S3 ignores the rest.
    if (this.#fileEnded && e.code !== 'IncorrectNumberOfFilesInPostRequest') return;
    this.#error ??= e;
  }

  #onField(info: PartInfo, value: Uint8Array): void {
    if (this.file !== undefined) return; // S3 ignores fields after the file.
    if (this.fields.length >= this.#limits.maxFields) {
      this.#fail(preData(`More than ${this.#limits.maxFields} fields.`));
      return;
    }
    if ((this.#preData += value.length) > this.#limits.maxPreDataLength) {
      this.#fail(preData(`Field values exceed ${this.#limits.maxPreDataLength} bytes.`));
      return;
    }
    if ((this.#headerSize += headerBytes(info)) > this.#limits.maxHeaderSize) {
      this.#fail(preData(`Part headers exceed ${this.#limits.maxHeaderSize} bytes.`));
      return;
    }
    let text: string;
    try {
      text = decodeField(info, value);
    } catch {
      this.#fail(malformed('A field is not valid text.'));
      return;
    }
    this.fields.push({ name: info.name, value: text });
  }

  #onFile(info: PartInfo): (chunk: Uint8Array | null) => void {
    if (this.file !== undefined) {
      this.#fail(s3ErrorOf(IncorrectNumberOfFilesInPostRequest));
      return () => {};
    }
    if ((this.#headerSize += headerBytes(info)) > this.#limits.maxHeaderSize) {
      this.#fail(preData(`Part headers exceed ${this.#limits.maxHeaderSize} bytes.`));
    }
    const ct = info.headers['content-type'];
    this.file = { filename: info.filename, contentType: typeof ct === 'string' ? ct : undefined };
    return (chunk) => {
      if (chunk === null) this.#fileEnded = true;
      else if (chunk.length > 0) this.#pending.push(chunk);
    };
  }

  /** Reads until the file part starts. Throws the S3 error for a bad or fileless form. */
  async readFields(): Promise<void> {
    while (this.file === undefined && this.#error === undefined && !this.#bodyDone) await this.#readOnce();
    if (this.#error !== undefined) throw this.#error;
    if (this.file === undefined) {
      throw this.#parserDone ? s3ErrorOf(IncorrectNumberOfFilesInPostRequest) : malformed('The body ended before the closing boundary.');
    }
  }

  async #readOnce(): Promise<void> {
    const { done, value } = await this.#reader.read();
    if (done) {
      this.#bodyDone = true;
      if (!this.#parserDone) this.#parser.end();
      if (!this.#parserDone && !this.#fileEnded) this.#fail(malformed('The body ended before the closing boundary.'));
      return;
    }
    if (this.#fileEnded && (this.#trailing += value.length) > this.#limits.maxTrailingLength) {
      // The file is complete; S3 ignores what follows. Stop reading instead of buffering it.
      this.#bodyDone = true;
      await this.#reader.cancel().catch(() => {});
      return;
    }
    try {
      this.#parser.write(value);
    } catch {
      // e.g. a filename* parameter with a broken percent-escape (decodeURIComponent throws).
      this.#fail(malformed('A part header could not be decoded.'));
    }
  }

  /**
   * The next file bytes: a non-empty array of chunks, or `null` once the file part has ended.
   * Throws the latched S3 error.
   */
  async nextFileChunks(): Promise<Uint8Array[] | null> {
    for (;;) {
      if (this.#pending.length > 0) {
        const out = this.#pending;
        this.#pending = [];
        return out;
      }
      if (this.#error !== undefined) throw this.#error;
      if (this.#fileEnded) return null;
      if (this.#bodyDone) throw malformed('The body ended before the closing boundary.');
      await this.#readOnce();
    }
  }

  /** After the file: reads (and ignores) what is left, within `maxTrailingLength`; throws for a second file. */
  async finish(): Promise<void> {
    while (!this.#bodyDone && !this.#parserDone && this.#error === undefined) await this.#readOnce();
    if (this.#error?.code === 'IncorrectNumberOfFilesInPostRequest') throw this.#error;
    if (!this.#bodyDone) await this.#reader.cancel().catch(() => {});
  }

  /** Stops reading the body. */
  async cancel(reason?: unknown): Promise<void> {
    this.#bodyDone = true;
    await this.#reader.cancel(reason).catch(() => {});
  }
}
