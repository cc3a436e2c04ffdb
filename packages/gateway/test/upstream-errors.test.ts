import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { SigV4Signer } from '@s3kit/sigv4';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGateway, createS3Upstream, type S3Upstream, type Upstream, type UpstreamRequest } from '../src/index.js';
import { makeStore, type TestStore } from './helpers.js';
import { ADMIN, rawRequest, startGateway, type RunningGateway } from './support/gateway-server.js';

const signer = new SigV4Signer({ credentials: { accessKeyId: ADMIN.accessKeyId, secretAccessKey: ADMIN.secretAccessKey }, region: 'us-east-1' });

function errorXml(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>upstream-req</RequestId></Error>`;
}

/** A fake S3: its answer for a request by path (after reading the body), or none (`hang`). */
function fakeS3(onRequest: (req: IncomingMessage) => void): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    onRequest(req);
    const path = (req.url ?? '').split('?')[0];
    if (path?.startsWith('/bkt/hang')) {
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const send = (status: number, body: string): void => {
        res.writeHead(status, { 'content-type': 'application/xml', 'content-length': String(Buffer.byteLength(body)) }).end(body);
      };
      if (path === '/bkt/completing') send(500, errorXml('InternalError', 'multipart completion already in progress'));
      else if (path === '/bkt/busy') send(503, errorXml('SlowDown', 'Please reduce your request rate.'));
      else if (path === '/bkt/broken') send(500, errorXml('InternalError', 'We encountered an internal error. Please try again.'));
      else send(404, errorXml('NoSuchKey', 'The specified key does not exist.'));
    });
  });
}

/** A signed request with a body through the gateway. */
function signedSend(g: RunningGateway, method: string, path: string, body: string) {
  const signed = signer.sign({ method, url: `${g.endpoint}${path}`, body });
  return rawRequest(g.port, { method, path, headers: signed.headers, body });
}

/**
 * Defect 9: an upstream's S3 error answer reaches the client with its status, code and message
 * (a request with a streamed body is not retried, which used to hide the answer behind a 503);
 * only transport failures are the gateway's ServiceUnavailable and reach onUnexpected.
 */
describe('upstream S3 errors through the gateway (a fake S3 behind createS3Upstream)', () => {
  let fake: Server;
  let upstream: S3Upstream;
  let g: RunningGateway;
  let seen: string[];
  const upstreamSockets: import('node:net').Socket[] = [];
  const unexpected: unknown[] = [];
  beforeAll(async () => {
    seen = [];
    fake = fakeS3((req) => {
      seen.push(`${req.method} ${req.url}`);
      upstreamSockets.push(req.socket);
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    upstream = createS3Upstream({ endpoint: `http://127.0.0.1:${(fake.address() as AddressInfo).port}`, region: 'us-east-1', credentials: { accessKeyId: 'UP', secretAccessKey: 'up-secret' } });
    g = await startGateway(upstream, { onUnexpected: (e) => unexpected.push(e) });
  });
  afterAll(async () => {
    await g?.close();
    await upstream?.close();
    fake?.closeAllConnections();
    await new Promise((r) => fake?.close(r));
  });
  beforeEach(() => {
    unexpected.length = 0;
    seen.length = 0;
  });

  it("passes RGW's 500 InternalError for a CompleteMultipartUpload through as 500 InternalError with the upstream's message", async () => {
    const xml = '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"x"</ETag></Part></CompleteMultipartUpload>';
    const res = await signedSend(g, 'POST', '/bkt/completing?uploadId=u1', xml);
    expect(res.status).toBe(500);
    expect(res.body).toContain('<Code>InternalError</Code>');
    expect(res.body).toContain('<Message>multipart completion already in progress</Message>');
    await g.loggedFor('completing');
    expect([...g.log].reverse().find((e) => e.key === 'completing')).toMatchObject({ status: 500, errorCode: 'InternalError', upstreamError: 'InternalError' });
    expect(unexpected).toEqual([]);
    expect(seen).toHaveLength(1);
  });

  it('passes a 500 InternalError for a PUT with a streamed body through (not a 503)', async () => {
    const res = await signedSend(g, 'PUT', '/bkt/broken', 'some bytes');
    expect([res.status, /<Code>([^<]+)/.exec(res.body)?.[1]]).toEqual([500, 'InternalError']);
    expect(unexpected).toEqual([]);
  });

  it('passes a 503 SlowDown through as 503 SlowDown', async () => {
    const res = await signedSend(g, 'PUT', '/bkt/busy', 'some bytes');
    expect(res.status).toBe(503);
    expect(res.body).toContain('<Code>SlowDown</Code>');
    expect(res.body).toContain('<Message>Please reduce your request rate.</Message>');
    expect(unexpected).toEqual([]);
  });

  it('passes a 4xx through as before (NoSuchKey 404)', async () => {
    const res = await signedSend(g, 'PUT', '/bkt/missing', 'x');
    expect([res.status, /<Code>([^<]+)/.exec(res.body)?.[1]]).toEqual([404, 'NoSuchKey']);
    expect(unexpected).toEqual([]);
  });

  it('still answers an unreachable upstream with 503 ServiceUnavailable, told to onUnexpected', async () => {
    const down = createS3Upstream({ endpoint: 'http://127.0.0.1:1', region: 'us-east-1', credentials: { accessKeyId: 'UP', secretAccessKey: 'up-secret' } });
    const gd = await startGateway(down, { onUnexpected: (e) => unexpected.push(e) });
    try {
      const res = await signedSend(gd, 'PUT', '/bkt/k', 'x');
      expect([res.status, /<Code>([^<]+)/.exec(res.body)?.[1]]).toEqual([503, 'ServiceUnavailable']);
      expect(unexpected).toHaveLength(1);
    } finally {
      await gd.close();
      await down.close();
    }
  });

  it('aborts the upstream request when the client hangs up before the upstream answered (its connection to the upstream closes)', async () => {
    upstreamSockets.length = 0;
    const signed = signer.sign({ method: 'GET', url: `${g.endpoint}/bkt/hang-get` });
    const socket = connect(g.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const head = Object.entries(signed.headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    socket.write(`GET /bkt/hang-get HTTP/1.1\r\n${head}\r\n`);
    await expect.poll(() => upstreamSockets.length, { timeout: 3000 }).toBe(1);
    const upstreamSide = upstreamSockets[0]!;
    expect(upstreamSide.destroyed).toBe(false);
    socket.destroy();
    await expect.poll(() => upstreamSide.destroyed, { timeout: 3000 }).toBe(true);
    await g.loggedFor('hang-get');
    expect(g.log.find((e) => e.key === 'hang-get')).toMatchObject({ errorCode: 'ClientDisconnected', upstreamError: undefined });
    expect(unexpected).toEqual([]);
  });

  it('logs a client that hangs up mid-upload as a client disconnect, not an unexpected failure', async () => {
    await hangUpMidUpload(g, 'hang', () => seen.length > 0);
    expect([...g.log].reverse().find((e) => e.key === 'hang')).toMatchObject({ upstreamError: undefined });
    expect(unexpected).toEqual([]);
  });
});

