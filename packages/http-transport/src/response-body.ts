import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { TransportAbortedError } from './errors.js';
import type { ResponseBodyMixin } from './types.js';

/**
 * A response body: a Node `Readable` fed by undici with backpressure (the connection pauses
 * while the consumer does not read), plus Web access through `stream()`. Destroying it before
 * the end aborts the request and closes the connection. Errors (timeouts, truncation,
 * `Content-Length` mismatch, abort) arrive as stream errors.
 */
export class ResponseBody extends Readable implements ResponseBodyMixin {
  #controller: Dispatcher.DispatchController;
  /** The request finished (ended or failed) below us: nothing to abort on destroy. */
  #settled = false;

  constructor(controller: Dispatcher.DispatchController, highWaterMark?: number) {
    super(highWaterMark === undefined ? {} : { highWaterMark });
    this.#controller = controller;
  }

  /** A body that replays bytes already read (a response read whole). */
  static of(bytes: Uint8Array): ResponseBody {
    const body = new ResponseBody(DONE);
    body.#settled = true;
    body.push(bytes);
    body.push(null);
    return body;
  }

  /** @internal called by the handler when the response ended or failed. */
  settle(): void {
    this.#settled = true;
  }

  override _read(): void {
    this.#controller.resume();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.#settled) {
      this.#settled = true;
      this.#controller.abort(err ?? new TransportAbortedError('response body destroyed before it ended'));
    }
    callback(err);
  }

  stream(): ReadableStream<Uint8Array> {
    return Readable.toWeb(this) as unknown as ReadableStream<Uint8Array>;
  }

  bytes(): Promise<Uint8Array> {
    return this.#collect(true).then((chunks) => (chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.bytes();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  async text(): Promise<string> {
    const bytes = await this.bytes();
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }

  async dump(): Promise<void> {
    await this.#collect(false);
  }

  /**
   * Reads the body to its end in flowing mode (`'data'` events: cheaper than an async iterator,
   * which costs a promise per chunk), keeping the chunks or dropping them. Rejects as the async
   * iterator would: with the stream's error, or `ERR_STREAM_PREMATURE_CLOSE` when it closes early.
   */
  #collect(keep: boolean): Promise<Buffer[]> {
    const chunks: Buffer[] = [];
    if (this.errored) return Promise.reject(this.errored);
    if (this.readableEnded) return Promise.resolve(chunks);
    if (this.destroyed) return Promise.reject(prematureClose());
    return new Promise<Buffer[]>((resolve, reject) => {
      const onData = keep ? (chunk: Buffer) => void chunks.push(chunk) : () => {};
      const onEnd = (): void => {
        done();
        resolve(chunks);
      };
      const onError = (err: Error): void => {
        done();
        reject(err);
      };
      const onClose = (): void => {
        done();
        if (this.readableEnded) resolve(chunks);
        else reject(this.errored ?? prematureClose());
      };
      const done = (): void => {
        this.off('data', onData);
        this.off('end', onEnd);
        this.off('error', onError);
        this.off('close', onClose);
      };
      this.on('data', onData);
      this.once('end', onEnd);
      this.once('error', onError);
      this.once('close', onClose);
    });
  }
}

/** The controller of a request that already ended: nothing to pause, resume or abort. */
const DONE: Dispatcher.DispatchController = {
  aborted: false,
  paused: false,
  reason: null,
  abort() {},
  pause() {},
  resume() {},
};

function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}
