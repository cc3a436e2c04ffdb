import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTransport, TransportConnectError, TransportProxyError } from '../src/index.js';
import { startForwardProxy as startProxy, startServer, type TestServer } from './helpers.js';

describe('proxies', () => {
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    a = await startServer((_req, res) => res.end('from-a'));
    b = await startServer((_req, res) => res.end('from-b'));
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it('sends requests through an explicit proxy URL', async () => {
    const proxy = await startProxy();
    const t = createTransport({ proxy: proxy.url, retry: false });
    try {
      const res = await t.request({ method: 'GET', url: `${a.origin}/x` });
      expect(await res.body.text()).toBe('from-a');
      expect(proxy.connects.length + proxy.forwards.length).toBe(1);
    } finally {
      await t.destroy();
      await proxy.close();
    }
  });

  it('honours NO_PROXY: listed origins bypass the proxy, others use it', async () => {
    const proxy = await startProxy();
    const bPort = new URL(b.origin).port;
    const t = createTransport({ proxy: { http: proxy.url, noProxy: `127.0.0.1:${bPort}` }, retry: false });
    try {
      expect(await (await t.request({ method: 'GET', url: `${a.origin}/x` })).body.text()).toBe('from-a');
      expect(await (await t.request({ method: 'GET', url: `${b.origin}/x` })).body.text()).toBe('from-b');
      const seen = [...proxy.connects, ...proxy.forwards].join(' ');
      expect(seen).toContain(new URL(a.origin).port);
      expect(seen).not.toContain(bPort);
    } finally {
      await t.destroy();
      await proxy.close();
    }
  });

  it("reads HTTP_PROXY from the environment with proxy: 'env' (the default)", async () => {
    const proxy = await startProxy();
    const saved = { HTTP_PROXY: process.env['HTTP_PROXY'], http_proxy: process.env['http_proxy'], NO_PROXY: process.env['NO_PROXY'], no_proxy: process.env['no_proxy'] };
    process.env['HTTP_PROXY'] = proxy.url;
    delete process.env['http_proxy'];
    delete process.env['NO_PROXY'];
    delete process.env['no_proxy'];
    const t = createTransport({ retry: false });
    try {
      expect(await (await t.request({ method: 'GET', url: `${a.origin}/env` })).body.text()).toBe('from-a');
      expect(proxy.connects.length + proxy.forwards.length).toBe(1);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await t.destroy();
      await proxy.close();
    }
  });

  it('fails with PROXY when the proxy refuses the tunnel', async () => {
    const proxy = await startProxy({ refuse: true });
    const t = createTransport({ proxy: proxy.url, retry: false });
    try {
      const err = await t.request({ method: 'GET', url: `${a.origin}/x` }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TransportProxyError);
      expect((err as Error).message).toMatch(/407/);
    } finally {
      await t.destroy();
      await proxy.close();
    }
  });
});

describe('TLS', () => {
  let dir: string;
  let cert: string;
  let origin: string;
  let server: ReturnType<typeof createHttpsServer>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 's3kit-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    server = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (_req, res) => res.end('secure'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('rejects a self-signed certificate by default with CONNECT', async () => {
    const t = createTransport({ proxy: false, retry: false });
    try {
      const err = await t.request({ method: 'GET', url: `${origin}/x` }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TransportConnectError);
    } finally {
      await t.destroy();
    }
  });

  it('trusts the certificate when given as tls.ca', async () => {
    const t = createTransport({ proxy: false, retry: false, tls: { ca: cert } });
    try {
      expect(await (await t.request({ method: 'GET', url: `${origin}/x` })).body.text()).toBe('secure');
    } finally {
      await t.destroy();
    }
  });

  it('accepts any certificate with tls.rejectUnauthorized: false (test endpoints)', async () => {
    const t = createTransport({ proxy: false, retry: false, tls: { rejectUnauthorized: false } });
    try {
      expect(await (await t.request({ method: 'GET', url: `${origin}/x` })).body.text()).toBe('secure');
    } finally {
      await t.destroy();
    }
  });

  it('tunnels HTTPS through a CONNECT proxy with the TLS options applied to the target', async () => {
    const proxy = await startProxy();
    const t = createTransport({ proxy: proxy.url, retry: false, tls: { ca: cert } });
    try {
      expect(await (await t.request({ method: 'GET', url: `${origin}/x` })).body.text()).toBe('secure');
      expect(proxy.connects).toEqual([new URL(origin).host]);
    } finally {
      await t.destroy();
      await proxy.close();
    }
  });
});
