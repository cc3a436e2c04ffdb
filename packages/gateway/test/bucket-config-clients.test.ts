import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { isCi, rgwOrSkip } from '@s3kit/test-utils';
import * as Minio from 'minio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configUpstreamKinds } from './support/config-targets.js';
import { ADMIN, startGateway, type RunningGateway } from './support/gateway-server.js';
import type { Target } from './support/targets.js';

// The MinIO clients' bucket policy methods through the gateway, which answers them itself and
// keeps the policy in the upstream (the embedded store's data directory, a system bucket on RGW).

const PY = '/usr/bin/python3';
const MINIO_PY = fileURLToPath(new URL('../../../tooling/clients/minio-py', import.meta.url));
const PY_ENV = { PATH: '/usr/bin:/bin', PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: `${MINIO_PY}:${join(MINIO_PY, 'compat')}` };
const minioPyOk = existsSync(PY) && spawnSync(PY, ['-c', 'import minio'], { stdio: 'ignore', env: PY_ENV }).status === 0;
const pySkip = !minioPyOk && !isCi();
const AWS = '/usr/bin/aws';
const awsSkip = !existsSync(AWS) && !isCi();
const run = promisify(execFile);
const { rgw, reason } = await rgwOrSkip();
const V = '2012-10-17';

const KINDS = configUpstreamKinds(rgw, reason, 'clients');

const MINIO_PY_SCRIPT = `
import json, sys
from minio import Minio
from minio.error import S3Error
endpoint, ak, sk, bucket, policy = sys.argv[1:6]
c = Minio(endpoint, access_key=ak, secret_key=sk, secure=False, region='us-east-1')
out = {}
c.set_bucket_policy(bucket, policy)
out['get'] = json.loads(c.get_bucket_policy(bucket))
c.delete_bucket_policy(bucket)
try:
    c.get_bucket_policy(bucket)
    out['after_delete'] = 'still there'
except S3Error as e:
    out['after_delete'] = e.code
try:
    c.set_bucket_policy(bucket, '{"Version": "2012-10-17", "Statement": []}')
except S3Error as e:
    out['malformed'] = e.code
print(json.dumps(out))
`;

