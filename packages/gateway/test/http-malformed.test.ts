import { SigV4Signer } from '@s3kit/sigv4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Upstream } from '../src/index.js';
import { makeStore, type TestStore } from './helpers.js';
import { ADMIN, startGateway, type RunningGateway } from './support/gateway-server.js';
import { errorCode, hasFinalResponse, openRaw, parseResponses, requestHead } from './support/raw-http.js';

// Issue 12, defect 7 (HTTP parts): malformed HTTP gets S3 XML where it can be answered at all,
// the header limit counts every header, and the access log counts the bytes that moved.

const Bucket = 'malformed';
const signer = new SigV4Signer({ credentials: ADMIN, region: 'us-east-1' });
let t: TestStore;
let g: RunningGateway;

/** The store, answering GetObject without Content-Length (streamed, chunked on the wire). */
function withoutLength(store: Upstream): Upstream {
  const wrapped = Object.create(store) as Upstream;
  wrapped.handle = async (req) => {
    const out = await store.handle(req);
    if (req.operation !== 'GetObject') return out;
    const { 'content-length': _, ...headers } = out.headers;
    return { ...out, headers };
  };
  return wrapped;
}

beforeAll(async () => {
  t = await makeStore();
  await t.call('CreateBucket', { bucket: Bucket });
  await t.call('PutObject', { bucket: Bucket, key: 'big', data: Buffer.alloc(100_000, 7) });
  g = await startGateway(withoutLength(t.store));
});
afterAll(async () => {
  await g?.close();
  await t?.cleanup();
});

async function send(data: string): Promise<{ status: number; code: string | undefined; headers: Record<string, string> }> {
  const c = await openRaw(g.port);
  c.write(data);
  const text = await c.waitFor(hasFinalResponse, 5000);
  c.close();
  const res = parseResponses(text).at(-1);
  return { status: res?.status ?? 0, code: res === undefined ? undefined : errorCode(res.body), headers: res?.headers ?? {} };
}

describe('malformed HTTP through the real Node server', () => {
  it('an HTTP/1.1 request without Host is 400 InvalidRequest (S3 XML), not an empty 400', async () => {
    expect(await send(`GET /${Bucket}/big HTTP/1.1\r\n\r\n`)).toMatchObject({ status: 400, code: 'InvalidRequest' });
  });

  it('CONNECT is 405 MethodNotAllowed (S3 XML) instead of a dropped connection', async () => {
    expect(await send(`CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443\r\n\r\n`)).toMatchObject({ status: 405, code: 'MethodNotAllowed' });
  });

  it('2,100 small headers (24 KB) over the 16 KiB maxHeaderSize are 400 RequestHeaderSectionTooLarge', async () => {
    const many = Array.from({ length: 2100 }, (_, i) => `x-h${i}: v\r\n`).join('');
    const head = `GET /${Bucket}/big HTTP/1.1\r\nhost: 127.0.0.1:${g.port}\r\n${many}\r\n`;
    expect(head.length).toBeGreaterThan(24_000);
    expect(await send(head)).toMatchObject({ status: 400, code: 'RequestHeaderSectionTooLarge' });
  });

  it("a request just under the limit is served (the request line and every header counted, as Node's limit does)", async () => {
    const s = signer.sign({ method: 'GET', url: `${g.endpoint}/${Bucket}/big`, headers: { 'x-pad': 'p'.repeat(12_000) } });
    const c = await openRaw(g.port);
    c.write(requestHead('GET', `/${Bucket}/big`, s.headers as Record<string, string>));
    const text = await c.waitFor((x) => x.includes('\r\n0\r\n\r\n'), 5000);
    c.close();
    expect(text.startsWith('HTTP/1.1 200')).toBe(true);
  });

  it('the access log counts the bytes of a streamed (chunked) answer in bytesOut', async () => {
    const s = signer.sign({ method: 'GET', url: `${g.endpoint}/${Bucket}/big` });
    const c = await openRaw(g.port);
    c.write(requestHead('GET', `/${Bucket}/big`, s.headers as Record<string, string>));
    const text = await c.waitFor((x) => x.includes('\r\n0\r\n\r\n'), 5000);
    c.close();
    expect(text).toMatch(/transfer-encoding: chunked/i);
    await g.loggedFor('big');
    expect(g.log.filter((e) => e.key === 'big' && e.status === 200).at(-1)).toMatchObject({ bytesOut: 100_000, complete: true });
  });
});
