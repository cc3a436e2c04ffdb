import { createHash } from 'node:crypto';
import { rgwOrSkip } from '@s3kit/test-utils';
import { SigV4Signer } from '@s3kit/sigv4';
import { describe, expect, it } from 'vitest';
import { ADMIN, type RunningGateway } from './support/gateway-server.js';
import { errorCode, hasFinalResponse, openRaw, parseResponses, requestHead } from './support/raw-http.js';
import { gatewayOver, upstreamKinds } from './support/targets.js';

// Issue 12, defect 5 (100 Continue only once the request is authenticated and authorized) and
// the Expect part of defect 7 (other Expect values are ignored, as S3 does, instead of 417).

const { rgw, reason } = await rgwOrSkip();
const signer = new SigV4Signer({ credentials: ADMIN, region: 'us-east-1' });
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

function signedHead(g: RunningGateway, path: string, body: string, extra: Record<string, string> = {}): string {
  const s = signer.sign({ method: 'PUT', url: `${g.endpoint}${path}`, headers: { 'content-length': String(Buffer.byteLength(body)) }, payloadHash: sha256(body) });
  return requestHead('PUT', path, { ...(s.headers as Record<string, string>), ...extra });
}

for (const [name, noUpstream, make] of upstreamKinds(rgw, reason)) {
  describe.skipIf(noUpstream)(`Expect through the real Node server to ${name}`, () => {
    const s = gatewayOver(make, 'expect');

    it('an unsigned PUT with Expect: 100-continue to a private bucket gets 403 AccessDenied without a 100 Continue, and nothing is stored', async () => {
      const c = await openRaw(s.g.port);
      c.write(requestHead('PUT', `/${s.bucket}/refused`, { host: `127.0.0.1:${s.g.port}`, 'content-length': '5', expect: '100-continue' }));
      const text = await c.waitFor(hasFinalResponse, 5000);
      c.close();
      expect(text).not.toContain('100 Continue');
      const res = parseResponses(text).at(-1)!;
      expect([res.status, errorCode(res.body)]).toEqual([403, 'AccessDenied']);
      expect(res.headers['connection']).toBe('close');
      expect(await s.target.stored(s.bucket, 'refused')).toBeUndefined();
    });

    it('a PUT with a bad signature and Expect: 100-continue is refused (403) before its body is asked for', async () => {
      const c = await openRaw(s.g.port);
      const head = signedHead(s.g, `/${s.bucket}/forged`, 'hello').replace(/Signature=[0-9a-f]+/, `Signature=${'0'.repeat(64)}`);
      c.write(head.replace('\r\n\r\n', '\r\nexpect: 100-continue\r\n\r\n'));
      const text = await c.waitFor(hasFinalResponse, 5000);
      c.close();
      expect(text).not.toContain('100 Continue');
      expect(errorCode(parseResponses(text).at(-1)!.body)).toBe('SignatureDoesNotMatch');
      expect(await s.target.stored(s.bucket, 'forged')).toBeUndefined();
    });

    it('a PUT with a bad signature whose small body is still coming is answered 403 once the rest arrived, on a connection that stays open', async () => {
      const c = await openRaw(s.g.port);
      const body = 'x'.repeat(1000);
      c.write(signedHead(s.g, `/${s.bucket}/late`, body).replace(/Signature=[0-9a-f]+/, `Signature=${'0'.repeat(64)}`) + body.slice(0, 400));
      // The rest comes later: the gateway reads it before answering, so the client never writes into a closed connection.
      await new Promise((r) => setTimeout(r, 300));
      expect(c.received()).toBe('');
      c.write(body.slice(400));
      const text = await c.waitFor(hasFinalResponse, 5000);
      const res = parseResponses(text).at(-1)!;
      expect([res.status, errorCode(res.body)]).toEqual([403, 'SignatureDoesNotMatch']);
      expect(res.headers['connection']).not.toBe('close');
      c.write(requestHead('GET', `/${s.bucket}/late`, { host: `127.0.0.1:${s.g.port}` }));
      const both = parseResponses(await c.waitFor((t) => parseResponses(t).length >= 2, 5000));
      c.close();
      expect(both[1]!.status).toBe(403);
      expect(await s.target.stored(s.bucket, 'late')).toBeUndefined();
    });

    it('a signed PUT with Expect: 100-continue gets 100 Continue, then 200 once the body is sent, and is stored', async () => {
      const c = await openRaw(s.g.port);
      c.write(signedHead(s.g, `/${s.bucket}/continued`, 'hello', { expect: '100-continue' }));
      expect(await c.waitFor((t) => t.includes('\r\n\r\n'), 5000)).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\n$/);
      c.write('hello');
      const text = await c.waitFor(hasFinalResponse, 5000);
      c.close();
      expect(parseResponses(text).map((r) => r.status)).toEqual([100, 200]);
      expect((await s.target.stored(s.bucket, 'continued'))?.toString()).toBe('hello');
    });

    for (const value of ['', 'something-else']) {
      it(`a signed PUT with Expect: ${JSON.stringify(value)} is served (200) and stored, not refused with 417`, async () => {
        const key = `expect-${value === '' ? 'empty' : 'unknown'}`;
        const c = await openRaw(s.g.port);
        c.write(signedHead(s.g, `/${s.bucket}/${key}`, 'hello', { expect: value }) + 'hello');
        const text = await c.waitFor(hasFinalResponse, 5000);
        c.close();
        expect(parseResponses(text).map((r) => r.status)).toEqual([200]);
        expect((await s.target.stored(s.bucket, key))?.toString()).toBe('hello');
      });
    }
  });
}
