// End to end: an S3Client using each credentials provider signs requests the gateway (embedded
// store) accepts. The gateway's identities are plain keys (no session tokens), so the fakes issue
// the gateway's configured keys without a token; one case shows an issued session token is sent
// and checked (the gateway refuses a token it did not issue: InvalidToken).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assumeRoleCredentials,
  containerCredentials,
  defaultCredentials,
  instanceMetadataCredentials,
  minioConfigCredentials,
  processCredentials,
  S3Client,
  sharedFileCredentials,
  webIdentityCredentials,
  type CredentialsProvider,
} from '../src/node.js';
import { startFakeContainer, startFakeImds, startFakeSts, type FakeContainer, type FakeImds, type FakeSts, type Issued } from './credentials-fakes.js';
import { startLocalGateway, type LocalGateway } from './gateway-local.js';

let gw: LocalGateway;
let sts: FakeSts;
let ecs: FakeContainer;
let imds: FakeImds;
const dir = mkdtempSync(join(tmpdir(), 's3kit-creds-e2e-'));
const BUCKET = 'creds-e2e';

beforeAll(async () => {
  [gw, sts, ecs, imds] = await Promise.all([startLocalGateway(), startFakeSts(), startFakeContainer(), startFakeImds()]);
  const gatewayKeys = (): Issued => ({ accessKeyId: gw.accessKeyId, secretAccessKey: gw.secretAccessKey, expiration: new Date(Date.now() + 3_600_000) });
  sts.issue = ecs.issue = imds.issue = gatewayKeys;
  sts.signers.set('AKIASOURCE', { secretAccessKey: 'source-secret' });
  await gw.client().makeBucket(BUCKET);
});
afterAll(() => Promise.all([gw.close(), sts.close(), ecs.close(), imds.close()]));

/** Writes, reads back and lists through the gateway with a client on `provider`. */
async function roundTrip(name: string, provider: CredentialsProvider): Promise<void> {
  const s3 = new S3Client({ endpoint: gw.endpoint, region: 'us-east-1', credentials: provider });
  try {
    await s3.putObject(BUCKET, `${name}.txt`, `written with ${name}`);
    const body = await (await s3.getObject(BUCKET, `${name}.txt`)).text();
    expect(body).toBe(`written with ${name}`);
    expect((await s3.listBuckets()).map((b) => b.name)).toContain(BUCKET);
  } finally {
    await s3.close();
  }
}

describe('a client on each provider signs requests the gateway accepts', () => {
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('webIdentityCredentials', () => roundTrip('web-identity', webIdentityCredentials({ endpoint: sts.url, roleArn: 'arn:aws:iam::1:role/r', token: sts.webIdentityToken })));
  it('assumeRoleCredentials', () =>
    roundTrip('assume-role', assumeRoleCredentials({ endpoint: sts.url, sourceCredentials: { accessKeyId: 'AKIASOURCE', secretAccessKey: 'source-secret' }, roleArn: 'arn:aws:iam::1:role/r' })));
  it('containerCredentials', () => roundTrip('container', containerCredentials({ env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${ecs.url}/creds` } })));
  it('instanceMetadataCredentials', () => roundTrip('imds', instanceMetadataCredentials({ env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url } })));
  it('processCredentials', () =>
    roundTrip(
      'process',
      processCredentials({
        command: `${JSON.stringify(process.execPath)} -e ${JSON.stringify(`process.stdout.write(JSON.stringify({Version:1,AccessKeyId:${JSON.stringify(gw.accessKeyId)},SecretAccessKey:${JSON.stringify(gw.secretAccessKey)}}))`)}`,
      }),
    ));
  it('minioConfigCredentials', () => {
    mkdirSync(join(dir, 'mc'), { recursive: true });
    writeFileSync(
      join(dir, 'mc', 'config.json'),
      JSON.stringify({ version: '10', aliases: { s3: { url: gw.endpoint, accessKey: gw.accessKeyId, secretKey: gw.secretAccessKey, api: 'S3v4', path: 'auto' } } }),
    );
    return roundTrip('mc-config', minioConfigCredentials({ env: { MC_CONFIG_DIR: join(dir, 'mc') } }));
  });
  it('sharedFileCredentials with role_arn + source_profile', () =>
    roundTrip(
      'shared-role',
      sharedFileCredentials({
        profile: 'app',
        credentialsFile: file('credentials', '[src]\naws_access_key_id = AKIASOURCE\naws_secret_access_key = source-secret\n'),
        configFile: file('config', '[profile app]\nrole_arn = arn:aws:iam::1:role/app\nsource_profile = src\n'),
        env: { AWS_ENDPOINT_URL_STS: sts.url },
      }),
    ));
  it('defaultCredentials (reaching the instance metadata link)', () =>
    roundTrip('default', defaultCredentials({ credentialsFile: join(dir, 'none'), configFile: join(dir, 'none'), env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url } })));

  it('an issued session token is sent (x-amz-security-token) and checked: the gateway refuses one it did not issue (InvalidToken)', async () => {
    const withToken = webIdentityCredentials({ endpoint: sts.url, roleArn: 'arn:aws:iam::1:role/r', token: sts.webIdentityToken });
    const saved = sts.issue;
    sts.issue = () => ({ ...saved(), sessionToken: 'sts-session-token' });
    try {
      const s3 = new S3Client({ endpoint: gw.endpoint, region: 'us-east-1', credentials: withToken });
      await expect(s3.getObject(BUCKET, 'web-identity.txt')).rejects.toMatchObject({ code: 'InvalidToken' });
      await s3.close();
    } finally {
      sts.issue = saved;
    }
  });
});
