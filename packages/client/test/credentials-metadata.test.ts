// containerCredentials (ECS / EKS Pod Identity) and instanceMetadataCredentials (IMDSv2) against
// local fakes of the documented endpoints (test/credentials-fakes.ts); boto3 reads the same fakes.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainCredentials, containerCredentials, CredentialsProviderError, instanceMetadataCredentials, staticCredentials, type FetchLike } from '../src/index.js';
import { hasBoto3 } from './boto3.js';
import { asProvided, issued, PY_PRINT_CREDS, python, startFakeContainer, startFakeImds, type FakeContainer, type FakeImds } from './credentials-fakes.js';

let ecs: FakeContainer;
let imds: FakeImds;
beforeAll(async () => {
  [ecs, imds] = await Promise.all([startFakeContainer(), startFakeImds()]);
});
afterAll(() => Promise.all([ecs.close(), imds.close()]));

const plain = (c: { accessKeyId: string; secretAccessKey: string; sessionToken?: string | undefined }) => ({
  accessKeyId: c.accessKeyId,
  secretAccessKey: c.secretAccessKey,
  sessionToken: c.sessionToken,
});
/** A fetch that sends requests for `from` (the real agent's address) to the fake. */
const redirectTo =
  (from: string, to: string): FetchLike =>
  (url, init) =>
    fetch(url.replace(from, to), init);

describe('containerCredentials', () => {
  it('RELATIVE_URI: GET http://169.254.170.2{uri} (with AWS_CONTAINER_AUTHORIZATION_TOKEN when set)', async () => {
    const want = issued('ECS');
    ecs.issue = () => want;
    ecs.authorization = undefined;
    const p = containerCredentials({ env: { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/abc' }, fetch: redirectTo('http://169.254.170.2', ecs.url) });
    expect(await p.getCredentials()).toEqual(asProvided(want));
    expect(ecs.requests.at(-1)).toMatchObject({ method: 'GET', path: '/v2/credentials/abc' });
  });

  it('FULL_URI with AWS_CONTAINER_AUTHORIZATION_TOKEN; the token file (EKS Pod Identity) wins and is read on each refresh', async () => {
    ecs.authorization = 'Bearer env-token';
    const env: Record<string, string> = { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${ecs.url}/creds`, AWS_CONTAINER_AUTHORIZATION_TOKEN: 'Bearer env-token' };
    expect((await containerCredentials({ env }).getCredentials()).accessKeyId).toMatch(/^ASIAECS/);
    const dir = mkdtempSync(join(tmpdir(), 's3kit-eks-'));
    const file = join(dir, 'eks-pod-identity-token');
    writeFileSync(file, 'pod-token-1\n');
    ecs.authorization = 'pod-token-1';
    let now = Date.now();
    ecs.issue = () => issued('EKS', 3_600_000, now);
    const p = containerCredentials({ env: { ...env, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: file }, readFile: (f) => readFile(f, 'utf8'), clock: () => now });
    const first = await p.getCredentials();
    writeFileSync(file, 'pod-token-2');
    ecs.authorization = 'pod-token-2';
    now += 3_600_000 - 60_000;
    expect((await p.getCredentials()).accessKeyId).not.toBe(first.accessKeyId);
    expect(ecs.requests.at(-1)!.headers.authorization).toBe('pod-token-2');
    // Without a file reader (a Web runtime) the token file is an error, not silence.
    await expect(containerCredentials({ env: { ...env, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: file } }).getCredentials()).rejects.toThrow(/readFile/);
  });

  it('a refused token is a real error (HTTP 401), with no token in the message', async () => {
    ecs.authorization = 'right';
    const err = await Promise.resolve(containerCredentials({ env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${ecs.url}/c`, AWS_CONTAINER_AUTHORIZATION_TOKEN: 'wrong-SECRET' } }).getCredentials()).catch(
      (e: Error) => e,
    );
    expect(err).not.toBeInstanceOf(CredentialsProviderError);
    expect(String(err)).toMatch(/HTTP 401/);
    expect(String(err)).not.toContain('SECRET');
    ecs.authorization = undefined;
  });

  it('FULL_URI over http only to loopback, the ECS or the EKS agent (IP literals), as the AWS SDKs enforce', async () => {
    const ok = [
      'http://127.0.0.1:9/x',
      'http://127.1.2.3/x',
      'http://localhost/x',
      'http://[::1]/x',
      'http://169.254.170.2/x',
      'http://169.254.170.23/v1/credentials',
      'http://[fd00:ec2::23]/v1/credentials',
      'https://creds.example.com/x',
    ];
    for (const u of ok) {
      const seen: string[] = [];
      const p = containerCredentials({
        env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: u },
        fetch: async (url) => (seen.push(url), new Response(JSON.stringify({ AccessKeyId: 'A', SecretAccessKey: 'S' }))),
      });
      expect((await p.getCredentials()).accessKeyId, u).toBe('A');
    }
    for (const u of ['http://169.254.169.254/x', 'http://10.0.0.1/x', 'http://creds.example.com/x', 'ftp://127.0.0.1/x']) {
      const p = containerCredentials({ env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: u }, fetch: () => Promise.reject(new Error('must not fetch')) });
      await expect(
        Promise.resolve().then(() => p.getCredentials()),
        u,
      ).rejects.toThrow(/is not loopback|not a URL/);
    }
  });

  it('has none without the variables (a chain moves on); retries once after a 500; times out', async () => {
    expect(() => containerCredentials({ env: {} }).getCredentials()).toThrow(CredentialsProviderError);
    expect((await chainCredentials(containerCredentials({ env: {} }), staticCredentials({ accessKeyId: 'NEXT', secretAccessKey: 's' })).getCredentials()).accessKeyId).toBe('NEXT');
    ecs.failNext = 1;
    const before = ecs.requests.length;
    expect((await containerCredentials({ env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${ecs.url}/r` } }).getCredentials()).accessKeyId).toMatch(/^ASIA/);
    expect(ecs.requests.length - before).toBe(2);
    ecs.delayMs = 300;
    try {
      await expect(containerCredentials({ env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${ecs.url}/t` }, timeoutMs: 50 }).getCredentials()).rejects.toMatchObject({ name: 'TimeoutError' });
    } finally {
      ecs.delayMs = 0;
    }
  });
});

