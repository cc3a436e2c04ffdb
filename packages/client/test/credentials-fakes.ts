// Local fake credential endpoints for the credentials tests, each following its documented wire
// format: STS's query API (form POST, `<{Action}Response>` / `<ErrorResponse>` XML, AssumeRole
// checked with a SigV4 verifier for service `sts`), the ECS/EKS container endpoint (JSON) and
// IMDSv2 (token PUT, then the role name and its JSON; 401 without a valid token).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SigV4Verifier } from '@s3kit/sigv4';

/** Credentials a fake issues. */
export interface Issued {
  accessKeyId: string;
  secretAccessKey: string;
  /** Omitted from the answer when undefined (a fake may issue plain keys, e.g. the gateway's). */
  sessionToken?: string | undefined;
  expiration: Date;
}

export interface Fake {
  url: string;
  /** Requests seen (method, path, headers, body). */
  requests: Array<{ method: string; path: string; headers: IncomingMessage['headers']; body: string }>;
  /** Delay every answer by this many ms (timeouts). */
  delayMs: number;
  /** Answer the next N requests with 500. */
  failNext: number;
  close(): Promise<void>;
}

/** Starts the server and fills `fake`'s Fake fields (the handler reads `fake`'s own fields). */
async function listen<F extends Fake>(fake: F, handler: (req: IncomingMessage, body: string, res: ServerResponse) => void | Promise<void>): Promise<F> {
  Object.assign(fake, { url: '', requests: [], delayMs: 0, failNext: 0 });
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      fake.requests.push({ method: req.method!, path: req.url!, headers: req.headers, body });
      setTimeout(() => {
        if (res.destroyed) return;
        if (fake.failNext > 0) {
          fake.failNext--;
          res.writeHead(500).end();
          return;
        }
        void Promise.resolve(handler(req, body, res)).catch((err: unknown) => res.writeHead(599).end(String(err)));
      }, fake.delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return fake;
}

const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function stsCredentialsXml(c: Issued): string {
  return [
    '<Credentials>',
    c.sessionToken !== undefined ? `<SessionToken>${esc(c.sessionToken)}</SessionToken>` : '',
    `<SecretAccessKey>${esc(c.secretAccessKey)}</SecretAccessKey>`,
    `<Expiration>${c.expiration.toISOString().replace(/\.\d{3}Z$/, 'Z')}</Expiration>`,
    `<AccessKeyId>${esc(c.accessKeyId)}</AccessKeyId>`,
    '</Credentials>',
  ].join('\n      ');
}

function stsError(res: ServerResponse, status: number, type: 'Sender' | 'Receiver', code: string, message: string): void {
  res
    .writeHead(status, { 'content-type': 'text/xml' })
    .end(
      `<ErrorResponse xmlns="${STS_NS}">\n  <Error>\n    <Type>${type}</Type>\n    <Code>${code}</Code>\n    <Message>${esc(message)}</Message>\n  </Error>\n  <RequestId>4fd0a1b2-0000-4000-8000-000000000001</RequestId>\n</ErrorResponse>\n`,
    );
}

export interface FakeSts extends Fake {
  /** Form parameters of each call. */
  calls: Array<Record<string, string>>;
  /** Access keys AssumeRole may be signed with (secret, optional session token). */
  signers: Map<string, { secretAccessKey: string; sessionToken?: string }>;
  /** The web identity token AssumeRoleWithWebIdentity accepts. */
  webIdentityToken: string;
  /** What the next call issues. */
  issue: () => Issued;
}

/** A fake STS (AWS STS's and MinIO's query API). */
export async function startFakeSts(region = 'us-east-1'): Promise<FakeSts> {
  let n = 0;
  const sts = {} as FakeSts;
  const verifier = new SigV4Verifier({
    region,
    service: 'sts',
    headerEncoding: 'latin1',
    getCredentials: (id) => sts.signers.get(id),
  });
  await listen(sts, async (req, body, res) => {
    if (req.method !== 'POST' || !(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return stsError(res, 400, 'Sender', 'InvalidAction', 'Could not find operation for the request');
    }
    const params = Object.fromEntries(new URLSearchParams(body));
    sts.calls.push(params);
    if (params['Version'] !== '2011-06-15') return stsError(res, 400, 'Sender', 'InvalidParameterValue', 'Version');
    const action = params['Action'];
    if (action === 'AssumeRoleWithWebIdentity') {
      if (req.headers.authorization !== undefined) return stsError(res, 400, 'Sender', 'InvalidParameterValue', 'AssumeRoleWithWebIdentity is not signed');
      if (params['WebIdentityToken'] !== sts.webIdentityToken) return stsError(res, 400, 'Sender', 'InvalidIdentityToken', 'Token signature is invalid');
      if (!params['RoleArn'] || !params['RoleSessionName']) return stsError(res, 400, 'Sender', 'ValidationError', 'RoleArn and RoleSessionName are required');
    } else if (action === 'AssumeRole') {
      const pairs: Array<[string, string]> = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) pairs.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
      try {
        await verifier.verify({ method: req.method, url: req.url!, headers: pairs, body });
      } catch (err) {
        const code = (err as { code?: string }).code === 'InvalidAccessKeyId' ? 'InvalidClientTokenId' : 'SignatureDoesNotMatch';
        return stsError(res, 403, 'Sender', code, 'The request signature we calculated does not match the signature you provided.');
      }
    } else return stsError(res, 400, 'Sender', 'InvalidAction', `Could not find operation ${action}`);
    n++;
    const c = sts.issue();
    res
      .writeHead(200, { 'content-type': 'text/xml' })
      .end(
        `<${action}Response xmlns="${STS_NS}">\n  <${action}Result>\n      ${stsCredentialsXml(c)}\n    <AssumedRoleUser>\n      <Arn>arn:aws:sts::123456789012:assumed-role/demo/s${n}</Arn>\n      <AssumedRoleId>AROA123EXAMPLE123:s${n}</AssumedRoleId>\n    </AssumedRoleUser>\n  </${action}Result>\n  <ResponseMetadata>\n    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c${n % 10}</RequestId>\n  </ResponseMetadata>\n</${action}Response>\n`,
      );
  });
  return Object.assign(sts, { calls: [], signers: new Map(), webIdentityToken: 'eyJhbGciOiJSUzI1NiJ9.web-identity.token', issue: () => issued('STS') });
}

let serial = 0;
/** Fresh session credentials expiring in `ms` (default 1 h). */
export function issued(tag: string, ms = 3_600_000, now = Date.now()): Issued {
  serial++;
  return { accessKeyId: `ASIA${tag}${serial}`, secretAccessKey: `secret-${tag}-${serial}`, sessionToken: `token-${tag}-${serial}`, expiration: new Date(Math.floor((now + ms) / 1000) * 1000) };
}

function credentialsJson(c: Issued, extra: Record<string, string> = {}): string {
  return JSON.stringify({
    ...extra,
    AccessKeyId: c.accessKeyId,
    SecretAccessKey: c.secretAccessKey,
    ...(c.sessionToken !== undefined ? { Token: c.sessionToken } : {}),
    Expiration: c.expiration.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  });
}

export interface FakeContainer extends Fake {
  /** The Authorization value required (none when undefined). */
  authorization: string | undefined;
  issue: () => Issued;
}

/** A fake ECS / EKS Pod Identity agent: GET any path → JSON (the EKS agent adds AccountId). */
export async function startFakeContainer(): Promise<FakeContainer> {
  const c = {} as FakeContainer;
  await listen(c, (req, _body, res) => {
    if (req.method !== 'GET') return void res.writeHead(405).end();
    if (c.authorization !== undefined && req.headers.authorization !== c.authorization) {
      return void res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ Code: 'AccessDeniedException', Message: 'bad token' }));
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(credentialsJson(c.issue(), { RoleArn: 'arn:aws:iam::123456789012:role/task' }));
  });
  return Object.assign(c, { authorization: undefined, issue: () => issued('ECS') });
}

