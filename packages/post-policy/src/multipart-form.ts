import { IncorrectNumberOfFilesInPostRequest, MalformedPOSTRequest, MaxPostPreDataLengthExceededError, s3ErrorOf, type S3Error } from '@s3kit/errors';
import { MultipartParser, MultipartSyntaxError, type PartHead } from './multipart-parser.js';

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

function mapError(e: unknown): S3Error {
  if (!(e instanceof MultipartSyntaxError)) return malformed('A part header could not be decoded.'); // e.g. a broken filename* percent-escape
  if (e.fault === 'HeaderTooLarge') return preData('A part header is too large.');
  return e.fault === 'NoName' ? malformed('A part has no form-data name.') : malformed('A part header is invalid.');
}

/** Decodes a field by the charset of its part's Content-Type (UTF-8 by default; an unknown charset reads as UTF-8). */
function decodeField(contentType: string | undefined, value: Uint8Array): string {
  const charset = contentType === undefined ? undefined : /;\s*charset="?([^";\s]+)/i.exec(contentType)?.[1];
  let decoder = utf8;
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
    try {
      decoder = new TextDecoder(charset);
    } catch {
      // keep UTF-8
    }
  }
  return decoder.decode(value);
}

const utf8 = new TextDecoder();

/**
 * Reads a multipart/form-data body (streaming, Web APIs only): buffers the fields before the
 * part named `file`, then hands out the file's bytes as they arrive, pulling from the body only
 * when asked (backpressure).
 */
export class MultipartForm {
  readonly fields: FormField[] = [];
  file: FilePartInfo | undefined;

  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #parser: MultipartParser;
  readonly #limits: FormLimits;
  #error: S3Error | undefined;
  #pending: Uint8Array[] = [];
  #fileEnded = false;
  #parserDone = false;
  #bodyDone = false;
  #preData = 0;
  #headerSize = 0;
  #trailing = 0;
  /** The part being read: the file, a field (its bytes so far), or one that is skipped. */
  #part: { kind: 'file' } | { kind: 'field'; head: PartHead; chunks: Uint8Array[]; size: number } | { kind: 'skip' } = { kind: 'skip' };

  constructor(body: ReadableStream<Uint8Array>, boundary: string, limits: FormLimits) {
    this.#reader = body.getReader();
    this.#limits = limits;
    this.#parser = new MultipartParser(
      boundary,
      {
        part: (head) => this.#onPart(head),
        data: (chunk) => this.#onData(chunk),
        partEnd: () => this.#onPartEnd(),
        done: () => {
          this.#parserDone = true;
        },
      },
      limits.maxHeaderSize,
    );
  }

  #fail(e: S3Error): void {
    // Once the file is complete, only a second file matters: S3 ignores the rest.
    if (this.#fileEnded && e.code !== 'IncorrectNumberOfFilesInPostRequest') return;
    this.#error ??= e;
  }

  #onPart(head: PartHead): void {
    this.#part = { kind: 'skip' };
    const isFile = head.name.toLowerCase() === 'file';
    if (this.file !== undefined) {
      // S3 ignores fields after the file; a second file is an error.
      if (isFile) this.#fail(s3ErrorOf(IncorrectNumberOfFilesInPostRequest));
      return;
    }
    if ((this.#headerSize += head.headerBytes) > this.#limits.maxHeaderSize) {
      this.#fail(preData(`Part headers exceed ${this.#limits.maxHeaderSize} bytes.`));
      return;
    }
    if (isFile) {
      this.file = { filename: head.filename, contentType: head.contentType };
      this.#part = { kind: 'file' };
    } else {
      this.#part = { kind: 'field', head, chunks: [], size: 0 };
    }
  }

  #onData(chunk: Uint8Array): void {
    const part = this.#part;
    if (part.kind === 'file') this.#pending.push(chunk);
    else if (part.kind === 'field') {
      if ((part.size += chunk.length) > this.#limits.maxFieldSize) {
        this.#part = { kind: 'skip' };
        this.#fail(preData(`A field is larger than ${this.#limits.maxFieldSize} bytes.`));
      } else part.chunks.push(chunk);
    }
  }

  #onPartEnd(): void {
    const part = this.#part;
    this.#part = { kind: 'skip' };
    if (part.kind === 'file') this.#fileEnded = true;
    if (part.kind !== 'field') return;
    if (this.fields.length >= this.#limits.maxFields) {
      this.#fail(preData(`More than ${this.#limits.maxFields} fields.`));
      return;
    }
    if ((this.#preData += part.size) > this.#limits.maxPreDataLength) {
      this.#fail(preData(`Field values exceed ${this.#limits.maxPreDataLength} bytes.`));
      return;
    }
    const value = part.chunks.length === 1 ? part.chunks[0]! : concat(part.chunks, part.size);
    this.fields.push({ name: part.head.name, value: decodeField(part.head.contentType, value) });
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
    } catch (e) {
      this.#fail(mapError(e));
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

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
