import { connect } from 'node:net';
import { parseHead } from './raw-http.js';

/** A request as bytes on the wire: any framing, even a broken one, can be sent. */
export interface WireRequest {
  method: string;
  /** The request target as sent (`/bucket/key?query`), raw bytes as latin1 characters. */
  target: string;
  /** `HTTP/1.1` unless a mutation changed it. */
  version: string;
  /** Header lines in order, duplicates allowed; values are latin1 byte strings. */
  headers: [string, string][];
  body: Buffer;
  /** Line ending of the head. **Default:** `\r\n`. */
  eol?: string;
  /** Bytes overwritten in the serialized request (positions modulo its length): blind corruption. */
  garble?: { at: number; byte: number }[];
}

/** The bytes of `req`. */
export function serialize(req: WireRequest): Buffer {
  const eol = req.eol ?? '\r\n';
  const head = [`${req.method} ${req.target}${req.version === '' ? '' : ` ${req.version}`}`, ...req.headers.map(([n, v]) => `${n}: ${v}`)].join(eol) + eol + eol;
  const out = Buffer.concat([Buffer.from(head, 'latin1'), req.body]);
  for (const g of req.garble ?? []) if (out.length > 0) out[g.at % out.length] = g.byte;
  return out;
}

/** What came back on one connection: the final response, or nothing (closed or reset first). */
export interface WireAnswer {
  /** The final (non-1xx) status, or undefined when the connection ended without one. */
  status: number | undefined;
  headers: Record<string, string>;
  body: Buffer;
  /** Nothing came back for `idleMs` after the request was written (the connection was destroyed). */
  idle: boolean;
}

export interface ExchangeOptions {
  /** The request is a HEAD: its answer has no body. */
  head?: boolean;
  /** How long the server may stay silent once everything was written. **Default:** 5000. */
  idleMs?: number;
}

/**
 * Sends `bytes` on a new connection to 127.0.0.1:`port` and reads until a complete final
 * response arrived, the server closed, or it stayed silent for `idleMs` (a request whose
 * declared body is longer than what was sent waits for more: the connection is then
 * destroyed, which the server sees as a client gone mid-request).
 */
export function exchange(port: number, bytes: Buffer, opts: ExchangeOptions = {}): Promise<WireAnswer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: '127.0.0.1', port });
    let idle = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        idle = true;
        socket.destroy();
      }, opts.idleMs ?? 5000);
    };
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      arm();
      const r = parseResponse(Buffer.concat(chunks), opts.head === true);
      if (r.complete) socket.destroy();
    });
    socket.on('error', () => {}); // a reset ends it like a close; what arrived is kept
    socket.once('close', () => {
      clearTimeout(timer);
      const { complete: _, ...r } = parseResponse(Buffer.concat(chunks), opts.head === true);
      resolve({ ...r, idle });
    });
    socket.once('connect', () => socket.write(bytes, () => arm()));
  });
}

/** The first final response in `raw` (1xx interim responses skipped); `complete` once its body is all there. */
export function parseResponse(raw: Buffer, head: boolean): Omit<WireAnswer, 'idle'> & { complete: boolean } {
  const none = { status: undefined, headers: {}, body: Buffer.alloc(0), complete: false };
  // latin1 keeps one character per byte, so offsets in the text are offsets in `raw`.
  const text = raw.toString('latin1');
  let at = 0;
  for (;;) {
    const parsed = parseHead(text, at);
    if (parsed === undefined) return none;
    const { status, headers } = parsed;
    at = parsed.next;
    if (status >= 100 && status < 200) continue;
    if (head || status === 204 || status === 304) return { status, headers, body: Buffer.alloc(0), complete: true };
    if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
      const d = dechunk(raw.subarray(at));
      return { status, headers, body: d.body, complete: d.complete };
    }
    if (headers['content-length'] !== undefined) {
      const n = Number(headers['content-length']);
      return { status, headers, body: raw.subarray(at, at + n), complete: raw.length - at >= n };
    }
    return { status, headers, body: raw.subarray(at), complete: false };
  }
}

function dechunk(b: Buffer): { body: Buffer; complete: boolean } {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = b.indexOf('\r\n', at);
    if (eol === -1) return { body: Buffer.concat(out), complete: false };
    const size = parseInt(b.subarray(at, eol).toString('latin1'), 16);
    if (!Number.isFinite(size)) return { body: Buffer.concat(out), complete: false };
    if (size === 0) return { body: Buffer.concat(out), complete: b.indexOf('\r\n\r\n', eol) !== -1 || b.length >= eol + 4 };
    out.push(b.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}
