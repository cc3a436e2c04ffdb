import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isCi, rgwOrSkip, AWS, PY, pythonClients } from '@s3kit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upstreamKinds, type Target } from './support/targets.js';
import { ADMIN, startGateway, type RunningGateway } from './support/gateway-server.js';

const { missing, skip, why } = pythonClients('awscli', 'boto3');
const { rgw, reason } = await rgwOrSkip();

// The gateway runs in this process: the clients must run asynchronously (spawnSync would block it).
const run = promisify(execFile);

const md5 = (b: Uint8Array): string => createHash('md5').update(b).digest('hex');
function pattern(size: number, mul: number, add: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * mul + add) & 0xff;
  return b;
}

for (const [name, noUpstream, make] of upstreamKinds(rgw, reason)) {
  describe.skipIf(skip || noUpstream)(`awscli and boto3 through the gateway to ${name} ${why}`, () => {
    let target: Target;
    let g: RunningGateway;
    let work: string;
    const bucket = `py-${Date.now().toString(36)}`;
    beforeAll(async () => {
      target = await make();
      g = await startGateway(target.upstream);
      await target.createBucket(bucket);
      work = await mkdtemp(join(tmpdir(), 's3kit-py-'));
    });
    afterAll(async () => {
      await g?.close();
      await target?.close();
      if (work) await rm(work, { recursive: true, force: true });
    });

    it('boto3: put/head/get/range/copy/multipart/list/presigned PUT+GET/SigV2/delete; bytes and metadata arrive upstream', async () => {
      const script = fileURLToPath(new URL('./support/boto3_client.py', import.meta.url));
      const r = await run(PY, [script, g.endpoint, ADMIN.accessKeyId, ADMIN.secretAccessKey, bucket, work], { encoding: 'utf8', timeout: 60_000, env: { PATH: '/usr/bin:/bin', HOME: work } });
      const out = JSON.parse(r.stdout) as Record<string, unknown>;
      const data = pattern(100_000, 7, 3);
      expect(out['put_etag']).toBe(`"${md5(data)}"`);
      expect(out['head']).toEqual({ length: 100_000, type: 'application/x-boto3', meta: { who: 'boto3' } });
      expect(out['get_md5']).toBe(md5(data));
      expect(out['range']).toBe(data.subarray(0, 10).toString('hex'));
      expect(String(out['multipart_etag'])).toMatch(/-2"$/);
      expect(out['list']).toEqual(['boto3/copy.bin', 'boto3/multipart.bin', 'boto3/put.bin']);
      expect(out['presigned_get']).toBe('presigned by boto3');
      expect(out['v2_get']).toBe('signed with v2');
      expect(out['deleted']).toBe(true);
      expect(out['missing_code']).toBe('NoSuchKey');
      await Promise.all([
        target.stored(bucket, 'boto3/put.bin').then((b) => expect(b?.equals(data)).toBe(true)),
        target.stored(bucket, 'boto3/multipart.bin').then((b) => expect(b?.equals(pattern(6 * 1024 * 1024, 13, 1))).toBe(true)),
        target.stored(bucket, 'boto3/copy.bin').then((b) => expect(b).toBeUndefined()),
      ]);
    });

    it('awscli: s3 cp (multipart), s3api put/head, s3 ls, presign, rm; bytes arrive upstream', async () => {
      const cfg = join(work, 'aws-config');
      await writeFile(cfg, '[default]\nregion = us-east-1\ns3 =\n  addressing_style = path\n  multipart_threshold = 5MB\n  multipart_chunksize = 5MB\n');
      const env = {
        PATH: '/usr/bin:/bin',
        HOME: work,
        AWS_CONFIG_FILE: cfg,
        AWS_SHARED_CREDENTIALS_FILE: join(work, 'none'),
        AWS_ACCESS_KEY_ID: ADMIN.accessKeyId,
        AWS_SECRET_ACCESS_KEY: ADMIN.secretAccessKey,
        AWS_PAGER: '',
      };
      const aws = async (...args: string[]): Promise<string> => (await run(AWS, ['--endpoint-url', g.endpoint, ...args], { encoding: 'utf8', timeout: 60_000, env })).stdout;
      const big = pattern(7 * 1024 * 1024, 5, 9);
      await writeFile(join(work, 'big.bin'), big);
      await aws('s3', 'cp', join(work, 'big.bin'), `s3://${bucket}/cli/big.bin`);
      expect((await target.stored(bucket, 'cli/big.bin'))?.equals(big)).toBe(true);
      await writeFile(join(work, 'small.txt'), 'small from awscli');
      await aws('s3api', 'put-object', '--bucket', bucket, '--key', 'cli/small.txt', '--body', join(work, 'small.txt'), '--content-type', 'text/x-cli', '--metadata', 'who=awscli');
      const head = JSON.parse(await aws('s3api', 'head-object', '--bucket', bucket, '--key', 'cli/small.txt')) as { ContentType: string; Metadata: Record<string, string> };
      expect(head).toMatchObject({ ContentType: 'text/x-cli', Metadata: { who: 'awscli' } });
      expect(await aws('s3', 'ls', `s3://${bucket}/cli/`)).toMatch(/big\.bin[\s\S]*small\.txt/);
      await aws('s3', 'cp', `s3://${bucket}/cli/big.bin`, join(work, 'back.bin'));

      const url = (await aws('s3', 'presign', `s3://${bucket}/cli/small.txt`, '--expires-in', '300')).trim();
      expect(await (await fetch(url)).text()).toBe('small from awscli');
      await aws('s3', 'rm', `s3://${bucket}/cli/small.txt`);
      expect(await target.stored(bucket, 'cli/small.txt')).toBeUndefined();
    });
  });
}

it('the Python clients are installed where the tests must run (CI)', () => {
  if (isCi()) expect(missing).toEqual([]);
  else expect(Array.isArray(missing)).toBe(true);
});
