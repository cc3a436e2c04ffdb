import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, applyOverrides, loadConfigFile, validateConfig } from '../src/config.js';
import { startServer, type RunningServer } from '../src/server.js';

// The admin port with a bearer token: /healthz stays open (load balancers), every other path,
// /explain included, answers 401 with WWW-Authenticate: Bearer unless the token is sent.
const TOKEN = 'admin-token-0123456789-abcdef';
const ID = { name: 'alice', accessKeyId: 'AKADMINAUTH', secretAccessKey: 'admin-auth-secret', allow: [{ bucket: '*', access: 'read' as const }] };

let dir: string;
let running: RunningServer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3kit-gwadmin-'));
  const config = validateConfig({ listen: { port: 0 }, admin: { port: 0, token: TOKEN }, identities: [ID], upstreams: { default: { type: 'local', dir: join(dir, 'store'), fsync: false } } }, 'test');
  running = await startServer(config, pino({ level: 'silent' }));
});
afterAll(async () => {
  await running.shutdown();
  await rm(dir, { recursive: true, force: true });
});

const explain = '/explain?identity=alice&action=s3:GetObject&bucket=b&key=k';

describe('admin bearer token', () => {
  it('leaves /healthz open', async () => {
    expect((await fetch(`${running.adminEndpoint}/healthz`)).status).toBe(200);
  });

  it.each(['/metrics', '/readyz', explain, '/unknown'])('refuses %s without the token: 401, WWW-Authenticate: Bearer, no answer', async (path) => {
    const res = await fetch(`${running.adminEndpoint}${path}`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="/);
    const body = await res.text();
    expect(body).not.toContain('decision');
    expect(body).not.toContain('s3kit_gateway');
  });

  it('refuses a wrong token, another scheme and the token as a query parameter', async () => {
    const wrong = await fetch(`${running.adminEndpoint}/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect((await fetch(`${running.adminEndpoint}/metrics`, { headers: { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` } })).status).toBe(401);
    expect((await fetch(`${running.adminEndpoint}${explain}&token=${TOKEN}`)).status).toBe(401);
  });

  it('answers with the token', async () => {
    const headers = { authorization: `Bearer ${TOKEN}` };
    expect((await fetch(`${running.adminEndpoint}/metrics`, { headers })).status).toBe(200);
    expect((await fetch(`${running.adminEndpoint}/readyz`, { headers })).status).toBe(200);
    const res = await fetch(`${running.adminEndpoint}${explain}`, { headers });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ decision: 'allow' });
  });
});

describe('admin token in the config', () => {
  const base = (admin: unknown): unknown => ({ admin, identities: [ID], upstreams: { default: { type: 'local', dir: './d' } } });

  it('reads tokenFile (relative to the config file, without its trailing newline)', async () => {
    await writeFile(join(dir, 'admin.token'), `${TOKEN}\n`);
    const cfg = join(dir, 'gw.json');
    await writeFile(cfg, JSON.stringify(base({ port: 0, tokenFile: 'admin.token' })));
    expect(loadConfigFile(cfg).admin?.token).toBe(TOKEN);
  });

  it('refuses both token and tokenFile, a missing file, a short token', () => {
    expect(() => validateConfig(base({ token: TOKEN, tokenFile: 'x' }), 'c', dir)).toThrow('c: admin.tokenFile: give token or tokenFile, not both');
    expect(() => validateConfig(base({ tokenFile: 'missing' }), 'c', dir)).toThrow(/admin\.tokenFile: cannot read missing \(ENOENT\)/);
    expect(() => validateConfig(base({ token: 'short' }), 'c', dir)).toThrow(ConfigError);
  });

  it('keeps the token when --admin-port moves the port', () => {
    const config = validateConfig(base({ port: 0, token: TOKEN }), 'c', dir);
    expect(applyOverrides(config, { adminPort: 9101 }).admin).toEqual({ host: '127.0.0.1', port: 9101, token: TOKEN });
  });
});
