import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SigV4Signer } from '@s3kit/sigv4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The program as a process: a policy reloaded on SIGHUP flips a decision on a kept-alive
// connection; the admin /explain endpoint and the `explain` subcommand answer from the config.
const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const nodeArgs = ['--conditions=@s3kit/source', '--import', 'tsx', main];
const cwd = fileURLToPath(new URL('..', import.meta.url));
const V = '2012-10-17';
const ALICE = { accessKeyId: 'AKPOLALICE', secretAccessKey: 'secret-AKPOLALICE' };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3kit-gwpolmain-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function config(bucketDeny: boolean): string {
  return JSON.stringify({
    listen: { port: 0 },
    admin: { port: 0 },
    identities: [{ name: 'alice', ...ALICE, policies: [{ Version: V, Statement: [{ Sid: 'AliceAll', Effect: 'Allow', Action: 's3:*', Resource: '*' }] }] }],
    buckets: bucketDeny ? { pol: { policy: { Version: V, Statement: [{ Sid: 'NoListing', Effect: 'Deny', Principal: '*', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::pol' }] } } } : {},
    upstreams: { default: { type: 'local', dir: join(dir, 'store'), fsync: false } },
  });
}

function run(args: string[]): { child: ChildProcess; out: () => string; ready: Promise<{ endpoint: string; admin: string }> } {
  const child = spawn(process.execPath, [...nodeArgs, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const ready = new Promise<{ endpoint: string; admin: string }>((resolve, reject) => {
    const onData = (c: Buffer): void => {
      out += c.toString();
      const m = /listening on (http:\/\/[0-9.:]+)/.exec(out);
      const a = /admin: +(http:\/\/[0-9.:]+)\/metrics/.exec(out);
      if (m && a) resolve({ endpoint: m[1]!, admin: a[1]! });
    };
    child.stdout!.on('data', onData);
    // The banner (endpoints) is on stderr.
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  return { child, out: () => out, ready };
}

/** A signed request on a keep-alive agent; the status and the client port of the connection used. */
function signed(agent: Agent, endpoint: string, method: string, path: string): Promise<{ status: number; port: number | undefined }> {
  const s = new SigV4Signer({ credentials: ALICE, region: 'us-east-1' }).sign({ method, url: `${endpoint}${path}` });
  const u = new URL(s.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ agent, host: u.hostname, port: u.port, method, path: `${u.pathname}${u.search}`, headers: s.headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, port: req.socket?.localPort }));
    });
    req.on('error', reject);
    req.end();
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((r) => child.once('exit', r));
}

describe('s3kit-gateway policies (program)', () => {
  it('SIGHUP reloads a bucket policy: the decision flips on the same kept-alive connection; /explain follows', async () => {
    const cfg = join(dir, 'gw.json');
    await writeFile(cfg, config(false));
    const p = run(['--config', cfg]);
    const { endpoint, admin } = await p.ready;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect((await signed(agent, endpoint, 'PUT', '/pol')).status).toBe(200);
      const before = await signed(agent, endpoint, 'GET', '/pol?list-type=2');
      expect(before.status).toBe(200);
      const ex1 = (await (await fetch(`${admin}/explain?identity=alice&operation=ListObjectsV2&bucket=pol`)).json()) as { decision: string; statement: { sid: string } };
      expect([ex1.decision, ex1.statement.sid]).toEqual(['allow', 'AliceAll']);

      await writeFile(cfg, config(true));
      p.child.kill('SIGHUP');
      for (let i = 0; i < 200 && !p.out().includes('reloaded identities, policies'); i++) await new Promise((r) => setTimeout(r, 20));
      const after = await signed(agent, endpoint, 'GET', '/pol?list-type=2');
      expect(after.status).toBe(403);
      expect(after.port).toBe(before.port);

      const res = await fetch(`${admin}/explain?identity=AKPOLALICE&action=s3:ListBucket&bucket=pol`);
      expect(res.headers.get('content-type')).toBe('application/json');
      const ex2 = (await res.json()) as { decision: string; statement: { policy: string; sid: string; index: number }; checks: { trace: unknown[] }[] };
      expect([ex2.decision, ex2.statement.policy, ex2.statement.index, ex2.statement.sid]).toEqual(['deny', 'bucket', 0, 'NoListing']);
      expect(ex2.checks[0]!.trace).toHaveLength(2);
      const bad = await fetch(`${admin}/explain?identity=nobody&action=s3:GetObject`);
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: string }).error).toMatch(/no identity/);

      // An invalid reload changes nothing.
      await writeFile(cfg, config(true).replace('"Deny"', '"Nope"'));
      p.child.kill('SIGHUP');
      for (let i = 0; i < 200 && !p.out().includes('reload failed'); i++) await new Promise((r) => setTimeout(r, 20));
      expect(p.out()).toContain('buckets.pol.policy.Statement[0].Effect');
      expect((await signed(agent, endpoint, 'GET', '/pol?list-type=2')).status).toBe(403);
    } finally {
      agent.destroy();
      const exited = exitOf(p.child);
      p.child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  }, 30_000);

  it('explain subcommand: prints the decision and deciding statement, exit 0 allow / 1 deny / 2 bad config', async () => {
    const cfg = join(dir, 'explain.json');
    await writeFile(cfg, config(true));
    const cli = async (args: string[]): Promise<{ code: number | null; out: string }> => {
      const child = spawn(process.execPath, [...nodeArgs, 'explain', '--config', cfg, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      return { code: await exitOf(child), out };
    };
    const allow = await cli(['--identity', 'alice', '--action', 's3:GetObject', '--bucket', 'pol', '--key', 'k']);
    expect(allow.code).toBe(0);
    expect(allow.out).toContain('decision: allow');
    expect(allow.out).toContain('deciding statement: identity policy policies[0] statement 0 (Sid "AliceAll")');
    const deny = await cli(['--identity', 'alice', '--operation', 'ListObjectsV2', '--bucket', 'pol', '--context', 'aws:SourceIp=10.0.0.1']);
    expect(deny.code).toBe(1);
    expect(deny.out).toContain('decision: deny');
    expect(deny.out).toContain('deciding statement: bucket policy of pol statement 0 (Sid "NoListing")');
    await writeFile(cfg, config(true).replace('"Deny"', '"Nope"'));
    const bad = await cli(['--identity', 'alice', '--action', 's3:GetObject', '--bucket', 'pol']);
    expect(bad.code).toBe(2);
    expect(bad.out).toContain('explain.json: buckets.pol.policy.Statement[0].Effect: must be "Allow" or "Deny"');
  }, 30_000);
});
