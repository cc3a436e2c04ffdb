import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SigV4Signer } from '@s3kit/sigv4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminOf, printed, startProgram } from './support/program.js';

// The program as a process: one SIGHUP swaps identities, a bucket policy, CORS rules, the
// upstream an identity uses, the concurrency limit, the log level and the admin token at once;
// an upload in flight finishes on the config it started with; a changed listen port is named in
// a warning (and not applied); a broken config is logged and the program serves on unchanged.
const OLD = { accessKeyId: 'AKRELOADOLD', secretAccessKey: 'reload-old-secret-never-logged' };
const NEW = { accessKeyId: 'AKRELOADNEW', secretAccessKey: 'reload-new-secret-never-logged' };
const TOKEN = 'admin-token-for-reload-tests-0001';
const V = '2012-10-17';
const RW = [{ bucket: '*', access: 'readwrite' }];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3kit-gwreload-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const publicRead = { Version: V, Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::pub/*' }] };

function v1(): unknown {
  return {
    listen: { port: 0 },
    admin: { port: 0 },
    limits: { maxConcurrentRequests: 8 },
    identities: [{ name: 'old', ...OLD, allow: RW }],
    buckets: { pub: { policy: publicRead, cors: [{ allowedOrigins: ['https://old.example'], allowedMethods: ['GET'] }] } },
    upstreams: { default: { type: 'local', dir: join(dir, 'store'), fsync: false } },
  };
}

function v2(): unknown {
  return {
    listen: { port: 65001 },
    admin: { port: 0, token: TOKEN },
    log: { level: 'warn' },
    limits: { maxConcurrentRequests: 1 },
    identities: [{ name: 'new', ...NEW, upstream: 'second', allow: RW }],
    buckets: { pub: { cors: [{ allowedOrigins: ['https://new.example'], allowedMethods: ['GET'] }] } },
    upstreams: { default: { type: 'local', dir: join(dir, 'store'), fsync: false }, second: { type: 'local', dir: join(dir, 'store2'), fsync: false } },
  };
}

function signed(keys: typeof OLD, method: string, url: string, body?: string): Promise<Response> {
  const s = new SigV4Signer({ credentials: keys, region: 'us-east-1' }).sign({ method, url, payloadHash: 'UNSIGNED-PAYLOAD' });
  return fetch(s.url, { method, headers: s.headers, ...(body === undefined ? {} : { body }) });
}

/** A signed PUT of 10 bytes that sends 5 now; `finish()` sends the rest and resolves with the status. */
function stalledPut(keys: typeof OLD, url: string): { finish(): Promise<number>; status: Promise<number> } {
  const s = new SigV4Signer({ credentials: keys, region: 'us-east-1' }).sign({ method: 'PUT', url, headers: { 'content-length': '10' }, payloadHash: 'UNSIGNED-PAYLOAD' });
  const u = new URL(s.url);
  let req!: ReturnType<typeof httpRequest>;
  const status = new Promise<number>((resolve, reject) => {
    req = httpRequest({ host: u.hostname, port: u.port, method: 'PUT', path: u.pathname, headers: s.headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
  req.write('abcde');
  return { status, finish: () => (req.end('fghij'), status) };
}

function preflight(url: string, origin: string): Promise<number> {
  return fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET' } }).then((r) => r.status);
}

describe('SIGHUP reload (program)', () => {
  it('applies identities, policies, CORS, upstreams, limits, log level and admin token; in-flight requests finish on theirs; names the listen port; a broken config changes nothing', async () => {
    const cfg = join(dir, 'gw.json');
    await writeFile(cfg, JSON.stringify(v1()));
    const p = startProgram(['--config', cfg]);
    try {
      const endpoint = await p.endpoint;
      const admin = adminOf(p)!;
      expect((await signed(OLD, 'PUT', `${endpoint}/pub`)).status).toBe(200);
      expect((await signed(OLD, 'PUT', `${endpoint}/pub/a`, 'hello')).status).toBe(200);
      const inFlight = stalledPut(OLD, `${endpoint}/pub/inflight`);
      // Before: the old identity, the public-read policy, the old origin; a second request fits the limit of 8.
      expect((await fetch(`${endpoint}/pub/a`)).status).toBe(200);
      expect(await preflight(`${endpoint}/pub/a`, 'https://old.example')).toBe(200);
      expect(await preflight(`${endpoint}/pub/a`, 'https://new.example')).toBe(403);
      expect((await signed(NEW, 'GET', `${endpoint}/`)).status).toBe(403);
      expect((await fetch(`${admin}/metrics`)).status).toBe(200);

      await writeFile(cfg, JSON.stringify(v2()));
      let mark = p.out().length;
      p.child.kill('SIGHUP');
      await printed(p, 'reloaded identities, policies, cors, upstreams', mark);
      const warning = await printed(p, 'need a restart', mark);
      const line = JSON.parse(p.out().slice(p.out().lastIndexOf('\n', warning) + 1, p.out().indexOf('\n', warning))) as { level: number; fields: string[] };
      expect(line.level).toBe(40);
      expect(line.fields).toEqual(['listen.port']);
      mark = p.out().length;

      // The upload that started before the reload completes with the identity that is gone now.
      expect(await inFlight.finish()).toBe(200);
      expect((await signed(OLD, 'GET', `${endpoint}/pub/inflight`)).status).toBe(403);
      // The new identity works, on its upstream (a fresh store: no bucket pub there).
      expect((await signed(NEW, 'PUT', `${endpoint}/fresh`)).status).toBe(200);
      const buckets = await (await signed(NEW, 'GET', `${endpoint}/`)).text();
      expect(buckets).toContain('<Name>fresh</Name>');
      expect(buckets).not.toContain('<Name>pub</Name>');
      // The policy and CORS rules are the new ones.
      expect((await fetch(`${endpoint}/pub/a`)).status).toBe(403);
      expect(await preflight(`${endpoint}/pub/a`, 'https://old.example')).toBe(403);
      expect(await preflight(`${endpoint}/pub/a`, 'https://new.example')).toBe(200);
      // The limit is 1: with an upload holding the slot, the next request is SlowDown.
      const holder = stalledPut(NEW, `${endpoint}/fresh/held`);
      await new Promise((r) => setTimeout(r, 100));
      const refused = await signed(NEW, 'GET', `${endpoint}/fresh`);
      expect(refused.status).toBe(503);
      expect(await refused.text()).toContain('<Code>SlowDown</Code>');
      expect(await holder.finish()).toBe(200);
      // The admin token applies; the log level is warn (no request lines any more).
      expect((await fetch(`${admin}/metrics`)).status).toBe(401);
      const metrics = await (await fetch(`${admin}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
      expect(metrics).toMatch(/s3kit_gateway_requests_total\{operation="CreateBucket",status="200",upstream="second"\} 1/);
      expect(metrics).toMatch(/s3kit_gateway_requests_total\{operation="PutObject",status="200",upstream="default"\} 2/);
      expect(p.out().slice(mark)).not.toContain('"msg":"request"');

      // A broken config: logged with its field, nothing changes.
      await writeFile(cfg, JSON.stringify({ ...(v2() as object), identities: [{ ...OLD, allow: [{ bucket: '*', access: 'all' }] }] }));
      p.child.kill('SIGHUP');
      await printed(p, 'reload failed; keeping the current configuration', mark);
      expect(p.out().slice(mark)).toContain('identities[0].allow[0].access');
      expect((await signed(NEW, 'GET', `${endpoint}/fresh`)).status).toBe(200);
      expect((await signed(OLD, 'GET', `${endpoint}/`)).status).toBe(403);
      expect((await fetch(`${admin}/metrics`)).status).toBe(401);

      expect(p.out()).not.toContain(OLD.secretAccessKey);
      expect(p.out()).not.toContain(NEW.secretAccessKey);
      expect(p.out()).not.toContain(TOKEN);
      const exited = new Promise<number | null>((r) => p.child.once('exit', r));
      p.child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
    }
  }, 60_000);
});
