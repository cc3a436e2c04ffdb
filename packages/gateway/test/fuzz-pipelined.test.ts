import type { AddressInfo } from 'node:net';
import { SigV4Signer } from '@s3kit/sigv4';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createGateway, createGatewayServer, type GatewayServer } from '../src/index.js';
import { makeStore, type TestStore } from './helpers.js';
import { exchange, serialize } from './support/fuzz-wire.js';
import { ADMIN, READER } from './support/gateway-server.js';

// Found by fuzz.test.ts (seed 0x5eed0001, case #1075: a GET with a second request pipelined
// behind it). When the client leaves right after the first answer, the pipelined request's
// concurrency slot is never released: its response is queued behind the first one and never
// gets the socket, so neither its 'close' event nor its end callback comes. Issue 12 defect 1
// (slots released on every path), src/node/listener.ts.

let t: TestStore;
let server: GatewayServer;
let port: number;
beforeAll(async () => {
  t = await makeStore();
  await t.call('CreateBucket', { bucket: 'pipe' });
  await t.call('PutObject', { bucket: 'pipe', key: 'k', data: 'x'.repeat(100) });
  server = createGatewayServer(createGateway({ identities: [ADMIN, READER], upstreams: { default: t.store } }), { maxConcurrentRequests: 10 });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await t.cleanup();
});

// KNOWN, not fixed yet: `it.fails` until the listener releases the slot (then make it `it`).
it.fails('releases the slot of a request pipelined behind a GET whose client left after the first answer', async () => {
  for (let i = 0; i < 20; i++) {
    const s = new SigV4Signer({ credentials: ADMIN, region: 'us-east-1' }).sign({ method: 'GET', url: `http://127.0.0.1:${port}/pipe/k` });
    const wire = serialize({ method: 'GET', target: '/pipe/k', version: 'HTTP/1.1', headers: Object.entries(s.headers), body: Buffer.from('GET / HTTP/1.1\r\nhost: x\r\n\r\n') });
    const a = await exchange(port, wire);
    expect(a.status).toBe(200);
  }
  await expect.poll(() => server.listener.active, { timeout: 3000 }).toBe(0);
});
