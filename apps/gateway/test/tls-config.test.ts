import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isCi } from '@s3kit/test-utils';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, applyOverrides, validateConfig } from '../src/config.js';
import { startServer } from '../src/server.js';
import { readTls } from '../src/tls.js';
import { createCa, issueServerCert, opensslMissing, type ServerCert } from './support/certs.js';

// tls and trustProxy in the config, flags and env: validation naming the field, certificate
// files checked before anything listens, and the program's exit status 2 for a bad pair.
const IDS = [{ accessKeyId: 'AKTLSCFG', secretAccessKey: 'secret', allow: [{ bucket: '*', access: 'readwrite' }] }];
let dir: string;
let a: ServerCert;
let b: ServerCert;
let caCert: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3kit-gwtlscfg-'));
  if (opensslMissing) return;
  const ca = createCa(dir);
  caCert = ca.cert;
  a = issueServerCert(ca, dir, 'a', '0A');
  b = issueServerCert(ca, dir, 'b', '0B');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function config(extra: Record<string, unknown>) {
  return validateConfig({ listen: { port: 0 }, admin: null, identities: IDS, upstreams: { default: { type: 'local', dir: join(dir, 'store'), fsync: false } }, ...extra }, 'gw.yaml', '/etc/s3kit');
}

describe('tls and trustProxy settings', () => {
  it("reads tls paths relative to the config file and checks trustProxy entries with the listener's parser", () => {
    const c = config({ tls: { cert: 'tls/cert.pem', key: '/abs/key.pem', ca: 'chain.pem' }, trustProxy: ['10.0.0.0/8', 'loopback', '::1'] });
    expect(c.tls).toEqual({ cert: '/etc/s3kit/tls/cert.pem', key: '/abs/key.pem', ca: '/etc/s3kit/chain.pem' });
    expect(c.trustProxy).toEqual(['10.0.0.0/8', 'loopback', '::1']);
    expect(config({}).tls).toBeUndefined();
    expect(config({}).trustProxy).toEqual([]);
    expect(() => config({ trustProxy: ['10.0.0.0/8', 'proxy.local'] })).toThrow('gw.yaml: trustProxy[1]: must be an address, a CIDR or loopback (got "proxy.local")');
    expect(() => config({ trustProxy: '10.0.0.1' })).toThrow('gw.yaml: trustProxy: must be a list');
    expect(() => config({ tls: { cert: 'c.pem' } })).toThrow('gw.yaml: tls.key: must be a non-empty string (missing)');
    expect(() => config({ tls: { cert: 'c.pem', key: 'k.pem', chain: 'x' } })).toThrow(/tls\.chain: unknown field/);
  });

  it('flags and env: --tls-cert/--tls-key (both needed), --trust-proxy as a comma-separated list', () => {
    const c = config({});
    expect(applyOverrides(c, { tlsCert: '/x/c.pem', tlsKey: '/x/k.pem' }).tls).toEqual({ cert: '/x/c.pem', key: '/x/k.pem' });
    expect(() => applyOverrides(c, { tlsCert: '/x/c.pem' })).toThrow(ConfigError);
    expect(applyOverrides(config({ tls: { cert: '/f/c.pem', key: '/f/k.pem' } }), { tlsCa: '/x/ca.pem' }).tls).toEqual({ cert: '/f/c.pem', key: '/f/k.pem', ca: '/x/ca.pem' });
    expect(applyOverrides(c, { trustProxy: ' 10.1.0.0/16, loopback ' }).trustProxy).toEqual(['10.1.0.0/16', 'loopback']);
    expect(() => applyOverrides(c, { trustProxy: '10.1.0.0/99' })).toThrow(/^--trust-proxy: must be an address/);
  });

  it.skipIf(opensslMissing && !isCi())('checks the certificate files before anything listens: unreadable, not PEM, key of another certificate', async () => {
    expect(readTls({ cert: a.cert, key: a.key }).summary).toMatchObject({ serial: '0A', subject: 'CN=127.0.0.1' });
    expect(readTls({ cert: a.cert, key: a.key, ca: caCert }).ca?.toString()).toContain('BEGIN CERTIFICATE');
    expect(() => readTls({ cert: join(dir, 'missing.pem'), key: a.key })).toThrow(/^tls\.cert: cannot read .*missing\.pem \(ENOENT\)$/);
    await writeFile(join(dir, 'junk.pem'), 'not a certificate');
    expect(() => readTls({ cert: join(dir, 'junk.pem'), key: a.key })).toThrow(/^tls\.cert: .*junk\.pem is not a PEM certificate/);
    expect(() => readTls({ cert: a.cert, key: join(dir, 'junk.pem') })).toThrow(/^tls\.key: .*junk\.pem is not a PEM private key/);
    expect(() => readTls({ cert: a.cert, key: b.key })).toThrow(/^tls\.key: .*b\.key does not match the certificate/);
    expect(() => readTls({ cert: a.cert, key: a.key, ca: join(dir, 'junk.pem') })).toThrow(/^tls\.ca: /);
    await expect(startServer(config({ tls: { cert: a.cert, key: b.key } }), pino({ level: 'silent' }))).rejects.toThrow(ConfigError);
  });

  it.skipIf(opensslMissing && !isCi())(
    "the program exits 2 naming the field for a key that is not the certificate's",
    async () => {
      const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
      const cwd = fileURLToPath(new URL('..', import.meta.url));
      const cfg = join(dir, 'bad-tls.json');
      await writeFile(
        cfg,
        JSON.stringify({ listen: { port: 0 }, admin: null, tls: { cert: a.cert, key: b.key }, identities: IDS, upstreams: { default: { type: 'local', dir: join(dir, 'store2') } } }),
      );
      const child = spawn(process.execPath, ['--conditions=@s3kit/source', '--import', 'tsx', main, '--config', cfg], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      expect(await new Promise<number | null>((r) => child.once('exit', r))).toBe(2);
      expect(err).toMatch(/invalid configuration: tls\.key: .*does not match the certificate/);
    },
    30_000,
  );
});
