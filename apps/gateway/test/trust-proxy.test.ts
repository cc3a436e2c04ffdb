import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { SigV4Signer } from '@s3kit/sigv4';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../src/config.js';
import { startServer, type RunningServer } from '../src/server.js';

// The program behind a reverse proxy that terminates TLS (played by this test on 127.0.0.1):
// with trustProxy naming the peer, X-Forwarded-For/Proto/Host decide aws:SourceIp,
// aws:SecureTransport, the URLs handed out and the access log's remote; from a peer not in the
// list they change nothing. The client's signature covers the Host it addressed, never rewritten.
const V = '2012-10-17';
const ALICE = { name: 'alice', accessKeyId: 'AKIAPROXYALICE000001', secretAccessKey: 'alice-proxy-secret-never-logged' };
const CLIENT = '203.0.113.7';
const POLICIES = {
  // Only clients of 203.0.113.0/24.
  office: {
    policy: {
      Version: V,
      Statement: [
        {
          Sid: 'OfficeOnly',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: ['arn:aws:s3:::office', 'arn:aws:s3:::office/*'],
          Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
        },
      ],
    },
  },
  // Only over TLS (the README's sample).
  secure: {
    policy: {
      Version: V,
      Statement: [
        { Sid: 'TlsOnly', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: ['arn:aws:s3:::secure', 'arn:aws:s3:::secure/*'], Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      ],
    },
  },
};

let dir: string;
let trusting: RunningServer;
let other: RunningServer;
const logs: Record<'trusting' | 'other', Record<string, unknown>[]> = { trusting: [], other: [] };

function start(name: 'trusting' | 'other', trustProxy: string[]): Promise<RunningServer> {
  const config = validateConfig(
    {
      listen: { port: 0 },
      admin: null,
      trustProxy,
      identities: [{ ...ALICE, allow: [{ bucket: '*', access: 'readwrite' }] }],
      buckets: POLICIES,
      uploadPage: { enabled: true, identity: 'alice', bucket: 'uploads' },
      upstreams: { default: { type: 'local', dir: join(dir, name), fsync: false } },
    },
    'test',
  );
  const sink = new PassThrough();
  sink.on('data', (c: Buffer) => {
    for (const l of c.toString().split('\n')) if (l.trim() !== '') logs[name].push(JSON.parse(l) as Record<string, unknown>);
  });
  return startServer(config, pino({ level: 'info' }, sink));
}

/** The access-log line of a PUT of `key` (written once its answer is flushed: polled). */
async function putLine(name: 'trusting' | 'other', key: string): Promise<Record<string, unknown> | undefined> {
  const find = () => logs[name].find((l) => l['msg'] === 'request' && l['method'] === 'PUT' && l['key'] === key);
  for (let i = 0; i < 100 && find() === undefined; i++) await new Promise((r) => setTimeout(r, 20));
  return find();
}

/** A request the client signed for the Host it addressed; the "proxy" adds `forwarded` unsigned. */
async function viaProxy(gw: RunningServer, method: string, path: string, forwarded: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
  const signer = new SigV4Signer({ credentials: ALICE, region: 'us-east-1' });
  const s = signer.sign({ method, url: `${gw.endpoint}${path}`, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: new TextEncoder().encode(body) }) });
  const res = await fetch(s.url, { method, headers: { ...s.headers, ...forwarded }, ...(body === undefined ? {} : { body }) });
  return { status: res.status, text: await res.text() };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3kit-gwproxy-'));
  trusting = await start('trusting', ['loopback']);
  other = await start('other', ['10.9.9.9/32']);
  for (const gw of [trusting, other]) {
    for (const b of ['office', 'secure', 'uploads']) {
      // Created as the proxy would pass them: from the office, over TLS.
      expect((await viaProxy(gw, 'PUT', `/${b}`, { 'x-forwarded-for': CLIENT, 'x-forwarded-proto': 'https' })).status).toBe(gw === trusting ? 200 : b === 'uploads' ? 200 : 403);
    }
  }
});
afterAll(async () => {
  await trusting?.shutdown();
  await other?.shutdown();
  await rm(dir, { recursive: true, force: true });
});

