// Bucket and object ACLs (acl.ts) and makeBucket's acl/grants options: canned ACLs, x-amz-grant-*
// headers and full AccessControlPolicy bodies, set and read back (objects with versionId), on both
// upstream kinds: through the s3kit gateway on the embedded store, and Ceph RGW 16.2 directly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessControlPolicy, S3Client } from '../src/index.js';
import { boto3Runner, hasBoto3 } from './boto3.js';
import { startLocalGateway, type LocalGateway } from './gateway-local.js';
import { bucketName, cleanBucket, client, reason, rgw } from './helpers.js';

type Kind = [name: string, skip: boolean, open: () => Promise<{ s3: S3Client; boto3: (code: string) => Promise<unknown>; close: () => Promise<void> }>];

const KINDS: Kind[] = [
  [
    'the gateway on the embedded store',
    false,
    async () => {
      const g: LocalGateway = await startLocalGateway();
      const s3 = g.client();
      return { s3, boto3: boto3Runner(g.endpoint, g.accessKeyId, g.secretAccessKey), close: async () => (await s3.close(), await g.close()) };
    },
  ],
  [
    `Ceph RGW directly ${reason}`,
    rgw === undefined,
    async () => ({ s3: client(), boto3: boto3Runner(rgw!.endpoint, rgw!.accessKeyId, rgw!.secretAccessKey, rgw!.region), close: async () => undefined }),
  ],
];

const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const AUTH_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
const code = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: { code?: string }) => e.code,
  );
/** Grants as comparable strings, ignoring order. */
const grants = (p: AccessControlPolicy): string[] =>
  p.grants.map((g) => `${g.grantee.type}:${g.grantee.type === 'Group' ? g.grantee.uri : g.grantee.type === 'CanonicalUser' ? g.grantee.id : g.grantee.emailAddress}:${g.permission}`).sort();

