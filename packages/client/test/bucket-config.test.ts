// Bucket configuration methods (bucket-config.ts) on both upstream kinds: through the gateway on the
// embedded local store, and against Ceph RGW directly. Where RGW 16.2 lacks a feature its answer is
// asserted and said. Plus a cross-client check: boto3 reads back what @s3kit/client set.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { isS3Error } from '@s3kit/errors';
import { MINIO_PY_ENV, PY, pythonClients } from '@s3kit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Client } from '../src/index.js';
import { gatewayOnStore, onRgw, type Upstream } from './upstreams.js';
import { bucketName, cleanBucket, reason, rgw } from './helpers.js';

/** The S3 error code (and status) a promise rejects with. */
async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    if (isS3Error(e)) return `${e.code} ${e.status}`;
    throw e;
  }
}

const KINDS: [name: string, skip: boolean, rgw: boolean, make: () => Promise<Upstream> | Upstream][] = [
  ['the gateway on the embedded store', false, false, gatewayOnStore],
  [`Ceph RGW ${reason}`, !rgw, true, onRgw],
];

describe.each(KINDS)('bucket configuration: %s', (_name, skip, isRgw, make) => {
  let up: Upstream;
  let s3: S3Client;
  const buckets: string[] = [];
  const fresh = async (tag: string, objectLocking = false) => {
    const b = bucketName(tag);
    await s3.makeBucket(b, { objectLocking });
    buckets.push(b);
    return b;
  };
  beforeAll(async () => {
    if (skip) return;
    up = await make();
    s3 = up.s3;
  });
  afterAll(async () => {
    if (skip) return;
    for (const b of buckets) await cleanBucket(s3, b);
    await up.close();
  });

  it.skipIf(skip)('versioning: Off on a new bucket, Enabled, Suspended; a bad status is refused before sending', async () => {
    const b = await fresh('ver');
    expect(await s3.getBucketVersioning(b)).toEqual({ status: 'Off' });
    await s3.setBucketVersioning(b, { status: 'Enabled' });
    // RGW 16.2 also reports MfaDelete Disabled.
    expect(await s3.getBucketVersioning(b)).toEqual(isRgw ? { status: 'Enabled', mfaDelete: 'Disabled' } : { status: 'Enabled' });
    await s3.setBucketVersioning(b, { status: 'Suspended' });
    expect((await s3.getBucketVersioning(b)).status).toBe('Suspended');
    await expect(s3.setBucketVersioning(b, { status: 'Off' })).rejects.toThrow(TypeError);
  });

  it.skipIf(skip)('tags: NoSuchTagSet, set (record), change (Map) replaces, delete', async () => {
    const b = await fresh('tags');
    expect(await code(s3.getBucketTags(b))).toBe('NoSuchTagSet 404');
    await s3.setBucketTags(b, { Project: 'One', 'with space': 'a b=c' });
    expect(await s3.getBucketTags(b)).toEqual({ Project: 'One', 'with space': 'a b=c' });
    await s3.setBucketTags(b, new Map([['Only', '1']]));
    expect(await s3.getBucketTags(b)).toEqual({ Only: '1' });
    await s3.deleteBucketTags(b);
    expect(await code(s3.getBucketTags(b))).toBe('NoSuchTagSet 404');
    // The aws: prefix is reserved on S3; RGW 16.2 takes it.
    expect(await code(s3.setBucketTags(b, { 'aws:reserved': 'x' }))).toBe(isRgw ? 'resolved' : 'InvalidTag 400');
  });

  it.skipIf(skip)('lifecycle: NoSuchLifecycleConfiguration, set rules with filters/expiration/transition, change, delete', async () => {
    const b = await fresh('lc');
    expect(await code(s3.getBucketLifecycle(b))).toBe('NoSuchLifecycleConfiguration 404');
    await s3.setBucketLifecycle(b, {
      Rule: [
        { ID: 'logs', Status: 'Enabled', Filter: { Prefix: 'logs/' }, Expiration: { Days: 30 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 } },
        { ID: 'tagged', Status: 'Disabled', Filter: { And: { Prefix: 'tmp/', Tag: [{ Key: 'k', Value: 'v' }] } }, Expiration: { Days: 90 } },
      ],
    });
    const lc = await s3.getBucketLifecycle(b);
    expect(lc.Rule.map((r) => [r.ID, r.Status, r.Filter?.Prefix ?? r.Filter?.And?.Prefix, r.Expiration?.Days, r.AbortIncompleteMultipartUpload?.DaysAfterInitiation])).toEqual([
      ['logs', 'Enabled', 'logs/', 30, 2],
      ['tagged', 'Disabled', 'tmp/', 90, undefined],
    ]);
    // RGW 16.2 answers the <And> filter flattened: <Filter><Prefix/><Tag/></Filter>.
    if (isRgw) expect(lc.Rule[1]!.Filter).toEqual({ Prefix: 'tmp/', Tag: { Key: 'k', Value: 'v' } });
    else expect(lc.Rule[1]!.Filter).toEqual({ And: { Prefix: 'tmp/', Tag: [{ Key: 'k', Value: 'v' }] } });
    // Change: one rule with a transition to another storage class.
    await s3.setBucketLifecycle(b, { Rule: [{ ID: 'ia', Status: 'Enabled', Filter: { Prefix: '' }, Transition: [{ Days: 30, StorageClass: 'STANDARD_IA' }] }] });
    expect((await s3.getBucketLifecycle(b)).Rule).toMatchObject([{ ID: 'ia', Transition: [{ Days: 30, StorageClass: 'STANDARD_IA' }] }]);
    await s3.deleteBucketLifecycle(b);
    expect(await code(s3.getBucketLifecycle(b))).toBe('NoSuchLifecycleConfiguration 404');
    expect(await code(s3.setBucketLifecycle(b, { Rule: [{ ID: 'bad', Status: 'Enabled', Filter: { Prefix: '' }, Expiration: { Days: 0 } }] }))).toMatch(/^InvalidArgument 400/);
  });

  it.skipIf(skip)('policy: NoSuchBucketPolicy, set (object or text), change, delete; a malformed policy is refused', async () => {
    const b = await fresh('pol');
    const policy = (sid: string) => ({ Version: '2012-10-17', Statement: [{ Sid: sid, Effect: 'Allow', Principal: { AWS: ['*'] }, Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${b}/*`] }] });
    expect(await code(s3.getBucketPolicy(b))).toBe('NoSuchBucketPolicy 404');
    await s3.setBucketPolicy(b, policy('One'));
    expect(JSON.parse(await s3.getBucketPolicy(b))).toEqual(policy('One'));
    await s3.setBucketPolicy(b, JSON.stringify(policy('Two')));
    expect(JSON.parse(await s3.getBucketPolicy(b))).toEqual(policy('Two'));
    await s3.deleteBucketPolicy(b);
    expect(await code(s3.getBucketPolicy(b))).toBe('NoSuchBucketPolicy 404');
    // A policy without statements is MalformedPolicy on S3; RGW 16.2 takes it.
    expect(await code(s3.setBucketPolicy(b, '{"Version":"2012-10-17","Statement":[]}'))).toBe(isRgw ? 'resolved' : 'MalformedPolicy 400');
  });

  it.skipIf(skip)('notification: empty by default, set a queue with filters, change, delete (empty configuration)', async () => {
    const b = await fresh('ntf');
    expect(await s3.getBucketNotification(b)).toMatchObject({ QueueConfiguration: [], TopicConfiguration: [], CloudFunctionConfiguration: [] });
    const queue = { Id: 'q1', Queue: 'arn:aws:sqs:us-east-1:123456789012:events', Event: ['s3:ObjectCreated:*'], Filter: { S3Key: { FilterRule: [{ Name: 'suffix', Value: '.jpg' }] } } };
    const set = s3.setBucketNotification(b, { QueueConfiguration: [queue] });
    const del = () => s3.deleteBucketNotification(b);
    if (isRgw) {
      // RGW 16.2 takes only topics made through its own SNS API: a queue is MalformedXML, and so
      // is the empty configuration S3 (and MinIO) remove them with.
      expect(await code(set)).toBe('MalformedXML 400');
      expect(await code(del())).toBe('MalformedXML 400');
      expect((await s3.getBucketNotification(b)).QueueConfiguration).toEqual([]);
      return;
    }
    await set;
    const got = (await s3.getBucketNotification(b)).QueueConfiguration;
    expect(got.map((q) => [q.Id, q.Queue, q.Event])).toEqual([['q1', queue.Queue, ['s3:ObjectCreated:*']]]);
    expect(got[0]!.Filter?.S3Key?.FilterRule.map((r) => [r.Name?.toLowerCase(), r.Value])).toEqual([['suffix', '.jpg']]);
    await s3.setBucketNotification(b, { TopicConfiguration: [{ Id: 't1', Topic: 'arn:aws:sns:us-east-1:123456789012:t', Event: ['s3:ObjectRemoved:*'] }] });
    const changed = await s3.getBucketNotification(b);
    expect([changed.QueueConfiguration.length, changed.TopicConfiguration.map((t) => t.Topic)]).toEqual([0, ['arn:aws:sns:us-east-1:123456789012:t']]);
    await del();
    expect(await s3.getBucketNotification(b)).toMatchObject({ QueueConfiguration: [], TopicConfiguration: [] });
    expect(await code(s3.setBucketNotification(b, { QueueConfiguration: [{ ...queue, Event: ['s3:Nope'] }] }))).toMatch(/^InvalidArgument 400/);
  });

  it.skipIf(skip)('encryption: default SSE-S3, set, change, KMS refused by the store, delete back to the default', async () => {
    const b = await fresh('enc');
    if (isRgw) {
      // RGW 16.2 has no bucket encryption: GET ?encryption is a listing (the client refuses the
      // <ListBucketResult> as MalformedXML), PUT ?encryption is CreateBucket (refusing the body as InvalidArgument), and DELETE
      // ?encryption is DeleteBucket.
      expect(await code(s3.getBucketEncryption(b))).toBe('MalformedXML 400');
      expect(await code(s3.setBucketEncryption(b, { rules: [{ sseAlgorithm: 'AES256' }] }))).toBe('InvalidArgument 400');
      expect(await code(s3.getBucketEncryption(b))).toBe('MalformedXML 400');
      // ... and DELETE ?encryption is DeleteBucket: an empty bucket is gone.
      const gone = await fresh('encgone');
      await s3.deleteBucketEncryption(gone);
      expect(await s3.bucketExists(gone)).toBe(false);
      return;
    }
    // AWS (since 2023) reports SSE-S3 on every bucket without a configuration of its own.
    expect(await s3.getBucketEncryption(b)).toEqual({ rules: [{ sseAlgorithm: 'AES256', bucketKeyEnabled: false }] });
    await s3.setBucketEncryption(b, { rules: [{ sseAlgorithm: 'AES256', bucketKeyEnabled: true }] });
    expect(await s3.getBucketEncryption(b)).toEqual({ rules: [{ sseAlgorithm: 'AES256', bucketKeyEnabled: true }] });
    await s3.setBucketEncryption(b, { rules: [{ sseAlgorithm: 'AES256' }] });
    expect(await s3.getBucketEncryption(b)).toEqual({ rules: [{ sseAlgorithm: 'AES256', bucketKeyEnabled: false }] });
    // The embedded store has no KMS: aws:kms is refused (and the configuration kept).
    expect(await code(s3.setBucketEncryption(b, { rules: [{ sseAlgorithm: 'aws:kms', kmsMasterKeyId: 'arn:aws:kms:us-east-1:123456789012:key/abc' }] }))).toBe('InvalidArgument 400');
    await s3.deleteBucketEncryption(b);
    expect(await s3.getBucketEncryption(b)).toEqual({ rules: [{ sseAlgorithm: 'AES256', bucketKeyEnabled: false }] });
    expect(await code(s3.setBucketEncryption(b, { rules: [{ sseAlgorithm: 'DES' }] }))).toBe('MalformedXML 400');
    await expect(s3.setBucketEncryption(b, { rules: [] })).rejects.toThrow(TypeError);
  });

  it.skipIf(skip)('replication: ReplicationConfigurationNotFoundError, set (versioned buckets), change, delete', async () => {
    const b = await fresh('rep');
    const dst = await fresh('repdst');
    await s3.setBucketVersioning(b, { status: 'Enabled' });
    await s3.setBucketVersioning(dst, { status: 'Enabled' });
    const rule = (id: string, prefix: string) => ({
      ID: id,
      Priority: 1,
      Status: 'Enabled',
      Filter: { Prefix: prefix },
      Destination: { Bucket: `arn:aws:s3:::${dst}` },
      DeleteMarkerReplication: { Status: 'Disabled' },
    });
    const set = () => s3.setBucketReplication(b, { Role: 'arn:aws:iam::123456789012:role/replication', Rule: [rule('r1', 'docs/')] });
    if (isRgw) {
      // RGW 16.2 without a multisite zonegroup: no configuration is an empty one (no error), and
      // PutBucketReplication is refused.
      expect(await s3.getBucketReplication(b)).toMatchObject({ Rule: [] });
      expect(await code(set())).toMatch(/^(MethodNotAllowed 405|NotImplemented 501|InvalidRequest 400)/);
      return;
    }
    expect(await code(s3.getBucketReplication(b))).toBe('ReplicationConfigurationNotFoundError 404');
    await set();
    expect(await s3.getBucketReplication(b)).toMatchObject({ Role: 'arn:aws:iam::123456789012:role/replication', Rule: [rule('r1', 'docs/')] });
    await s3.setBucketReplication(b, { Role: 'arn:aws:iam::123456789012:role/replication', Rule: [rule('r2', 'img/')] });
    expect((await s3.getBucketReplication(b)).Rule.map((r) => [r.ID, r.Filter?.Prefix])).toEqual([['r2', 'img/']]);
    await s3.deleteBucketReplication(b);
    expect(await code(s3.getBucketReplication(b))).toBe('ReplicationConfigurationNotFoundError 404');
    const unversioned = await fresh('repnov');
    expect(await code(s3.setBucketReplication(unversioned, { Role: 'arn:aws:iam::123456789012:role/replication', Rule: [rule('r1', '')] }))).toBe('InvalidRequest 400');
  });

  it.skipIf(skip)('object lock: ObjectLockConfigurationNotFoundError without lock; default retention set, changed, deleted', async () => {
    const plain = await fresh('nolock');
    expect(await code(s3.getObjectLockConfig(plain))).toBe('ObjectLockConfigurationNotFoundError 404');
    const b = await fresh('lock', true);
    expect(await s3.getObjectLockConfig(b)).toEqual({ enabled: true });
    await s3.setObjectLockConfig(b, { mode: 'GOVERNANCE', validity: 1, unit: 'Days' });
    expect(await s3.getObjectLockConfig(b)).toEqual({ enabled: true, mode: 'GOVERNANCE', validity: 1, unit: 'Days' });
    await s3.setObjectLockConfig(b, { mode: 'COMPLIANCE', validity: 2, unit: 'Years' });
    expect(await s3.getObjectLockConfig(b)).toEqual({ enabled: true, mode: 'COMPLIANCE', validity: 2, unit: 'Years' });
    await s3.deleteObjectLockConfig(b);
    expect(await s3.getObjectLockConfig(b)).toEqual({ enabled: true });
    await expect(s3.setObjectLockConfig(b, { mode: 'GOVERNANCE' })).rejects.toThrow(TypeError);
  });

  it.skipIf(skip)('a missing bucket: NoSuchBucket from every getter', async () => {
    const nope = bucketName('nope');
    const got = await Promise.all([
      code(s3.getBucketVersioning(nope)),
      code(s3.getBucketTags(nope)),
      code(s3.getBucketLifecycle(nope)),
      code(s3.getBucketPolicy(nope)),
      code(s3.getBucketNotification(nope)),
      code(s3.getBucketReplication(nope)),
      code(s3.getObjectLockConfig(nope)),
      ...(isRgw ? [] : [code(s3.getBucketEncryption(nope))]),
    ]);
    expect(new Set(got)).toEqual(new Set(['NoSuchBucket 404']));
    // An aborted signal rejects without an answer.
    const ac = new AbortController();
    ac.abort();
    await expect(s3.getBucketVersioning(nope, { signal: ac.signal })).rejects.toMatchObject({ name: expect.stringMatching(/Abort/) });
    // Refused before sending (the client's own InvalidBucketName).
    expect(await code(s3.getBucketTags('ab'))).toBe('InvalidBucketName 400');
    expect(await code(s3.deleteBucketPolicy('a/b'))).toBe('InvalidBucketName 400');
  });
});

// ------------------------------------------------------------------ cross-client

const BOTO3_READ = `
import json, sys, boto3
from botocore.config import Config
endpoint, ak, sk, bucket = sys.argv[1:5]
c = boto3.client('s3', endpoint_url=endpoint, aws_access_key_id=ak, aws_secret_access_key=sk, region_name='us-east-1', config=Config(s3={'addressing_style': 'path'}))
tags = {t['Key']: t['Value'] for t in c.get_bucket_tagging(Bucket=bucket)['TagSet']}
rules = c.get_bucket_lifecycle_configuration(Bucket=bucket)['Rules']
c.put_bucket_tagging(Bucket=bucket, Tagging={'TagSet': [{'Key': 'from', 'Value': 'boto3'}]})
print(json.dumps({'tags': tags, 'rules': [[r['ID'], r['Status'], r['Filter'], r['Expiration']] for r in rules]}))
`;

const MINIO_PY_SET = `
import sys
from minio import Minio
from minio.commonconfig import ENABLED, Filter, Tags
from minio.lifecycleconfig import Expiration, LifecycleConfig, Rule
endpoint, ak, sk, bucket = sys.argv[1:5]
c = Minio(endpoint, access_key=ak, secret_key=sk, secure=False, region='us-east-1')
tags = Tags.new_bucket_tags()
tags['Owner'] = 'minio-py'
c.set_bucket_tags(bucket, tags)
c.set_bucket_lifecycle(bucket, LifecycleConfig([Rule(ENABLED, rule_filter=Filter(prefix='py/'), rule_id='py', expiration=Expiration(days=3))]))
`;

describe.skipIf(pythonClients('minio-py').skip)('cross-client: @s3kit/client reads back what minio-py set (gateway on the embedded store)', () => {
  let up: Upstream;
  beforeAll(async () => {
    up = await gatewayOnStore();
  });
  afterAll(() => up?.close());

  it('bucket tags and lifecycle set by minio-py', async () => {
    const b = bucketName('xpy');
    await up.s3.makeBucket(b);
    await promisify(execFile)(PY, ['-c', MINIO_PY_SET, new URL(up.endpoint).host, up.accessKeyId, up.secretAccessKey, b], { env: MINIO_PY_ENV });
    expect(await up.s3.getBucketTags(b)).toEqual({ Owner: 'minio-py' });
    expect((await up.s3.getBucketLifecycle(b)).Rule).toMatchObject([{ ID: 'py', Status: 'Enabled', Filter: { Prefix: 'py/' }, Expiration: { Days: 3 } }]);
  });
});

describe.skipIf(pythonClients('boto3').skip)('cross-client: boto3 reads back what @s3kit/client set (gateway on the embedded store)', () => {
  let up: Upstream;
  beforeAll(async () => {
    up = await gatewayOnStore();
  });
  afterAll(() => up?.close());

  it('bucket tags and lifecycle set by @s3kit/client read the same in boto3; tags boto3 sets read back here', async () => {
    const b = bucketName('xc');
    await up.s3.makeBucket(b);
    await up.s3.setBucketTags(b, { Project: 'One', Team: 'a b' });
    await up.s3.setBucketLifecycle(b, { Rule: [{ ID: 'logs', Status: 'Enabled', Filter: { Prefix: 'logs/' }, Expiration: { Days: 7 } }] });
    const { stdout } = await promisify(execFile)(PY, ['-c', BOTO3_READ, up.endpoint, up.accessKeyId, up.secretAccessKey, b], { env: { PATH: '/usr/bin:/bin' } });
    expect(JSON.parse(stdout)).toEqual({ tags: { Project: 'One', Team: 'a b' }, rules: [['logs', 'Enabled', { Prefix: 'logs/' }, { Days: 7 }]] });
    expect(await up.s3.getBucketTags(b)).toEqual({ from: 'boto3' });
  });
});
