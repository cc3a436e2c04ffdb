import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectLegalHoldCommand,
  GetObjectLockConfigurationCommand,
  GetObjectRetentionCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  PutObjectLegalHoldCommand,
  PutObjectLockConfigurationCommand,
  PutObjectRetentionCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@s3kit/post-policy';
import { SigV4Signer } from '@s3kit/sigv4';
import { rgwOrSkip } from '@s3kit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN } from './support/gateway-server.js';
import { formData, postForm } from './support/post-forms.js';
import { gatewayOver, upstreamKinds } from './support/targets.js';

// Object lock through the real gateway with AWS SDK v3, on the embedded store and on Ceph RGW,
// with the same assertions. The gateway decides the GOVERNANCE bypass: the header
// x-amz-bypass-governance-retention needs s3:BypassGovernanceRetention (its action catalogue),
// the upstream then applies the lock rules. Only GOVERNANCE retention is used here, so every
// test bucket can be emptied and removed afterwards (on RGW too).

const { rgw, reason } = await rgwOrSkip();
const V = '2012-10-17';
/** May bypass GOVERNANCE retention. */
const ALICE = { name: 'alice', accessKeyId: 'AKIALOCKALICE0000001', secretAccessKey: 'alice-lock-secret-key-for-tests-0000000' };
/** May delete versions but not bypass. */
const BOB = { name: 'bob', accessKeyId: 'AKIALOCKBOB000000001', secretAccessKey: 'bob-lock-secret-key-for-tests-000000000' };
const DAY = 86_400_000;

function client(endpoint: string, creds: { accessKeyId: string; secretAccessKey: string }): S3Client {
  return new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey } });
}

/** The S3 error a command fails with: [code, HTTP status]. */
async function failure(p: Promise<unknown>): Promise<[string, number | undefined]> {
  try {
    await p;
  } catch (err) {
    if (err instanceof S3ServiceException) return [err.name, err.$metadata.httpStatusCode];
    throw err;
  }
  throw new Error('the request succeeded but was expected to fail');
}

/** A date `days` from now, whole seconds (RGW keeps seconds). */
function inDays(days: number): Date {
  return new Date(Math.floor((Date.now() + days * DAY) / 1000) * 1000);
}

