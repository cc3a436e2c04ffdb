import { connect } from 'node:net';
import { SigV4Signer } from '@s3kit/sigv4';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AccessLogEntry, GatewayServer } from '../src/index.js';
import { makeStore, type TestStore } from './helpers.js';
import { serialize } from './support/fuzz-wire.js';
import { ADMIN, startGateway, type RunningGateway } from './support/gateway-server.js';

// Found by fuzz.test.ts (seed 0x5eed0001: a GET with a second request pipelined behind it).
// When the client goes away while the first answer is still being sent, the pipelined
// request's response is queued behind the first and never gets the socket, so neither its
// 'close' event nor its end callback comes (plain node:http does the same). Its slot used to
// stay held; the listener now also watches the connection (src/node/hang-up.ts). Issue 12
// defect 1 (slots released on every path).

let t: TestStore;
let g: RunningGateway;
let server: GatewayServer;
let port: number;
let log: AccessLogEntry[];
beforeAll(async () => {
  t = await makeStore();
  await t.call('CreateBucket', { bucket: 'pipe' });
  await t.call('PutObject', { bucket: 'pipe', key: 'big', data: Buffer.alloc(8 << 20, 'x') });
  g = await startGateway(t.store, { maxConcurrentRequests: 10 });
  ({ server, port, log } = g);
});
afterAll(async () => {
  await g.close();
  await t.cleanup();
});

/** A signed GET of an 8 MiB object with a second request pipelined behind it; the client leaves after the first bytes. */
function pipelinedThenGone(): Promise<void> {
  const s = new SigV4Signer({ credentials: ADMIN, region: 'us-east-1' }).sign({ method: 'GET', url: `http://127.0.0.1:${port}/pipe/big` });
  const second = new SigV4Signer({ credentials: ADMIN, region: 'us-east-1' }).sign({ method: 'GET', url: `http://127.0.0.1:${port}/pipe?list-type=2` });
  const wire = Buffer.concat([
    serialize({ method: 'GET', target: '/pipe/big', version: 'HTTP/1.1', headers: Object.entries(s.headers), body: Buffer.alloc(0) }),
    serialize({ method: 'GET', target: '/pipe?list-type=2', version: 'HTTP/1.1', headers: Object.entries(second.headers), body: Buffer.alloc(0) }),
  ]);
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(wire));
    socket.once('data', () => socket.destroy());
    socket.on('error', () => {});
    socket.once('close', () => resolve());
  });
}

it('releases the slot of a request pipelined behind an answer the client left in the middle of, and logs each request once as a disconnect', async () => {
  for (let i = 0; i < 5; i++) await pipelinedThenGone();
  await expect.poll(() => server.listener.active, { timeout: 3000 }).toBe(0);
  // One entry per request (the GET cut short and the pipelined ListObjectsV2), none answered in full.
  await expect.poll(() => log.length, { timeout: 3000 }).toBe(10);
  await new Promise((r) => setTimeout(r, 200));
  expect(log).toHaveLength(10);
  expect(log.filter((e) => e.operation === 'GetObject')).toHaveLength(5);
  expect(log.filter((e) => e.operation === 'ListObjectsV2')).toHaveLength(5);
  for (const e of log) expect(e).toMatchObject({ errorCode: 'ClientDisconnected', complete: false });
});
