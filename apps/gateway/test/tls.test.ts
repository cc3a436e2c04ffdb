import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { GetObjectCommand, PutObjectCommand, S3Client as AwsS3Client } from '@aws-sdk/client-s3';
import { S3Client } from '@s3kit/client';
import { SigV4Signer } from '@s3kit/sigv4';
import { isCi } from '@s3kit/test-utils';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig, type GatewayConfig } from '../src/config.js';
import { startServer, type RunningServer } from '../src/server.js';
import { createCa, issueServerCert, opensslMissing, type TestCa, type ServerCert } from './support/certs.js';

// The program serving HTTPS with a throwaway CA's certificate: real clients (AWS SDK v3,
// @s3kit/client, awscli) trust the CA and work; aws:SecureTransport is true on TLS only; explain
// answers as the running listener would.
const AWS = '/usr/bin/aws';
const awsMissing = !existsSync(AWS) && !isCi();
const run = promisify(execFile);
const V = '2012-10-17';
const ALICE = { name: 'alice', accessKeyId: 'AKIATLSALICE00000001', secretAccessKey: 'alice-tls-secret-never-logged' };
// The README's sample: deny anything not over TLS.
const TLS_ONLY = {
  Version: V,
  Statement: [{ Sid: 'TlsOnly', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: ['arn:aws:s3:::secure', 'arn:aws:s3:::secure/*'], Condition: { Bool: { 'aws:SecureTransport': 'false' } } }],
};

let dir: string;
let ca: TestCa;
let server: ServerCert;
let https: RunningServer;
let http: RunningServer;
const log: Record<string, unknown>[] = [];

function configOf(name: string, tls: boolean): GatewayConfig {
  return validateConfig(
    {
      listen: { port: 0 },
      admin: { port: 0 },
      ...(tls ? { tls: { cert: server.cert, key: server.key } } : {}),
      identities: [{ ...ALICE, allow: [{ bucket: '*', access: 'readwrite' }] }],
      buckets: { secure: { policy: TLS_ONLY } },
      upstreams: { default: { type: 'local', dir: join(dir, name), fsync: false } },
    },
    'test',
  );
}

function sink(): PassThrough {
  const s = new PassThrough();
  s.on('data', (c: Buffer) => {
    for (const l of c.toString().split('\n')) if (l.trim() !== '') log.push(JSON.parse(l) as Record<string, unknown>);
  });
  return s;
}

/** A signed request (node:http, or node:https trusting the test CA). */
function signed(endpoint: string, method: string, path: string, body?: string): Promise<{ status: number; body: string }> {
  const signer = new SigV4Signer({ credentials: ALICE, region: 'us-east-1' });
  const s = signer.sign({ method, url: `${endpoint}${path}`, ...(body === undefined ? {} : { body: new TextEncoder().encode(body) }) });
  const url = new URL(s.url);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path: `${url.pathname}${url.search}`, headers: s.headers, ca: caPem }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