for (const [name, noUpstream, make] of upstreamKinds(rgw, reason)) {
  describe.skipIf(noUpstream)(`object lock through the gateway to ${name}`, () => {
    const s = gatewayOver(make, 'lockplain');
    const locked = `lock-${Date.now().toString(36)}`;
    let admin: S3Client;
    let alice: S3Client;
    let bob: S3Client;
    beforeAll(async () => {
      s.g.gateway.update({
        identities: [
          ADMIN,
          { ...ALICE, policies: [{ Version: V, Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }] },
          {
            ...BOB,
            policies: [{ Version: V, Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion'], Resource: '*' }] }],
          },
        ],
      });
      admin = client(s.g.endpoint, ADMIN);
      alice = client(s.g.endpoint, ALICE);
      bob = client(s.g.endpoint, BOB);
      await admin.send(new CreateBucketCommand({ Bucket: locked, ObjectLockEnabledForBucket: true }));
    });
    afterAll(async () => {
      // Empty the lock bucket (legal holds off, GOVERNANCE bypassed) and remove it.
      try {
        const all = await admin.send(new ListObjectVersionsCommand({ Bucket: locked }));
        for (const v of [...(all.Versions ?? []), ...(all.DeleteMarkers ?? [])]) {
          if (!('IsLatest' in v) || v.VersionId === undefined) continue;
          await admin.send(new PutObjectLegalHoldCommand({ Bucket: locked, Key: v.Key!, VersionId: v.VersionId, LegalHold: { Status: 'OFF' } })).catch(() => {});
          await admin.send(new DeleteObjectCommand({ Bucket: locked, Key: v.Key!, VersionId: v.VersionId, BypassGovernanceRetention: true }));
        }
        await admin.send(new DeleteBucketCommand({ Bucket: locked }));
      } finally {
        for (const c of [admin, alice, bob]) c?.destroy();
      }
    });

    it('configures default retention, applies it to a PUT, and reports the lock on HEAD', async () => {
      const cfg = await admin.send(new GetObjectLockConfigurationCommand({ Bucket: locked }));
      expect(cfg.ObjectLockConfiguration?.ObjectLockEnabled).toBe('Enabled');
      await admin.send(
        new PutObjectLockConfigurationCommand({ Bucket: locked, ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } } } }),
      );
      const got = await admin.send(new GetObjectLockConfigurationCommand({ Bucket: locked }));
      expect(got.ObjectLockConfiguration?.Rule?.DefaultRetention).toEqual({ Mode: 'GOVERNANCE', Days: 1 });
      const before = Date.now();
      const put = await admin.send(new PutObjectCommand({ Bucket: locked, Key: 'default', Body: 'x' }));
      expect(put.VersionId).toBeDefined();
      const head = await admin.send(new HeadObjectCommand({ Bucket: locked, Key: 'default' }));
      expect(head.ObjectLockMode).toBe('GOVERNANCE');
      expect(head.ObjectLockRetainUntilDate!.getTime()).toBeGreaterThanOrEqual(before + DAY - 1000);
      // Back to no default retention, so the other tests see only their own settings.
      await admin.send(new PutObjectLockConfigurationCommand({ Bucket: locked, ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled' } }));
      expect((await admin.send(new GetObjectLockConfigurationCommand({ Bucket: locked }))).ObjectLockConfiguration?.Rule).toBeUndefined();
    });

    it('PUT with lock headers, retention extended, shortened only with bypass, read back with GetObjectRetention', async () => {
      const until = inDays(2);
      const v = (await admin.send(new PutObjectCommand({ Bucket: locked, Key: 'ret', Body: 'x', ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: until }))).VersionId!;
      expect((await admin.send(new GetObjectRetentionCommand({ Bucket: locked, Key: 'ret', VersionId: v }))).Retention).toEqual({ Mode: 'GOVERNANCE', RetainUntilDate: until });
      const later = inDays(3);
      await admin.send(new PutObjectRetentionCommand({ Bucket: locked, Key: 'ret', VersionId: v, Retention: { Mode: 'GOVERNANCE', RetainUntilDate: later } }));
      expect((await admin.send(new GetObjectRetentionCommand({ Bucket: locked, Key: 'ret' }))).Retention?.RetainUntilDate).toEqual(later);
      expect(await failure(admin.send(new PutObjectRetentionCommand({ Bucket: locked, Key: 'ret', VersionId: v, Retention: { Mode: 'GOVERNANCE', RetainUntilDate: until } })))).toEqual([
        'AccessDenied',
        403,
      ]);
      await admin.send(new PutObjectRetentionCommand({ Bucket: locked, Key: 'ret', VersionId: v, Retention: { Mode: 'GOVERNANCE', RetainUntilDate: until }, BypassGovernanceRetention: true }));
      expect((await admin.send(new GetObjectRetentionCommand({ Bucket: locked, Key: 'ret' }))).Retention?.RetainUntilDate).toEqual(until);
    });

    it('legal hold: ON refuses the version delete (even with bypass), OFF allows it', async () => {
      const v = (await admin.send(new PutObjectCommand({ Bucket: locked, Key: 'hold', Body: 'x', ObjectLockLegalHoldStatus: 'ON' }))).VersionId!;
      expect((await admin.send(new GetObjectLegalHoldCommand({ Bucket: locked, Key: 'hold', VersionId: v }))).LegalHold?.Status).toBe('ON');
      expect((await admin.send(new HeadObjectCommand({ Bucket: locked, Key: 'hold' }))).ObjectLockLegalHoldStatus).toBe('ON');
      expect(await failure(admin.send(new DeleteObjectCommand({ Bucket: locked, Key: 'hold', VersionId: v, BypassGovernanceRetention: true })))).toEqual(['AccessDenied', 403]);
      await admin.send(new PutObjectLegalHoldCommand({ Bucket: locked, Key: 'hold', VersionId: v, LegalHold: { Status: 'OFF' } }));
      expect((await admin.send(new GetObjectLegalHoldCommand({ Bucket: locked, Key: 'hold' }))).LegalHold?.Status).toBe('OFF');
      expect((await admin.send(new DeleteObjectCommand({ Bucket: locked, Key: 'hold', VersionId: v }))).$metadata.httpStatusCode).toBe(204);
    });

    it('the bypass is the gateway policy’s call: alice (s3:BypassGovernanceRetention) deletes a GOVERNANCE version, bob cannot, with or without the header', async () => {
      const v = (await admin.send(new PutObjectCommand({ Bucket: locked, Key: 'gov', Body: 'x', ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: inDays(1) }))).VersionId!;
      // bob with the header: the gateway refuses (no s3:BypassGovernanceRetention).
      expect(await failure(bob.send(new DeleteObjectCommand({ Bucket: locked, Key: 'gov', VersionId: v, BypassGovernanceRetention: true })))).toEqual(['AccessDenied', 403]);
      // bob without it: the gateway lets it through, the upstream refuses the locked version.
      expect(await failure(bob.send(new DeleteObjectCommand({ Bucket: locked, Key: 'gov', VersionId: v })))).toEqual(['AccessDenied', 403]);
      // A delete without a version id only adds a delete marker: allowed.
      expect((await bob.send(new DeleteObjectCommand({ Bucket: locked, Key: 'gov' }))).DeleteMarker).toBe(true);
      // alice without the header is refused by the upstream, with it the version goes.
      expect(await failure(alice.send(new DeleteObjectCommand({ Bucket: locked, Key: 'gov', VersionId: v })))).toEqual(['AccessDenied', 403]);
      expect((await alice.send(new DeleteObjectCommand({ Bucket: locked, Key: 'gov', VersionId: v, BypassGovernanceRetention: true }))).$metadata.httpStatusCode).toBe(204);
      expect(await failure(admin.send(new HeadObjectCommand({ Bucket: locked, Key: 'gov', VersionId: v })))).toEqual(expect.arrayContaining([404]));
    });

    it('DeleteObjects with the bypass header: refused per key for bob by the gateway, done for alice', async () => {
      const v = (await admin.send(new PutObjectCommand({ Bucket: locked, Key: 'multi', Body: 'x', ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: inDays(1) }))).VersionId!;
      const objects = { Objects: [{ Key: 'multi', VersionId: v }] };
      const byBob = await bob.send(new DeleteObjectsCommand({ Bucket: locked, Delete: objects, BypassGovernanceRetention: true }));
      expect(byBob.Errors?.map((e) => [e.Key, e.Code])).toEqual([['multi', 'AccessDenied']]);
      const noBypass = await alice.send(new DeleteObjectsCommand({ Bucket: locked, Delete: objects }));
      expect(noBypass.Errors?.map((e) => [e.Key, e.Code])).toEqual([['multi', 'AccessDenied']]);
      const byAlice = await alice.send(new DeleteObjectsCommand({ Bucket: locked, Delete: objects, BypassGovernanceRetention: true }));
      expect(byAlice.Errors ?? []).toEqual([]);
      expect(byAlice.Deleted?.map((d) => [d.Key, d.VersionId])).toEqual([['multi', v]]);
    });

    it('a POST form carries x-amz-object-lock-* fields to the upstream as headers (with a checksum field as digest)', async () => {
      const fields = { 'x-amz-object-lock-legal-hold': 'ON', 'x-amz-checksum-crc32': 'jNwWgw==' }; // CRC32 of "x"
      const post = createPresignedPost({
        bucket: locked,
        key: 'posted',
        credentials: ADMIN,
        endpoint: s.g.endpoint,
        forcePathStyle: true,
        fields,
        conditions: Object.entries(fields).map(([k, v]) => ({ [k]: v })),
      });
      const res = await postForm(post.url, formData(post.fields, 'x'));
      expect(res.status).toBe(204);
      expect((await admin.send(new HeadObjectCommand({ Bucket: locked, Key: 'posted' }))).ObjectLockLegalHoldStatus).toBe('ON');
    });

    it('PUT with lock parameters and no digest: the embedded store refuses as AWS (InvalidRequest); RGW does not check', async () => {
      const signed = new SigV4Signer({ credentials: ADMIN, region: 'us-east-1' }).sign({
        method: 'PUT',
        url: `${s.g.endpoint}/${locked}/nodigest`,
        headers: { 'x-amz-object-lock-legal-hold': 'ON' },
        body: 'x',
      });
      const res = await fetch(signed.url, { method: 'PUT', headers: signed.headers, body: 'x' });
      const text = await res.text();
      if (name.startsWith('Ceph')) {
        // RGW differs from AWS here: it stores the object without asking for Content-MD5.
        expect(res.status).toBe(200);
        await admin.send(new PutObjectLegalHoldCommand({ Bucket: locked, Key: 'nodigest', LegalHold: { Status: 'OFF' } }));
      } else {
        expect([res.status, /<Code>(\w+)<\/Code>/.exec(text)?.[1]]).toEqual([400, 'InvalidRequest']);
        expect(text).toContain('Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters');
      }
    });

    it('answers a bucket without object lock as AWS does: InvalidRequest (400) and ObjectLockConfigurationNotFoundError (404)', async () => {
      await admin.send(new PutObjectCommand({ Bucket: s.bucket, Key: 'k', Body: 'x' }));
      expect(await failure(admin.send(new GetObjectLockConfigurationCommand({ Bucket: s.bucket })))).toEqual(['ObjectLockConfigurationNotFoundError', 404]);
      expect(await failure(admin.send(new GetObjectRetentionCommand({ Bucket: s.bucket, Key: 'k' })))).toEqual(['InvalidRequest', 400]);
      expect(await failure(admin.send(new PutObjectLegalHoldCommand({ Bucket: s.bucket, Key: 'k', LegalHold: { Status: 'ON' } })))).toEqual(['InvalidRequest', 400]);
      expect(await failure(admin.send(new PutObjectCommand({ Bucket: s.bucket, Key: 'j', Body: 'x', ObjectLockLegalHoldStatus: 'ON' })))).toEqual(['InvalidRequest', 400]);
    });
  });
}
