import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { isCi } from '@s3kit/test-utils';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig, type GatewayConfig } from '../src/config.js';
import { liveConfig } from '../src/reload.js';
import { startServer } from '../src/server.js';
import { createCa, issueServerCert, opensslMissing } from './support/certs.js';

// What a reload applies live and what it keeps (named for a restart), and a reload that points
// `tls` at other certificate files: new connections get the new certificate.
const ID = { accessKeyId: 'AKLIVECONFIG', secretAccessKey: 'live-config-secret', allow: [{ bucket: '*', access: 'readwrite' }] };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3kit-gwlive-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function config(over: Record<string, unknown> = {}): GatewayConfig {
  return validateConfig({ listen: { port: 0 }, admin: { port: 0 }, identities: [ID], upstreams: { default: { type: 'local', dir: join(dir, 'store'), fsync: false } }, ...over }, 'test');
}

describe('liveConfig', () => {
  it('applies identities, limits, upstreams, the admin token and the log level as given', () => {
    const next = config({
      admin: { port: 0, token: 'a-long-enough-admin-token' },
      log: { level: 'debug' },
      limits: { maxConcurrentRequests: 3, requestTimeoutMs: 1000 },
      identities: [{ ...ID, accessKeyId: 'AKOTHER' }],
      upstreams: { default: { type: 'local', dir: join(dir, 'store'), fsync: false }, remote: { type: 's3', endpoint: 'http://127.0.0.1:1', credentials: { accessKeyId: 'u', secretAccessKey: 'v' } } },
    });
    const live = liveConfig(config(), next);
    expect(live.needRestart).toEqual([]);
    expect(live.config).toEqual(next);
  });

  it('keeps and names what needs a restart: addresses, TLS on/off, region, log format, maxHeaderSize, an open store', () => {
    const running = config({ notifications: { targets: [{ arn: 'arn:minio:sqs::one:webhook', endpoint: 'http://127.0.0.1:1/' }] } });
    const next = config({
      listen: { host: '0.0.0.0', port: 9100 },
      admin: { port: 9101 },
      tls: { cert: 'c.pem', key: 'k.pem' },
      region: 'eu-west-1',
      log: { format: 'pretty' },
      limits: { maxHeaderSize: 32768 },
      upstreams: { default: { type: 'local', dir: join(dir, 'elsewhere'), fsync: true }, other: { type: 'local', dir: join(dir, 'store'), fsync: true } },
    });
    const live = liveConfig(running, next);
    expect(live.needRestart).toEqual([
      'listen.host',
      'listen.port',
      'admin.port',
      'tls',
      'upstreams.default.dir',
      'upstreams.default.fsync',
      'upstreams.other.fsync',
      'region',
      'log.format',
      'limits.maxHeaderSize',
      'notifications',
    ]);
    expect(live.config.listen).toEqual(running.listen);
    expect(live.config.admin).toEqual(running.admin);
    expect(live.config.tls).toBeUndefined();
    expect(live.config.upstreams).toEqual({ default: running.upstreams['default'], other: running.upstreams['default'] });
    expect([live.config.region, live.config.log.format, live.config.limits.maxHeaderSize, live.config.notifications]).toEqual([running.region, 'json', 16384, running.notifications]);
  });

  it('turning the admin port off (or on) needs a restart', () => {
    expect(liveConfig(config(), config({ admin: null })).needRestart).toEqual(['admin']);
    expect(liveConfig(config({ admin: null }), config()).needRestart).toEqual(['admin']);
  });
});

describe.skipIf(opensslMissing && !isCi())('reload with other certificate files', () => {
  it('serves the new certificate on new connections', async () => {
    const ca = createCa(dir);
    const first = issueServerCert(ca, dir, 'first', '0A0001');
    const second = issueServerCert(ca, dir, 'second', '0A0002');
    const caPem = await readFile(ca.cert);
    const running = await startServer(config({ admin: null, tls: { cert: first.cert, key: first.key } }), pino({ level: 'silent' }));
    const serial = (): Promise<string> =>
      new Promise((resolve, reject) => {
        const req = request(`${running.endpoint}/`, { ca: caPem, agent: false }, (res) => {
          resolve((res.socket as TLSSocket).getPeerCertificate().serialNumber);
          res.resume();
        });
        req.on('error', reject);
        req.end();
      });
    try {
      expect(await serial()).toBe(first.serial);
      const outcome = running.reload(config({ admin: null, tls: { cert: second.cert, key: second.key } }));
      expect(outcome).toMatchObject({ needRestart: [], tls: { serial: second.serial }, tlsError: undefined });
      expect(await serial()).toBe(second.serial);
      // A pair that does not match: reported, the current certificate stays, the rest applies.
      const bad = running.reload(config({ admin: null, identities: [{ ...ID, accessKeyId: 'AKAFTER' }], tls: { cert: first.cert, key: second.key } }));
      expect(bad.tlsError).toContain('does not match');
      expect(await serial()).toBe(second.serial);
    } finally {
      await running.shutdown();
    }
  });
});
