// minio-js 8.0.7's configuration API walked in its documentation's order through the gateway on
// both upstream kinds: the embedded store and Ceph RGW, same assertions; where RGW 16.2 lacks a
// feature, its answer is asserted and said. Every call's result (or its S3 error code) is
// recorded, then compared as one object. Also SSE-C over TLS through a gateway served by
// createGatewayServer with `tls`.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Agent } from 'node:https';
import { rgwOrSkip } from '@s3kit/test-utils';
import * as Minio from 'minio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configUpstreamKinds } from './support/config-targets.js';
import { ADMIN, startGateway, type RunningGateway } from './support/gateway-server.js';
import type { Target } from './support/targets.js';
import { OPENSSL, startTlsGateway } from './support/tls-gateway.js';

const { rgw, reason } = await rgwOrSkip();
let serial = 0;
const bucketName = (what: string): string => `mjs-${what}-${Date.now().toString(36)}-${serial++}`;

/** A call's result, or its S3 error code (`{ error }`), or minio-js's own refusal (`{ client_error }`). */
async function step<T>(p: Promise<T> | T): Promise<T | { error: string } | { client_error: string }> {
  try {
    return await p;
  } catch (e) {
    const err = e as { code?: string; message?: string };
    return err.code !== undefined ? { error: err.code } : { client_error: String(err.message) };
  }
}

async function text(s: Promise<NodeJS.ReadableStream>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of await s) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

