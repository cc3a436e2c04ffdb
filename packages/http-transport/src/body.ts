import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';

/** A file (or a byte range of it) as a request body. Replayable: each attempt re-opens it. */
export interface FileBody {
  path: string;
  /** First byte to send. **Default:** `0`. */
  offset?: number;
  /** Bytes to send. **Default:** the rest of the file (one `stat`). */
  length?: number;
}

/** A one-shot body value: sent once, never buffered whole. */
export type BodySource = string | Uint8Array | Readable | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array | string>;

/** Returns a fresh body for each attempt, which makes a streaming body replayable. */
export type BodyFactory = () => BodySource;

/** Everything `request()` accepts as a body. */
export type RequestBody = BodySource | FileBody | BodyFactory;

/** What the dispatch chain carries: a value undici can send, or a factory the `retry()` interceptor calls per attempt. */
export type DispatchBody = string | Uint8Array | Readable | BodyFactory;

export interface PreparedBody {
  body: DispatchBody | undefined;
  /** Byte length when known (buffers, files, or the caller's `contentLength`). */
  length: number | undefined;
  /** Buffers, files and factories can be sent again; streams cannot. */
  replayable: boolean;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

function isFileBody(value: unknown): value is FileBody {
  return typeof value === 'object' && value !== null && typeof (value as FileBody).path === 'string' && !isAsyncIterable(value);
}

/**
 * Turns a one-shot source into something undici sends: buffers and strings as they are,
 * Node streams as they are, Web streams and async iterables as a Node `Readable` (so that
 * destroying it on abort cancels the source).
 */
export function toDispatchValue(source: BodySource): string | Uint8Array | Readable {
  if (typeof source === 'string' || source instanceof Uint8Array || source instanceof Readable) return source;
  if (isAsyncIterable(source)) return Readable.from(source, { objectMode: false });
  throw new TypeError('request body must be a string, Uint8Array, Readable, ReadableStream, async iterable, file ({ path }) or a function returning one of these');
}

function fileFactory(path: string, offset: number, length: number): BodyFactory {
  return () => (length === 0 ? new Uint8Array(0) : createReadStream(path, { start: offset, end: offset + length - 1 }));
}

/**
 * Normalises a request body. Only a file body without `length` needs I/O (one `stat`).
 * @throws TypeError for an unsupported body or a bad file range
 */
export async function prepareBody(body: RequestBody | undefined | null, contentLength: number | undefined): Promise<PreparedBody> {
  if (body === undefined || body === null) return { body: undefined, length: contentLength ?? undefined, replayable: true };
  if (typeof body === 'string') return { body, length: contentLength ?? Buffer.byteLength(body), replayable: true };
  if (body instanceof Uint8Array) return { body, length: contentLength ?? body.byteLength, replayable: true };
  if (typeof body === 'function') return { body, length: contentLength, replayable: true };
  if (body instanceof Readable || isAsyncIterable(body)) return { body: toDispatchValue(body), length: contentLength, replayable: false };
  if (isFileBody(body)) {
    const offset = body.offset ?? 0;
    if (!Number.isSafeInteger(offset) || offset < 0) throw new TypeError(`file body: offset must be a non-negative integer, got ${String(body.offset)}`);
    let length = body.length;
    if (length === undefined) {
      const size = (await stat(body.path)).size;
      length = Math.max(0, size - offset);
    }
    if (!Number.isSafeInteger(length) || length < 0) throw new TypeError(`file body: length must be a non-negative integer, got ${String(length)}`);
    return { body: fileFactory(body.path, offset, length), length, replayable: true };
  }
  return { body: toDispatchValue(body as BodySource), length: contentLength, replayable: false };
}