describe.each(KINDS)('MinIO clients: set/get/delete bucket policy through the gateway, upstream: %s', (_name, skip, make) => {
  let target: Target;
  let g: RunningGateway;
  const bucket = `bcfgcl-${Date.now().toString(36)}`;
  const policyFor = (sid: string) => ({ Version: V, Statement: [{ Sid: sid, Effect: 'Allow', Principal: { AWS: ['*'] }, Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${bucket}/*`] }] });
  beforeAll(async () => {
    if (skip) return;
    target = await make();
    g = await startGateway(target.upstream);
    await target.createBucket(bucket);
  });
  afterAll(async () => {
    await g?.close();
    await target?.close();
  });

  it.skipIf(skip)('minio-js setBucketPolicy / getBucketPolicy / setBucketPolicy("") round trip; anonymous reads follow', async () => {
    const port = Number(new URL(g.endpoint).port);
    const mc = new Minio.Client({ endPoint: '127.0.0.1', port, useSSL: false, accessKey: ADMIN.accessKeyId, secretKey: ADMIN.secretAccessKey, region: 'us-east-1', pathStyle: true });
    await mc.putObject(bucket, 'a.txt', Buffer.from('hi'));
    expect((await fetch(`${g.endpoint}/${bucket}/a.txt`)).status).toBe(403);
    const policy = JSON.stringify(policyFor('MinioJs'));
    await mc.setBucketPolicy(bucket, policy);
    expect(JSON.parse(await mc.getBucketPolicy(bucket))).toEqual(policyFor('MinioJs'));
    expect((await fetch(`${g.endpoint}/${bucket}/a.txt`)).status).toBe(200);
    // minio-js deletes with an empty policy (DELETE ?policy).
    await mc.setBucketPolicy(bucket, '');
    expect((await fetch(`${g.endpoint}/${bucket}/a.txt`)).status).toBe(403);
    await expect(mc.getBucketPolicy(bucket)).rejects.toMatchObject({ code: 'NoSuchBucketPolicy' });
  });

  it.skipIf(skip || awsSkip)(
    `awscli s3api: put-public-access-block, put-bucket-policy refused then accepted, get-bucket-policy-status, put/get-bucket-cors ${awsSkip ? '(skipped: awscli missing)' : ''}`,
    async () => {
      const work = await mkdtemp(join(tmpdir(), 's3kit-bcfg-aws-'));
      try {
        const cfg = join(work, 'config');
        await writeFile(cfg, '[default]\nregion = us-east-1\ns3 =\n  addressing_style = path\n');
        const env = {
          PATH: '/usr/bin:/bin',
          HOME: work,
          AWS_CONFIG_FILE: cfg,
          AWS_SHARED_CREDENTIALS_FILE: join(work, 'none'),
          AWS_ACCESS_KEY_ID: ADMIN.accessKeyId,
          AWS_SECRET_ACCESS_KEY: ADMIN.secretAccessKey,
          AWS_PAGER: '',
        };
        const aws = async (...args: string[]): Promise<{ out: string; err: string; ok: boolean }> => {
          try {
            const r = await run(AWS, ['--endpoint-url', g.endpoint, '--output', 'json', 's3api', ...args], { encoding: 'utf8', timeout: 60_000, env });
            return { out: r.stdout, err: r.stderr, ok: true };
          } catch (e) {
            return { out: '', err: String((e as { stderr?: string }).stderr), ok: false };
          }
        };
        const pab = 'BlockPublicAcls=false,IgnorePublicAcls=false,BlockPublicPolicy=true,RestrictPublicBuckets=false';
        expect((await aws('put-public-access-block', '--bucket', bucket, '--public-access-block-configuration', pab)).ok).toBe(true);
        expect(JSON.parse((await aws('get-public-access-block', '--bucket', bucket)).out)).toEqual({
          PublicAccessBlockConfiguration: { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: true, RestrictPublicBuckets: false },
        });
        const refused = await aws('put-bucket-policy', '--bucket', bucket, '--policy', JSON.stringify(policyFor('Cli')));
        expect([refused.ok, refused.err]).toEqual([false, expect.stringContaining('(AccessDenied)')]);
        expect((await aws('delete-public-access-block', '--bucket', bucket)).ok).toBe(true);
        expect((await aws('put-bucket-policy', '--bucket', bucket, '--policy', JSON.stringify(policyFor('Cli')))).ok).toBe(true);
        expect(JSON.parse((await aws('get-bucket-policy-status', '--bucket', bucket)).out)).toEqual({ PolicyStatus: { IsPublic: true } });
        const rules = { CORSRules: [{ AllowedOrigins: ['https://cli.example'], AllowedMethods: ['GET'], MaxAgeSeconds: 60 }] };
        expect((await aws('put-bucket-cors', '--bucket', bucket, '--cors-configuration', JSON.stringify(rules))).ok).toBe(true);
        expect(JSON.parse((await aws('get-bucket-cors', '--bucket', bucket)).out)).toEqual(rules);
        expect((await aws('delete-bucket-cors', '--bucket', bucket)).ok).toBe(true);
        expect((await aws('delete-bucket-policy', '--bucket', bucket)).ok).toBe(true);
        const gone = await aws('get-bucket-policy', '--bucket', bucket);
        expect(gone.err).toContain('(NoSuchBucketPolicy)');
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    },
    180_000,
  ); // awscli starts a Python interpreter per call (about 2 s each here)

  it.skipIf(skip || pySkip)(`minio-py set_bucket_policy / get_bucket_policy / delete_bucket_policy round trip ${pySkip ? "(skipped: minio-py's dependencies missing)" : ''}`, async () => {
    const r = await run(PY, ['-c', MINIO_PY_SCRIPT, g.endpoint.replace('http://', ''), ADMIN.accessKeyId, ADMIN.secretAccessKey, bucket, JSON.stringify(policyFor('MinioPy'))], {
      encoding: 'utf8',
      timeout: 60_000,
      env: PY_ENV,
    });
    expect(JSON.parse(r.stdout)).toEqual({ get: policyFor('MinioPy'), after_delete: 'NoSuchBucketPolicy', malformed: 'MalformedPolicy' });
  });
});
