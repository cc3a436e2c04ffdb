// webIdentityCredentials and assumeRoleCredentials against a fake STS (test/credentials-fakes.ts)
// that follows the STS query API and verifies AssumeRole's SigV4 signature (service sts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assumeRoleCredentials, chainCredentials, CredentialsProviderError, StsError, webIdentityCredentials } from '../src/index.js';
import { hasBoto3 } from './boto3.js';
import { asProvided, issued, python, startFakeSts, type FakeSts } from './credentials-fakes.js';

let sts: FakeSts;
beforeAll(async () => {
  sts = await startFakeSts();
  sts.signers.set('AKIASOURCE', { secretAccessKey: 'source-secret' });
  sts.signers.set('ASIASOURCETEMP', { secretAccessKey: 'temp-secret', sessionToken: 'source-session-token' });
});
afterAll(() => sts.close());

const ROLE = 'arn:aws:iam::123456789012:role/demo';

describe('webIdentityCredentials (STS AssumeRoleWithWebIdentity)', () => {
  it('posts the documented form and returns the issued credentials with their expiration', async () => {
    const want = issued('WI');
    sts.issue = () => want;
    sts.calls.length = 0;
    const p = webIdentityCredentials({
      endpoint: sts.url,
      roleArn: ROLE,
      token: sts.webIdentityToken,
      roleSessionName: 'app1',
      durationSeconds: 900,
      policy: '{"Version":"2012-10-17"}',
      policyArns: ['arn:aws:iam::aws:policy/ReadOnly'],
    });
    expect(await p.getCredentials()).toEqual(asProvided(want));
    expect(sts.calls).toEqual([
      {
        Action: 'AssumeRoleWithWebIdentity',
        Version: '2011-06-15',
        RoleArn: ROLE,
        RoleSessionName: 'app1',
        DurationSeconds: '900',
        Policy: '{"Version":"2012-10-17"}',
        'PolicyArns.member.1.arn': 'arn:aws:iam::aws:policy/ReadOnly',
        WebIdentityToken: sts.webIdentityToken,
      },
    ]);
    expect(sts.requests.at(-1)!.headers['content-type']).toBe('application/x-www-form-urlencoded; charset=utf-8');
  });

  it('refreshes before expiry with a fake clock, reading the token function again; concurrent callers share one call', async () => {
    let now = Date.now();
    let tokenReads = 0;
    sts.issue = () => issued('WI', 3_600_000, now);
    sts.calls.length = 0;
    const p = webIdentityCredentials({ endpoint: sts.url, roleArn: ROLE, clock: () => now, token: () => (tokenReads++, sts.webIdentityToken) });
    const first = await Promise.all([p.getCredentials(), p.getCredentials(), p.getCredentials()]);
    expect(new Set(first.map((c) => c.accessKeyId)).size).toBe(1);
    expect([sts.calls.length, tokenReads]).toEqual([1, 1]);
    now += 3_600_000 - 300_000 - 1000; // 5 min 1 s before expiry: still fresh
    expect((await p.getCredentials()).accessKeyId).toBe(first[0]!.accessKeyId);
    now += 2000; // inside the 5-minute window
    const [a, b] = await Promise.all([p.getCredentials(), p.getCredentials()]);
    expect(a.accessKeyId).not.toBe(first[0]!.accessKeyId);
    expect(b).toBe(a);
    expect([sts.calls.length, tokenReads]).toEqual([2, 2]);
    expect(sts.calls[0]!['RoleSessionName']).toMatch(/^s3kit-\d+$/);
  });

  it("throws STS's error code (InvalidIdentityToken, 400) without the token in the message", async () => {
    const p = webIdentityCredentials({ endpoint: sts.url, roleArn: ROLE, token: 'not-the-token-SECRET' });
    const err = await Promise.resolve(p.getCredentials()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StsError);
    expect(err).not.toBeInstanceOf(CredentialsProviderError);
    expect([(err as StsError).code, (err as StsError).statusCode, (err as StsError).requestId]).toEqual(['InvalidIdentityToken', 400, '4fd0a1b2-0000-4000-8000-000000000001']);
    expect(String((err as Error).message)).not.toContain('SECRET');
    // A real error stops a chain (it is not "no credentials here").
    await expect(chainCredentials(p).getCredentials()).rejects.toBeInstanceOf(StsError);
  });

  it('times out (timeoutMs) and honours the signal; a later call retries', async () => {
    sts.delayMs = 400;
    try {
      const p = webIdentityCredentials({ endpoint: sts.url, roleArn: ROLE, token: sts.webIdentityToken, timeoutMs: 100 });
      await expect(p.getCredentials()).rejects.toMatchObject({ name: 'TimeoutError' });
      const ac = new AbortController();
      const q = webIdentityCredentials({ endpoint: sts.url, roleArn: ROLE, token: sts.webIdentityToken, signal: ac.signal });
      const pending = Promise.resolve(q.getCredentials());
      setTimeout(() => ac.abort(), 50);
      await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
      sts.delayMs = 0;
      expect((await p.getCredentials()).accessKeyId).toMatch(/^ASIA/);
    } finally {
      sts.delayMs = 0;
    }
  });

  it('an STS that does not answer is a real error naming the endpoint', async () => {
    const p = webIdentityCredentials({ endpoint: 'http://127.0.0.1:9', roleArn: ROLE, token: 'x' });
    await expect(p.getCredentials()).rejects.toThrow(/^POST http:\/\/127\.0\.0\.1:9\/ failed: /);
  });

  it('refuses a missing token up front', () => {
    expect(() => webIdentityCredentials({ endpoint: sts.url, roleArn: ROLE, token: '' })).toThrow(TypeError);
  });
});

