import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { SigV4Signer, parseAmzDate, type Credentials } from '@s3kit/sigv4';
import { expect } from 'vitest';

export interface TestServer {
  origin: string;
  server: Server;
  /** Requests seen, in order. */
  requests: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: Buffer }>;
  close(): Promise<void>;
}

/** A node:http server on 127.0.0.1:0. The handler receives the request with its body already read, unless `raw` is set. */
export async function startServer(
  handler: (req: IncomingMessage, res: ServerResponse, body: Buffer, index: number) => unknown,
  options: { raw?: boolean } = {},
): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const sockets = new Set<Socket>();
  const server = createServer(async (req, res) => {
    if (options.raw) {
      const index = requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.alloc(0) }) - 1;
      await handler(req, res, Buffer.alloc(0), index);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => {});
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const index = requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body }) - 1;
      void handler(req, res, body, index);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    server,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A raw TCP server: the handler owns the socket (for malformed or cut-short responses). */
export async function startRawServer(onSocket: (socket: Socket, data: Buffer) => void): Promise<{ origin: string; close(): Promise<void>; connections: () => number }> {
  const sockets = new Set<Socket>();
  let count = 0;
  const server: NetServer = createNetServer((socket) => {
    count++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let seen = Buffer.alloc(0);
    let fired = false;
    socket.on('data', (d: Buffer) => {
      seen = Buffer.concat([seen, d]);
      if (!fired && seen.includes('\r\n\r\n')) {
        fired = true;
        onSocket(socket, seen);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    connections: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function s3ErrorXml(code: string, message: string, extra = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>${extra}<RequestId>REQ123</RequestId><HostId>HOST456</HostId></Error>`;
}

export const creds: Credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
export const region = 'us-east-1';

/** Recomputes the Authorization header from what arrived on the wire. */
export function expectValidSignature(origin: string, r: { method: string; url: string; headers: IncomingMessage['headers'] }, c: Credentials = creds): void {
  const auth = String(r.headers['authorization']);
  const signedNames = /SignedHeaders=([^,]+)/.exec(auth)?.[1]?.split(';') ?? [];
  const headers: Record<string, string> = {};
  for (const name of signedNames) headers[name] = String(r.headers[name]);
  const at = parseAmzDate(String(r.headers['x-amz-date']));
  const signer = new SigV4Signer({ credentials: c, region, clock: () => Number(at) });
  const signed = signer.sign({ method: r.method, url: origin + r.url, headers, payloadHash: String(r.headers['x-amz-content-sha256']) });
  expect(auth).toBe(signed.headers['authorization']);
}

