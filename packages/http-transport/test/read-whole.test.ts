import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTransport, ResponseBody, TransportAbortedError, TransportBodyMismatchError, type Transport } from '../src/index.js';
import { startRawServer, startServer, type TestServer } from './helpers.js';

let server: TestServer;
let transport: Transport;

beforeAll(async () => {
  server = await startServer((req, res) => {
    const size = Number(/size-(\d+)/.exec(req.url ?? '')?.[1] ?? 0);
    if (req.url?.startsWith('/chunked')) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('ab');
      res.end('cd');
      return;
    }
    res.writeHead(200, { 'content-length': String(size), etag: '"e"' });
    res.end(Buffer.alloc(size, 0x61));
  });
  transport = createTransport({ retry: false, proxy: false });
});
afterAll(async () => {
  await transport.close();
  await server.close();
});

describe('readWholeUpTo: small responses read whole', () => {
  it('resolves a response within the limit with its bytes, and its body replays them', async () => {
    const res = await transport.request({ method: 'GET', origin: server.origin, path: '/size-1024', readWholeUpTo: 4096 });
    expect(res.statusCode).toBe(200);
    expect(res.headers['etag']).toBe('"e"');
    expect(res.bytes?.length).toBe(1024);
    expect(res.bytes?.every((b) => b === 0x61)).toBe(true);
    expect(res.body).toBeInstanceOf(ResponseBody);
    expect(await res.body.text()).toBe('a'.repeat(1024));
    // The same body each time it is asked for, and made only then: a getter on the prototype, not
    // one in an object literal (whose AccessorPair V8 allocates in the old generation, keeping the
    // response past every scavenge).
    expect(res.body).toBe(res.body);
    expect(Object.getOwnPropertyDescriptor(res, 'body')).toBeUndefined();
  });

  it('reads a body exactly at the limit whole, an empty one too', async () => {
    const at = await transport.request({ method: 'GET', origin: server.origin, path: '/size-4096', readWholeUpTo: 4096 });
    expect(at.bytes?.length).toBe(4096);
    const empty = await transport.request({ method: 'GET', origin: server.origin, path: '/size-0', readWholeUpTo: 4096 });
    expect(empty.bytes?.length).toBe(0);
    await empty.body.dump();
  });

  it('streams a response over the limit, one without a length, and every response when not asked', async () => {
    const over = await transport.request({ method: 'GET', origin: server.origin, path: '/size-4097', readWholeUpTo: 4096 });
    expect(over.bytes).toBeUndefined();
    expect((await over.body.bytes()).length).toBe(4097);
    const chunked = await transport.request({ method: 'GET', origin: server.origin, path: '/chunked', readWholeUpTo: 4096 });
    expect(chunked.bytes).toBeUndefined();
    expect(await chunked.body.text()).toBe('abcd');
    const plain = await transport.request({ method: 'GET', origin: server.origin, path: '/size-10' });
    expect(plain.bytes).toBeUndefined();
    expect(await plain.body.text()).toBe('a'.repeat(10));
  });
});

describe('readWholeUpTo: failures reject the request (never a short success)', () => {
  let raw: Awaited<ReturnType<typeof startRawServer>> | undefined;
  afterEach(async () => raw?.close());

  it('rejects when the server closes before Content-Length bytes', async () => {
    raw = await startRawServer((socket) => {
      socket.write(`HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n${'x'.repeat(40)}`);
      setTimeout(() => socket.destroy(), 20);
    });
    const err = await transport.request({ method: 'GET', url: `${raw.origin}/k`, readWholeUpTo: 4096 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportBodyMismatchError);
    expect((err as TransportBodyMismatchError).received).toBe(40);
  });

  it('rejects with the abort error when aborted while the body is still coming', async () => {
    raw = await startRawServer((socket) => {
      socket.write(`HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n${'x'.repeat(40)}`);
    });
    const ac = new AbortController();
    const pending = transport.request({ method: 'GET', url: `${raw.origin}/k`, readWholeUpTo: 4096, signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportAbortedError);
  });
});
