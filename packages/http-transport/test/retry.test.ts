import diagnosticsChannel from 'node:diagnostics_channel';
import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { isS3Error, type S3Error } from '@s3kit/errors';
import { describe, expect, it } from 'vitest';
import { channels, createTransport, retry, TransportNotReplayableError, TransportSocketError, type RetryMessage, type Transport } from '../src/index.js';
import { closeAfterEach, s3ErrorXml, startRawServer, startServer, type TestServer } from './helpers.js';

let server: TestServer | undefined;
let transport: Transport | undefined;
closeAfterEach(() => ({ transport, server }));

const fast = { baseDelayMs: 5, maxDelayMs: 50 };
const sha = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

describe('retry()', () => {
  it('retries 503 then 200 and re-sends the buffer body intact', async () => {
    server = await startServer((_req, res, _body, i) => {
      if (i === 0) {
        res.writeHead(503);
        res.end(s3ErrorXml('SlowDown', 'Please reduce your request rate.'));
      } else {
        res.writeHead(200);
        res.end('ok');
      }
    });
    transport = createTransport({ proxy: false, retry: fast });
    const body = new Uint8Array(100_000).map((_, i) => i % 251);
    const res = await transport.request({ method: 'PUT', url: `${server.origin}/b/k`, body });
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toBe('ok');
    expect(server.requests).toHaveLength(2);
    expect(sha(server.requests[0]!.body)).toBe(sha(body));
    expect(sha(server.requests[1]!.body)).toBe(sha(body));
  });

  it('re-opens a file body on each attempt so the retry sends the same bytes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 's3kit-retry-'));
    const path = join(dir, 'part.bin');
    const data = Buffer.alloc(300_000, 7);
    data.write('start');
    await writeFile(path, data);
    server = await startServer((_req, res, _body, i) => {
      res.writeHead(i < 2 ? 500 : 200);
      res.end(i < 2 ? s3ErrorXml('InternalError', 'try again') : 'done');
    });
    transport = createTransport({ proxy: false, retry: { ...fast, maxAttempts: 3 } });
    const res = await transport.request({ method: 'PUT', url: `${server.origin}/b/k`, body: { path, offset: 0 } });
    expect(await res.body.text()).toBe('done');
    expect(server.requests.map((r) => sha(r.body))).toEqual([sha(data), sha(data), sha(data)]);
  });

  it('gives up after maxAttempts on 503 forever and rejects with the last S3Error', async () => {
    server = await startServer((_req, res, _body, i) => {
      res.writeHead(503, { 'x-amz-request-id': `attempt-${i}` });
      res.end(s3ErrorXml('ServiceUnavailable', `busy ${i}`).replace('<RequestId>REQ123</RequestId>', ''));
    });
    transport = createTransport({ proxy: false, retry: { ...fast, maxAttempts: 4 } });
    const err = (await transport.request({ method: 'GET', url: `${server.origin}/k` }).catch((e: unknown) => e)) as S3Error;
    expect(isS3Error(err)).toBe(true);
    expect(err.code).toBe('ServiceUnavailable');
    expect(err.message).toBe('busy 3');
    expect(err.requestId).toBe('attempt-3');
    expect(server.requests).toHaveLength(4);
  });

  it('retries S3 RequestTimeout (400) by its code', async () => {
    server = await startServer((_req, res, _body, i) => {
      res.writeHead(i === 0 ? 400 : 200);
      res.end(i === 0 ? s3ErrorXml('RequestTimeout', 'Your socket connection to the server was not read from') : 'ok');
    });
    transport = createTransport({ proxy: false, retry: fast });
    const res = await transport.request({ method: 'PUT', url: `${server.origin}/k`, body: 'data' });
    expect(res.statusCode).toBe(200);
    expect(server.requests).toHaveLength(2);
  });

  it('does not retry a 404 NoSuchKey', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(404);
      res.end(s3ErrorXml('NoSuchKey', 'nope'));
    });
    transport = createTransport({ proxy: false, retry: fast });
    const err = (await transport.request({ method: 'GET', url: `${server.origin}/k` }).catch((e: unknown) => e)) as S3Error;
    expect(err.code).toBe('NoSuchKey');
    expect(server.requests).toHaveLength(1);
  });

  it('waits for Retry-After before the next attempt', async () => {
    const times: number[] = [];
    server = await startServer((_req, res, _body, i) => {
      times.push(Date.now());
      if (i === 0) {
        res.writeHead(503, { 'retry-after': '1' });
        res.end(s3ErrorXml('SlowDown', 'slow'));
      } else {
        res.writeHead(200);
        res.end('ok');
      }
    });
    // random() = 0 makes the jittered backoff 0 ms: any wait comes from Retry-After.
    transport = createTransport({ proxy: false, retry: { baseDelayMs: 5, maxDelayMs: 5000, random: () => 0 } });
    const res = await transport.request({ method: 'GET', url: `${server.origin}/k` });
    expect(res.statusCode).toBe(200);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950);
  });

  it('does not retry a one-shot stream body after a 503 and says why', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(503);
      res.end(s3ErrorXml('SlowDown', 'slow'));
    });
    transport = createTransport({ proxy: false, retry: fast });
    const err = await transport.request({ method: 'PUT', url: `${server.origin}/k`, body: Readable.from([Buffer.from('once')]), contentLength: 4 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportNotReplayableError);
    expect((err as Error).message).toMatch(/not retried: its body is a one-shot stream/);
    expect(((err as Error).cause as S3Error).code).toBe('SlowDown');
    expect(server.requests).toHaveLength(1);
  });

  it('retries a stream body made by a factory', async () => {
    server = await startServer((_req, res, _body, i) => {
      res.writeHead(i === 0 ? 503 : 200);
      res.end(i === 0 ? '' : 'ok');
    });
    transport = createTransport({ proxy: false, retry: fast });
    let calls = 0;
    const res = await transport.request({
      method: 'PUT',
      url: `${server.origin}/k`,
      body: () => {
        calls++;
        return Readable.from([Buffer.from('stream-'), Buffer.from('body')]);
      },
      contentLength: 11,
    });
    expect(res.statusCode).toBe(200);
    expect(calls).toBe(2);
    expect(server.requests.map((r) => r.body.toString())).toEqual(['stream-body', 'stream-body']);
  });

  it('retries a connection reset in the middle of the request body and re-sends it intact', async () => {
    let connections = 0;
    server = await startServer(
      (req, res) => {
        connections++;
        if (connections === 1) {
          req.once('data', () => req.socket.destroy());
          return;
        }
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          res.writeHead(200, { 'x-sha': sha(Buffer.concat(chunks)) });
          res.end();
        });
      },
      { raw: true },
    );
    transport = createTransport({ proxy: false, retry: fast });
    const body = Buffer.alloc(4 * 1024 * 1024, 1);
    const res = await transport.request({ method: 'PUT', url: `${server.origin}/k`, body });
    expect(res.headers['x-sha']).toBe(sha(body));
    expect(connections).toBe(2);
  });

  it('surfaces a reset in the middle of the response body as a socket error (the caller already has the stream)', async () => {
    const raw = await startRawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n');
      setTimeout(() => socket.resetAndDestroy(), 20);
    });
    transport = createTransport({ proxy: false, retry: fast });
    try {
      const res = await transport.request({ method: 'GET', url: `${raw.origin}/k` });
      const err = await res.body.text().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TransportSocketError);
      expect(raw.connections()).toBe(1);
    } finally {
      await raw.close();
    }
  });

  it('publishes a retry event with the attempt, delay and error code', async () => {
    server = await startServer((_req, res, _body, i) => {
      res.writeHead(i === 0 ? 503 : 200);
      res.end(i === 0 ? s3ErrorXml('SlowDown', 'slow') : 'ok');
    });
    transport = createTransport({ proxy: false, retry: { ...fast, random: () => 0.5 } });
    const seen: RetryMessage[] = [];
    const listener = (m: unknown): void => {
      seen.push(m as RetryMessage);
    };
    diagnosticsChannel.subscribe(channels.retry, listener);
    try {
      await (await transport.request({ method: 'GET', url: `${server.origin}/k?X-Amz-Signature=secret` })).body.dump();
    } finally {
      diagnosticsChannel.unsubscribe(channels.retry, listener);
    }
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'GET', attempt: 1, delayMs: 2, path: '/k?X-Amz-Signature', error: { code: 'SlowDown' } });
  });

  it('validates its options when created', () => {
    expect(() => retry({ maxAttempts: 0 })).toThrow(TypeError);
    expect(() => retry({ baseDelayMs: -1 })).toThrow(/baseDelayMs/);
  });
});

describe('retry() without s3Errors() (composed on a plain undici Agent)', () => {
  it('retries a 503 and, when attempts run out, hands the last 5xx over as a response', async () => {
    const { Agent } = await import('undici');
    const s = await startServer((_req, res, _b, i) => {
      res.writeHead(503, { 'x-attempt': String(i) });
      res.end('busy');
    });
    const dispatcher = new Agent().compose(retry({ maxAttempts: 3, baseDelayMs: 1 }));
    try {
      const res = await dispatcher.request({ origin: s.origin, path: '/k', method: 'GET' });
      expect(res.statusCode).toBe(503);
      expect(res.headers['x-attempt']).toBe('2');
      expect(await res.body.text()).toBe('busy');
      expect(s.requests).toHaveLength(3);
    } finally {
      await dispatcher.close();
      await s.close();
    }
  });
});
