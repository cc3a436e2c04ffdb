import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { GatewayResponse } from '../pipeline/types.js';
import type { HangUp } from './hang-up.js';

/** What {@link sendResponse} wrote. */
export interface Sent {
  /** Response body bytes handed to the connection. */
  readonly bytesOut: number;
  /** True when the whole response was written. */
  readonly complete: boolean;
  /** True when the response was cut short because the connection went (not because its body failed). */
  readonly clientGone: boolean;
}

/**
 * Writes a gateway response and settles once it was written or the connection is gone (never
 * waits on a callback that a dead socket would not call, nor on a response queued behind a
 * pipelined one that will never get the socket). A body that fails mid-way destroys the
 * response: the client sees a reset, never a truncated success.
 */
export async function sendResponse(res: ServerResponse, out: GatewayResponse, method: string, hangUp: HangUp): Promise<Sent> {
  let bytesOut = 0;
  const gone = (): Sent => {
    res.destroy();
    return { bytesOut, complete: false, clientGone: true };
  };
  const { body } = out;
  try {
    if (hangUp.happened || res.destroyed || res.socket?.destroyed === true) return gone();
    res.writeHead(out.status, out.headers);
    if (body === undefined || typeof body === 'string' || body instanceof Uint8Array) {
      const n = body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.length;
      res.end(body);
      await written(res, hangUp);
      if (!res.writableFinished) return gone();
      bytesOut = method === 'HEAD' ? 0 : n;
    } else {
      const source = body instanceof Readable ? body : Readable.from(body, { objectMode: false });
      await pipeBody(source, res, (n) => (bytesOut += n), hangUp);
      if (!res.writableFinished) {
        source.destroy();
        return gone();
      }
    }
    return { bytesOut, complete: true, clientGone: false };
  } catch {
    // A body that failed rejects the pipeline before the connection it destroys has closed.
    const clientGone = hangUp.happened;
    res.destroy();
    return { bytesOut, complete: false, clientGone };
  }
}

/**
 * Settles once `res` finished or closed, or its connection went: what `finished(res)` raced with
 * the hang-up tells, without the end-of-stream machinery and the extra promises per request.
 */
function written(res: ServerResponse, hangUp: HangUp): Promise<void> {
  return new Promise<void>((resolve) => {
    if (res.writableFinished || res.destroyed) return resolve();
    // on(), not once(): the response is dropped after this; a second resolve() does nothing.
    res.on('finish', resolve);
    res.on('close', resolve);
    hangUp.onHappen(resolve);
  });
}

const prematureClose = (): Error => Object.assign(new Error('The response body closed before its end.'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });

/**
 * Streams `source` into `res` with backpressure: a bare pipe, without the AbortController (and
 * the `AbortError` it builds when done) that `stream.pipeline()` creates per call. Resolves once
 * `res` finished or closed or the connection went (the caller tells which by `res.writableFinished`, and destroys the
 * source when it closed early); rejects when `source` fails or closes before its end (the caller
 * then destroys `res`, so the client sees a reset, never a truncated success).
 */
function pipeBody(source: Readable, res: ServerResponse, onBytes: (n: number) => void, hangUp: HangUp): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (err?: unknown): void => {
      if (settled) return;
      settled = true;
      // The 'error' listener stays: a late error of the source must not become an uncaught one.
      source.off('data', onData);
      source.off('end', onEnd);
      source.off('close', onSourceClose);
      res.off('drain', onDrain);
      res.off('finish', onDone);
      res.off('close', onDone);
      if (err === undefined) resolve();
      else reject(err);
    };
    const onData = (c: Uint8Array): void => {
      onBytes(c.length);
      if (!res.write(c)) source.pause();
    };
    const onDrain = (): void => void source.resume();
    const onEnd = (): void => void res.end();
    const onSourceClose = (): void => {
      if (!source.readableEnded) settle(source.errored ?? prematureClose());
    };
    const onDone = (): void => settle();
    source.on('error', settle);
    if (source.destroyed && !source.readableEnded) return settle(source.errored ?? prematureClose());
    source.on('close', onSourceClose);
    res.on('drain', onDrain);
    res.on('finish', onDone);
    res.on('close', onDone);
    // A response queued behind a pipelined one the client left never closes: the hang-up ends it.
    hangUp.onHappen(onDone);
    if (source.readableEnded) res.end();
    else {
      source.on('end', onEnd);
      source.on('data', onData);
    }
  });
}