describe('assumeRoleCredentials (STS AssumeRole, SigV4 service sts)', () => {
  it('signs with the source credentials (verified by the fake STS) and sends the role parameters', async () => {
    const want = issued('AR');
    sts.issue = () => want;
    sts.calls.length = 0;
    const p = assumeRoleCredentials({
      endpoint: sts.url,
      region: 'us-east-1',
      sourceCredentials: { accessKeyId: 'AKIASOURCE', secretAccessKey: 'source-secret' },
      roleArn: ROLE,
      roleSessionName: 'ops',
      externalId: 'ext-123',
      durationSeconds: 1800,
      serialNumber: 'arn:aws:iam::123456789012:mfa/user',
      tokenCode: async () => '123456',
      sourceIdentity: 'alice',
    });
    expect(await p.getCredentials()).toEqual(asProvided(want));
    expect(sts.calls).toEqual([
      {
        Action: 'AssumeRole',
        Version: '2011-06-15',
        RoleArn: ROLE,
        RoleSessionName: 'ops',
        DurationSeconds: '1800',
        ExternalId: 'ext-123',
        SerialNumber: 'arn:aws:iam::123456789012:mfa/user',
        TokenCode: '123456',
        SourceIdentity: 'alice',
      },
    ]);
    expect(sts.requests.at(-1)!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIASOURCE\/\d{8}\/us-east-1\/sts\/aws4_request, SignedHeaders=/);
  });

  it('signs the source session token (x-amz-security-token) and takes a provider as the source', async () => {
    let sourceCalls = 0;
    const p = assumeRoleCredentials({
      endpoint: sts.url,
      sourceCredentials: { getCredentials: async () => (sourceCalls++, { accessKeyId: 'ASIASOURCETEMP', secretAccessKey: 'temp-secret', sessionToken: 'source-session-token' }) },
      roleArn: ROLE,
    });
    expect((await p.getCredentials()).accessKeyId).toMatch(/^ASIA/);
    expect(sourceCalls).toBe(1);
    expect(sts.requests.at(-1)!.headers['x-amz-security-token']).toBe('source-session-token');
  });

  it("MinIO's STS AssumeRole: same wire format, no RoleArn, the endpoint is the server", async () => {
    sts.calls.length = 0;
    const p = assumeRoleCredentials({ endpoint: `${sts.url}/`, sourceCredentials: { accessKeyId: 'AKIASOURCE', secretAccessKey: 'source-secret' }, durationSeconds: 3600, policy: '{"Statement":[]}' });
    expect((await p.getCredentials()).sessionToken).toMatch(/^token-/);
    expect(sts.calls[0]).toMatchObject({ Action: 'AssumeRole', Version: '2011-06-15', DurationSeconds: '3600', Policy: '{"Statement":[]}' });
    expect(sts.calls[0]).not.toHaveProperty('RoleArn');
  });

  it('a wrong secret is SignatureDoesNotMatch (403), an unknown key InvalidClientTokenId; no secret in messages', async () => {
    const bad = assumeRoleCredentials({ endpoint: sts.url, sourceCredentials: { accessKeyId: 'AKIASOURCE', secretAccessKey: 'WRONG-SECRET' }, roleArn: ROLE });
    await expect(bad.getCredentials()).rejects.toMatchObject({ name: 'StsError', code: 'SignatureDoesNotMatch', statusCode: 403 });
    const err = await Promise.resolve(bad.getCredentials()).catch((e: Error) => e);
    expect(String(err)).not.toContain('WRONG-SECRET');
    const unknown = assumeRoleCredentials({ endpoint: sts.url, sourceCredentials: { accessKeyId: 'AKIANOBODY', secretAccessKey: 'x' }, roleArn: ROLE });
    await expect(unknown.getCredentials()).rejects.toMatchObject({ code: 'InvalidClientTokenId' });
  });

  it('a failing source provider fails the call (its error, as is); MFA without a code is refused up front', async () => {
    const p = assumeRoleCredentials({
      endpoint: sts.url,
      sourceCredentials: {
        getCredentials: () => {
          throw new CredentialsProviderError('no source');
        },
      },
      roleArn: ROLE,
    });
    await expect(p.getCredentials()).rejects.toBeInstanceOf(CredentialsProviderError);
    expect(() => assumeRoleCredentials({ sourceCredentials: { accessKeyId: 'a', secretAccessKey: 'b' }, serialNumber: 'arn:mfa' })).toThrow(/tokenCode/);
  });

  it('a non-XML failure status becomes StsError "HTTP 500" after the answer', async () => {
    sts.failNext = 1;
    const p = assumeRoleCredentials({ endpoint: sts.url, sourceCredentials: { accessKeyId: 'AKIASOURCE', secretAccessKey: 'source-secret' }, roleArn: ROLE });
    await expect(p.getCredentials()).rejects.toMatchObject({ code: 'HTTP 500', statusCode: 500 });
  });
});

