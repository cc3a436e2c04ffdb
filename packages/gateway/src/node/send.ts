import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
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
      await Promise.race([finished(res), hangUp.promise]);
      if (!res.writableFinished) return gone();
      bytesOut = method === 'HEAD' ? 0 : n;
    } else {
      const source = body instanceof Readable ? body : Readable.from(body, { objectMode: false });
      source.on('data', (c: Uint8Array) => (bytesOut += c.length));
      await Promise.race([pipeline(source, res), hangUp.promise]);
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
