import { once } from 'node:events';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createTransport, TransportAbortedError, TransportConnectError, type TransportError, TransportTimeoutError, type Transport } from '../src/index.js';
import { closeAfterEach, s3ErrorXml, sleep, startServer, type TestServer } from './helpers.js';

let server: TestServer | undefined;
let transport: Transport | undefined;
closeAfterEach(() => ({ transport, server }));

const settle = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => 'resolved',
    (e: unknown) => e,
  );

describe('timeouts', () => {
  it('fails slow response headers with TIMEOUT (phase headers)', async () => {
    server = await startServer((_req, res) => {
      setTimeout(() => res.end('late'), 1000);
    });
    transport = createTransport({ proxy: false, retry: false, headersTimeoutMs: 150 });
    const err = await settle(transport.request({ method: 'GET', url: `${server.origin}/k` }));
    expect(err).toBeInstanceOf(TransportTimeoutError);
    expect((err as TransportTimeoutError).code).toBe('S3KIT_TRANSPORT_TIMEOUT');
    expect((err as TransportTimeoutError).phase).toBe('headers');
    expect(((err as Error).cause as { code: string }).code).toBe('UND_ERR_HEADERS_TIMEOUT');
  });

  it('retries a headers timeout and succeeds when the next attempt is fast', async () => {
    server = await startServer((_req, res, _b, i) => {
      if (i === 0) setTimeout(() => res.end('late'), 1000);
      else res.end('fast');
    });
    transport = createTransport({ proxy: false, retry: { baseDelayMs: 1 }, headersTimeoutMs: 150 });
    const res = await transport.request({ method: 'GET', url: `${server.origin}/k` });
    expect(await res.body.text()).toBe('fast');
  });

  it('fails a stalled response body with TIMEOUT (phase body) on the body stream', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-length': '10' });
      res.write('12345');
    });
    transport = createTransport({ proxy: false, retry: false, bodyTimeoutMs: 150 });
    const res = await transport.request({ method: 'GET', url: `${server.origin}/k` });
    const err = await settle(res.body.text());
    expect(err).toBeInstanceOf(TransportTimeoutError);
    expect((err as TransportTimeoutError).phase).toBe('body');
  });

  it('fails a TLS handshake that never completes with TIMEOUT (phase connect)', async () => {
    // The TCP connect succeeds but the server never answers the ClientHello.
    const silent = createNetServer((socket) => socket.on('error', () => {}));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    transport = createTransport({ proxy: false, retry: false, connectTimeoutMs: 200 });
    try {
      const err = await settle(transport.request({ method: 'GET', url: `https://127.0.0.1:${port}/k` }));
      expect(err).toBeInstanceOf(TransportTimeoutError);
      expect((err as TransportTimeoutError).phase).toBe('connect');
    } finally {
      silent.close();
    }
  });

  it('fails a refused connection with CONNECT after the retries', async () => {
    const probe = await startServer((_req, res) => res.end());
    const origin = probe.origin;
    await probe.close();
    transport = createTransport({ proxy: false, retry: { maxAttempts: 2, baseDelayMs: 1 } });
    const err = await settle(transport.request({ method: 'GET', url: `${origin}/k` }));
    expect(err).toBeInstanceOf(TransportConnectError);
    expect((err as TransportError).code).toBe('S3KIT_TRANSPORT_CONNECT');
  });

  it('maps an AbortSignal.timeout deadline to TIMEOUT (phase deadline)', async () => {
    server = await startServer((_req, res) => {
      setTimeout(() => res.end('late'), 2000);
    });
    transport = createTransport({ proxy: false });
    const started = Date.now();
    const err = await settle(transport.request({ method: 'GET', url: `${server.origin}/k`, signal: AbortSignal.timeout(100) }));
    expect(err).toBeInstanceOf(TransportTimeoutError);
    expect((err as TransportTimeoutError).phase).toBe('deadline');
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('abort', () => {
  it('rejects at once for an already-aborted signal and sends nothing', async () => {
    server = await startServer((_req, res) => res.end());
    transport = createTransport({ proxy: false });
    const err = await settle(transport.request({ method: 'GET', url: `${server.origin}/k`, signal: AbortSignal.abort('user') }));
    expect(err).toBeInstanceOf(TransportAbortedError);
    expect((err as Error).cause).toBe('user');
    await sleep(20);
    expect(server.requests).toHaveLength(0);
  });

  it('aborts while the request body uploads: rejects, destroys the source and closes the connection', async () => {
    let serverSawClose = false;
    let gotData!: () => void;
    const firstBytes = new Promise<void>((r) => (gotData = r));
    server = await startServer(
      (req) => {
        req.once('data', () => gotData());
        req.socket.on('close', () => (serverSawClose = true));
      },
      { raw: true },
    );
    transport = createTransport({ proxy: false });
    const source = new Readable({ read() {} });
    source.push(Buffer.alloc(1024, 1));
    const ac = new AbortController();
    const pending = settle(transport.request({ method: 'PUT', url: `${server.origin}/k`, body: source, contentLength: 1_000_000, signal: ac.signal }));
    await firstBytes;
    ac.abort();
    const err = await pending;
    expect(err).toBeInstanceOf(TransportAbortedError);
    expect(source.destroyed).toBe(true);
    await sleep(50);
    expect(serverSawClose).toBe(true);
  });

  it('aborts while waiting for response headers', async () => {
    let serverSawClose = false;
    server = await startServer((req) => {
      req.socket.on('close', () => (serverSawClose = true));
    });
    transport = createTransport({ proxy: false });
    const ac = new AbortController();
    const pending = settle(transport.request({ method: 'GET', url: `${server.origin}/k`, signal: ac.signal }));
    while (server.requests.length === 0) await sleep(5);
    ac.abort();
    expect(await pending).toBeInstanceOf(TransportAbortedError);
    await sleep(50);
    expect(serverSawClose).toBe(true);
  });

  it('aborts while the response body streams: the body stream errors with ABORTED', async () => {
    let serverSawClose = false;
    server = await startServer((req, res) => {
      res.writeHead(200, { 'content-length': String(1 << 20) });
      res.write(Buffer.alloc(1024));
      req.socket.on('close', () => (serverSawClose = true));
    });
    transport = createTransport({ proxy: false });
    const ac = new AbortController();
    const res = await transport.request({ method: 'GET', url: `${server.origin}/k`, signal: ac.signal });
    const reading = settle(res.body.bytes());
    await sleep(20);
    ac.abort();
    expect(await reading).toBeInstanceOf(TransportAbortedError);
    await sleep(50);
    expect(serverSawClose).toBe(true);
  });

  it('aborts during the retry backoff without another attempt', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(503, { 'retry-after': '10' });
      res.end(s3ErrorXml('SlowDown', 'slow'));
    });
    transport = createTransport({ proxy: false, retry: { maxDelayMs: 10_000 } });
    const ac = new AbortController();
    const started = Date.now();
    const pending = settle(transport.request({ method: 'GET', url: `${server.origin}/k`, signal: ac.signal }));
    while (server.requests.length === 0) await sleep(5);
    await sleep(30);
    ac.abort();
    expect(await pending).toBeInstanceOf(TransportAbortedError);
    expect(Date.now() - started).toBeLessThan(2000);
    await sleep(50);
    expect(server.requests).toHaveLength(1);
  });

  it('closes the connection when the caller destroys the response body early', async () => {
    let serverSawClose = false;
    server = await startServer((req, res) => {
      res.writeHead(200, { 'content-length': String(1 << 20) });
      res.write(Buffer.alloc(1024));
      req.socket.on('close', () => (serverSawClose = true));
    });
    transport = createTransport({ proxy: false });
    const res = await transport.request({ method: 'GET', url: `${server.origin}/k` });
    res.body.destroy();
    await once(res.body, 'close');
    await sleep(50);
    expect(serverSawClose).toBe(true);
  });

  it('aborts during the connect phase (TLS handshake stalled) at once', async () => {
    const silent = createNetServer((socket) => socket.on('error', () => {}));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    transport = createTransport({ proxy: false, connectTimeoutMs: 10_000 });
    try {
      const ac = new AbortController();
      const pending = settle(transport.request({ method: 'GET', url: `https://127.0.0.1:${port}/k`, signal: ac.signal }));
      await sleep(50);
      const t0 = Date.now();
      ac.abort();
      expect(await pending).toBeInstanceOf(TransportAbortedError);
      expect(Date.now() - t0).toBeLessThan(500);
    } finally {
      silent.close();
    }
  });

  it('aborts a request still queued behind a busy connection: rejects at once and never sends it', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    server = await startServer(async (req, res) => {
      if (req.url === '/slow') await released;
      res.end(req.url);
    });
    transport = createTransport({ proxy: false, connections: 1, retry: false });
    const slow = transport.request({ method: 'GET', url: `${server.origin}/slow` });
    while (server.requests.length === 0) await sleep(5);
    const ac = new AbortController();
    const queued = settle(transport.request({ method: 'GET', url: `${server.origin}/queued`, signal: ac.signal }));
    await sleep(20);
    const t0 = Date.now();
    ac.abort();
    expect(await queued).toBeInstanceOf(TransportAbortedError);
    expect(Date.now() - t0).toBeLessThan(500);
    release();
    expect(await (await slow).body.text()).toBe('/slow');
    await sleep(50);
    expect(server.requests.map((r) => r.url)).toEqual(['/slow']);
  });
});

