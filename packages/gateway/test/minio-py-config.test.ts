// minio-py's configuration API walked in api.py's order (support/minio_api.py) through the gateway
// on both upstream kinds: the embedded store and Ceph RGW, same assertions; where RGW 16.2 lacks
// a feature, its answer is asserted and said. Also SseCustomerKey over TLS (minio-py sends SSE-C
// keys only over https) through a gateway served by createGatewayServer with `tls`, on both kinds.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { isCi, rgwOrSkip } from '@s3kit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configUpstreamKinds } from './support/config-targets.js';
import { ADMIN, startGateway, type RunningGateway } from './support/gateway-server.js';
import type { Target } from './support/targets.js';
import { OPENSSL, startTlsGateway } from './support/tls-gateway.js';

const PY = '/usr/bin/python3';
const MINIO_PY = fileURLToPath(new URL('../../../tooling/clients/minio-py', import.meta.url));
const PY_ENV = { PATH: '/usr/bin:/bin', PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: `${MINIO_PY}:${join(MINIO_PY, 'compat')}` };
const missing = [existsSync(OPENSSL) ? '' : 'openssl', existsSync(PY) && spawnSync(PY, ['-c', 'import minio'], { stdio: 'ignore', env: PY_ENV }).status === 0 ? '' : "minio-py's dependencies"].filter(
  (m) => m !== '',
);
const skip = missing.length > 0 && !isCi(); // in CI they must be there: the tests then fail instead
const why = missing.length > 0 ? `(skipped: ${missing.join(', ')} not installed; run tooling/scripts/py-clients.sh install)` : '';
const { rgw, reason } = await rgwOrSkip();

const run = promisify(execFile);
const DRIVER = fileURLToPath(new URL('./support/minio_api.py', import.meta.url));
let serial = 0;
const bucketName = (what: string): string => `mpy-${what}-${Date.now().toString(36)}-${serial++}`;

