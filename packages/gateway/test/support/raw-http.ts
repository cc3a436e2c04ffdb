import { connect, type Socket } from 'node:net';

/** A request line and headers, ending with the blank line (no body). */
export function requestHead(method: string, path: string, headers: Readonly<Record<string, string>>): string {
  return `${method} ${path} HTTP/1.1\r\n${Object.entries(headers)
    .map(([n, v]) => `${n}: ${v}\r\n`)
    .join('')}\r\n`;
}

/** A raw TCP connection to 127.0.0.1:`port`, for framing no HTTP client would send. */
export interface RawConnection {
  readonly socket: Socket;
  /** The connection ended (either side). */
  readonly closed: boolean;
  /** Writes text (latin1: one byte per character) or bytes. */
  write(data: string | Uint8Array): void;
  /** Everything received so far, as latin1 text. */
  received(): string;
  /** Resolves with the received text once `done(text)` holds (or the connection closed); rejects after `timeoutMs`. */
  waitFor(done: (text: string) => boolean, timeoutMs: number): Promise<string>;
  close(): void;
}

export function openRaw(port: number): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let text = '';
    let closed = false;
    const waiters = new Set<() => void>();
    const wake = (): void => {
      for (const w of [...waiters]) w();
    };
    socket.on('data', (c: Buffer) => {
      text += c.toString('latin1');
      wake();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      closed = true;
      wake();
    });
    socket.once('connect', () =>
      resolve({
        socket,
        get closed() {
          return closed;
        },
        write: (data) => void socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data),
        received: () => text,
        waitFor: (done, timeoutMs) =>
          new Promise((res, rej) => {
            const check = (): void => {
              if (!done(text) && !closed) return;
              waiters.delete(check);
              clearTimeout(timer);
              res(text);
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              rej(new Error(`no answer within ${timeoutMs} ms; received: ${JSON.stringify(text.slice(0, 500))}`));
            }, timeoutMs);
            waiters.add(check);
            check();
          }),
        close: () => socket.destroy(),
      }),
    );
    socket.once('error', reject);
  });
}

/** One parsed response. */
export interface ParsedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * The status line and headers of the response head starting at `at` in `text` (latin1), header
 * names lowercased, and where its body starts; undefined when the head is incomplete or not HTTP.
 */
export function parseHead(text: string, at: number): { status: number; headers: Record<string, string>; next: number } | undefined {
  const end = text.indexOf('\r\n\r\n', at);
  if (end === -1) return undefined;
  const lines = text.slice(at, end).split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]!);
  if (m === null) return undefined;
  const headers: Record<string, string> = {};
  for (const l of lines.slice(1)) {
    const i = l.indexOf(':');
    if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  return { status: Number(m[1]), headers, next: end + 4 };
}

/** Every complete response in `text` (interim 1xx ones included), in order. */
export function parseResponses(text: string): ParsedResponse[] {
  const out: ParsedResponse[] = [];
  let at = 0;
  while (at < text.length) {
    const parsed = parseHead(text, at);
    if (parsed === undefined) break;
    const { status, headers } = parsed;
    at = parsed.next;
    let body = '';
    if (status >= 200 && status !== 204 && status !== 304) {
      if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
        const r = dechunk(text, at);
        if (r === undefined) break;
        body = r.body;
        at = r.next;
      } else if (headers['content-length'] !== undefined) {
        const n = Number(headers['content-length']);
        if (text.length - at < n) break;
        body = text.slice(at, at + n);
        at += n;
      } else {
        body = text.slice(at);
        at = text.length;
      }
    }
    out.push({ status, headers, body });
  }
  return out;
}

function dechunk(text: string, from: number): { body: string; next: number } | undefined {
  let body = '';
  let at = from;
  for (;;) {
    const eol = text.indexOf('\r\n', at);
    if (eol === -1) return undefined;
    const size = parseInt(text.slice(at, eol), 16);
    if (!Number.isFinite(size)) return undefined;
    if (size === 0) {
      const end = text.indexOf('\r\n', eol + 2);
      return end === -1 ? undefined : { body, next: end + 2 };
    }
    if (text.length < eol + 2 + size + 2) return undefined;
    body += text.slice(eol + 2, eol + 2 + size);
    at = eol + 2 + size + 2;
  }
}

/** Whether `text` holds a complete final (non-1xx) response. */
export function hasFinalResponse(text: string): boolean {
  return parseResponses(text).some((r) => r.status >= 200);
}

/** The `<Code>` of an S3 error body, if it is one. */
export function errorCode(body: string): string | undefined {
  return /<Error>[\s\S]*?<Code>([^<]*)<\/Code>/.exec(body)?.[1];
}
