import { connect } from 'node:net';

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
}

/** The bytes of `req`. */
export function serialize(req: WireRequest): Buffer {
  const eol = req.eol ?? '\r\n';
  const head = [`${req.method} ${req.target}${req.version === '' ? '' : ` ${req.version}`}`, ...req.headers.map(([n, v]) => `${n}: ${v}`)].join(eol) + eol + eol;
  return Buffer.concat([Buffer.from(head, 'latin1'), req.body]);
}

/** What came back on one connection: the final response, or nothing (closed or reset first). */
export interface WireAnswer {
  /** The final (non-1xx) status, or undefined when the connection ended without one. */
  status: number | undefined;
  headers: Record<string, string>;
  body: Buffer;
  /** The answer did not come within the time limit (the connection was destroyed). */
  timedOut: boolean;
}

/**
 * Sends `bytes` on a new connection to 127.0.0.1:`port`, half-closes it (so a server waiting
 * for more body sees the end at once), and reads until the server closes.
 */
export function exchange(port: number, bytes: Buffer, opts: { head?: boolean; timeoutMs?: number } = {}): Promise<WireAnswer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: '127.0.0.1', port });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      socket.destroy();
    }, opts.timeoutMs ?? 5000);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => {}); // a reset ends it like a close; what arrived is kept
    socket.once('close', () => {
      clearTimeout(timer);
      resolve({ ...parseResponse(Buffer.concat(chunks), opts.head === true), timedOut });
    });
    socket.once('connect', () => {
      socket.write(bytes);
      socket.end();
    });
  });
}

/** The first final response in `raw` (1xx interim responses skipped). */
export function parseResponse(raw: Buffer, head: boolean): Omit<WireAnswer, 'timedOut'> {
  let at = 0;
  for (;;) {
    const end = raw.indexOf('\r\n\r\n', at);
    if (end === -1) return { status: undefined, headers: {}, body: Buffer.alloc(0) };
    const lines = raw.subarray(at, end).toString('latin1').split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]!);
    if (m === null) return { status: undefined, headers: {}, body: Buffer.alloc(0) };
    const status = Number(m[1]);
    const headers: Record<string, string> = {};
    for (const l of lines.slice(1)) {
      const i = l.indexOf(':');
      if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
    }
    at = end + 4;
    if (status >= 100 && status < 200) continue;
    let body: Buffer;
    if (head || status === 204 || status === 304) body = Buffer.alloc(0);
    else if (headers['transfer-encoding']?.toLowerCase() === 'chunked') body = dechunk(raw.subarray(at));
    else if (headers['content-length'] !== undefined) body = raw.subarray(at, at + Number(headers['content-length']));
    else body = raw.subarray(at);
    return { status, headers, body };
  }
}

function dechunk(b: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = b.indexOf('\r\n', at);
    if (eol === -1) break;
    const size = parseInt(b.subarray(at, eol).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    out.push(b.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}
