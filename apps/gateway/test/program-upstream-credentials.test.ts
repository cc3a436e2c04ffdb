import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@s3kit/client';
import { rgwOrSkip } from '@s3kit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCa, issueServerCert, opensslMissing } from './support/certs.js';
import { buildProgram, runBuilt, startBuilt, STACK_LINE } from './support/built-program.js';

// Upstream credentials and trust through the built program, in front of Ceph RGW: keys from
// ${ENV} and secret files, @s3kit/client's providers (env, a shared profile whose
// credential_process gives expiring keys, web identity through a local STS, instance metadata), and a CA bundle for an https
// upstream (RGW behind a TLS terminator with a test CA).
const { rgw, reason } = await rgwOrSkip();
const GW = { accessKeyId: 'GWCLIENT', secretAccessKey: 'gw-client-secret' };
const run = Date.now().toString(36);
let dir: string;

beforeAll(async () => {
  buildProgram();
  dir = await mkdtemp(join(tmpdir(), 's3kit-gwcreds-'));
}, 600_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A config file with one s3 upstream `default` (its extra fields given) and one client identity. */
async function config(name: string, upstream: Record<string, unknown>): Promise<string> {
  const file = join(dir, `${name}.json`);
  await writeFile(
    file,
    JSON.stringify({
      listen: { port: 0 },
      admin: null,
      log: { level: 'warn' },
      identities: [{ ...GW, allow: [{ bucket: '*', access: 'readwrite' }] }],
      upstreams: { default: { type: 's3', region: rgw?.region ?? 'us-east-1', profile: { checksumHeaders: false }, ...upstream } },
    }),
  );
  return file;
}

/** Through the gateway: create a bucket, write and read an object. */
async function roundTrip(endpoint: string, bucket: string): Promise<string> {
  const s3 = new S3Client({ endpoint, accessKey: GW.accessKeyId, secretKey: GW.secretAccessKey, region: 'us-east-1' });
  try {
    await s3.makeBucket(bucket);
    await s3.putObject(bucket, 'hello.txt', `hello ${bucket}`);
    return await (await s3.getObject(bucket, 'hello.txt')).text();
  } finally {
    await s3.close();
  }
}

async function serveThrough(file: string, bucket: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const p = startBuilt(['--config', file], { env });
  try {
    return await roundTrip(await p.endpoint, bucket);
  } finally {
    await p.stop();
  }
}

function listen<T extends Server | TlsServer>(server: T): Promise<number> {
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port)));
}