for (const [name, noUpstream, make] of configUpstreamKinds(rgw, reason, 'minio-js')) {
  const onRgw = name.startsWith('Ceph RGW');
  describe.skipIf(noUpstream)(`minio-js's configuration API through the gateway to ${name}`, () => {
    let target: Target;
    let g: RunningGateway;
    let mc: Minio.Client;
    beforeAll(async () => {
      target = await make();
      g = await startGateway(target.upstream);
      mc = new Minio.Client({ endPoint: '127.0.0.1', port: g.port, useSSL: false, accessKey: ADMIN.accessKeyId, secretKey: ADMIN.secretAccessKey, region: 'us-east-1', pathStyle: true });
    });
    afterAll(async () => {
      await g?.close();
      await target?.close();
    });

    it('every set/get/remove in order, versions read by id, object lock, retention and legal hold', async () => {
      const bucket = bucketName('walk');
      const dst = `${bucket}-dst`;
      const out: Record<string, unknown> = {};
      out['makeBucket'] = await step(mc.makeBucket(bucket, 'us-east-1', { ObjectLocking: true }));
      await mc.makeBucket(dst);

      out['getBucketVersioning'] = await step(mc.getBucketVersioning(bucket));
      out['setBucketVersioning_suspended'] = await step(mc.setBucketVersioning(bucket, { Status: 'Suspended' }));
      out['setBucketVersioning'] = await step(mc.setBucketVersioning(bucket, { Status: 'Enabled' }));
      const v1 = (await mc.putObject(bucket, 'k', Buffer.from('version one'))).versionId!;
      const v2 = (await mc.putObject(bucket, 'k', Buffer.from('version two!'))).versionId!;
      out['versionsDiffer'] = v1 !== v2;
      out['statObject_v1'] = await step(mc.statObject(bucket, 'k', { versionId: v1 }).then((s) => [s.size, s.versionId === v1]));
      out['statObject_latest'] = await step(mc.statObject(bucket, 'k').then((s) => s.versionId === v2));
      out['getObject_v1'] = await step(text(mc.getObject(bucket, 'k', { versionId: v1 })));
      out['getObject_latest'] = await step(text(mc.getObject(bucket, 'k')));

      const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: ['*'] }, Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${bucket}/public/*`] }] };
      out['setBucketPolicy'] = await step(mc.setBucketPolicy(bucket, JSON.stringify(policy)));
      out['getBucketPolicy'] = await step(mc.getBucketPolicy(bucket).then((p) => JSON.parse(p) as unknown));
      out['setBucketPolicy_empty'] = await step(mc.setBucketPolicy(bucket, ''));
      out['getBucketPolicy_deleted'] = await step(mc.getBucketPolicy(bucket));

      const notification = new Minio.NotificationConfig();
      const queue = new Minio.QueueConfig('arn:aws:sqs:us-east-1:123456789012:events');
      queue.addEvent(Minio.ObjectCreatedAll);
      queue.addFilterSuffix('.jpg');
      notification.add(queue);
      const queues = (c: Awaited<ReturnType<Minio.Client['getBucketNotification']>>) => c.QueueConfiguration.map((q) => [q.Queue, q.Event, q.Filter]);
      out['setBucketNotification'] = await step(mc.setBucketNotification(bucket, notification));
      out['getBucketNotification'] = await step(mc.getBucketNotification(bucket).then(queues));
      out['removeAllBucketNotification'] = await step(mc.removeAllBucketNotification(bucket));
      out['getBucketNotification_removed'] = await step(mc.getBucketNotification(bucket).then(queues));

      out['getBucketEncryption_default'] = await step(mc.getBucketEncryption(bucket));
      out['setBucketEncryption'] = await step(mc.setBucketEncryption(bucket, { Rule: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] }));
      out['getBucketEncryption'] = await step(mc.getBucketEncryption(bucket));
      out['removeBucketEncryption'] = await step(mc.removeBucketEncryption(bucket));
      out['getBucketEncryption_removed'] = await step(mc.getBucketEncryption(bucket));

      await mc.setBucketVersioning(dst, { Status: 'Enabled' });
      const replication = {
        role: 'arn:aws:iam::123456789012:role/replication',
        rules: [{ ID: 'r1', Status: 'Enabled', Priority: 1, DeleteMarkerReplication: { Status: 'Disabled' }, Destination: { Bucket: `arn:aws:s3:::${dst}` }, Filter: { Prefix: '' } }],
      } as unknown as Minio.ReplicationConfigOpts;
      out['setBucketReplication'] = await step(mc.setBucketReplication(bucket, replication));
      out['getBucketReplication'] = await step(mc.getBucketReplication(bucket));
      out['removeBucketReplication'] = await step(mc.removeBucketReplication(bucket));
      out['getBucketReplication_removed'] = await step(mc.getBucketReplication(bucket));

      const lifecycle = { Rule: [{ ID: 'logs', Status: 'Enabled', Filter: { Prefix: 'logs/' }, Expiration: { Days: 30 } }] } as unknown as Minio.LifecycleConfig;
      out['setBucketLifecycle'] = await step(mc.setBucketLifecycle(bucket, lifecycle));
      out['getBucketLifecycle'] = await step(mc.getBucketLifecycle(bucket));
      out['removeBucketLifecycle'] = await step(mc.removeBucketLifecycle(bucket));
      out['getBucketLifecycle_removed'] = await step(mc.getBucketLifecycle(bucket));

      out['setBucketTagging'] = await step(mc.setBucketTagging(bucket, { Project: 'One', User: 'jsmith' }));
      out['getBucketTagging'] = await step(mc.getBucketTagging(bucket));
      out['removeBucketTagging'] = await step(mc.removeBucketTagging(bucket));
      out['getBucketTagging_removed'] = await step(mc.getBucketTagging(bucket));

      out['setObjectTagging_v1'] = await step(mc.setObjectTagging(bucket, 'k', { state: 'old' }, { versionId: v1 }));
      out['getObjectTagging_v1'] = await step(mc.getObjectTagging(bucket, 'k', { versionId: v1 }));
      out['getObjectTagging_latest'] = await step(mc.getObjectTagging(bucket, 'k'));
      out['removeObjectTagging_v1'] = await step(mc.removeObjectTagging(bucket, 'k', { versionId: v1 }));
      out['getObjectTagging_v1_removed'] = await step(mc.getObjectTagging(bucket, 'k', { versionId: v1 }));

      out['setObjectLegalHold_on'] = await step(mc.setObjectLegalHold(bucket, 'k', { versionId: v1, status: Minio.LEGAL_HOLD_STATUS.ENABLED }));
      out['getObjectLegalHold'] = await step(mc.getObjectLegalHold(bucket, 'k', { versionId: v1 }));
      out['removeObject_held'] = await step(mc.removeObject(bucket, 'k', { versionId: v1 }));
      out['setObjectLegalHold_off'] = await step(mc.setObjectLegalHold(bucket, 'k', { versionId: v1, status: Minio.LEGAL_HOLD_STATUS.DISABLED }));
      out['getObjectLegalHold_off'] = await step(mc.getObjectLegalHold(bucket, 'k', { versionId: v1 }));

      out['getObjectLockConfig_default'] = await step(mc.getObjectLockConfig(bucket));
      out['setObjectLockConfig'] = await step(mc.setObjectLockConfig(bucket, { mode: Minio.RETENTION_MODES.GOVERNANCE, unit: Minio.RETENTION_VALIDITY_UNITS.DAYS, validity: 1 }));
      out['getObjectLockConfig'] = await step(mc.getObjectLockConfig(bucket));
      out['setObjectLockConfig_cleared'] = await step(mc.setObjectLockConfig(bucket, {} as Parameters<Minio.Client['setObjectLockConfig']>[1])); // minio-js's way to clear the rule;
      out['getObjectLockConfig_cleared'] = await step(mc.getObjectLockConfig(bucket));

      const until = new Date(Math.floor(Date.now() / 1000) * 1000 + 86_400_000).toISOString();
      out['getObjectRetention_none'] = await step(mc.getObjectRetention(bucket, 'k', { versionId: v1 }));
      out['putObjectRetention'] = await step(mc.putObjectRetention(bucket, 'k', { versionId: v1, mode: Minio.RETENTION_MODES.GOVERNANCE, retainUntilDate: until }));
      out['getObjectRetention'] = await step(mc.getObjectRetention(bucket, 'k', { versionId: v1 }));
      out['removeObject_retained'] = await step(mc.removeObject(bucket, 'k', { versionId: v1 }));
      out['removeObject_bypass'] = await step(mc.removeObject(bucket, 'k', { versionId: v1, governanceBypass: true }));
      await mc.removeObject(bucket, 'k', { versionId: v2 });
      out['removeBucket'] = await step(mc.removeBucket(bucket));
      await mc.removeBucket(dst);
      const dstArn = `arn:aws:s3:::${dst}`;
      const encryption = { '?xml': '', ServerSideEncryptionConfiguration: { Rule: { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false } } };
      const aws = {
        makeBucket: undefined,
        getBucketVersioning: { Status: 'Enabled' }, // object lock turns versioning on
        setBucketVersioning_suspended: { error: 'InvalidBucketState' }, // and it cannot be suspended
        setBucketVersioning: undefined,
        versionsDiffer: true,
        statObject_v1: [11, true],
        statObject_latest: true,
        getObject_v1: 'version one',
        getObject_latest: 'version two!',
        setBucketPolicy: undefined,
        getBucketPolicy: policy,
        setBucketPolicy_empty: undefined, // minio-js deletes with an empty policy
        getBucketPolicy_deleted: { error: 'NoSuchBucketPolicy' },
        setBucketNotification: undefined,
        getBucketNotification: [['arn:aws:sqs:us-east-1:123456789012:events', ['s3:ObjectCreated:*'], [{ Name: 'Suffix', Value: '.jpg' }]]],
        removeAllBucketNotification: undefined,
        getBucketNotification_removed: [],
        getBucketEncryption_default: encryption, // AWS (since 2023): SSE-S3 on every bucket
        setBucketEncryption: undefined,
        getBucketEncryption: encryption,
        removeBucketEncryption: undefined,
        getBucketEncryption_removed: encryption, // back to the default
        setBucketReplication: undefined,
        getBucketReplication: {
          ReplicationConfiguration: {
            role: 'arn:aws:iam::123456789012:role/replication',
            rules: [{ ID: 'r1', Priority: 1, Filter: { Prefix: '' }, Status: 'Enabled', Destination: { Bucket: dstArn }, DeleteMarkerReplication: { Status: 'Disabled' } }],
          },
        },
        removeBucketReplication: undefined,
        getBucketReplication_removed: { error: 'ReplicationConfigurationNotFoundError' },
        setBucketLifecycle: undefined,
        getBucketLifecycle: { Rule: { ID: 'logs', Filter: { Prefix: 'logs/' }, Status: 'Enabled', Expiration: { Days: 30 } } },
        removeBucketLifecycle: undefined,
        getBucketLifecycle_removed: { error: 'NoSuchLifecycleConfiguration' },
        // AWS answers PutBucketTagging 204 No Content (its documentation's example; versitygw
        // #932 and MinIO follow it); minio-js 8.0.7 expects 200 and rejects the 204 as an error
        // without a code, though the tags are stored.
        setBucketTagging: { error: '' },
        getBucketTagging: [
          { Key: 'Project', Value: 'One' },
          { Key: 'User', Value: 'jsmith' },
        ],
        removeBucketTagging: undefined,
        getBucketTagging_removed: { error: 'NoSuchTagSet' },
        setObjectTagging_v1: undefined,
        getObjectTagging_v1: [{ Key: 'state', Value: 'old' }],
        getObjectTagging_latest: [], // the tags are v1's only
        removeObjectTagging_v1: undefined,
        getObjectTagging_v1_removed: [],
        setObjectLegalHold_on: undefined,
        getObjectLegalHold: { Status: 'ON' },
        removeObject_held: { error: 'AccessDenied' },
        setObjectLegalHold_off: undefined,
        getObjectLegalHold_off: { Status: 'OFF' },
        getObjectLockConfig_default: { objectLockEnabled: 'Enabled' },
        setObjectLockConfig: undefined,
        getObjectLockConfig: { objectLockEnabled: 'Enabled', mode: 'GOVERNANCE', validity: 1, unit: 'Days' },
        setObjectLockConfig_cleared: undefined,
        getObjectLockConfig_cleared: { objectLockEnabled: 'Enabled' },
        getObjectRetention_none: { error: 'NoSuchObjectLockConfiguration' },
        putObjectRetention: undefined,
        getObjectRetention: { mode: 'GOVERNANCE', retainUntilDate: until },
        removeObject_retained: { error: 'AccessDenied' },
        removeObject_bypass: undefined,
        removeBucket: undefined,
      };
      expect(out).toStrictEqual(
        onRgw
          ? {
              ...aws,
              getBucketVersioning: { Status: 'Enabled', MfaDelete: 'Disabled' },
              // RGW 16.2 takes only topics made through its own SNS API: a queue is MalformedXML,
              // and so is the empty configuration minio-js removes them with.
              setBucketNotification: { error: 'MalformedXML' },
              getBucketNotification: [],
              removeAllBucketNotification: { error: 'MalformedXML' },
              // RGW 16.2 has no bucket encryption (it takes GET ?encryption for a listing, PUT for
              // CreateBucket, DELETE for DeleteBucket): the RGW profile lists them as unsupported,
              // so the gateway answers NotImplemented and the bucket stays.
              getBucketEncryption_default: { error: 'NotImplemented' },
              setBucketEncryption: { error: 'NotImplemented' },
              getBucketEncryption: { error: 'NotImplemented' },
              removeBucketEncryption: { error: 'NotImplemented' },
              getBucketEncryption_removed: { error: 'NotImplemented' },
              // RGW 16.2 without a multisite zonegroup: PutBucketReplication is MethodNotAllowed,
              // and with none an empty configuration.
              setBucketReplication: { error: 'MethodNotAllowed' },
              getBucketReplication: { ReplicationConfiguration: { role: '', rules: [undefined] } },
              getBucketReplication_removed: { ReplicationConfiguration: { role: '', rules: [undefined] } },
              setBucketTagging: undefined, // RGW 16.2 answers 200
              getObjectRetention_none: { error: 'ObjectLockConfigurationNotFoundError' },
              getObjectRetention: { mode: 'GOVERNANCE', retainUntilDate: until.replace('.000Z', '.000000000Z') }, // nanoseconds
            }
          : aws,
      );
    }, 120_000);

    it.skipIf(!existsSync(OPENSSL))(
      'SSE-C over TLS (a createGatewayServer with `tls`): putObject with the customer key headers, getObject/getPartialObject with the key; statObject and a GET without it refused',
      async () => {
        const tls = await startTlsGateway(target.upstream);
        const agent = new Agent({ rejectUnauthorized: false }); // the throwaway self-signed certificate
        const sc = new Minio.Client({
          endPoint: '127.0.0.1',
          port: tls.port,
          useSSL: true,
          transportAgent: agent,
          accessKey: ADMIN.accessKeyId,
          secretKey: ADMIN.secretAccessKey,
          region: 'us-east-1',
          pathStyle: true,
        });
        const key = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
        const ssec = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: key.toString('base64'), SSECustomerKeyMD5: createHash('md5').update(key).digest('base64') };
        const headers = {
          'X-Amz-Server-Side-Encryption-Customer-Algorithm': ssec.SSECustomerAlgorithm,
          'X-Amz-Server-Side-Encryption-Customer-Key': ssec.SSECustomerKey,
          'X-Amz-Server-Side-Encryption-Customer-Key-MD5': ssec.SSECustomerKeyMD5,
        };
        const data = Array.from({ length: 20_000 }, (_, i) => String(i).padStart(5, '0')).join('');
        const bucket = bucketName('ssec');
        try {
          await sc.makeBucket(bucket);
          const out: Record<string, unknown> = {};
          out['putObject'] = await step(sc.putObject(bucket, 'secret', Buffer.from(data), data.length, headers).then((r) => typeof r.etag));
          out['statObject'] = await step(sc.statObject(bucket, 'secret').then((s) => s.size));
          out['getObject'] = await step(text(sc.getObject(bucket, 'secret', ssec)).then((t) => t === data));
          out['getPartialObject'] = await step(text(sc.getPartialObject(bucket, 'secret', 50_000, 10, ssec)));
          out['getObject_noKey'] = await step(text(sc.getObject(bucket, 'secret')));
          await sc.removeObject(bucket, 'secret');
          await sc.removeBucket(bucket);
          expect(out).toEqual({
            putObject: 'string',
            // minio-js 8.0.7's statObject sends no SSE-C headers (its options go to the query): the
            // HEAD is refused with 400, which has no body, so no code.
            statObject: { error: '' },
            getObject: true,
            getPartialObject: '1000010001', // bytes 50000..50009: "10000" "10001"
            // AWS: 400 InvalidRequest without the key; RGW 16.2: 400 InvalidArgument.
            getObject_noKey: { error: onRgw ? 'InvalidArgument' : 'InvalidRequest' },
          });
        } finally {
          agent.destroy();
          await tls.close();
        }
      },
    );
  });
}
