import { createPresignedPost } from '@s3kit/post-policy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeStore, type TestStore } from './helpers.js';
import { ADMIN, rawRequest, startGateway, type RunningGateway } from './support/gateway-server.js';
import { errorCode, hasFinalResponse, openRaw, parseResponses, type RawConnection } from './support/raw-http.js';

// Issue 12, defect 4 follow-up: a POST form cannot be told signed from its headers, so it is
// admitted under the unsigned share (maxUnauthenticatedShare); once its signature was verified
// (gateway → GatewayRequest.onAuthenticated) its slot no longer counts against that share.

const Bucket = 'postslots';
const FILE = 3000;
let t: TestStore;
let g: RunningGateway;

beforeAll(async () => {
  t = await makeStore();
  await t.call('CreateBucket', { bucket: Bucket });
  g = await startGateway(t.store, { maxConcurrentRequests: 4, server: { maxUnauthenticatedShare: 0.5 } });
});
afterAll(async () => {
  await g?.close();
  await t?.cleanup();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A signed POST form whose fields are sent at once and whose file then trickles (100 bytes / 50 ms, well above the minimum rate). */
async function slowSignedForm(key: string): Promise<{ c: RawConnection; sent: Promise<void> }> {
  const post = createPresignedPost({ bucket: Bucket, key, credentials: ADMIN, endpoint: g.endpoint, forcePathStyle: true });
  const boundary = 'slotsb0undary';
  let fields = '';
  for (const [n, v] of Object.entries(post.fields)) fields += `--${boundary}\r\nContent-Disposition: form-data; name="${n}"\r\n\r\n${v}\r\n`;
  fields += `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="f.txt"\r\nContent-Type: text/plain\r\n\r\n`;
  const tail = `\r\n--${boundary}--\r\n`;
  const length = Buffer.byteLength(fields) + FILE + tail.length;
  const c = await openRaw(g.port);
  c.write(`POST /${Bucket} HTTP/1.1\r\nHost: 127.0.0.1:${g.port}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${length}\r\n\r\n${fields}`);
  const sent = (async () => {
    for (let n = 0; n < FILE; n += 100) {
      if (c.closed) return;
      c.write('f'.repeat(100));
      await sleep(50);
    }
    c.write(tail);
  })();
  return { c, sent };
}

/** Status of an anonymous GET (a private bucket: 403 when admitted, 503 SlowDown when refused for want of an unsigned slot). */
async function anonymousGet(): Promise<number> {
  return (await rawRequest(g.port, { method: 'GET', path: `/${Bucket}/nothing` })).status;
}

describe('signed POST forms and the unsigned share (maxConcurrentRequests 4, maxUnauthenticatedShare 0.5)', () => {
  it('stop counting as unsigned once their signature was verified: a third signed form and anonymous requests are admitted while two trickle', async () => {
    const a = await slowSignedForm('a.txt');
    const b = await slowSignedForm('b.txt');
    // Both were admitted as unsigned (the share is 2); once their fields verified, the share is free again.
    await expect.poll(anonymousGet, { timeout: 5000, interval: 50 }).toBe(403);
    const c = await slowSignedForm('c.txt');
    await sleep(200);
    expect(parseResponses(c.c.received())).toEqual([]);
    expect(g.server.listener.active).toBe(3);
    await expect.poll(anonymousGet, { timeout: 5000, interval: 50 }).toBe(403);
    await Promise.all([a.sent, b.sent, c.sent]);
    for (const [form, key] of [
      [a, 'a.txt'],
      [b, 'b.txt'],
      [c, 'c.txt'],
    ] as const) {
      const res = parseResponses(await form.c.waitFor(hasFinalResponse, 5000)).at(-1)!;
      form.c.close();
      expect([res.status, errorCode(res.body)], key).toEqual([204, undefined]);
      expect((await t.call('HeadObject', { bucket: Bucket, key })).status).toBe(200);
    }
    await expect.poll(() => g.server.listener.active, { timeout: 3000 }).toBe(0);
  });
});