export interface FakeImds extends Fake {
  /** `undefined`: no role attached (404 on the role list). */
  role: string | undefined;
  /** Refuse the token PUT with this status (IMDSv1-only hosts answer 403/404/405). */
  tokenStatus: number;
  /** Tokens issued and still accepted. */
  tokens: Set<string>;
  issue: () => Issued;
}

/** A fake EC2 instance metadata service, IMDSv2 required (IMDSv1 accepted only when `tokenStatus` refuses tokens). */
export async function startFakeImds(): Promise<FakeImds> {
  const m = {} as FakeImds;
  let t = 0;
  await listen(m, (req, _body, res) => {
    const path = req.url!;
    if (path === '/latest/api/token') {
      if (req.method !== 'PUT') return void res.writeHead(405).end();
      if (m.tokenStatus !== 200) return void res.writeHead(m.tokenStatus).end();
      const ttl = Number(req.headers['x-aws-ec2-metadata-token-ttl-seconds']);
      if (!Number.isInteger(ttl) || ttl < 1 || ttl > 21600) return void res.writeHead(400).end();
      const token = `imds-token-${++t}`;
      m.tokens.add(token);
      return void res.writeHead(200, { 'x-aws-ec2-metadata-token-ttl-seconds': String(ttl), 'content-type': 'text/plain' }).end(token);
    }
    if (req.method !== 'GET') return void res.writeHead(405).end();
    const token = req.headers['x-aws-ec2-metadata-token'];
    if (m.tokenStatus === 200 && (typeof token !== 'string' || !m.tokens.has(token))) return void res.writeHead(401).end();
    const base = '/latest/meta-data/iam/security-credentials/';
    if (path === base) return m.role === undefined ? void res.writeHead(404).end() : void res.writeHead(200, { 'content-type': 'text/plain' }).end(m.role);
    if (m.role !== undefined && path === base + m.role) {
      return void res.writeHead(200, { 'content-type': 'text/plain' }).end(credentialsJson(m.issue(), { Code: 'Success', LastUpdated: new Date().toISOString(), Type: 'AWS-HMAC' }));
    }
    res.writeHead(404).end();
  });
  return Object.assign(m, { role: 'ec2-role', tokenStatus: 200, tokens: new Set<string>(), issue: () => issued('IMDS') });
}

/** Runs a Python snippet with Debian's python3 (boto3) in a clean environment plus `env`; returns its stdout JSON. */
export async function python(code: string, env: Record<string, string> = {}): Promise<unknown> {
  const { execFile } = await import('node:child_process');
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(
      '/usr/bin/python3',
      ['-c', code],
      { env: { PATH: '/usr/bin:/bin', PYTHONDONTWRITEBYTECODE: '1', HOME: '/nonexistent', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', ...env } },
      (err, out, errOut) => (err ? reject(new Error(`python failed: ${errOut}`)) : resolve(out)),
    ),
  );
  return JSON.parse(stdout);
}

/** Python printing a botocore credentials object as JSON {accessKeyId, secretAccessKey, sessionToken}. */
export const PY_PRINT_CREDS =
  'import json\ndef out(c):\n    f = c.get_frozen_credentials()\n    print(json.dumps({"accessKeyId": f.access_key, "secretAccessKey": f.secret_key, "sessionToken": f.token}))\n';

/** What a provider returns for issued credentials. */
export const asProvided = (c: Issued) => ({ accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, expiration: c.expiration });
