import { rgwOrSkip } from '@s3kit/test-utils';
import { SigV4Signer } from '@s3kit/sigv4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessLogEntry } from '../src/index.js';
import { ADMIN, startGateway, type RunningGateway } from './support/gateway-server.js';
import { openRaw, requestHead } from './support/raw-http.js';
import { upstreamKinds, type Target } from './support/targets.js';

// Issue 12, defect 9 (second half): a client hanging up mid-request is logged as a client
// disconnect (errorCode ClientDisconnected), not as an unparseable request, an upstream failure
// or an unexpected gateway error; its slot is released and nothing is stored.

const { rgw, reason } = await rgwOrSkip();
const signer = new SigV4Signer({ credentials: ADMIN, region: 'us-east-1' });
const BIG = 8 << 20;

for (const [name, noUpstream, make] of upstreamKinds(rgw, reason)) {
  describe.skipIf(noUpstream)(`a client hanging up, through the real Node server to ${name}`, () => {
    const bucket = `hangup-${Date.now().toString(36)}`;
    const unexpected: unknown[] = [];
    let target: Target;
    let g: RunningGateway;
    beforeAll(async () => {
      target = await make();
      g = await startGateway(target.upstream, { maxConcurrentRequests: 10, onUnexpected: (err) => unexpected.push(err) });
      await target.createBucket(bucket);
    });
    afterAll(async () => {
      await g?.close();
      await target?.close();
    });

    /** Opens a signed PUT of `key` declaring 100000 bytes and sends 1000 of them. */
    async function startPut(key: string) {
      const s = signer.sign({ method: 'PUT', url: `${g.endpoint}/${bucket}/${key}`, headers: { 'content-length': '100000' }, payloadHash: 'UNSIGNED-PAYLOAD' });
      const c = await openRaw(g.port);
      c.write(requestHead('PUT', `/${bucket}/${key}`, s.headers as Record<string, string>) + 'x'.repeat(1000));
      await expect.poll(() => g.server.listener.active, { timeout: 2000 }).toBe(1);
      // Let the gateway start streaming the body upstream.
      await new Promise((r) => setTimeout(r, 200));
      return c;
    }

    async function entryFor(key: string): Promise<AccessLogEntry> {
      await g.loggedFor(key);
      await expect.poll(() => g.server.listener.active, { timeout: 3000 }).toBe(0);
      const entries = g.log.filter((e) => e.key === key);
      expect(entries).toHaveLength(1);
      return entries[0]!;
    }

    it('a PUT whose client ends its socket (FIN) after 1000 of 100000 bytes is logged ClientDisconnected, status 0, and nothing is stored', async () => {
      const c = await startPut('fin');
      c.socket.end();
      const e = await entryFor('fin');
      expect(e).toMatchObject({ errorCode: 'ClientDisconnected', status: 0, complete: false, upstreamError: undefined, authFailure: undefined, bytesIn: 1000 });
      expect(unexpected).toEqual([]);
      expect(await target.stored(bucket, 'fin')).toBeUndefined();
    });

    it('a PUT whose client destroys its socket (reset) after 1000 of 100000 bytes is logged ClientDisconnected, status 0, and nothing is stored', async () => {
      const c = await startPut('reset');
      c.socket.resetAndDestroy();
      const e = await entryFor('reset');
      expect(e).toMatchObject({ errorCode: 'ClientDisconnected', status: 0, complete: false, upstreamError: undefined, authFailure: undefined });
      expect(unexpected).toEqual([]);
      expect(await target.stored(bucket, 'reset')).toBeUndefined();
    });

    it('a POST form whose client resets the connection in the middle of its fields is logged ClientDisconnected, not as an authentication failure', async () => {
      const before = g.log.length;
      const boundary = 'hangupboundary';
      const c = await openRaw(g.port);
      c.write(requestHead('POST', `/${bucket}`, { host: `127.0.0.1:${g.port}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': '100000' }));
      c.write(`--${boundary}\r\ncontent-disposition: form-data; name="key"\r\n\r\nform-key\r\n--${boundary}\r\ncontent-disposition: form-data; name="policy"\r\n\r\n${'a'.repeat(500)}`);
      await expect.poll(() => g.server.listener.active, { timeout: 2000 }).toBe(1);
      await new Promise((r) => setTimeout(r, 200));
      c.socket.resetAndDestroy();
      await expect.poll(() => g.log.length - before, { timeout: 5000 }).toBe(1);
      await expect.poll(() => g.server.listener.active, { timeout: 3000 }).toBe(0);
      expect(g.log.at(-1)).toMatchObject({ operation: 'PostObject', errorCode: 'ClientDisconnected', status: 0, complete: false, authFailure: undefined, upstreamError: undefined });
      expect(unexpected).toEqual([]);
      expect(await target.stored(bucket, 'form-key')).toBeUndefined();
    });

    it('a GET of an 8 MiB object whose client destroys the socket after the first bytes is logged 200, ClientDisconnected, incomplete', async () => {
      const put = signer.sign({ method: 'PUT', url: `${g.endpoint}/${bucket}/big`, headers: { 'content-length': String(BIG) }, payloadHash: 'UNSIGNED-PAYLOAD' });
      const up = await openRaw(g.port);
      up.write(requestHead('PUT', `/${bucket}/big`, put.headers as Record<string, string>));
      up.write(Buffer.alloc(BIG, 'b'));
      await up.waitFor((t) => / 200 /.test(t), 20_000);
      up.close();
      await expect.poll(() => g.log.filter((e) => e.key === 'big').length, { timeout: 3000 }).toBe(1);

      const get = signer.sign({ method: 'GET', url: `${g.endpoint}/${bucket}/big` });
      const c = await openRaw(g.port);
      c.write(requestHead('GET', `/${bucket}/big`, get.headers as Record<string, string>));
      await c.waitFor((t) => t.length > 1000, 5000);
      c.close();
      await expect.poll(() => g.log.filter((e) => e.key === 'big').length, { timeout: 5000 }).toBe(2);
      await expect.poll(() => g.server.listener.active, { timeout: 3000 }).toBe(0);
      const e = g.log.filter((x) => x.key === 'big')[1]!;
      expect(e).toMatchObject({ operation: 'GetObject', status: 200, errorCode: 'ClientDisconnected', complete: false, upstreamError: undefined });
      expect(e.bytesOut).toBeLessThan(BIG);
      expect(unexpected).toEqual([]);
    });
  });
}