async function minioPy(hostPort: string, scenario: string): Promise<Record<string, unknown>> {
  const r = await run(PY, [DRIVER, hostPort, ADMIN.accessKeyId, ADMIN.secretAccessKey, bucketName(scenario), scenario], { encoding: 'utf8', timeout: 120_000, env: PY_ENV });
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

for (const [name, noUpstream, make] of configUpstreamKinds(rgw, reason, 'minio-py')) {
  const onRgw = name.startsWith('Ceph RGW');
  describe.skipIf(skip || noUpstream)(`minio-py's configuration API through the gateway to ${name} ${why}`, () => {
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

    it('every set/get/delete of api.py in order, versions read by id, object lock, retention and legal hold', async () => {
      const out = await minioPy(g.endpoint.replace(/^http:\/\//, ''), 'walk');
      const until = out['until'];
      const policy = {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: ['*'] }, Action: ['s3:GetObject'], Resource: [expect.stringMatching(/^arn:aws:s3:::mpy-walk-.*\/public\/\*$/)] }],
      };
      const aws = {
        make_bucket: null,
        get_bucket_versioning: 'Enabled', // object lock turns versioning on
        set_bucket_versioning_suspended: { error: 'InvalidBucketState' }, // and it cannot be suspended
        set_bucket_versioning: null,
        get_bucket_versioning_after: 'Enabled',
        versions_differ: true,
        stat_object_v1: [11, true],
        stat_object_latest: true,
        get_object_v1: 'version one',
        get_object_latest: 'version two!',
        set_bucket_policy: null,
        get_bucket_policy: policy,
        delete_bucket_policy: null,
        get_bucket_policy_deleted: { error: 'NoSuchBucketPolicy' },
        set_bucket_notification: null,
        get_bucket_notification: [['arn:aws:sqs:us-east-1:123456789012:events', ['s3:ObjectCreated:*'], 'q1']],
        delete_bucket_notification: null,
        get_bucket_notification_deleted: [],
        get_bucket_encryption_default: ['AES256', null], // AWS (since 2023): SSE-S3 on every bucket
        set_bucket_encryption: null,
        get_bucket_encryption: ['AES256', null],
        delete_bucket_encryption: null,
        get_bucket_encryption_deleted: ['AES256', null], // back to the default
        set_bucket_replication: null,
        get_bucket_replication: [['r1', 'Enabled', 1, expect.stringMatching(/^arn:aws:s3:::mpy-walk-.*-dst$/)]],
        delete_bucket_replication: null,
        get_bucket_replication_deleted: null, // ReplicationConfigurationNotFoundError
        set_bucket_lifecycle: null,
        get_bucket_lifecycle: [['logs', 'Enabled', 'logs/', 30]],
        delete_bucket_lifecycle: null,
        get_bucket_lifecycle_deleted: null, // NoSuchLifecycleConfiguration
        set_bucket_tags: null,
        get_bucket_tags: { Project: 'One', User: 'jsmith' },
        delete_bucket_tags: null,
        get_bucket_tags_deleted: null, // NoSuchTagSet
        set_object_tags_v1: null,
        get_object_tags_v1: { state: 'old' },
        get_object_tags_latest: null, // the tags are v1's only
        delete_object_tags_v1: null,
        get_object_tags_v1_deleted: null,
        enable_object_legal_hold: null,
        is_object_legal_hold_enabled: true,
        remove_object_held: { error: 'AccessDenied' },
        disable_object_legal_hold: null,
        is_object_legal_hold_enabled_after: false,
        get_object_lock_config_default: [null, null, null], // ObjectLockEnabled, no rule
        set_object_lock_config: null,
        get_object_lock_config: ['GOVERNANCE', 1, 'Days'],
        // S3 wants Content-MD5 or a checksum on a PUT under a default retention; minio-py over
        // http sends only x-amz-content-sha256. With x-amz-checksum-crc32 the default applies.
        put_object_default_retention: { error: 'InvalidRequest' },
        get_object_retention_default: 'GOVERNANCE',
        delete_object_lock_config: null,
        get_object_lock_config_deleted: [null, null, null],
        until,
        get_object_retention_none: null, // NoSuchObjectLockConfiguration
        set_object_retention: null,
        get_object_retention: ['GOVERNANCE', until],
        remove_object_retained: { error: 'AccessDenied' },
        remove_objects_bypass: [],
        remove_bucket: null,
      };
      const rgwNanos = { client_error: expect.stringMatching(/^time data '.*\.\d{9}Z' does not match format/) };
      expect(out).toEqual(
        onRgw
          ? {
              ...aws,
              // RGW 16.2 takes only topics made through its own SNS API: a queue is MalformedXML,
              // and so is the empty configuration minio-py's delete sends.
              set_bucket_notification: { error: 'MalformedXML' },
              get_bucket_notification: [],
              delete_bucket_notification: { error: 'MalformedXML' },
              // RGW 16.2 has no bucket encryption (it takes GET ?encryption for a listing, PUT for
              // CreateBucket, DELETE for DeleteBucket): the RGW profile lists them as unsupported,
              // so the gateway answers NotImplemented and the bucket stays.
              get_bucket_encryption_default: { error: 'NotImplemented' },
              set_bucket_encryption: { error: 'NotImplemented' },
              get_bucket_encryption: { error: 'NotImplemented' },
              delete_bucket_encryption: { error: 'NotImplemented' },
              get_bucket_encryption_deleted: { error: 'NotImplemented' },
              // RGW 16.2 without a multisite zonegroup: PutBucketReplication is MethodNotAllowed,
              // and with none an empty configuration minio-py refuses.
              set_bucket_replication: { error: 'MethodNotAllowed' },
              get_bucket_replication: { client_error: 'rules must be provided' },
              get_bucket_replication_deleted: { client_error: 'rules must be provided' },
              // RGW 16.2 wants no checksum under a default retention, and writes RetainUntilDate
              // with nanoseconds, which minio-py cannot parse.
              put_object_default_retention: expect.any(String),
              get_object_retention_default: rgwNanos,
              get_object_retention: rgwNanos,
              get_object_retention_none: { error: 'ObjectLockConfigurationNotFoundError' },
            }
          : aws,
      );
    }, 180_000);

    it('SseCustomerKey over TLS (a createGatewayServer with `tls`): put_object, stat_object, get_object whole and a range; no key refused', async () => {
      const tls = await startTlsGateway(target.upstream);
      try {
        expect(await minioPy(tls.hostPort, 'ssec')).toEqual({
          put_object: [true],
          stat_object: [100_000, 'AES256'],
          get_object: true,
          get_object_range: '1000010001', // bytes 50000..50009: "10000" "10001"
          // AWS: 400 InvalidRequest without the key; RGW 16.2: 400 InvalidArgument.
          get_object_without_key: { error: onRgw ? 'InvalidArgument' : 'InvalidRequest' },
        });
      } finally {
        await tls.close();
      }
    }, 60_000);
  });
}