describe('instanceMetadataCredentials (IMDSv2)', () => {
  it('PUTs for a token (TTL header), lists the role and reads its JSON with the token; the fake answers 401 without it', async () => {
    const want = issued('IMDS');
    imds.issue = () => want;
    imds.requests.length = 0;
    const p = instanceMetadataCredentials({ env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url } });
    expect(await p.getCredentials()).toEqual(asProvided(want));
    expect(imds.requests.map((r) => [r.method, r.path])).toEqual([
      ['PUT', '/latest/api/token'],
      ['GET', '/latest/meta-data/iam/security-credentials/'],
      ['GET', '/latest/meta-data/iam/security-credentials/ec2-role'],
    ]);
    expect(imds.requests[0]!.headers['x-aws-ec2-metadata-token-ttl-seconds']).toBe('21600');
    const token = imds.requests[1]!.headers['x-aws-ec2-metadata-token'];
    expect(imds.tokens.has(token as string)).toBe(true);
    const bare = await fetch(`${imds.url}/latest/meta-data/iam/security-credentials/`);
    expect(bare.status).toBe(401);
  });

  it('refreshes before expiry reusing the token; a revoked token (401) gets a new one once', async () => {
    let now = Date.now();
    imds.issue = () => issued('IMDS', 3_600_000, now);
    imds.requests.length = 0;
    const p = instanceMetadataCredentials({ endpoint: imds.url, clock: () => now });
    const [a, b] = await Promise.all([p.getCredentials(), p.getCredentials()]);
    expect(b).toBe(a);
    now += 3_600_000 - 200_000;
    const c = await p.getCredentials();
    expect(c.accessKeyId).not.toBe(a.accessKeyId);
    expect(imds.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
    imds.tokens.clear(); // the service forgot it
    now += 3_600_000;
    expect((await p.getCredentials()).accessKeyId).not.toBe(c.accessKeyId);
    expect(imds.requests.filter((r) => r.method === 'PUT')).toHaveLength(2);
  });

  it('falls back to IMDSv1 only when asked (allowImdsV1) when the token PUT is refused', async () => {
    imds.tokenStatus = 403;
    try {
      await expect(instanceMetadataCredentials({ endpoint: imds.url }).getCredentials()).rejects.toThrow(/HTTP 403 \(IMDSv1 fallback is off\)/);
      imds.requests.length = 0;
      expect((await instanceMetadataCredentials({ endpoint: imds.url, allowImdsV1: true }).getCredentials()).accessKeyId).toMatch(/^ASIAIMDS/);
      expect(imds.requests.slice(1).every((r) => r.headers['x-aws-ec2-metadata-token'] === undefined)).toBe(true);
    } finally {
      imds.tokenStatus = 200;
    }
  });

  it('has none when disabled, when no service answers (not on EC2) or without a role; retries once after a 500', async () => {
    expect(() => instanceMetadataCredentials({ env: { AWS_EC2_METADATA_DISABLED: 'true', AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url } }).getCredentials()).toThrow(CredentialsProviderError);
    await expect(instanceMetadataCredentials({ endpoint: 'http://127.0.0.1:9', timeoutMs: 200 }).getCredentials()).rejects.toBeInstanceOf(CredentialsProviderError);
    imds.delayMs = 300;
    try {
      await expect(instanceMetadataCredentials({ endpoint: imds.url, timeoutMs: 50 }).getCredentials()).rejects.toBeInstanceOf(CredentialsProviderError);
    } finally {
      imds.delayMs = 0;
    }
    imds.role = undefined;
    try {
      await expect(instanceMetadataCredentials({ endpoint: imds.url }).getCredentials()).rejects.toThrow(/no IAM role/);
    } finally {
      imds.role = 'ec2-role';
    }
    imds.failNext = 1;
    expect((await instanceMetadataCredentials({ endpoint: imds.url }).getCredentials()).accessKeyId).toMatch(/^ASIAIMDS/);
  });

  it('the caller\'s abort is an abort, not "no credentials"', async () => {
    imds.delayMs = 300;
    const ac = new AbortController();
    try {
      const pending = Promise.resolve(instanceMetadataCredentials({ endpoint: imds.url, signal: ac.signal }).getCredentials());
      setTimeout(() => ac.abort(), 30);
      const err = await pending.catch((e: Error) => e);
      expect(err).not.toBeInstanceOf(CredentialsProviderError);
      expect((err as Error).name).toBe('AbortError');
    } finally {
      imds.delayMs = 0;
    }
  });
});

describe('interop: boto3 against the same fakes', () => {
  it.skipIf(!hasBoto3)('boto3 (container FULL_URI + token, then IMDS endpoint) gets what the providers get', async () => {
    const ecsWant = issued('ECSB');
    ecs.issue = () => ecsWant;
    ecs.authorization = 'Bearer shared';
    const ecsEnv = { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${ecs.url}/creds`, AWS_CONTAINER_AUTHORIZATION_TOKEN: 'Bearer shared' };
    const imdsWant = issued('IMDSB');
    imds.issue = () => imdsWant;
    const imdsEnv = { AWS_EC2_METADATA_SERVICE_ENDPOINT: `${imds.url}/` };
    const code = `${PY_PRINT_CREDS}import botocore.session\nout(botocore.session.get_session().get_credentials())`;
    try {
      expect(await python(code, ecsEnv)).toEqual(plain(await containerCredentials({ env: ecsEnv }).getCredentials()));
      expect(await python(code, imdsEnv)).toEqual(plain(await instanceMetadataCredentials({ env: imdsEnv }).getCredentials()));
    } finally {
      ecs.authorization = undefined;
    }
  });
});
