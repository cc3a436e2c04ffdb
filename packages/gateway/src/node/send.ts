import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import type { GatewayResponse } from '../pipeline/types.js';

/** What {@link sendResponse} wrote. */
export interface Sent {
  /** Response body bytes handed to the connection. */
  readonly bytesOut: number;
  /** True when the whole response was written. */
  readonly complete: boolean;
}

/**
 * Writes a gateway response and settles once it was written or the connection is gone (never
 * waits on a callback that a dead socket would not call). A body that fails mid-way destroys
 * the response: the client sees a reset, never a truncated success.
 */
export async function sendResponse(res: ServerResponse, out: GatewayResponse, method: string): Promise<Sent> {
  let bytesOut = 0;
  const { body } = out;
  try {
    if (res.destroyed || res.socket?.destroyed === true) return { bytesOut, complete: false };
    res.writeHead(out.status, out.headers);
    if (body === undefined || typeof body === 'string' || body instanceof Uint8Array) {
      const n = body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.length;
      res.end(body);
      await finished(res);
      bytesOut = method === 'HEAD' ? 0 : n;
    } else {
      const source = body instanceof Readable ? body : Readable.from(body, { objectMode: false });
      source.on('data', (c: Uint8Array) => (bytesOut += c.length));
      await pipeline(source, res);
    }
    return { bytesOut, complete: true };
  } catch {
    res.destroy();
    return { bytesOut, complete: false };
  }
}