describe('a client hanging up mid-upload to the embedded store', () => {
  let store: TestStore;
  let g: RunningGateway;
  const unexpected: unknown[] = [];
  beforeAll(async () => {
    store = await makeStore();
    await store.store.handle({ method: 'PUT', operation: 'CreateBucket', bucket: 'bkt', query: {}, headers: {} });
    g = await startGateway(store.store as Upstream, { onUnexpected: (e) => unexpected.push(e) });
  });
  afterAll(async () => {
    await g?.close();
    await store?.cleanup();
  });

  it('is logged as a client disconnect, nothing stored, onUnexpected not called', async () => {
    await hangUpMidUpload(g, 'gone', () => true);
    expect([...g.log].reverse().find((e) => e.key === 'gone')).toMatchObject({ upstreamError: undefined });
    expect(unexpected).toEqual([]);
    await expect(store.store.handle({ method: 'HEAD', operation: 'HeadObject', bucket: 'bkt', key: 'gone', query: {}, headers: {} })).rejects.toMatchObject({ status: 404 });
  });
});

describe('handle(): a request aborted by its signal (client gone)', () => {
  it('is logged as a client disconnect whatever broke after the abort: no onUnexpected, no upstream failure', async () => {
    const unexpected: unknown[] = [];
    // An upstream that reads the body and fails as the socket error reached it.
    const reader: Upstream = {
      async handle(req: UpstreamRequest) {
        for await (const _ of req.body as AsyncIterable<Uint8Array>) {
          // drain
        }
        return { status: 200, headers: {} };
      },
    };
    const gateway = createGateway({ identities: [ADMIN], upstreams: { default: reader }, onUnexpected: (e) => unexpected.push(e) });
    const ac = new AbortController();
    const signed = signer.sign({ method: 'PUT', url: 'http://localhost/bkt/k', headers: { 'content-length': '10', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
    const body = (async function* () {
      yield new Uint8Array(5);
      ac.abort();
      throw Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    })();
    const out = await gateway.handle({ method: 'PUT', target: '/bkt/k', headers: signed.headers, body, signal: ac.signal });
    expect(out.info).toMatchObject({ clientGone: true, errorCode: 'ClientDisconnected', upstreamError: undefined });
    expect(unexpected).toEqual([]);
  });
});

/** Sends the head and part of an unsigned-payload PUT of 1 MiB to `/bkt/<key>`, waits until `arrived()`, and closes the socket. */
async function hangUpMidUpload(g: RunningGateway, key: string, arrived: () => boolean): Promise<void> {
  const size = 1024 * 1024;
  const signed = signer.sign({ method: 'PUT', url: `${g.endpoint}/bkt/${key}`, headers: { 'content-length': String(size), 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
  const socket = connect(g.port, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  const head = Object.entries(signed.headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.write(`PUT /bkt/${key} HTTP/1.1\r\n${head}\r\n`);
  socket.write(Buffer.alloc(64 * 1024, 1));
  for (let i = 0; i < 200 && !arrived(); i++) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 50));
  socket.destroy();
  await g.loggedFor(key);
}