for (const [name, skip, open] of KINDS) {
  const onRgw = name.startsWith('Ceph');
  // No account has the address: S3 answers UnresolvableGrantByEmailAddress; RGW 16.2 NoSuchKey for the header grant (S3's code for the body).
  const EMAIL_ANSWER = onRgw ? ['NoSuchKey', 'UnresolvableGrantByEmailAddress'] : ['UnresolvableGrantByEmailAddress', 'UnresolvableGrantByEmailAddress'];
  describe.skipIf(skip)(`ACLs, upstream: ${name}`, () => {
    let s3: S3Client;
    let close: () => Promise<void>;
    let boto3: (code: string) => Promise<unknown>;
    let owner: string;
    const bucket = bucketName('acl');
    beforeAll(async () => {
      ({ s3, close, boto3 } = await open());
      // ACLs need ObjectWriter ownership on the store (a new bucket enforces the owner, as on AWS).
      await s3.makeBucket(bucket, onRgw ? {} : { objectOwnership: 'ObjectWriter' });
    });
    afterAll(async () => {
      await cleanBucket(s3, bucket);
      await close?.();
    });

    it('bucket ACL: private by default (owner FULL_CONTROL), canned, grants, full policy', async () => {
      const initial = await s3.getBucketAcl(bucket);
      owner = initial.owner.id;
      expect(owner).not.toBe('');
      expect(grants(initial)).toEqual([`CanonicalUser:${owner}:FULL_CONTROL`]);

      await s3.setBucketAcl(bucket, 'public-read');
      expect(grants(await s3.getBucketAcl(bucket))).toEqual([`CanonicalUser:${owner}:FULL_CONTROL`, `Group:${ALL_USERS}:READ`]);

      await s3.setBucketAcl(bucket, { grants: { fullControl: [{ type: 'CanonicalUser', id: owner }], read: [{ type: 'Group', uri: AUTH_USERS }] } });
      expect(grants(await s3.getBucketAcl(bucket))).toEqual([`CanonicalUser:${owner}:FULL_CONTROL`, `Group:${AUTH_USERS}:READ`]);

      await s3.setBucketAcl(bucket, {
        owner: { id: owner },
        grants: [
          { grantee: { type: 'CanonicalUser', id: owner }, permission: 'FULL_CONTROL' },
          { grantee: { type: 'Group', uri: ALL_USERS }, permission: 'READ_ACP' },
        ],
      });
      expect(grants(await s3.getBucketAcl(bucket))).toEqual([`CanonicalUser:${owner}:FULL_CONTROL`, `Group:${ALL_USERS}:READ_ACP`]);

      await s3.setBucketAcl(bucket, 'private');
      expect(grants(await s3.getBucketAcl(bucket))).toEqual([`CanonicalUser:${owner}:FULL_CONTROL`]);
    });

    it('object ACL: private by default, canned, full policy (no versionId on an unversioned bucket)', async () => {
      const v1 = await s3.putObject(bucket, 'k', 'one');
      expect(grants(await s3.getObjectAcl(bucket, 'k'))).toEqual([`CanonicalUser:${owner}:FULL_CONTROL`]);
      await s3.setObjectAcl(bucket, 'k', 'public-read');
      expect(grants(await s3.getObjectAcl(bucket, 'k'))).toEqual([`CanonicalUser:${owner}:FULL_CONTROL`, `Group:${ALL_USERS}:READ`]);
      await s3.setObjectAcl(bucket, 'k', { owner: { id: owner }, grants: [{ grantee: { type: 'CanonicalUser', id: owner }, permission: 'READ' }] });
      expect(grants(await s3.getObjectAcl(bucket, 'k'))).toEqual([`CanonicalUser:${owner}:READ`]);
      expect(v1.versionId ?? null).toBeNull();
    });

    it('object ACL with versionId on a versioned bucket', async () => {
      const b = bucketName('aclv');
      try {
        await s3.makeBucket(b, onRgw ? { objectLocking: true } : { objectLocking: true, objectOwnership: 'ObjectWriter' });
        const v1 = await s3.putObject(b, 'k', 'one');
        const v2 = await s3.putObject(b, 'k', 'two');
        expect(v1.versionId).toBeTruthy();
        await s3.setObjectAcl(b, 'k', 'public-read', { versionId: v1.versionId! });
        expect(grants(await s3.getObjectAcl(b, 'k', { versionId: v1.versionId! }))).toContain(`Group:${ALL_USERS}:READ`);
        expect(grants(await s3.getObjectAcl(b, 'k', { versionId: v2.versionId! }))).toEqual([`CanonicalUser:${owner}:FULL_CONTROL`]);
        expect(grants(await s3.getObjectAcl(b, 'k'))).toEqual([`CanonicalUser:${owner}:FULL_CONTROL`]);
        expect(await code(s3.getObjectAcl(b, 'k', { versionId: 'nosuchversion000' }))).toMatch(onRgw ? /NoSuchVersion|NoSuchKey|InvalidArgument/ : /NoSuchVersion|InvalidArgument/);
      } finally {
        await cleanBucket(s3, b);
      }
    });

    it('makeBucket with a canned ACL and with grants', async () => {
      const a = bucketName('aclc');
      const b = bucketName('aclg');
      try {
        await s3.makeBucket(a, { acl: 'public-read', ...(onRgw ? {} : { objectOwnership: 'ObjectWriter' as const }) });
        expect(grants(await s3.getBucketAcl(a))).toEqual([`CanonicalUser:${owner}:FULL_CONTROL`, `Group:${ALL_USERS}:READ`]);
        await s3.makeBucket(b, {
          grants: { fullControl: [{ type: 'CanonicalUser', id: owner }], readAcp: [{ type: 'Group', uri: AUTH_USERS }] },
          ...(onRgw ? {} : { objectOwnership: 'ObjectWriter' as const }),
        });
        expect(grants(await s3.getBucketAcl(b))).toEqual([`CanonicalUser:${owner}:FULL_CONTROL`, `Group:${AUTH_USERS}:READ_ACP`]);
      } finally {
        await cleanBucket(s3, a);
        await cleanBucket(s3, b);
      }
    });

    it.skipIf(!hasBoto3)('cross-client: boto3 reads the grants @s3kit/client sets, and the other way round', async () => {
      const b = JSON.stringify(bucket);
      await s3.setBucketAcl(bucket, { grants: { fullControl: [{ type: 'CanonicalUser', id: owner }], write: [{ type: 'Group', uri: ALL_USERS }] } });
      const read = (await boto3(
        `print(json.dumps(sorted(g['Grantee'].get('URI', g['Grantee'].get('ID', '')) + ':' + g['Permission'] for g in s3.get_bucket_acl(Bucket=${b})['Grants'])))`,
      )) as string[];
      expect(read).toEqual([`${ALL_USERS}:WRITE`, `${owner}:FULL_CONTROL`].sort());
      await s3.putObject(bucket, 'x', 'x');
      await boto3(`s3.put_object_acl(Bucket=${b}, Key='x', ACL='authenticated-read'); print('null')`);
      expect(grants(await s3.getObjectAcl(bucket, 'x'))).toEqual([`CanonicalUser:${owner}:FULL_CONTROL`, `Group:${AUTH_USERS}:READ`]);
      await s3.setBucketAcl(bucket, 'private');
    });

    it('an e-mail grantee: sent as emailAddress="…", answered as S3 or RGW resolves it', async () => {
      const c = await code(s3.setBucketAcl(bucket, { grants: { fullControl: [{ type: 'CanonicalUser', id: owner }], read: [{ type: 'AmazonCustomerByEmail', emailAddress: 'nobody@example.com' }] } }));
      const p = await code(
        s3.setBucketAcl(bucket, {
          owner: { id: owner },
          grants: [
            { grantee: { type: 'CanonicalUser', id: owner }, permission: 'FULL_CONTROL' },
            { grantee: { type: 'AmazonCustomerByEmail', emailAddress: 'nobody@example.com' }, permission: 'READ' },
          ],
        }),
      );
      expect([c, p]).toEqual(EMAIL_ANSWER);
      expect(grants(await s3.getBucketAcl(bucket))).toEqual([`CanonicalUser:${owner}:FULL_CONTROL`]);
    });

    it('a bucket with BucketOwnerEnforced (the default) refuses ACLs but private', async () => {
      const b = bucketName('acle');
      try {
        await s3.makeBucket(b);
        // AWS since 2023 (and the store): AccessControlListNotSupported; RGW 16.2 has no ownership controls.
        expect(await code(s3.setBucketAcl(b, 'public-read'))).toBe(onRgw ? 'resolved' : 'AccessControlListNotSupported');
        await s3.setBucketAcl(b, 'private');
        expect(grants(await s3.getBucketAcl(b))).toEqual([`CanonicalUser:${owner}:FULL_CONTROL`]);
      } finally {
        await cleanBucket(s3, b);
      }
    });

    it('errors: missing bucket and key, bad ACL', async () => {
      expect(await code(s3.getBucketAcl('s3kit-client-no-such-bucket-zz'))).toBe('NoSuchBucket');
      expect(await code(s3.getObjectAcl(bucket, 'no-such-key'))).toBe('NoSuchKey');
      // Checked by the client before any request (rejections, never synchronous throws).
      expect(await code(s3.getBucketAcl('x'))).toBe('InvalidBucketName');
      await expect(s3.setBucketAcl(bucket, null as never)).rejects.toThrow(TypeError);
      expect(await code(s3.setBucketAcl(bucket, 'no-such-acl' as 'private'))).toMatch(/InvalidArgument|InvalidRequest/);
    });
  });
}