describe('interop: boto3 against the same fake STS', () => {
  it.skipIf(!hasBoto3)("boto3's assume_role (its signature verified by the fake) and assume_role_with_web_identity get what the providers get", async () => {
    const want = issued('BOTO');
    sts.issue = () => want;
    const ours = {
      ar: await assumeRoleCredentials({
        endpoint: sts.url,
        sourceCredentials: { accessKeyId: 'AKIASOURCE', secretAccessKey: 'source-secret' },
        roleArn: ROLE,
        roleSessionName: 'app-session',
      }).getCredentials(),
      wi: await webIdentityCredentials({ endpoint: sts.url, roleArn: ROLE, token: sts.webIdentityToken, roleSessionName: 'app-session' }).getCredentials(),
    };
    const code = `import boto3, json
sts = boto3.client('sts', endpoint_url=${JSON.stringify(sts.url)}, region_name='us-east-1', aws_access_key_id='AKIASOURCE', aws_secret_access_key='source-secret')
a = sts.assume_role(RoleArn=${JSON.stringify(ROLE)}, RoleSessionName='app-session')['Credentials']
w = sts.assume_role_with_web_identity(RoleArn=${JSON.stringify(ROLE)}, RoleSessionName='app-session', WebIdentityToken=${JSON.stringify(sts.webIdentityToken)})['Credentials']
f = lambda c: {'accessKeyId': c['AccessKeyId'], 'secretAccessKey': c['SecretAccessKey'], 'sessionToken': c['SessionToken'], 'expiration': c['Expiration'].isoformat()}
print(json.dumps({'ar': f(a), 'wi': f(w)}))`;
    const boto = (await python(code)) as Record<'ar' | 'wi', Record<string, string>>;
    for (const k of ['ar', 'wi'] as const) {
      expect({ ...boto[k], expiration: new Date(boto[k]['expiration']!) }).toEqual(ours[k]);
    }
  });
});