let caPem: Buffer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3kit-gwtls-'));
  if (opensslMissing) return;
  ca = createCa(dir);
  server = issueServerCert(ca, dir, 'server', '5E1F01');
  caPem = await readFile(ca.cert);
  https = await startServer(configOf('store-https', true), pino({ level: 'info' }, sink()));
  http = await startServer(configOf('store-http', false), pino({ level: 'silent' }));
});
afterAll(async () => {
  await https?.shutdown();
  await http?.shutdown();
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(opensslMissing && !isCi())('the program over HTTPS', () => {
  it('serves the configured certificate on an https endpoint; a client without the CA refuses it', async () => {
    expect(https.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(https.tls).toMatchObject({ serial: server.serial, fingerprint256: server.fingerprint256 });
    expect(http.endpoint).toMatch(/^http:\/\//);
    expect(http.tls).toBeUndefined();
    await expect(fetch(`${https.endpoint}/`)).rejects.toThrow();
  });

  it('AWS SDK v3 with an https.Agent trusting the CA: PutObject, GetObject', async () => {
    const sdk = new AwsS3Client({
      endpoint: https.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      maxAttempts: 1,
      credentials: { ...ALICE }, // a copy: the SDK marks the object it is given ($source)
      requestHandler: { httpsAgent: new HttpsAgent({ ca: caPem }) },
    });
    try {
      await expect(sdk.send(new PutObjectCommand({ Bucket: 'secure', Key: 'x' }))).rejects.toMatchObject({ name: 'NoSuchBucket' });
      expect((await signed(https.endpoint, 'PUT', '/secure')).status).toBe(200);
      await sdk.send(new PutObjectCommand({ Bucket: 'secure', Key: 'sdk.txt', Body: 'over tls from the AWS SDK' }));
      const got = await sdk.send(new GetObjectCommand({ Bucket: 'secure', Key: 'sdk.txt' }));
      expect(await got.Body!.transformToString()).toBe('over tls from the AWS SDK');
    } finally {
      sdk.destroy();
    }
  });

  it('@s3kit/client with transport.tls.ca: putObject, getObject, listObjects', async () => {
    const client = new S3Client({ endpoint: https.endpoint, region: 'us-east-1', pathStyle: true, credentials: { ...ALICE }, transport: { tls: { ca: caPem } } });
    try {
      await client.putObject('secure', 's3kit.txt', 'over tls from @s3kit/client');
      const obj = await client.getObject('secure', 's3kit.txt');
      expect(Buffer.from(await obj.arrayBuffer()).toString()).toBe('over tls from @s3kit/client');
      const keys: string[] = [];
      for await (const item of client.listObjects('secure', { recursive: true })) if ('key' in item) keys.push(item.key);
      expect(keys).toContain('s3kit.txt');
    } finally {
      await client.close();
    }
  });

  it.skipIf(awsMissing)(
    'awscli with --ca-bundle: s3api put-object, s3 cp, s3 ls',
    async () => {
      const work = await mkdtemp(join(dir, 'aws-'));
      await writeFile(join(work, 'in.txt'), 'over tls from awscli');
      const env = { PATH: '/usr/bin:/bin', HOME: work, AWS_ACCESS_KEY_ID: ALICE.accessKeyId, AWS_SECRET_ACCESS_KEY: ALICE.secretAccessKey, AWS_DEFAULT_REGION: 'us-east-1' };
      const aws = (...args: string[]) => run(AWS, ['--endpoint-url', https.endpoint, '--ca-bundle', ca.cert, ...args], { env, encoding: 'utf8', timeout: 60_000 });
      await aws('s3api', 'put-object', '--bucket', 'secure', '--key', 'cli.txt', '--body', join(work, 'in.txt'));
      await aws('s3', 'cp', 's3://secure/cli.txt', join(work, 'out.txt'));
      expect(await readFile(join(work, 'out.txt'), 'utf8')).toBe('over tls from awscli');
      expect((await aws('s3', 'ls', 's3://secure/')).stdout).toContain('cli.txt');
      // Without the CA, awscli refuses the certificate.
      await expect(run(AWS, ['--endpoint-url', https.endpoint, 's3', 'ls', 's3://secure/'], { env, encoding: 'utf8', timeout: 60_000 })).rejects.toThrow(/SSL|certificate/i);
    },
    120_000,
  );

  it('aws:SecureTransport decides: the TlsOnly policy allows over https and denies the same request over http', async () => {
    expect((await signed(http.endpoint, 'PUT', '/secure')).status).toBe(403);
    expect((await signed(https.endpoint, 'PUT', '/secure/decide.txt', 'tls')).status).toBe(200);
    const denied = await signed(http.endpoint, 'PUT', '/secure/decide.txt', 'plain');
    expect(denied.status).toBe(403);
    expect(denied.body).toContain('<Code>AccessDenied</Code>');
    // The access log line of the TLS request names its client.
    const logged = (): boolean => log.some((l) => l['msg'] === 'request' && l['key'] === 'decide.txt' && l['status'] === 200 && typeof l['remote'] === 'string');
    for (let i = 0; i < 100 && !logged(); i++) await new Promise((r) => setTimeout(r, 20)); // written once the answer is flushed
    expect(logged()).toBe(true);
  });

  it('admin /explain answers as the listener decides: deny on the HTTP-only program, allow on the TLS one', async () => {
    const q = '/explain?identity=alice&action=s3:GetObject&bucket=secure&key=k';
    const onHttp = (await (await fetch(`${http.adminEndpoint}${q}`)).json()) as { decision: string; statement?: { sid?: string } };
    const onHttps = (await (await fetch(`${https.adminEndpoint}${q}`)).json()) as { decision: string };
    expect(onHttp).toMatchObject({ decision: 'deny', statement: { sid: 'TlsOnly' } });
    expect(onHttps.decision).toBe('allow');
    // A context value wins over the default.
    const forced = (await (await fetch(`${https.adminEndpoint}${q}&context=aws:SecureTransport=false`)).json()) as { decision: string };
    expect(forced.decision).toBe('deny');
  });

  it("the explain subcommand uses the config's tls to default aws:SecureTransport (exit 1 deny without, 0 allow with)", async () => {
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    const cwd = fileURLToPath(new URL('..', import.meta.url));
    const explain = async (tls: boolean): Promise<{ code: number | null; out: string }> => {
      const file = join(dir, `explain-${tls}.json`);
      const doc = {
        ...(tls ? { tls: { cert: server.cert, key: server.key } } : {}),
        identities: [{ ...ALICE, allow: [{ bucket: '*', access: 'readwrite' }] }],
        buckets: { secure: { policy: TLS_ONLY } },
        upstreams: { default: { type: 'local', dir: join(dir, 'explain') } },
      };
      await writeFile(file, JSON.stringify(doc));
      const child = spawn(
        process.execPath,
        ['--conditions=@s3kit/source', '--import', 'tsx', main, 'explain', '--config', file, '--identity', 'alice', '--action', 's3:GetObject', '--bucket', 'secure', '--key', 'k'],
        { cwd, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      return { code: await new Promise<number | null>((r) => child.once('exit', r)), out };
    };
    const [plain, tls] = await Promise.all([explain(false), explain(true)]);
    expect(plain.code, plain.out).toBe(1);
    expect(plain.out).toContain('Sid "TlsOnly"');
    expect(tls.code).toBe(0);
  }, 30_000);
});