/** An `AbortSignalLike` of the caller's own: a listener array, no EventTarget. */
class Latch {
  aborted = false;
  reason: unknown = undefined;
  readonly listeners: { handleEvent(): void }[] = [];
  addEventListener(_type: 'abort', listener: { handleEvent(): void }): void {
    this.listeners.push(listener);
  }
  removeEventListener(_type: 'abort', listener: { handleEvent(): void }): void {
    const i = this.listeners.indexOf(listener);
    if (i >= 0) this.listeners.splice(i, 1);
  }
  abort(reason: unknown): void {
    this.aborted = true;
    this.reason = reason;
    for (const l of this.listeners.splice(0)) l.handleEvent();
  }
}

describe('an AbortSignalLike as the signal', () => {
  it('aborts while waiting for response headers and during a retry backoff, with its reason as the cause', async () => {
    let calls = 0;
    server = await startServer((req, res) => {
      if (calls++ === 0 || req.url === '/hang') return;
      res.writeHead(503, { 'retry-after': '10' });
      res.end(s3ErrorXml('SlowDown', 'slow'));
    });
    transport = createTransport({ proxy: false, retry: { maxDelayMs: 10_000 } });
    const waiting = new Latch();
    const pending = settle(transport.request({ method: 'GET', url: `${server.origin}/hang`, signal: waiting }));
    while (server.requests.length === 0) await sleep(5);
    waiting.abort('gone');
    const err = await pending;
    expect(err).toBeInstanceOf(TransportAbortedError);
    expect((err as Error).cause).toBe('gone');

    const backingOff = new Latch();
    const started = Date.now();
    const retried = settle(transport.request({ method: 'GET', url: `${server.origin}/k`, signal: backingOff }));
    while (server.requests.length < 2) await sleep(5);
    await sleep(30);
    backingOff.abort('stop');
    expect(await retried).toBeInstanceOf(TransportAbortedError);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(backingOff.listeners).toHaveLength(0);
  });

  it('leaves no listener on it once a request is done, read whole or streamed', async () => {
    server = await startServer((_req, res) => res.end('x'.repeat(100)));
    transport = createTransport({ proxy: false });
    const whole = new Latch();
    const a = await transport.request({ method: 'GET', url: `${server.origin}/a`, signal: whole, readWholeUpTo: 1024 });
    expect(a.bytes?.length).toBe(100);
    expect(whole.listeners).toHaveLength(0);
    const streamed = new Latch();
    const b = await transport.request({ method: 'GET', url: `${server.origin}/b`, signal: streamed });
    expect(streamed.listeners.length).toBeGreaterThan(0);
    expect(await b.body.text()).toHaveLength(100);
    await sleep(10);
    expect(streamed.listeners).toHaveLength(0);
  });
});
