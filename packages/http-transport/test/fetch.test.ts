import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isS3Error, type S3Error } from '@s3kit/errors';
import { describe, expect, it } from 'vitest';
import { createFetchTransport } from '../src/fetch.js';
import { TransportAbortedError, TransportConnectError, TransportError, TransportNotReplayableError, TransportTimeoutError } from '../src/index.js';
import { closeAfterEach, creds, expectValidSignature, region, s3ErrorXml, sleep, startRawServer, startServer, type TestServer } from './helpers.js';

let server: TestServer | undefined;
closeAfterEach(() => ({ server }));

describe('createFetchTransport (global fetch against local servers)', () => {
  it('GETs a body as text and as a Web stream, with lowercase headers', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'X-Amz-Request-Id': 'R1', etag: '"e"' });
      res.end('fetch-body');
    });
    const t = createFetchTransport();
    const res = await t.request({ method: 'GET', url: `${server.origin}/b/k` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-amz-request-id']).toBe('R1');
    expect(await res.body.text()).toBe('fetch-body');
    const again = await t.request({ method: 'GET', origin: server.origin, path: '/b/k' });
    const reader = again.body.stream().getReader();
    let text = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) text += new TextDecoder().decode(r.value);
    expect(text).toBe('fetch-body');
  });

  it('signs a PUT with the body hash and a valid Authorization', async () => {
    server = await startServer((_req, res) => res.end());
    const t = createFetchTransport({ sign: { credentials: creds, region } });
    await (await t.request({ method: 'PUT', url: `${server.origin}/b/k?x-id=PutObject`, body: 'payload', headers: { 'content-type': 'text/plain' } })).body.dump();
    const r = server.requests[0]!;
    expect(r.body.toString()).toBe('payload');
    expect(r.headers['x-amz-content-sha256']).toBe('239f59ed55e737c77147cf55ad0c1b030b6d7ee748a7426952f9b852d5a935e5');
    expectValidSignature(server.origin, r);
  });

  it("signing 'unsigned' sends UNSIGNED-PAYLOAD, except a request asking signing: { payload: 'hashed' } (XML control bodies)", async () => {
    server = await startServer((_req, res) => res.end());
    const t = createFetchTransport({ sign: { credentials: creds, region, payload: 'unsigned' } });
    await (await t.request({ method: 'PUT', url: `${server.origin}/b/k`, body: 'payload' })).body.dump();
    await (await t.request({ method: 'POST', url: `${server.origin}/b?delete`, body: 'payload', signing: { payload: 'hashed' } })).body.dump();
    const [plain, hashed] = server.requests;
    expect(plain!.headers['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');
    expect(hashed!.headers['x-amz-content-sha256']).toBe('239f59ed55e737c77147cf55ad0c1b030b6d7ee748a7426952f9b852d5a935e5');
    expectValidSignature(server.origin, hashed!);
  });

  it('turns an <Error> body into S3Error and a bodyless HEAD 404 into NotFound', async () => {
    server = await startServer((req, res) => {
      res.writeHead(404, { 'x-amz-request-id': 'HDR' });
      res.end(req.method === 'HEAD' ? undefined : s3ErrorXml('NoSuchBucket', 'The specified bucket does not exist'));
    });
    const t = createFetchTransport({ retry: false });
    const get = (await t.request({ method: 'GET', url: `${server.origin}/nb/k` }).catch((e: unknown) => e)) as S3Error;
    expect(isS3Error(get)).toBe(true);
    expect(get.code).toBe('NoSuchBucket');
    expect(get.requestId).toBe('REQ123');
    const head = (await t.request({ method: 'HEAD', url: `${server.origin}/nb/k` }).catch((e: unknown) => e)) as S3Error;
    expect(head.code).toBe('NotFound');
    expect(head.requestId).toBe('HDR');
  });

  it('retries 503 then 200 and re-sends the byte body intact', async () => {
    server = await startServer((_req, res, _b, i) => {
      res.writeHead(i === 0 ? 503 : 200);
      res.end(i === 0 ? s3ErrorXml('SlowDown', 'slow') : 'ok');
    });
    const t = createFetchTransport({ retry: { baseDelayMs: 1 } });
    const body = new Uint8Array(50_000).map((_, i) => i % 199);
    const res = await t.request({ method: 'PUT', url: `${server.origin}/k`, body });
    expect(await res.body.text()).toBe('ok');
    expect(server.requests.map((r) => Buffer.compare(r.body, Buffer.from(body)))).toEqual([0, 0]);
  });

  it('does not retry a one-shot ReadableStream after a 503', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(503);
      res.end();
    });
    const t = createFetchTransport({ retry: { baseDelayMs: 1 } });
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array([1, 2, 3]));
        c.close();
      },
    });
    const err = await t.request({ method: 'PUT', url: `${server.origin}/k`, body: stream }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportNotReplayableError);
    expect(server.requests).toHaveLength(1);
  });

  it('aborts while waiting for headers and maps a deadline to TIMEOUT', async () => {
    server = await startServer((_req, res) => {
      setTimeout(() => res.end(), 2000);
    });
    const t = createFetchTransport();
    const ac = new AbortController();
    const pending = t.request({ method: 'GET', url: `${server.origin}/k`, signal: ac.signal }).catch((e: unknown) => e);
    while (server.requests.length === 0) await sleep(5);
    ac.abort();
    expect(await pending).toBeInstanceOf(TransportAbortedError);
    const deadline = await t.request({ method: 'GET', url: `${server.origin}/k`, signal: AbortSignal.timeout(50) }).catch((e: unknown) => e);
    expect(deadline).toBeInstanceOf(TransportTimeoutError);
  });

  it('reports a refused connection as CONNECT', async () => {
    const probe = await startServer((_req, res) => res.end());
    const origin = probe.origin;
    await probe.close();
    const err = await createFetchTransport({ retry: false })
      .request({ method: 'GET', url: `${origin}/k` })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportConnectError);
  });

  it('errors a truncated body with a transport error, not short data', async () => {
    const raw = await startRawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nshort');
      setTimeout(() => socket.destroy(), 20);
    });
    try {
      const res = await createFetchTransport({ retry: false }).request({ method: 'GET', url: `${raw.origin}/k` });
      const err = await res.body.bytes().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TransportError);
    } finally {
      await raw.close();
    }
  });

  it('uses Web APIs only: no node: imports, Buffer or process in fetch.ts and what it imports', () => {
    const srcDir = join(dirname(fileURLToPath(import.meta.url)), '../src');
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(join(srcDir, file), 'utf8');
      expect(text, file).not.toMatch(/from ['"]node:/);
      expect(text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ''), file).not.toMatch(/\b(Buffer|process)\./);
      for (const m of text.matchAll(/from '\.\/([\w-]+)\.js'/g)) visit(`${m[1]}.ts`);
    };
    visit('fetch.ts');
    expect([...seen].sort()).toEqual(['errors.ts', 'fetch.ts', 'neutral.ts', 'retry-policy.ts', 's3-error-response.ts', 'types.ts']);
  });
});
