import { createPresignedPost } from '@s3kit/post-policy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CorsRule, Identity } from '../src/index.js';
import { makeStore, type TestStore } from './helpers.js';
import { ADMIN, READER, rawRequest, startGateway, type RunningGateway } from './support/gateway-server.js';
import { formData, upstreamBytes } from './support/post-forms.js';

const ORIGIN = 'https://app.example';
const CORS: Record<string, CorsRule[]> = { snap: [{ allowedOrigins: [ORIGIN], allowedMethods: ['POST', 'GET'] }] };
const ADMIN_READ_ONLY: Identity = { ...ADMIN, allow: [{ bucket: '*', access: 'read' }] };

/** A form as the bytes a browser sends, and its Content-Type. */
async function encoded(form: FormData): Promise<{ bytes: Uint8Array; contentType: string }> {
  const req = new Request('http://localhost/', { method: 'POST', body: form });
  return { bytes: new Uint8Array(await req.arrayBuffer()), contentType: req.headers.get('content-type')! };
}

/**
 * One configuration per request: a reload while a request is in flight (here: a POST form
 * whose fields are still arriving) does not change the identities, policies or CORS rules that
 * request is checked and answered with; the next request sees the new ones.
 */
describe('a config reload during a request (POST form through the real server)', () => {
  let store: TestStore;
  let g: RunningGateway;
  beforeAll(async () => {
    store = await makeStore();
    await store.store.handle({ method: 'PUT', operation: 'CreateBucket', bucket: 'snap', query: {}, headers: {} });
    g = await startGateway(store.store, { cors: CORS });
  });
  afterAll(async () => {
    await g?.close();
    await store?.cleanup();
  });

  async function postDuringReload(key: string, reload: () => void): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
    const post = createPresignedPost({ bucket: 'snap', key, credentials: ADMIN, endpoint: g.endpoint, forcePathStyle: true });
    const { bytes, contentType } = await encoded(formData(post.fields, 'written under the old config'));
    let reloaded!: () => void;
    const gate = new Promise<void>((r) => (reloaded = r));
    const sent = rawRequest(g.port, {
      method: 'POST',
      path: '/snap',
      headers: { 'content-type': contentType, 'content-length': String(bytes.length), origin: ORIGIN },
      body: (async function* () {
        // The first bytes (no field complete yet) reach the gateway before the reload, the rest after.
        yield bytes.subarray(0, 64);
        await gate;
        yield bytes.subarray(64);
      })(),
    });
    await new Promise((r) => setTimeout(r, 150));
    reload();
    reloaded();
    return sent;
  }

  it('keeps the identity it started with: the signer removed by the reload is still the signer of this form', async () => {
    const res = await postDuringReload('removed.txt', () => g.gateway.update({ identities: [READER] }));
    expect(res.status).toBe(204);
    expect((await upstreamBytes(store.store, 'snap', 'removed.txt'))?.toString()).toBe('written under the old config');
    g.gateway.update({ identities: [ADMIN, READER] });
  });

  it('keeps the policies and CORS rules it started with; the next form is decided by the new ones', async () => {
    const res = await postDuringReload('policy.txt', () => g.gateway.update({ identities: [ADMIN_READ_ONLY, READER], cors: {} }));
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect((await upstreamBytes(store.store, 'snap', 'policy.txt'))?.toString()).toBe('written under the old config');

    const post = createPresignedPost({ bucket: 'snap', key: 'after.txt', credentials: ADMIN, endpoint: g.endpoint, forcePathStyle: true });
    const after = await fetch(post.url, { method: 'POST', body: formData(post.fields, 'refused'), headers: { origin: ORIGIN } });
    expect(after.status).toBe(403);
    expect(await after.text()).toContain('<Code>AccessDenied</Code>');
    expect(after.headers.get('access-control-allow-origin')).toBeNull();
    g.gateway.update({ identities: [ADMIN, READER], cors: CORS });
  });
});
