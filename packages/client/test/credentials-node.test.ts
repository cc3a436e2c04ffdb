// Node-only providers: credential_process, the MinIO client config file, the shared files'
// role profiles and the default chain, against local fakes; boto3 and minio-py read the same files.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialsProviderError, defaultCredentials, minioConfigCredentials, processCredentials, sharedFileCredentials } from '../src/node.js';
import { hasBoto3 } from './boto3.js';
import { issued, PY_PRINT_CREDS, python, startFakeContainer, startFakeImds, startFakeSts, type FakeContainer, type FakeImds, type FakeSts } from './credentials-fakes.js';

const MINIO_PY = fileURLToPath(new URL('../../../tooling/clients/minio-py', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 's3kit-creds-node-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const q = (s: string) => JSON.stringify(s);

// A credential_process: prints the JSON in its state file (or fails, printing a secret on stderr).
const SCRIPT = file(
  'cred-proc.mjs',
  `import { readFileSync, writeFileSync, existsSync } from 'node:fs';
const [state, label] = process.argv.slice(2);
const s = JSON.parse(readFileSync(state, 'utf8'));
if (s.fail) { process.stderr.write('SECRET-IN-STDERR'); process.exit(3); }
if (s.sleep) await new Promise((r) => setTimeout(r, s.sleep));
s.runs = (s.runs ?? 0) + 1;
writeFileSync(state, JSON.stringify(s));
process.stdout.write(JSON.stringify({ Version: s.version ?? 1, AccessKeyId: 'PROC' + s.runs, SecretAccessKey: 'proc-secret ' + label, SessionToken: 'proc-token', ...(s.expiration ? { Expiration: s.expiration } : {}) }));
`,
);
const procState = (state: Record<string, unknown>) => file(`state-${Math.random().toString(36).slice(2)}.json`, JSON.stringify(state));
const procLine = (state: string) => `${q(process.execPath)} ${SCRIPT} ${q(state)} 'label with spaces'`;
const noFiles = { credentialsFile: join(dir, 'none-c'), configFile: join(dir, 'none-f') };

describe('processCredentials (credential_process)', () => {
  it("runs the profile's credential_process without a shell (quoted words intact) and parses Version 1", async () => {
    const state = procState({});
    const configFile = file('config-proc', `[profile tool]\nregion = eu-west-1\ncredential_process = ${procLine(state)}\n`);
    const p = processCredentials({ profile: 'tool', configFile, credentialsFile: noFiles.credentialsFile, env: {} });
    expect(await p.getCredentials()).toEqual({ accessKeyId: 'PROC1', secretAccessKey: 'proc-secret label with spaces', sessionToken: 'proc-token' });
    expect((await p.getCredentials()).accessKeyId).toBe('PROC1'); // no Expiration: kept
  });

  it('runs again before Expiration (fake clock)', async () => {
    let now = Date.UTC(2030, 0, 1);
    const state = procState({ expiration: new Date(now + 3_600_000).toISOString() });
    const p = processCredentials({ command: procLine(state), clock: () => now });
    const a = await p.getCredentials();
    expect(a).toMatchObject({ accessKeyId: 'PROC1', expiration: new Date(now + 3_600_000) });
    now += 3_600_000 - 299_000;
    expect((await p.getCredentials()).accessKeyId).toBe('PROC2');
  });

  it('fails clearly: exit code without stderr, wrong Version, timeout, missing command; none without credential_process', async () => {
    const e1 = await Promise.resolve(processCredentials({ command: procLine(procState({ fail: true })) }).getCredentials()).catch((e: Error) => e);
    expect(String(e1)).toMatch(/exited with code 3/);
    expect(String(e1)).not.toContain('SECRET');
    await expect(processCredentials({ command: procLine(procState({ version: 2 })) }).getCredentials()).rejects.toThrow(/unsupported Version 2/);
    await expect(processCredentials({ command: procLine(procState({ sleep: 2000 })), timeoutMs: 200 }).getCredentials()).rejects.toThrow(/did not finish within 200 ms/);
    await expect(processCredentials({ command: '/nonexistent/tool --x' }).getCredentials()).rejects.toThrow(/not found/);
    await expect(processCredentials({ ...noFiles, env: {} }).getCredentials()).rejects.toBeInstanceOf(CredentialsProviderError);
  });

  it.skipIf(!hasBoto3)('boto3 reads the same credential_process and gets the same keys', async () => {
    const state = procState({ expiration: '2099-01-01T00:00:00Z' });
    const configFile = file('config-proc-boto', `[profile tool]\ncredential_process = ${procLine(state)}\n`);
    const boto = await python(`${PY_PRINT_CREDS}import botocore.session\nout(botocore.session.Session(profile='tool').get_credentials())`, { AWS_CONFIG_FILE: configFile });
    const ours = await processCredentials({ profile: 'tool', configFile, credentialsFile: noFiles.credentialsFile, env: {} }).getCredentials();
    expect(boto).toEqual({ accessKeyId: 'PROC1', secretAccessKey: ours.secretAccessKey, sessionToken: 'proc-token' });
    expect(ours.accessKeyId).toBe('PROC2'); // one run each
  });
});

describe('minioConfigCredentials (mc config.json)', () => {
  const mcDir = join(dir, 'mc');
  const config = {
    version: '10',
    aliases: {
      s3: { url: 'https://s3.amazonaws.com', accessKey: 'MCS3', secretKey: 'mc-s3-secret', api: 's3v4', path: 'dns' },
      local: { url: 'http://localhost:9000', accessKey: 'MCLOCAL', secretKey: 'mc-local-secret', sessionToken: 'mc-tok', api: 'S3v4', path: 'auto' },
    },
  };
  beforeAll(() => {
    mkdirSync(mcDir, { recursive: true });
    writeFileSync(join(mcDir, 'config.json'), JSON.stringify(config));
  });

  it('reads alias s3 by default ($MC_CONFIG_DIR), $MINIO_ALIAS or the alias option; old files keep "hosts"', async () => {
    expect(await minioConfigCredentials({ env: { MC_CONFIG_DIR: mcDir } }).getCredentials()).toEqual({ accessKeyId: 'MCS3', secretAccessKey: 'mc-s3-secret' });
    expect(await minioConfigCredentials({ env: { MC_CONFIG_DIR: mcDir, MINIO_ALIAS: 'local' } }).getCredentials()).toEqual({
      accessKeyId: 'MCLOCAL',
      secretAccessKey: 'mc-local-secret',
      sessionToken: 'mc-tok',
    });
    expect((await minioConfigCredentials({ env: { HOME: dir }, file: join(mcDir, 'config.json'), alias: 'local' }).getCredentials()).accessKeyId).toBe('MCLOCAL');
    const old = file('mc-old.json', JSON.stringify({ version: '9', hosts: { s3: { accessKey: 'OLD', secretKey: 'old-secret' } } }));
    expect((await minioConfigCredentials({ file: old }).getCredentials()).accessKeyId).toBe('OLD');
    // ~/.mc/config.json from HOME
    const home = join(dir, 'home');
    mkdirSync(join(home, '.mc'), { recursive: true });
    writeFileSync(join(home, '.mc', 'config.json'), JSON.stringify(config));
    expect((await minioConfigCredentials({ env: { HOME: home } }).getCredentials()).accessKeyId).toBe('MCS3');
  });

  it('has none without the file or the alias; a broken file is an error', async () => {
    await expect(minioConfigCredentials({ file: join(dir, 'missing.json') }).getCredentials()).rejects.toBeInstanceOf(CredentialsProviderError);
    await expect(minioConfigCredentials({ env: { MC_CONFIG_DIR: mcDir }, alias: 'nope' }).getCredentials()).rejects.toBeInstanceOf(CredentialsProviderError);
    const broken = file('mc-broken.json', '{"aliases": ');
    const err = await Promise.resolve(minioConfigCredentials({ file: broken }).getCredentials()).catch((e: Error) => e);
    expect(err).not.toBeInstanceOf(CredentialsProviderError);
  });

  it.skipIf(!hasBoto3)("minio-py's MinioClientConfigProvider reads the same file the same way", async () => {
    const got = await python(
      `import json\nfrom minio.credentials.providers import MinioClientConfigProvider\nout = {}\nfor a in [None, 'local']:\n    c = MinioClientConfigProvider(filename=${q(join(mcDir, 'config.json'))}, alias=a).retrieve()\n    out[a or 's3'] = [c.access_key, c.secret_key]\nprint(json.dumps(out))`,
      { PYTHONPATH: `${MINIO_PY}:${join(MINIO_PY, 'compat')}` },
    );
    const ours = async (alias: string) => {
      const c = await minioConfigCredentials({ file: join(mcDir, 'config.json'), alias }).getCredentials();
      return [c.accessKeyId, c.secretAccessKey];
    };
    expect(got).toEqual({ s3: await ours('s3'), local: await ours('local') });
  });
});

describe('sharedFileCredentials: role profiles; defaultCredentials: the AWS SDK chain', () => {
  let sts: FakeSts;
  let ecs: FakeContainer;
  let imds: FakeImds;
  beforeAll(async () => {
    [sts, ecs, imds] = await Promise.all([startFakeSts('eu-west-1'), startFakeContainer(), startFakeImds()]);
    sts.signers.set('AKIABASE', { secretAccessKey: 'base-secret' });
  });
  afterAll(() => Promise.all([sts.close(), ecs.close(), imds.close()]));

  it('role_arn + source_profile assumes the role signed with the source keys (region from the profile); external_id, role_session_name, duration_seconds', async () => {
    const credentialsFile = file('creds-roles', '[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = base-secret\n');
    const configFile = file(
      'config-roles',
      '[profile admin]\nregion = eu-west-1\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = base\nexternal_id = ext-9\nrole_session_name = me\nduration_seconds = 1200\n',
    );
    const want = issued('ROLE');
    sts.issue = () => want;
    sts.calls.length = 0;
    const p = sharedFileCredentials({ profile: 'admin', credentialsFile, configFile, env: { AWS_ENDPOINT_URL_STS: sts.url } });
    expect((await p.getCredentials()).accessKeyId).toBe(want.accessKeyId);
    expect(sts.calls[0]).toEqual({ Action: 'AssumeRole', Version: '2011-06-15', RoleArn: 'arn:aws:iam::123456789012:role/admin', RoleSessionName: 'me', DurationSeconds: '1200', ExternalId: 'ext-9' });
    expect(sts.requests.at(-1)!.headers.authorization).toContain('/eu-west-1/sts/aws4_request');
    // mfa_serial without a code source is refused; with one the code is sent.
    const mfaConfig = file('config-mfa', '[profile mfa]\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/me\nregion = eu-west-1\n');
    await expect(sharedFileCredentials({ profile: 'mfa', credentialsFile, configFile: mfaConfig, env: { AWS_ENDPOINT_URL_STS: sts.url } }).getCredentials()).rejects.toThrow(/MFA/);
    await sharedFileCredentials({ profile: 'mfa', credentialsFile, configFile: mfaConfig, stsEndpoint: sts.url, env: {}, mfaCode: () => '654321' }).getCredentials();
    expect(sts.calls.at(-1)).toMatchObject({ SerialNumber: 'arn:aws:iam::123456789012:mfa/me', TokenCode: '654321' });
  });

  it('web_identity_token_file profiles and credential_process profiles', async () => {
    const token = file('wi-token', `${sts.webIdentityToken}\n`);
    const state = procState({});
    const configFile = file('config-wi', `[profile wi]\nrole_arn = arn:aws:iam::123456789012:role/wi\nweb_identity_token_file = ${token}\n\n[profile proc]\ncredential_process = ${procLine(state)}\n`);
    sts.calls.length = 0;
    expect((await sharedFileCredentials({ profile: 'wi', configFile, credentialsFile: noFiles.credentialsFile, env: { AWS_ENDPOINT_URL_STS: sts.url } }).getCredentials()).accessKeyId).toMatch(
      /^ASIA/,
    );
    expect(sts.calls[0]).toMatchObject({ Action: 'AssumeRoleWithWebIdentity', RoleArn: 'arn:aws:iam::123456789012:role/wi', WebIdentityToken: sts.webIdentityToken });
    expect((await sharedFileCredentials({ profile: 'proc', configFile, credentialsFile: noFiles.credentialsFile, env: {} }).getCredentials()).accessKeyId).toBe('PROC1');
  });

  it.skipIf(!hasBoto3)('boto3 resolves the same role_arn + source_profile profile through the same fake STS to the same keys', async () => {
    const credentialsFile = file('creds-boto-role', '[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = base-secret\n');
    const configFile = file('config-boto-role', '[profile admin]\nregion = eu-west-1\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = base\n');
    const want = issued('BOTOROLE');
    sts.issue = () => want;
    // botocore 1.29 has no AWS_ENDPOINT_URL_STS: its assume-role fetcher gets the endpoint through a patched client creator.
    const boto = await python(
      `${PY_PRINT_CREDS}import botocore.session\ns = botocore.session.Session(profile='admin')\norig = s.create_client\ns.create_client = lambda *a, **k: orig(*a, **{**k, 'endpoint_url': ${q(sts.url)}})\nout(s.get_credentials())`,
      { AWS_CONFIG_FILE: configFile, AWS_SHARED_CREDENTIALS_FILE: credentialsFile },
    );
    const ours = await sharedFileCredentials({ profile: 'admin', credentialsFile, configFile, env: { AWS_ENDPOINT_URL_STS: sts.url } }).getCredentials();
    expect(boto).toEqual({ accessKeyId: ours.accessKeyId, secretAccessKey: ours.secretAccessKey, sessionToken: ours.sessionToken });
  });

  it('defaultCredentials: env, then shared file, then web identity, then container, then instance metadata; the first with credentials wins', async () => {
    const imdsOnly = { ...noFiles, env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url } };
    expect((await defaultCredentials(imdsOnly).getCredentials()).accessKeyId).toMatch(/^ASIAIMDS/);
    const containerToo = { ...imdsOnly, env: { ...imdsOnly.env, AWS_CONTAINER_CREDENTIALS_FULL_URI: `${ecs.url}/c` } };
    expect((await defaultCredentials(containerToo).getCredentials()).accessKeyId).toMatch(/^ASIAECS/);
    const wiToo = {
      ...containerToo,
      env: { ...containerToo.env, AWS_WEB_IDENTITY_TOKEN_FILE: file('wi-token-2', sts.webIdentityToken), AWS_ROLE_ARN: 'arn:aws:iam::1:role/x', AWS_ENDPOINT_URL_STS: sts.url },
    };
    sts.issue = () => issued('WIENV');
    expect((await defaultCredentials(wiToo).getCredentials()).accessKeyId).toMatch(/^ASIAWIENV/);
    const fileToo = { ...wiToo, credentialsFile: file('creds-default', '[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = file-secret\n') };
    expect((await defaultCredentials(fileToo).getCredentials()).accessKeyId).toBe('FILEKEY');
    const envToo = { ...fileToo, env: { ...fileToo.env, AWS_ACCESS_KEY_ID: 'ENVKEY', AWS_SECRET_ACCESS_KEY: 'env-secret' } };
    expect((await defaultCredentials(envToo).getCredentials()).accessKeyId).toBe('ENVKEY');
  });

  it('defaultCredentials with nothing anywhere (IMDS unreachable) has none, naming each link', async () => {
    const err = await Promise.resolve(defaultCredentials({ ...noFiles, timeoutMs: 200, env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://127.0.0.1:9' } }).getCredentials()).catch((e: Error) => e);
    expect(err).toBeInstanceOf(CredentialsProviderError);
    expect((err as Error).message).toMatch(/AWS_ACCESS_KEY_ID.*no profile "default".*AWS_WEB_IDENTITY_TOKEN_FILE.*AWS_CONTAINER_CREDENTIALS.*instance metadata service/);
    // A real error in a link (a container endpoint refusing its token) stops the chain.
    ecs.authorization = 'needed';
    try {
      await expect(defaultCredentials({ ...noFiles, env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${ecs.url}/c`, AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url } }).getCredentials()).rejects.toThrow(
        /HTTP 401/,
      );
    } finally {
      ecs.authorization = undefined;
    }
  });
});
