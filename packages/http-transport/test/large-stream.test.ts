import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTransport, type Transport } from '../src/index.js';
import { startServer, type TestServer } from './helpers.js';

// The 5 GiB proof lives in bench/large.ts; this keeps a cheaper guard in the suite: 256 MiB
// each way must not be buffered (RSS would grow by >= 256 MB if it were; streaming stays near
// V8's 64 MB external-memory GC threshold).
const SIZE = 256 * 1024 * 1024;
const CHUNK = Buffer.alloc(1024 * 1024, 7);

function source(bytes: number): Readable {
  let left = bytes;
  return new Readable({
    read() {
      if (left === 0) return void this.push(null);
      const piece = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
      left -= piece.length;
      this.push(piece);
    },
  });
}

let server: TestServer;
let transport: Transport;
beforeAll(async () => {
  server = await startServer(
    (req, res) => {
      if (req.method === 'PUT') {
        const hash = createHash('sha256');
        let n = 0;
        req.on('data', (c: Buffer) => {
          n += c.length;
          hash.update(c);
        });
        req.on('end', () => res.end(`${n}:${hash.digest('hex')}`));
        return;
      }
      res.writeHead(200, { 'content-length': String(SIZE) });
      source(SIZE).pipe(res);
    },
    { raw: true },
  );
  transport = createTransport({ proxy: false });
});
afterAll(async () => {
  await transport.close();
  await server.close();
});

function rssWatcher(): () => number {
  const base = process.memoryUsage().rss;
  let max = base;
  const timer = setInterval(() => (max = Math.max(max, process.memoryUsage().rss)), 25);
  return () => {
    clearInterval(timer);
    return (Math.max(max, process.memoryUsage().rss) - base) / 1024 / 1024;
  };
}

describe('streaming without buffering', () => {
  it('uploads 256 MiB from a stream intact with bounded RSS growth', async () => {
    const expected = createHash('sha256');
    for (let i = 0; i < SIZE / CHUNK.length; i++) expected.update(CHUNK);
    const stop = rssWatcher();
    const res = await transport.request({ method: 'PUT', origin: server.origin, path: '/big', body: source(SIZE), contentLength: SIZE });
    const text = await res.body.text();
    const growth = stop();
    expect(text).toBe(`${SIZE}:${expected.digest('hex')}`);
    expect(growth).toBeLessThan(150);
  });

  it('downloads 256 MiB as a stream with bounded RSS growth', async () => {
    const stop = rssWatcher();
    const res = await transport.request({ method: 'GET', origin: server.origin, path: '/big' });
    let n = 0;
    for await (const chunk of res.body) n += (chunk as Buffer).length;
    const growth = stop();
    expect(n).toBe(SIZE);
    expect(growth).toBeLessThan(150);
  });

  it('applies backpressure: a consumer that stops reading stops the server from writing', async () => {
    let written = 0;
    let done = false;
    const s = await startServer(
      (_req, res) => {
        const chunk = Buffer.alloc(64 * 1024, 1);
        const total = 64 * 1024 * 1024;
        res.writeHead(200, { 'content-length': String(total) });
        const pump = (): void => {
          while (written < total) {
            written += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
          done = true;
        };
        pump();
      },
      { raw: true },
    );
    const t = createTransport({ proxy: false });
    try {
      const res = await t.request({ method: 'GET', origin: s.origin, path: '/slow-reader' });
      await new Promise((r) => setTimeout(r, 300));
      // Socket buffers on both sides plus the stream's highWaterMark: a few MiB at most.
      expect(done).toBe(false);
      expect(written).toBeLessThan(16 * 1024 * 1024);
      let n = 0;
      for await (const chunk of res.body) n += (chunk as Buffer).length;
      expect(n).toBe(64 * 1024 * 1024);
    } finally {
      await t.close();
      await s.close();
    }
  });
});
