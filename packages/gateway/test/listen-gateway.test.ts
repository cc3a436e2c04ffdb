import { connect, type Socket } from 'node:net';
import { SigV4Signer } from '@s3kit/sigv4';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { S3Client } from '@s3kit/client';
import { mapBuckets } from '../src/index.js';
import { makeStore, md5b64, type TestStore } from './helpers.js';
import { ADMIN, startGateway, type RunningGateway } from './support/gateway-server.js';

// A listener whose client stops reading, over HTTP: once the socket buffers are full its queue
// fills, it is disconnected (the connection is reset, the access log says incomplete) and the
// writes never wait for it. Store-only: Ceph RGW has no listeners (see listen-clients.test.ts).

let t: TestStore;
let g: RunningGateway;
const overflows: { bucket: string | undefined; queued: number }[] = [];
let now = Date.now();
beforeAll(async () => {
  t = await makeStore({ events: { maxQueued: 32, onOverflow: (i) => overflows.push(i) }, lifecycle: { now: () => now, intervalMs: 0 } });
  await t.call('CreateBucket');
  g = await startGateway(t.store);
});
afterAll(async () => {
  await g?.close();
  await t?.cleanup();
});

it('a client that stops reading: disconnected after the socket buffers and maxQueued fill, writes never wait', async () => {
  const signer = new SigV4Signer({ credentials: { accessKeyId: ADMIN.accessKeyId, secretAccessKey: ADMIN.secretAccessKey }, region: 'us-east-1' });
  const s = signer.sign({ method: 'GET', url: `${g.endpoint}/bkt?events=s3:ObjectCreated:*` });
  const sock: Socket = connect(g.port, '127.0.0.1');
  let closed = false;
  sock.on('close', () => (closed = true));
  sock.on('error', () => {});
  const head = await new Promise<string>((resolve) => {
    sock.once('data', (c: Buffer) => {
      sock.pause(); // never read again
      resolve(c.toString('latin1'));
    });
    sock.write(
      `GET /bkt?events=s3:ObjectCreated:* HTTP/1.1\r\n${Object.entries(s.headers)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\r\n')}\r\n\r\n`,
    );
  });
  expect(head).toMatch(/^HTTP\/1\.1 200/);
  expect(t.store.listeners).toBe(1);
  const meta = { 'x-amz-meta-pad': 'p'.repeat(1900) }; // ~2.5 KB per record
  const started = performance.now();
  let puts = 0;
  while (overflows.length === 0 && puts < 40_000) {
    await t.call('PutObject', { key: `k${puts++}`, data: 'x', headers: meta });
  }
  const perPutMs = (performance.now() - started) / puts;
  expect(overflows).toEqual([{ bucket: 'bkt', queued: 32 }]);
  expect(t.store.listeners).toBe(0);
  expect(perPutMs).toBeLessThan(50);
  // The server side is over: the response destroyed (logged incomplete), its slot released.
  for (let i = 0; i < 200 && !g.log.some((e) => e.operation === 'ListenBucketNotification'); i++) await new Promise((r) => setTimeout(r, 10));
  expect(g.log.find((e) => e.operation === 'ListenBucketNotification')).toMatchObject({ status: 200, complete: false });
  expect(g.server.listener.active).toBe(0);
  // The client, reading again, gets what was sent, then the connection's end: never a clean end of the chunked body.
  let text = '';
  sock.on('data', (c: Buffer) => (text += c.toString('latin1')));
  sock.resume();
  for (let i = 0; i < 500 && !closed; i++) await new Promise((r) => setTimeout(r, 10));
  expect(closed).toBe(true);
  expect(text.endsWith('0\r\n\r\n')).toBe(false);
}, 120_000);

it('through mapBuckets: NotImplemented for a mapped bucket and for ListenNotification (records are not rewritten); an unmapped bucket listens', async () => {
  const mapped = mapBuckets(t.store, [{ bucket: 'alias', upstreamBucket: 'bkt' }]);
  const listen = (bucket: string | undefined) =>
    mapped.handle({ method: 'GET', operation: bucket === undefined ? 'ListenNotification' : 'ListenBucketNotification', bucket, query: { events: 's3:ObjectCreated:*' }, headers: {} });
  for (const b of ['alias', undefined]) await expect(listen(b)).rejects.toMatchObject({ code: 'NotImplemented', status: 501 });
  const res = await listen('bkt');
  expect(res.status).toBe(200);
  (res.body as unknown as { destroy(): void }).destroy();
  expect(t.store.listeners).toBe(0);
});

it('over HTTP: DeleteObjects (one record per key) and lifecycle expirations reach a listener in order', async () => {
  const client = new S3Client({ endpoint: g.endpoint, accessKey: ADMIN.accessKeyId, secretKey: ADMIN.secretAccessKey, region: 'us-east-1' });
  try {
    const ac = new AbortController();
    const it = client.listenBucketNotification('bkt', { prefix: 'lc/', events: ['s3:ObjectRemoved:*', 's3:LifecycleExpiration:*'], signal: ac.signal });
    const first = it.next(); // connects
    for (let i = 0; i < 200 && t.store.listeners === 0; i++) await new Promise((r) => setTimeout(r, 10));
    for (const k of ['lc/a', 'lc/b', 'lc/old']) await client.putObject('bkt', k, 'x');
    for await (const e of client.removeObjects('bkt', ['lc/a', 'lc/b'])) throw new Error(`not deleted: ${JSON.stringify(e)}`);
    const lc = '<LifecycleConfiguration><Rule><ID>r</ID><Filter><Prefix>lc/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>';
    await t.call('PutBucketLifecycleConfiguration', { method: 'PUT', query: { lifecycle: '' }, data: lc, headers: { 'content-md5': md5b64(lc) } });
    now += 3 * 86_400_000;
    await t.store.runLifecycle();
    const got = [(await first).value!, (await it.next()).value!, (await it.next()).value!];
    expect(got.map((r) => `${r.eventName} ${r.s3.object.key}`)).toEqual(['s3:ObjectRemoved:Delete lc/a', 's3:ObjectRemoved:Delete lc/b', 's3:LifecycleExpiration:Delete lc/old']);
    expect(got[2]!.userIdentity.principalId).toBe(''); // the sweeper, not a requester
    ac.abort();
    expect(await it.next()).toEqual({ done: true, value: undefined });
  } finally {
    await client.close();
  }
});