describe('trustProxy (program)', () => {
  it('from a trusted peer, X-Forwarded-For sets aws:SourceIp (rightmost untrusted hop) and the access log remote', async () => {
    expect((await viaProxy(trusting, 'PUT', '/office/a.txt', { 'x-forwarded-for': CLIENT }, 'from the office')).status).toBe(200);
    expect((await viaProxy(trusting, 'GET', '/office/a.txt', {})).status).toBe(403); // the proxy itself: 127.0.0.1
    expect((await viaProxy(trusting, 'GET', '/office/a.txt', { 'x-forwarded-for': '198.51.100.1' })).status).toBe(403);
    // A client that writes the office address itself gets it prepended, not believed.
    expect((await viaProxy(trusting, 'GET', '/office/a.txt', { 'x-forwarded-for': `${CLIENT}, 198.51.100.1` })).status).toBe(403);
    // Hops through more trusted proxies (loopback) are skipped.
    expect((await viaProxy(trusting, 'GET', '/office/a.txt', { 'x-forwarded-for': `${CLIENT}, 127.0.0.2` })).status).toBe(200);
    expect((await putLine('trusting', 'a.txt'))?.['remote']).toBe(CLIENT);
  });

  it('from a trusted peer, X-Forwarded-Proto https sets aws:SecureTransport', async () => {
    expect((await viaProxy(trusting, 'PUT', '/secure/b.txt', { 'x-forwarded-proto': 'https' }, 'tls at the proxy')).status).toBe(200);
    expect((await viaProxy(trusting, 'PUT', '/secure/b.txt', {}, 'plain')).status).toBe(403);
    expect((await viaProxy(trusting, 'PUT', '/secure/b.txt', { 'x-forwarded-proto': 'http' }, 'plain')).status).toBe(403);
  });

  it('from a peer not in trustProxy the headers change nothing (policies and access log)', async () => {
    expect((await viaProxy(other, 'PUT', '/office/a.txt', { 'x-forwarded-for': CLIENT }, 'spoofed')).status).toBe(403);
    expect((await viaProxy(other, 'PUT', '/secure/a.txt', { 'x-forwarded-proto': 'https' }, 'spoofed')).status).toBe(403);
    expect(await putLine('other', 'a.txt')).toMatchObject({ status: 403, remote: expect.stringMatching(/^(::ffff:)?127\.0\.0\.1$/) });
  });

  it('X-Forwarded-Host/Proto name the upload ticket and POST Location URLs; the signed Host still verifies', async () => {
    const file = new TextEncoder().encode('uploaded through the proxy');
    const forwarded = { 'x-forwarded-for': CLIENT, 'x-forwarded-proto': 'https', 'x-forwarded-host': 'files.example.com' };
    const ticketRequest = JSON.stringify({
      bucket: 'uploads',
      keyPrefix: 'in/',
      fileName: 'f.txt',
      contentType: 'text/plain',
      fileContentsSha256: createHash('sha256').update(file).digest('base64'),
      maxBytes: file.length,
    });
    const answers = await Promise.all([trusting, other].map((gw) => viaProxy(gw, 'POST', '/_s3kit/upload-tickets', forwarded, ticketRequest)));
    const [t, o] = answers.map((a) => {
      expect(a.status, a.text).toBe(200);
      return JSON.parse(a.text) as { fileId: string; presignedUrl: string; presignedUrlFields: Record<string, string> };
    });
    expect(t!.presignedUrl).toBe('https://files.example.com/uploads');
    expect(o!.presignedUrl).toBe(`${other.endpoint}/uploads`);
    // The form, posted through the "proxy" to the trusting gateway: the Location is the public URL.
    const form = new FormData();
    for (const [k, v] of Object.entries(t!.presignedUrlFields)) form.append(k, v);
    form.append('file', new File([file], 'f.txt', { type: 'text/plain' }));
    const res = await fetch(`${trusting.endpoint}/uploads`, { method: 'POST', body: form, headers: forwarded });
    const xml = await res.text();
    expect(res.status, xml).toBe(201);
    expect(xml).toContain(`<Location>https://files.example.com/uploads/in/${t!.fileId}/f.txt</Location>`);
  });

  it('the upload page behind the proxy: its ticket route accepts the public https origin and hands out public URLs', async () => {
    const file = new TextEncoder().encode('from the page');
    const body = JSON.stringify({ fileName: 'p.txt', contentType: 'text/plain', size: file.length, sha256: createHash('sha256').update(file).digest('base64') });
    const headers = {
      origin: 'https://files.example.com',
      'sec-fetch-site': 'same-origin',
      'content-type': 'application/json',
      'x-forwarded-for': CLIENT,
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'files.example.com',
    };
    const viaTrusted = await fetch(`${trusting.endpoint}/_s3kit/upload/ticket`, { method: 'POST', headers, body });
    const text = await viaTrusted.text();
    expect(viaTrusted.status, text).toBe(200);
    expect((JSON.parse(text) as { presignedUrl: string }).presignedUrl).toBe('https://files.example.com/uploads');
    // From a peer not trusted the forwarded origin is not this page's: refused.
    const viaOther = await fetch(`${other.endpoint}/_s3kit/upload/ticket`, { method: 'POST', headers, body });
    expect(viaOther.status).toBe(403);
    expect(await viaOther.text()).toContain('<Code>AccessDenied</Code>');
  });
});
