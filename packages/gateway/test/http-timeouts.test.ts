import { SigV4Signer } from '@s3kit/sigv4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeStore, type TestStore } from './helpers.js';
import { ADMIN, rawRequest, startGateway, type RunningGateway } from './support/gateway-server.js';
import { errorCode, hasFinalResponse, openRaw, parseResponses, requestHead, type RawConnection } from './support/raw-http.js';

// Issue 12, defect 4: slow bodies held every slot; Node's timeouts answered "could not be parsed"
// and fired at ~15 s for a 3 s setting.

const Bucket = 'slow';
const signer = new SigV4Signer({ credentials: ADMIN, region: 'us-east-1' });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let t: TestStore;
beforeAll(async () => {
  t = await makeStore();
  await t.call('CreateBucket', { bucket: Bucket });
});
afterAll(() => t?.cleanup());

function signedPutHead(g: RunningGateway, key: string, length: number): string {
  const s = signer.sign({ method: 'PUT', url: `${g.endpoint}/${Bucket}/${key}`, headers: { 'content-length': String(length) }, payloadHash: 'UNSIGNED-PAYLOAD' });
  return requestHead('PUT', `/${Bucket}/${key}`, s.headers as Record<string, string>);
}

/** Writes one byte every `everyMs` until the connection closes or `stop()`. */
function trickle(c: RawConnection, everyMs: number): { stop(): void } {
  const timer = setInterval(() => (c.closed ? clearInterval(timer) : c.write('x')), everyMs);
  return { stop: () => clearInterval(timer) };
}

async function signedGet(g: RunningGateway, key: string): Promise<number> {
  const s = signer.sign({ method: 'GET', url: `${g.endpoint}/${Bucket}/${key}` });
  return (await rawRequest(g.port, { method: 'GET', path: `/${Bucket}/${key}`, headers: s.headers as Record<string, string> })).status;
}

describe('a body sent 1 byte per second, with bodyTimeoutMs 1000', () => {
  let g: RunningGateway;
  beforeAll(async () => {
    g = await startGateway(t.store, { maxConcurrentRequests: 10, server: { bodyTimeoutMs: 1000 } });
  });
  afterAll(() => g?.close());

  it('is answered 400 RequestTimeout (S3 XML) within about 1–2 s, its slot released and nothing stored', async () => {
    const c = await openRaw(g.port);
    const started = performance.now();
    c.write(signedPutHead(g, 'trickled', 100) + 'x');
    const tr = trickle(c, 1000);
    const text = await c.waitFor(hasFinalResponse, 6000);
    const elapsed = performance.now() - started;
    tr.stop();
    c.close();
    const res = parseResponses(text).at(-1)!;
    expect(res.status).toBe(400);
    expect(errorCode(res.body)).toBe('RequestTimeout');
    expect(res.body).toContain('Your socket connection to the server was not read from or written to within the timeout period.');
    expect(res.headers['connection']).toBe('close');
    expect(elapsed).toBeGreaterThan(900);
    expect(elapsed).toBeLessThan(2500);
    await expect.poll(() => g.server.listener.active, { timeout: 2000 }).toBe(0);
    await g.loggedFor('trickled');
    expect(g.log.find((e) => e.key === 'trickled')).toMatchObject({ status: 400, errorCode: 'RequestTimeout', identity: 'admin', operation: 'PutObject' });
    expect((await t.fail('HeadObject', { bucket: Bucket, key: 'trickled' })).code).toBe('NoSuchKey');
  });
});

describe('trickling anonymous POST forms (maxConcurrentRequests 10, default maxUnauthenticatedShare 0.5)', () => {
  let g: RunningGateway;
  beforeAll(async () => {
    g = await startGateway(t.store, { maxConcurrentRequests: 10, server: { bodyTimeoutMs: 30_000 } });
  });
  afterAll(() => g?.close());

  it('hold at most 5 slots: the rest get SlowDown, and signed requests are still served', async () => {
    const boundary = 'b0undary';
    const conns = await Promise.all(Array.from({ length: 20 }, () => openRaw(g.port)));
    for (const c of conns) {
      c.write(requestHead('POST', `/${Bucket}`, { host: `127.0.0.1:${g.port}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': '100000' }) + `--${boundary}\r\n`);
    }
    const trickles = conns.map((c) => trickle(c, 500));
    try {
      await sleep(300);
      const refused = conns.filter((c) => parseResponses(c.received()).some((r) => r.status === 503 && errorCode(r.body) === 'SlowDown'));
      expect(refused.length).toBe(15);
      expect(g.server.listener.active).toBe(5);
      // Signed requests take the other slots.
      const statuses = await Promise.all(Array.from({ length: 4 }, (_, i) => signedGet(g, `missing-${i}`)));
      expect(statuses).toEqual([404, 404, 404, 404]);
    } finally {
      for (const tr of trickles) tr.stop();
      for (const c of conns) c.close();
    }
    await expect.poll(() => g.server.listener.active, { timeout: 3000 }).toBe(0);
  });
});

describe("Node's timeouts (requestTimeoutMs 1500, headersTimeoutMs 1000)", () => {
  let g: RunningGateway;
  beforeAll(async () => {
    g = await startGateway(t.store, { server: { requestTimeoutMs: 1500, headersTimeoutMs: 1000, bodyTimeoutMs: 60_000 } });
  });
  afterAll(() => g?.close());

  it('headers that never end are answered 400 RequestTimeout (S3 XML) near 1 s, not after the 30 s check period', async () => {
    const c = await openRaw(g.port);
    const started = performance.now();
    c.write(`GET /${Bucket}/k HTTP/1.1\r\nHost: 127.0.0.1\r\n`);
    const text = await c.waitFor(hasFinalResponse, 6000);
    const elapsed = performance.now() - started;
    c.close();
    const res = parseResponses(text).at(-1)!;
    expect([res.status, errorCode(res.body)]).toEqual([400, 'RequestTimeout']);
    expect(elapsed).toBeGreaterThan(900);
    expect(elapsed).toBeLessThan(2500);
  });

  it('a body still coming at requestTimeoutMs is answered 400 RequestTimeout through its response (logged, slot released)', async () => {
    const c = await openRaw(g.port);
    const started = performance.now();
    c.write(signedPutHead(g, 'slow-request', 1000));
    const tr = trickle(c, 100);
    const text = await c.waitFor(hasFinalResponse, 6000);
    const elapsed = performance.now() - started;
    tr.stop();
    c.close();
    const res = parseResponses(text).at(-1)!;
    expect([res.status, errorCode(res.body)]).toEqual([400, 'RequestTimeout']);
    expect(elapsed).toBeGreaterThan(1400);
    expect(elapsed).toBeLessThan(3000);
    await expect.poll(() => g.server.listener.active, { timeout: 2000 }).toBe(0);
    await g.loggedFor('slow-request');
    expect(g.log.find((e) => e.key === 'slow-request')).toMatchObject({ status: 400, errorCode: 'RequestTimeout' });
  });
});