describe.skipIf(!rgw)(`s3kit-gateway upstream credentials in front of Ceph RGW ${reason}`, () => {
  it('fixed keys from ${ENV} and secretAccessKeyFile', async () => {
    await writeFile(join(dir, 'rgw.secret'), `${rgw!.secretAccessKey}\n`, { mode: 0o600 });
    const file = await config('fixed', { endpoint: '${RGW_ENDPOINT}', credentials: { accessKeyId: '${RGW_KEY}', secretAccessKeyFile: 'rgw.secret' } });
    const bucket = `h18-fixed-${run}`;
    expect(await serveThrough(file, bucket, { ...process.env, RGW_ENDPOINT: rgw!.endpoint, RGW_KEY: rgw!.accessKeyId })).toBe(`hello ${bucket}`);
  }, 60_000);

  it('provider env: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY', async () => {
    const file = await config('env', { endpoint: rgw!.endpoint, credentials: { provider: 'env' } });
    const bucket = `h18-env-${run}`;
    expect(await serveThrough(file, bucket, { ...process.env, AWS_ACCESS_KEY_ID: rgw!.accessKeyId, AWS_SECRET_ACCESS_KEY: rgw!.secretAccessKey })).toBe(`hello ${bucket}`);
  }, 60_000);

  it('provider profile: credential_process keys that expire within the refresh margin are fetched again before each use', async () => {
    const counter = join(dir, 'process-calls');
    const script = join(dir, 'credentials.mjs');
    await writeFile(
      script,
      [
        "import { appendFileSync } from 'node:fs';",
        `appendFileSync(${JSON.stringify(counter)}, 'x');`,
        // Expiring in 4 minutes: inside the 5-minute refresh margin, so never reused.
        `console.log(JSON.stringify({ Version: 1, AccessKeyId: ${JSON.stringify(rgw!.accessKeyId)}, SecretAccessKey: ${JSON.stringify(rgw!.secretAccessKey)}, Expiration: new Date(Date.now() + 240000).toISOString() }));`,
      ].join('\n'),
    );
    await writeFile(join(dir, 'aws-config'), `[profile rgw]\ncredential_process = ${process.execPath} ${script}\n`);
    const file = await config('profile', { endpoint: rgw!.endpoint, credentials: { provider: 'profile', profile: 'rgw' } });
    const bucket = `h18-profile-${run}`;
    const env = { ...process.env, AWS_CONFIG_FILE: join(dir, 'aws-config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none') };
    expect(await serveThrough(file, bucket, env)).toBe(`hello ${bucket}`);
    // The start-up check, then one per upstream request (CreateBucket, PutObject, GetObject).
    expect((await readFile(counter, 'utf8')).length).toBeGreaterThanOrEqual(4);
  }, 60_000);

  it('provider web-identity: the token file is exchanged at STS (AssumeRoleWithWebIdentity) for the keys', async () => {
    await writeFile(join(dir, 'web-identity.jwt'), 'header.payload.signature');
    const forms: URLSearchParams[] = [];
    const sts = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        forms.push(new URLSearchParams(body));
        const c = `<AccessKeyId>${rgw!.accessKeyId}</AccessKeyId><SecretAccessKey>${rgw!.secretAccessKey}</SecretAccessKey><Expiration>${new Date(Date.now() + 3_600_000).toISOString()}</Expiration>`;
        res
          .writeHead(200, { 'content-type': 'text/xml' })
          .end(
            `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult><Credentials>${c}</Credentials><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/gw/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>`,
          );
      });
    });
    const port = await listen(sts);
    try {
      const file = await config('web-identity', { endpoint: rgw!.endpoint, credentials: { provider: 'web-identity' } });
      const bucket = `h18-webid-${run}`;
      const env = { ...process.env, AWS_WEB_IDENTITY_TOKEN_FILE: join(dir, 'web-identity.jwt'), AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/gw', AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${port}` };
      expect(await serveThrough(file, bucket, env)).toBe(`hello ${bucket}`);
      expect(forms[0]?.get('Action')).toBe('AssumeRoleWithWebIdentity');
      expect(forms[0]?.get('WebIdentityToken')).toBe('header.payload.signature');
      expect(forms[0]?.get('RoleArn')).toBe('arn:aws:iam::123456789012:role/gw');
    } finally {
      sts.close();
    }
  }, 60_000);

  it('provider instance-metadata: IMDSv2 keys with their session token are signed into every upstream request', async () => {
    const token = `session-token-${run}`;
    const imdsCalls: string[] = [];
    const imds = createServer((req, res) => {
      imdsCalls.push(`${req.method} ${req.url}`);
      if (req.method === 'PUT' && req.url === '/latest/api/token') res.end('imds-token');
      else if (req.headers['x-aws-ec2-metadata-token'] !== 'imds-token') res.writeHead(401).end();
      else if (req.url === '/latest/meta-data/iam/security-credentials/') res.end('gateway-role');
      else res.end(JSON.stringify({ Code: 'Success', AccessKeyId: 'ASIAIMDSKEY', SecretAccessKey: 'imds-secret', Token: token, Expiration: new Date(Date.now() + 3_600_000).toISOString() }));
    });
    // An upstream that records what it is sent and answers an empty ListBuckets.
    const seen: IncomingHttpHeaders[] = [];
    const upstream = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { 'content-type': 'application/xml' }).end('<ListAllMyBucketsResult><Owner><ID>o</ID></Owner><Buckets></Buckets></ListAllMyBucketsResult>');
    });
    const [imdsPort, upstreamPort] = [await listen(imds), await listen(upstream)];
    try {
      const file = await config('imds', { endpoint: `http://127.0.0.1:${upstreamPort}`, credentials: { provider: 'instance-metadata' } });
      const p = startBuilt(['--config', file], { env: { ...process.env, AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://127.0.0.1:${imdsPort}` } });
      try {
        const s3 = new S3Client({ endpoint: await p.endpoint, accessKey: GW.accessKeyId, secretKey: GW.secretAccessKey, region: 'us-east-1' });
        expect(await s3.listBuckets()).toEqual([]);
        await s3.close();
      } finally {
        await p.stop();
      }
      expect(imdsCalls).toContain('PUT /latest/api/token');
      expect(seen).toHaveLength(1);
      expect(seen[0]!['x-amz-security-token']).toBe(token);
      expect(seen[0]!['authorization']).toMatch(/Credential=ASIAIMDSKEY\/.*SignedHeaders=[^,]*x-amz-security-token/);
    } finally {
      imds.close();
      upstream.close();
    }
  }, 60_000);

  it('a provider without credentials stops the start with one line naming the upstream', async () => {
    const file = await config('none', { endpoint: rgw!.endpoint, credentials: { provider: 'env' } });
    const env = { ...process.env };
    for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) delete env[k];
    const r = await runBuilt(['--config', file], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^s3kit-gateway: invalid configuration: upstreams\.default\.credentials: provider env gave no credentials: /)]);
  }, 30_000);

  it.skipIf(opensslMissing)(
    'caFile: an https upstream (RGW behind TLS) signed by a private CA',
    async () => {
      const ca = createCa(dir, 'upstream-ca');
      const cert = issueServerCert(ca, dir, 'rgw-tls', '0a01');
      const rgwUrl = new URL(rgw!.endpoint);
      // TLS in front of RGW: bytes relayed as they are (the gateway signs for the Host it sends).
      const terminator = createTlsServer({ cert: await readFile(cert.cert), key: await readFile(cert.key) }, (socket) => {
        const upstream = connect(Number(rgwUrl.port), rgwUrl.hostname);
        socket.pipe(upstream).pipe(socket);
        socket.on('error', () => upstream.destroy());
        upstream.on('error', () => socket.destroy());
      });
      const port = await listen(terminator);
      try {
        const upstream = { endpoint: `https://127.0.0.1:${port}`, credentials: { accessKeyId: rgw!.accessKeyId, secretAccessKey: rgw!.secretAccessKey } };
        const bucket = `h18-tls-${run}`;
        expect(await serveThrough(await config('tls', { ...upstream, caFile: ca.cert }), bucket)).toBe(`hello ${bucket}`);
        // Without the bundle the upstream's certificate is not trusted: the request fails, nothing is written.
        const p = startBuilt(['--config', await config('tls-untrusted', upstream)]);
        try {
          const s3 = new S3Client({ endpoint: await p.endpoint, accessKey: GW.accessKeyId, secretKey: GW.secretAccessKey, region: 'us-east-1' });
          await expect(s3.makeBucket(`h18-untrusted-${run}`)).rejects.toThrow();
          await s3.close();
        } finally {
          await p.stop();
        }
        const bad = await runBuilt(['--config', await config('tls-bad-ca', { ...upstream, caFile: cert.key })]);
        expect(bad.code).toBe(2);
        expect(bad.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/upstreams\.default\.caFile: .*rgw-tls.* holds no PEM certificate$/)]);
      } finally {
        terminator.close();
      }
    },
    90_000,
  );
});
