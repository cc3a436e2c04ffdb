// minio-py's bucket configuration methods (tags, notification, replication) and awscli's
// `s3api` configuration commands through the gateway on both upstream kinds: the embedded store
// and Ceph RGW. The minio-py driver (support/minio_config.py) records every call's result or S3
// error code; the assertions are here, RGW's differences from AWS stated per case.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { rgwOrSkip, AWS, MINIO_PY_ENV as PY_ENV, PY, pythonClients } from '@s3kit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startGateway, type RunningGateway } from './support/gateway-server.js';
import { upstreamKinds, type Target } from './support/targets.js';

// minio-py is vendored in tooling/clients/minio-py; its dependencies are Debian's (tooling/scripts/py-clients.sh).
const { skip, why } = pythonClients('awscli', 'minio-py');
const { rgw, reason } = await rgwOrSkip();

const run = promisify(execFile);
const DRIVER = fileURLToPath(new URL('./support/minio_config.py', import.meta.url));
let serial = 0;
const bucketName = (what: string): string => `pc-${what}-${Date.now().toString(36)}-${serial++}`;

for (const [name, noUpstream, make] of upstreamKinds(rgw, reason)) {
  const onRgw = name.startsWith('Ceph RGW');
  describe.skipIf(skip || noUpstream)(`minio-py and awscli bucket configuration through the gateway to ${name} ${why}`, () => {
    let target: Target;
    let g: RunningGateway;
    let work: string;
    beforeAll(async () => {
      target = await make();
      g = await startGateway(target.upstream);
      work = await mkdtemp(join(tmpdir(), 's3kit-pyc-'));
    });
    afterAll(async () => {
      await g?.close();
      await target?.close();
      if (work) await rm(work, { recursive: true, force: true });
    });

    /** `aws s3api ...`: its JSON output, or the S3 error code it failed with. */
    async function s3api(...args: string[]): Promise<Record<string, unknown> | string> {
      const cfg = join(work, 'aws-config');
      await writeFile(cfg, '[default]\nregion = us-east-1\ns3 =\n  addressing_style = path\n');
      const env = {
        PATH: '/usr/bin:/bin',
        HOME: work,
        AWS_CONFIG_FILE: cfg,
        AWS_SHARED_CREDENTIALS_FILE: join(work, 'none'),
        AWS_ACCESS_KEY_ID: ADMIN.accessKeyId,
        AWS_SECRET_ACCESS_KEY: ADMIN.secretAccessKey,
        AWS_PAGER: '',
        AWS_MAX_ATTEMPTS: '1',
      };
      try {
        const { stdout } = await run(AWS, ['--endpoint-url', g.endpoint, '--output', 'json', 's3api', ...args], { encoding: 'utf8', timeout: 60_000, env });
        return stdout.trim() === '' ? {} : (JSON.parse(stdout) as Record<string, unknown>);
      } catch (e) {
        const code = /An error occurred \(([^)]+)\)/.exec(String((e as { stderr?: string }).stderr ?? e))?.[1];
        if (code === undefined) throw e;
        return code;
      }
    }

    async function minioPy(scenario: string): Promise<Record<string, unknown>> {
      const args = [DRIVER, g.endpoint.replace(/^http:\/\//, ''), ADMIN.accessKeyId, ADMIN.secretAccessKey, bucketName(scenario), scenario];
      const r = await run(PY, args, { encoding: 'utf8', timeout: 60_000, env: PY_ENV });
      return JSON.parse(r.stdout) as Record<string, unknown>;
    }

    it('awscli s3api: bucket tagging, website, logging, request payment, acceleration, restore-object', async () => {
      const bucket = bucketName('cli');
      const b = ['--bucket', bucket];
      expect(await s3api('create-bucket', ...b)).toMatchObject({});
      const r: Record<string, unknown> = {};
      r['putTags'] = await s3api('put-bucket-tagging', ...b, '--tagging', 'TagSet=[{Key=a,Value=1},{Key=b,Value=2}]');
      r['getTags'] = await s3api('get-bucket-tagging', ...b);
      r['deleteTags'] = await s3api('delete-bucket-tagging', ...b);
      r['getTags2'] = await s3api('get-bucket-tagging', ...b);
      r['putWebsite'] = await s3api('put-bucket-website', ...b, '--website-configuration', '{"IndexDocument":{"Suffix":"index.html"}}');
      r['getWebsite'] = await s3api('get-bucket-website', ...b);
      r['getLogging'] = await s3api('get-bucket-logging', ...b);
      r['putPayment'] = await s3api('put-bucket-request-payment', ...b, '--request-payment-configuration', 'Payer=Requester');
      r['getPayment'] = await s3api('get-bucket-request-payment', ...b);
      r['putAccel'] = await s3api('put-bucket-accelerate-configuration', ...b, '--accelerate-configuration', 'Status=Suspended');
      r['getAccel'] = await s3api('get-bucket-accelerate-configuration', ...b);
      await s3api('put-object', ...b, '--key', 'k');
      r['restore'] = await s3api('restore-object', ...b, '--key', 'k', '--restore-request', 'Days=1');
      await s3api('delete-object', ...b, '--key', 'k');
      if (!onRgw) await s3api('delete-bucket-website', ...b);
      await s3api('put-bucket-request-payment', ...b, '--request-payment-configuration', 'Payer=BucketOwner');
      expect(await s3api('delete-bucket', ...b)).toEqual({});
      // RGW 16.2: website 405, acceleration NotImplemented (the RGW profile's), restore
      // NotImplemented (see bucket-config-gateway.test.ts).
      expect(r).toEqual({
        putTags: {},
        getTags: {
          TagSet: [
            { Key: 'a', Value: '1' },
            { Key: 'b', Value: '2' },
          ],
        },
        deleteTags: {},
        getTags2: 'NoSuchTagSet',
        putWebsite: onRgw ? 'MethodNotAllowed' : {},
        getWebsite: onRgw ? 'MethodNotAllowed' : { IndexDocument: { Suffix: 'index.html' } },
        getLogging: {},
        putPayment: {},
        getPayment: { Payer: 'Requester' },
        putAccel: onRgw ? 'NotImplemented' : {},
        getAccel: onRgw ? 'NotImplemented' : { Status: 'Suspended' },
        restore: onRgw ? 'NotImplemented' : 'InvalidObjectState',
      });
    }, 180_000);

    it('set_bucket_tags, get_bucket_tags, delete_bucket_tags (get_bucket_tags is None again: NoSuchTagSet)', async () => {
      expect(await minioPy('tags')).toEqual({ set: null, get: { Project: 'Project One', User: 'jsmith' }, delete: null, get_after: null });
    });

    it('set_bucket_notification (a queue, prefix and suffix rules), get_bucket_notification, delete_bucket_notification', async () => {
      const out = await minioPy('notification');
      if (onRgw) {
        // RGW 16.2 takes only topics it created through its SNS API: a queue is MalformedXML, and
        // so is the empty configuration minio-py's delete_bucket_notification sends.
        expect(out).toEqual({ set: { error: 'MalformedXML' }, get: [], delete: { error: 'MalformedXML' }, get_after: [] });
        return;
      }
      // AWS returns the filter rule names as `Prefix`/`Suffix` whatever was sent (aws/aws-sdk#389),
      // and so does the store; minio-py compares them with `prefix` case-sensitively, so it reads
      // the prefix rule as a suffix rule, overwritten by the real one.
      expect(out).toEqual({
        set: null,
        get: [['arn:aws:sqs:us-east-1:123456789012:events', ['s3:ObjectCreated:*'], '1', null, '.jpg']],
        delete: null,
        get_after: [],
      });
    });

    it('set_bucket_replication needs versioning Enabled; get_bucket_replication, delete_bucket_replication (get is None again)', async () => {
      const out = await minioPy('replication');
      if (onRgw) {
        // RGW 16.2 without a multisite zonegroup answers MethodNotAllowed (405) to every
        // PutBucketReplication, and an empty configuration, not ReplicationConfigurationNotFoundError, when none.
        // minio-py then refuses that empty configuration ("rules must be provided").
        const empty = { client_error: 'rules must be provided' };
        expect(out).toEqual({ set_unversioned: { error: 'MethodNotAllowed' }, set: { error: 'MethodNotAllowed' }, get: empty, delete: null, get_after: empty });
        return;
      }
      expect(out).toEqual({
        set_unversioned: { error: 'InvalidRequest' },
        set: null,
        get: [['rule1', 'Enabled', 1, expect.stringMatching(/^arn:aws:s3:::pc-replication-.*-dst$/), 'TaxDocs']],
        delete: null,
        get_after: null,
      });
    });
  });
}
