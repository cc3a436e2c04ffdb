import { SigV4Signer } from '@s3kit/sigv4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeStore, type TestStore } from './helpers.js';
import { ADMIN, rawRequest, startGateway, type RunningGateway } from './support/gateway-server.js';
import { errorCode, hasFinalResponse, openRaw, parseResponses, requestHead } from './support/raw-http.js';

// Issue 12, defect 1: requests that pass header parsing but fail Node's body parser used to keep
// their concurrency slot forever (send() waited for an end callback a dead socket never calls).

const Bucket = 'slots';
const signer = new SigV4Signer({ credentials: ADMIN, region: 'us-east-1' });
let t: TestStore;
let g: RunningGateway;

beforeAll(async () => {
  t = await makeStore();
  g = await startGateway(t.store, { maxConcurrentRequests: 10 });
  await t.call('CreateBucket', { bucket: Bucket });
});
afterAll(async () => {
  await g?.close();
  await t?.cleanup();
});

/** A PUT whose body Node's parser refuses after the request was dispatched. */
function brokenBody(i: number, signed: boolean): string {
  const key = `ghost-${i}`;
  const gzip = i % 2 === 0;
  const headers: Record<string, string> = signed
    ? (signer.sign({ method: 'PUT', url: `${g.endpoint}/${Bucket}/${key}`, headers: { 'transfer-encoding': gzip ? 'gzip' : 'chunked' }, payloadHash: 'UNSIGNED-PAYLOAD' }).headers as Record<
        string,
        string
      >)
    : { host: `127.0.0.1:${g.port}`, 'transfer-encoding': gzip ? 'gzip' : 'chunked' };
  return requestHead('PUT', `/${Bucket}/${key}`, headers) + (gzip ? 'abc' : 'zz\r\nabc\r\n');
}

async function sendSigned(method: string, key: string, body?: string): Promise<number> {
  const s = signer.sign({ method, url: `${g.endpoint}/${Bucket}/${key}`, ...(body === undefined ? {} : { body }) });
  return (await rawRequest(g.port, { method, path: `/${Bucket}/${key}`, headers: s.headers as Record<string, string>, ...(body === undefined ? {} : { body }) })).status;
}

describe('concurrency slots (maxConcurrentRequests 10) through the real Node server', () => {
  it('releases the slot of every request whose body Node cannot parse: 30 of them, then a signed PUT and GET succeed', async () => {
    const before = g.log.length;
    const answers = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const c = await openRaw(g.port);
        c.write(brokenBody(i, i % 3 === 0));
        const text = await c.waitFor(hasFinalResponse, 5000);
        c.close();
        return parseResponses(text).at(-1);
      }),
    );
    // Each is answered (400 S3 XML) or, at worst, refused for want of a slot (503 SlowDown): never left hanging.
    for (const a of answers) {
      expect(a, 'an answer').toBeDefined();
      expect([400, 503]).toContain(a!.status);
      expect(errorCode(a!.body)).toBe(a!.status === 400 ? 'InvalidRequest' : 'SlowDown');
    }
    expect(answers.filter((a) => a?.status === 400).length).toBeGreaterThanOrEqual(5);
    await expect.poll(() => g.server.listener.active, { timeout: 3000 }).toBe(0);
    expect(await sendSigned('PUT', 'after', 'still serving')).toBe(200);
    expect(await sendSigned('GET', 'after')).toBe(200);
    // Every refused request is in the access log, with the status it was answered.
    // A refused request's entry is written when its socket is done, which on a loaded machine can
    // come after the PUT and GET above: wait for the ghosts themselves. One refused for want of a
    // slot (SlowDown) was never routed, so its entry has no bucket or key.
    const ghostEntries = () => g.log.slice(before).filter((e) => e.key?.startsWith('ghost-') === true || (e.key === undefined && e.errorCode === 'SlowDown'));
    await expect.poll(() => ghostEntries().length, { timeout: 10_000 }).toBe(30);
    const ghosts = ghostEntries();
    for (const e of ghosts) expect([400, 503]).toContain(e.status);
    expect(ghosts.filter((e) => e.status === 400).every((e) => e.errorCode === 'InvalidRequest')).toBe(true);
    // Nothing was stored by any of them.
    expect((await t.fail('HeadObject', { bucket: Bucket, key: 'ghost-0' })).code).toBe('NoSuchKey');
  });

  it('releases the slot when the client disconnects in the middle of a body', async () => {
    const s = signer.sign({ method: 'PUT', url: `${g.endpoint}/${Bucket}/cut`, headers: { 'content-length': '1000' }, payloadHash: 'UNSIGNED-PAYLOAD' });
    const c = await openRaw(g.port);
    c.write(requestHead('PUT', `/${Bucket}/cut`, s.headers as Record<string, string>) + 'x'.repeat(100));
    await expect.poll(() => g.server.listener.active, { timeout: 2000 }).toBe(1);
    await new Promise((r) => setTimeout(r, 100));
    c.close();
    await expect.poll(() => g.server.listener.active, { timeout: 3000 }).toBe(0);
    await g.loggedFor('cut');
    // bytesIn is what arrived, not the declared Content-Length.
    expect(g.log.find((e) => e.key === 'cut')).toMatchObject({ bytesIn: 100 });
  });

  it('a request refused for want of a slot whose body Node then cannot parse keeps its SlowDown answer and its log entry', async () => {
    // Entries from here on only: the first test's refused requests may include SlowDowns too.
    const before = g.log.length;
    // Hold every slot with PUTs whose bodies never finish.
    const holders = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const s = signer.sign({ method: 'PUT', url: `${g.endpoint}/${Bucket}/hold-${i}`, headers: { 'content-length': '1000' }, payloadHash: 'UNSIGNED-PAYLOAD' });
        const c = await openRaw(g.port);
        c.write(requestHead('PUT', `/${Bucket}/hold-${i}`, s.headers as Record<string, string>) + 'x');
        return c;
      }),
    );
    await expect.poll(() => g.server.listener.active, { timeout: 3000 }).toBe(10);
    const c = await openRaw(g.port);
    c.write(brokenBody(99, true));
    const text = await c.waitFor(hasFinalResponse, 5000);
    await new Promise((r) => setTimeout(r, 200));
    const answer = parseResponses(text).at(-1);
    c.close();
    expect([answer?.status, errorCode(answer!.body)]).toEqual([503, 'SlowDown']);
    // Logged (never routed: no bucket or key), and answered once: no second answer over the SlowDown.
    await expect.poll(() => g.log.slice(before).filter((e) => e.status === 503 && e.errorCode === 'SlowDown' && e.method === 'PUT' && e.key === undefined).length, { timeout: 5000 }).toBe(1);
    expect(parseResponses(text).length).toBe(1);
    for (const h of holders) h.close();
    await expect.poll(() => g.server.listener.active, { timeout: 3000 }).toBe(0);
  });
});
