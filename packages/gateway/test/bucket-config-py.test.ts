// minio-py's bucket configuration methods (tags, notification, replication) through the gateway
// on both upstream kinds: the embedded store and Ceph RGW. The driver (support/minio_config.py)
// records every call's result or S3 error code; the assertions are here, RGW's differences
// from AWS stated per case.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { isCi, rgwOrSkip } from '@s3kit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startGateway, type RunningGateway } from './support/gateway-server.js';
import { upstreamKinds, type Target } from './support/targets.js';

// minio-py is vendored in tooling/clients/minio-py; its dependencies are Debian's (tooling/scripts/py-clients.sh).
const PY = '/usr/bin/python3';
const MINIO_PY = fileURLToPath(new URL('../../../tooling/clients/minio-py', import.meta.url));
const PY_ENV = { PATH: '/usr/bin:/bin', PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: `${MINIO_PY}:${join(MINIO_PY, 'compat')}` };
const usable = existsSync(PY) && spawnSync(PY, ['-c', 'import minio'], { stdio: 'ignore', env: PY_ENV }).status === 0;
const skip = !usable && !isCi();
const why = usable ? '' : "(skipped: minio-py's dependencies not installed; run tooling/scripts/py-clients.sh install)";
const { rgw, reason } = await rgwOrSkip();

const run = promisify(execFile);
const DRIVER = fileURLToPath(new URL('./support/minio_config.py', import.meta.url));
let serial = 0;
const bucketName = (what: string): string => `pc-${what}-${Date.now().toString(36)}-${serial++}`;

for (const [name, noUpstream, make] of upstreamKinds(rgw, reason)) {
  const onRgw = name.startsWith('Ceph RGW');
  describe.skipIf(skip || noUpstream)(`minio-py bucket configuration through the gateway to ${name} ${why}`, () => {
    let target: Target;
    let g: RunningGateway;
    beforeAll(async () => {
      target = await make();
      g = await startGateway(target.upstream);
    });
    afterAll(async () => {
      await g?.close();
      await target?.close();
    });

    async function minioPy(scenario: string): Promise<Record<string, unknown>> {
      const args = [DRIVER, g.endpoint.replace(/^http:\/\//, ''), ADMIN.accessKeyId, ADMIN.secretAccessKey, bucketName(scenario), scenario];
      const r = await run(PY, args, { encoding: 'utf8', timeout: 60_000, env: PY_ENV });
      return JSON.parse(r.stdout) as Record<string, unknown>;
    }

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
