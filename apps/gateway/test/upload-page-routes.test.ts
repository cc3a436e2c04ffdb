import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SigV4Signer } from '@s3kit/sigv4';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig, type GatewayConfig } from '../src/config.js';
import { startServer, type RunningServer } from '../src/server.js';

// The upload page's HTTP side without a browser: the static page and its headers, the
// same-origin rule of the ticket route, its validation, and the ticket it obtains in-process.

const DEV = { name: 'dev', accessKeyId: 'AKIAUPLOADROUTES0001', secretAccessKey: 'upload-routes-secret-for-tests-only-00000', allow: [{ bucket: '*', access: 'readwrite' as const }] };
const READER = { name: 'reader', accessKeyId: 'AKIAUPLOADREADER0001', secretAccessKey: 'upload-reader-secret-for-tests-only-0000', allow: [{ bucket: '*', access: 'read' as const }] };
const SHA = createHash('sha256').update('hello\n').digest('base64');

let dir: string;
const servers: RunningServer[] = [];

async function start(uploadPage: Record<string, unknown>): Promise<RunningServer> {
  const config: GatewayConfig = validateConfig(
    { listen: { port: 0 }, admin: null, identities: [DEV, READER], upstreams: { default: { type: 'local', dir: join(dir, `store-${servers.length}`), fsync: false } }, uploadPage },
    'test',
  );
  const s = await startServer(config, pino({ level: 'silent' }));
  servers.push(s);
  return s;
}

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw request (node:http, so Origin, Host and Sec-Fetch-Site are sent as given). */
function raw(endpoint: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Raw> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const code = (r: Raw): string | undefined => /<Code>([^<]*)<\/Code>/.exec(r.body)?.[1];

function ticketRequest(s: RunningServer, body: unknown, headers: Record<string, string> = {}): Promise<Raw> {
  return raw(s.endpoint, 'POST', '/_s3kit/upload/ticket', { origin: s.endpoint, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json', ...headers }, JSON.stringify(body));
}

const file = { fileName: 'hello.txt', contentType: 'text/plain', size: 6, sha256: SHA };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3kit-uploadroutes-'));
});
afterAll(async () => {
  for (const s of servers) await s.shutdown();
  await rm(dir, { recursive: true, force: true });
});

describe('upload page routes', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await start({ enabled: true, identity: 'dev', bucket: 'inbox' });
  });

  it('serves the page with a strict CSP, and its script and style', async () => {
    const page = await raw(s.endpoint, 'GET', '/_s3kit/upload');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.body).toContain('<code id="bucket">inbox</code>');
    expect(page.body).toMatch(/<progress id="progress" max="100"/);
    expect(page.body).toMatch(/<label for="file">/);
    const js = await raw(s.endpoint, 'GET', '/_s3kit/upload/upload.js');
    expect([js.status, js.headers['content-type']]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect(js.body).toContain("crypto.subtle.digest('SHA-256'");
    const css = await raw(s.endpoint, 'GET', '/_s3kit/upload/upload.css');
    expect([css.status, css.headers['content-type']]).toEqual([200, 'text/css; charset=utf-8']);
    const head = await raw(s.endpoint, 'HEAD', '/_s3kit/upload');
    expect([head.status, head.body]).toEqual([200, '']);
  });

  it('issues a ticket for the configured identity and bucket (created on first use), bound to the declared size', async () => {
    const r = await ticketRequest(s, file);
    expect(r.status, r.body).toBe(200);
    const t = JSON.parse(r.body) as { fileId: string; presignedUrl: string; presignedUrlFields: Record<string, string> };
    expect(t.presignedUrl).toBe(`${s.endpoint}/inbox`);
    expect(t.presignedUrlFields['key']).toBe(`${t.fileId}/hello.txt`);
    expect(t.presignedUrlFields['x-amz-credential']).toMatch(/^AKIAUPLOADROUTES0001\//);
    const policy = JSON.parse(Buffer.from(t.presignedUrlFields['policy']!, 'base64').toString()) as { conditions: unknown[] };
    expect(policy.conditions).toContainEqual(['content-length-range', 0, 6]);
    const signer = new SigV4Signer({ credentials: DEV, region: 'us-east-1' });
    const h = signer.sign({ method: 'HEAD', url: `${s.endpoint}/inbox` });
    expect((await fetch(h.url, { method: 'HEAD', headers: h.headers })).status).toBe(200);
  });

  it.each([
    ['no Origin', { origin: '' }],
    ['another Origin', { origin: 'http://evil.example' }],
    ['the same Origin on another port', { origin: 'http://127.0.0.1:1' }],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site', { 'sec-fetch-site': 'same-site' }],
  ])('refuses a ticket request with %s with AccessDenied (403)', async (_name, headers) => {
    const h: Record<string, string> = { ...headers };
    if (h['origin'] === '') delete h['origin'];
    const r = await raw(
      s.endpoint,
      'POST',
      '/_s3kit/upload/ticket',
      { 'content-type': 'application/json', ...(h['origin'] === undefined && !('origin' in headers) ? { origin: s.endpoint } : {}), ...h },
      JSON.stringify(file),
    );
    expect([r.status, code(r)]).toEqual([403, 'AccessDenied']);
  });

  it('refuses a ticket request that is not application/json with InvalidRequest (400)', async () => {
    const r = await ticketRequest(s, file, { 'content-type': 'text/plain' });
    expect([r.status, code(r)]).toEqual([400, 'InvalidRequest']);
  });

  it.each(
    [
      ['a size over 5 GiB', { ...file, size: 5 * 1024 ** 3 + 1 }, 400, 'EntityTooLarge'],
      ['a negative size', { ...file, size: -1 }, 400, 'InvalidArgument'],
      ['no sha256', { ...file, sha256: undefined }, 400, 'InvalidArgument'],
      ['a sha256 that is not one', { ...file, sha256: 'abc' }, 400, 'InvalidArgument'],
      ['a path as the file name', { ...file, fileName: '../../etc/passwd' }, 400, 'InvalidArgument'],
      ['expiresIn over 900', { ...file, expiresIn: 901 }, 400, 'InvalidArgument'],
    ].map(([name, body, status, c]) => ({ name, body, status, c })),
  )('refuses $name ($status $c)', async ({ body, status, c }) => {
    const r = await ticketRequest(s, body);
    expect([r.status, code(r)], r.body).toEqual([status, c]);
  });

  it('answers GET on the ticket route with MethodNotAllowed (405)', async () => {
    const r = await raw(s.endpoint, 'GET', '/_s3kit/upload/ticket');
    expect([r.status, code(r), r.headers['allow']]).toEqual([405, 'MethodNotAllowed', 'POST']);
  });

  it("passes the gateway's refusal through when the identity may not write (AccessDenied, 403)", async () => {
    const ro = await start({ enabled: true, identity: 'reader', bucket: 'inbox' });
    // The bucket does not exist and the reader cannot create it.
    const r = await ticketRequest(ro, file);
    expect([r.status, code(r)]).toEqual([403, 'AccessDenied']);
  });

  it('is not served when uploadPage is disabled (the path falls through to the gateway)', async () => {
    const off = await start({ enabled: false });
    expect((await raw(off.endpoint, 'GET', '/_s3kit/upload')).status).toBe(501);
    expect((await ticketRequest(off, file)).status).toBe(501);
  });
});
