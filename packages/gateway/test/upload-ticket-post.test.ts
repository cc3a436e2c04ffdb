import { createHash, randomBytes } from 'node:crypto';
import { SigV4Signer } from '@s3kit/sigv4';
import { rgwOrSkip } from '@s3kit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startGateway, type RunningGateway } from './support/gateway-server.js';
import { upstreamKinds, type Target } from './support/targets.js';

// An upload ticket end to end: issued by POST /_s3kit/upload-tickets, posted back to the same
// gateway as a browser form (POST Object), verified there and stored upstream (the embedded
// store, and Ceph RGW when available); every way of stepping outside the ticket is refused with
// nothing stored upstream.

const { rgw, reason } = await rgwOrSkip();

interface Ticket {
  fileId: string;
  presignedUrl: string;
  presignedUrlFields: Record<string, string>;
  presignedUrlExpiration: string;
}

const code = (r: { text: string }): string | undefined => /<Code>([^<]*)<\/Code>/.exec(r.text)?.[1];

for (const [name, noUpstream, make] of upstreamKinds(rgw, reason)) {
  describe.skipIf(noUpstream)(`an upload ticket posted back through the gateway to ${name}`, () => {
    let target: Target;
    let gw: RunningGateway;
    let now = Date.now();
    const bucket = `tickets-${Date.now().toString(36)}`;

    function signed(method: string, path: string, body?: string): Promise<Response> {
      const signer = new SigV4Signer({ credentials: ADMIN, region: 'us-east-1', clock: () => now });
      const s = signer.sign({ method, url: `${gw.endpoint}${path}`, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body });
      return fetch(s.url, { method, headers: s.headers, ...(body === undefined ? {} : { body }) });
    }

    /** 404 when nothing is stored under `key` upstream. */
    async function stored(key: string): Promise<number> {
      return (await target.stored(bucket, key)) === undefined ? 404 : 200;
    }

    beforeAll(async () => {
      target = await make();
      gw = await startGateway(target.upstream, { clock: () => now });
      await target.createBucket(bucket);
    });
    afterAll(async () => {
      await gw?.close();
      await target?.close();
    });

    async function issue(file: Uint8Array, over: Record<string, unknown> = {}): Promise<Ticket> {
      const body = {
        bucket,
        keyPrefix: 'inbox/',
        fileName: 'data.bin',
        contentType: 'application/x-test',
        fileContentsSha256: createHash('sha256').update(file).digest('base64'),
        maxBytes: file.length,
        ...over,
      };
      const res = await signed('POST', '/_s3kit/upload-tickets', JSON.stringify(body));
      const text = await res.text();
      expect(res.status, text).toBe(200);
      return JSON.parse(text) as Ticket;
    }

    async function post(t: Ticket, file: Uint8Array, fieldChanges: Record<string, string> = {}, opts: { fileName?: string; url?: string } = {}): Promise<{ status: number; text: string }> {
      const form = new FormData();
      for (const [k, v] of Object.entries({ ...t.presignedUrlFields, ...fieldChanges })) form.append(k, v);
      form.append('file', new File([file], opts.fileName ?? 'data.bin', { type: 'application/octet-stream' }));
      const res = await fetch(opts.url ?? t.presignedUrl, { method: 'POST', body: form });
      return { status: res.status, text: await res.text() };
    }

    it('stores the file under the ticket key with its Content-Type and answers 201 PostResponse (Key, ETag)', async () => {
      const file = randomBytes(256 * 1024);
      const t = await issue(file);
      const r = await post(t, file);
      expect(r.status, r.text).toBe(201);
      const key = `inbox/${t.fileId}/data.bin`;
      expect(r.text).toContain(`<Key>${key}</Key>`);
      expect(r.text).toContain(`<ETag>&quot;${createHash('md5').update(file).digest('hex')}&quot;</ETag>`);
      const get = await signed('GET', `/${bucket}/${key}`);
      expect(get.status).toBe(200);
      expect(get.headers.get('content-type')).toBe('application/x-test');
      expect(Buffer.from(await get.arrayBuffer()).equals(file)).toBe(true);
      expect((await target.stored(bucket, key))?.equals(file)).toBe(true);
    });

    it('refuses a file larger than maxBytes with EntityTooLarge (400), nothing stored', async () => {
      const file = randomBytes(4096);
      const t = await issue(file, { maxBytes: 1000 });
      const r = await post(t, file);
      expect([r.status, code(r)]).toEqual([400, 'EntityTooLarge']);
      expect(await stored(`inbox/${t.fileId}/data.bin`)).toBe(404);
    });

    it("refuses other bytes than the ticket's SHA-256 with BadDigest (400), nothing stored", async () => {
      const file = randomBytes(4096);
      const t = await issue(file);
      const other = Buffer.from(file);
      other[100] = other[100]! ^ 1;
      const r = await post(t, other);
      expect([r.status, code(r)]).toEqual([400, 'BadDigest']);
      expect(await stored(`inbox/${t.fileId}/data.bin`)).toBe(404);
    });

    it.each([
      ['another key', { key: 'inbox/elsewhere.bin' }, 'inbox/elsewhere.bin'],
      ['another Content-Type', { 'Content-Type': 'text/html' }, undefined],
      ['another checksum', { 'x-amz-checksum-sha256': createHash('sha256').update('x').digest('base64') }, undefined],
      ['a public-read ACL', { acl: 'public-read' }, undefined],
      ['a tampered policy', { policy: Buffer.from('{"expiration":"2099-01-01T00:00:00Z","conditions":[]}').toString('base64') }, undefined],
    ])('refuses a form with %s with 403, nothing stored', async (_name, change, otherKey) => {
      const file = randomBytes(1024);
      const t = await issue(file);
      const r = await post(t, file, change as Record<string, string>);
      expect(r.status, r.text).toBe(403);
      expect(['AccessDenied', 'SignatureDoesNotMatch']).toContain(code(r));
      expect(await stored(`inbox/${t.fileId}/data.bin`)).toBe(404);
      if (otherKey !== undefined) expect(await stored(otherKey)).toBe(404);
    });

    describe('a SESSION ticket', () => {
      const sid = '4f0e5b87-9d38-41cd-9eb4-ebce2f2917cc';
      const other = '5a1f6c98-0e49-42de-8fc5-fcdf3a3028dd';
      const session = { keyPrefix: 'apps/', scope: 'SESSION', sessionId: sid };

      it('stores the file under <keyPrefix>sessions/<sessionId>/<fileId>/<fileName>', async () => {
        const file = randomBytes(8192);
        const t = await issue(file, session);
        const r = await post(t, file);
        expect(r.status, r.text).toBe(201);
        const key = `apps/sessions/${sid}/${t.fileId}/data.bin`;
        expect(r.text).toContain(`<Key>${key}</Key>`);
        expect((await target.stored(bucket, key))?.equals(file)).toBe(true);
      });

      const policyWith = (t: Ticket, conditions: unknown[]): string => {
        const p = JSON.parse(Buffer.from(t.presignedUrlFields['policy']!, 'base64').toString()) as { expiration: string; conditions: unknown[] };
        return Buffer.from(JSON.stringify({ expiration: p.expiration, conditions })).toString('base64');
      };
      const escapes: [string, (t: Ticket) => Record<string, string>, ((t: Ticket) => string) | undefined, { fileName?: string; url?: (t: Ticket) => string }][] = [
        ['a key climbing out with ../', (t) => ({ key: `apps/sessions/${sid}/../${other}/${t.fileId}/data.bin` }), (t) => `apps/sessions/${other}/${t.fileId}/data.bin`, {}],
        ['a key with encoded slashes', (t) => ({ key: `apps/sessions/${sid}%2F..%2F${other}/${t.fileId}/data.bin` }), undefined, {}],
        ['the same file in a different session', (t) => ({ key: `apps/sessions/${other}/${t.fileId}/data.bin` }), (t) => `apps/sessions/${other}/${t.fileId}/data.bin`, {}],
        ['a ${filename} key with a file named ../../x', () => ({ key: `apps/sessions/${sid}/\${filename}` }), () => 'apps/x', { fileName: '../../x' }],
        [
          'a policy widened to starts-with the sessions prefix',
          (t) => ({
            key: `apps/sessions/${other}/x`,
            policy: policyWith(t, [
              { bucket },
              ['starts-with', '$key', 'apps/sessions/'],
              ['content-length-range', 0, 1024 ** 2],
              ['starts-with', '$Content-Type', ''],
              ['starts-with', '$x-amz-checksum-sha256', ''],
              { 'x-amz-checksum-algorithm': 'SHA256' },
              { success_action_status: '201' },
              { 'x-amz-algorithm': 'AWS4-HMAC-SHA256' },
              ['starts-with', '$x-amz-credential', ''],
              ['starts-with', '$x-amz-date', ''],
            ]),
          }),
          () => `apps/sessions/${other}/x`,
          {},
        ],
        ['the form posted to another bucket', () => ({}), undefined, { url: (t) => t.presignedUrl.replace(bucket, `${bucket}-other`) }],
      ];
      it.each(escapes)('refuses %s with 403, nothing stored in or out of the session', async (_name, change, outside, opts) => {
        const file = randomBytes(1024);
        const t = await issue(file, session);
        const r = await post(t, file, change(t), { ...(opts.fileName ? { fileName: opts.fileName } : {}), ...(opts.url ? { url: opts.url(t) } : {}) });
        expect(r.status, r.text).toBe(403);
        expect(['AccessDenied', 'SignatureDoesNotMatch']).toContain(code(r));
        expect(await stored(`apps/sessions/${sid}/${t.fileId}/data.bin`)).toBe(404);
        if (outside !== undefined) expect(await stored(outside(t))).toBe(404);
      });
    });

    it('refuses the form after its expiration with AccessDenied (403), nothing stored', async () => {
      const file = randomBytes(1024);
      const t = await issue(file, { expiresIn: 60 });
      const saved = now;
      now += 61_000;
      try {
        const r = await post(t, file);
        expect([r.status, code(r)]).toEqual([403, 'AccessDenied']);
        expect(r.text).toContain('Policy expired');
      } finally {
        now = saved;
      }
      expect(await stored(`inbox/${t.fileId}/data.bin`)).toBe(404);
    });
  });
}
