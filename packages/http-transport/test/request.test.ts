import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTransport, TransportBodyMismatchError, type Transport } from '../src/index.js';
import { startRawServer, startServer, type TestServer } from './helpers.js';

let server: TestServer;
let transport: Transport;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3kit-http-'));
  server = await startServer((req, res, body) => {
    if (req.url === '/not-modified') {
      res.writeHead(304, { etag: '"abc"' });
      res.end();
      return;
    }
    if (req.method === 'HEAD') {
      res.writeHead(200, { 'content-length': '1234', etag: '"abc"' });
      res.end();
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'x-echo-length': req.headers['content-length'] ?? 'none',
      'x-echo-te': req.headers['transfer-encoding'] ?? 'none',
    });
    res.end(body.length > 0 ? body : 'hello');
  });
  transport = createTransport({ retry: false, proxy: false });
});
afterAll(async () => {
  await transport.close();
  await server.close();
});

describe('request bodies', () => {
  it('sends a Uint8Array with Content-Length and echoes it back intact', async () => {
    const data = new Uint8Array([1, 2, 3, 4, 5]);
    const res = await transport.request({ method: 'PUT', url: `${server.origin}/b/k`, body: data });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-echo-length']).toBe('5');
    expect(Array.from(await res.body.bytes())).toEqual([1, 2, 3, 4, 5]);
  });

  it('sends a string body with its UTF-8 byte length', async () => {
    const res = await transport.request({ method: 'PUT', origin: server.origin, path: '/b/k', body: 'héllo' });
    expect(res.headers['x-echo-length']).toBe('6');
    expect(await res.body.text()).toBe('héllo');
  });

  it('sends a Node Readable with the caller-supplied contentLength', async () => {
    const res = await transport.request({ method: 'PUT', origin: server.origin, path: '/k', body: Readable.from([Buffer.from('ab'), Buffer.from('cd')]), contentLength: 4 });
    expect(res.headers['x-echo-length']).toBe('4');
    expect(await res.body.text()).toBe('abcd');
  });

  it('sends a Web ReadableStream body', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('web-'));
        c.enqueue(new TextEncoder().encode('stream'));
        c.close();
      },
    });
    const res = await transport.request({ method: 'PUT', origin: server.origin, path: '/k', body: stream, contentLength: 10 });
    expect(await res.body.text()).toBe('web-stream');
  });

  it('sends an async iterable with unknown length as chunked when the caller asks', async () => {
    async function* gen(): AsyncGenerator<Uint8Array> {
      yield new TextEncoder().encode('one,');
      yield new TextEncoder().encode('two');
    }
    const res = await transport.request({ method: 'PUT', origin: server.origin, path: '/k', body: gen(), contentLength: 'unknown' });
    expect(res.headers['x-echo-te']).toBe('chunked');
    expect(res.headers['x-echo-length']).toBe('none');
    expect(await res.body.text()).toBe('one,two');
  });

  it('refuses a stream of unknown length unless the caller asks for chunked', async () => {
    await expect(transport.request({ method: 'PUT', origin: server.origin, path: '/k', body: Readable.from(['x']) })).rejects.toThrow(/contentLength/);
  });

  it('sends a file range (offset + length) with its Content-Length', async () => {
    const path = join(dir, 'f.bin');
    await writeFile(path, '0123456789');
    const res = await transport.request({ method: 'PUT', origin: server.origin, path: '/k', body: { path, offset: 2, length: 5 } });
    expect(res.headers['x-echo-length']).toBe('5');
    expect(await res.body.text()).toBe('23456');
    const whole = await transport.request({ method: 'PUT', origin: server.origin, path: '/k', body: { path } });
    expect(await whole.body.text()).toBe('0123456789');
  });

  it('fails with BODY_MISMATCH when a stream is shorter than its declared length', async () => {
    const err = await transport.request({ method: 'PUT', origin: server.origin, path: '/k', body: Readable.from([Buffer.from('abc')]), contentLength: 10 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TransportBodyMismatchError);
    expect((err as TransportBodyMismatchError).code).toBe('S3KIT_TRANSPORT_BODY_MISMATCH');
  });
});

describe('responses', () => {
  it('exposes the body as a Web ReadableStream', async () => {
    const res = await transport.request({ method: 'GET', url: `${server.origin}/k` });
    const reader = res.body.stream().getReader();
    const chunks: Uint8Array[] = [];
    for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
    expect(Buffer.concat(chunks).toString()).toBe('hello');
  });

  it('handles HEAD: headers only, empty body even with a Content-Length', async () => {
    const res = await transport.request({ method: 'HEAD', url: `${server.origin}/k` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-length']).toBe('1234');
    expect((await res.body.bytes()).length).toBe(0);
  });

  it('returns 304 Not Modified as a response (not an error) with an empty body', async () => {
    const res = await transport.request({ method: 'GET', url: `${server.origin}/not-modified`, headers: { 'if-none-match': '"abc"' } });
    expect(res.statusCode).toBe(304);
    expect(res.headers['etag']).toBe('"abc"');
    expect((await res.body.bytes()).length).toBe(0);
  });
});

describe('response length checks', () => {
  let raw: Awaited<ReturnType<typeof startRawServer>>;
  afterEach(async () => raw?.close());

  it('errors the body stream when the server closes before Content-Length bytes (truncated)', async () => {
    raw = await startRawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n' + 'x'.repeat(40));
      setTimeout(() => socket.destroy(), 20);
    });
    const res = await transport.request({ method: 'GET', url: `${raw.origin}/k` });
    const err = await res.body.bytes().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TransportBodyMismatchError);
    expect((err as TransportBodyMismatchError).received).toBe(40);
    expect((err as TransportBodyMismatchError).expected).toBe(100);
  });

  it('errors when the server sends more bytes than Content-Length says', async () => {
    raw = await startRawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-length: 3\r\nconnection: close\r\n\r\nabcdefgh');
      setTimeout(() => socket.end(), 20);
    });
    const res = await transport.request({ method: 'GET', url: `${raw.origin}/k` });
    const body = await res.body.text().then(
      (t) => t,
      (e: unknown) => e,
    );
    // undici reads exactly Content-Length bytes; the extra bytes are a protocol error on the
    // connection, never silently appended data.
    expect(body).toBe('abc');
  });
});

describe('connection pool', () => {
  it('reuses keep-alive connections for sequential requests', async () => {
    const sockets = new Set<unknown>();
    const s = await startServer((req, res) => {
      sockets.add(req.socket);
      res.end('ok');
    });
    const t = createTransport({ proxy: false, retry: false });
    try {
      for (let i = 0; i < 10; i++) await (await t.request({ method: 'GET', url: `${s.origin}/k` })).body.dump();
      // undici may hand the next request to a second socket while the first is being released
      // (plain undici.request does the same); what matters is that sockets are reused.
      expect(sockets.size).toBeLessThanOrEqual(2);
    } finally {
      await t.close();
      await s.close();
    }
  });

  it('opens at most `connections` sockets per origin', async () => {
    const sockets = new Set<unknown>();
    const s = await startServer((req, res) => {
      sockets.add(req.socket);
      setTimeout(() => res.end('ok'), 30);
    });
    const t = createTransport({ proxy: false, retry: false, connections: 2 });
    try {
      await Promise.all(Array.from({ length: 6 }, async () => (await t.request({ method: 'GET', url: `${s.origin}/k` })).body.dump()));
      expect(sockets.size).toBe(2);
    } finally {
      await t.close();
      await s.close();
    }
  });
});
