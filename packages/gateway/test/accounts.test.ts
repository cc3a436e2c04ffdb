import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  ListObjectVersionsCommand,
  ListPartsCommand,
  DeleteBucketPolicyCommand,
  GetBucketAclCommand,
  GetObjectAclCommand,
  PutBucketAclCommand,
  PutObjectAclCommand,
  GetObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { rgwOrSkip, type RgwHandle } from '@s3kit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalIdOf } from '../src/accounts/account.js';
import { evaluate, parsePolicy } from '../src/index.js';
import { createGateway, createLocalStore, createS3Upstream, type Identity, type LocalStore, type S3Upstream, type Upstream } from '../src/index.js';
import { startGateway, type RunningGateway } from './support/gateway-server.js';

// Accounts: identities of two accounts on one gateway. Buckets belong to the creator's account;
// another account's bucket needs the caller's identity policy AND the owner's bucket policy (or
// ACL grant); ListBuckets shows the caller's account's buckets; the store shows the owning account.

const { rgw, reason } = await rgwOrSkip();
const V = '2012-10-17';
const ALL = [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }];

const ALICE: Identity = {
  name: 'alice',
  account: 'acct-a',
  accessKeyId: 'AKIAACCOUNTAALICE001',
  secretAccessKey: 'alice-secret-key-for-tests-only-00000000',
  policies: [{ Version: V, Statement: ALL }],
};
const BOB: Identity = { name: 'bob', account: 'acct-b', accessKeyId: 'AKIAACCOUNTBBOB00001', secretAccessKey: 'bob-secret-key-for-tests-only-0000000000', policies: [{ Version: V, Statement: ALL }] };
/** Account A, but no identity policy at all: a bucket policy of B alone must not open B's bucket to it. */
const CAROL: Identity = { name: 'carol', account: 'acct-a', accessKeyId: 'AKIAACCOUNTACAROL001', secretAccessKey: 'carol-secret-key-for-tests-only-00000000', allow: [] };
/** The default account (no `account`). */
const DAVE: Identity = { name: 'dave', accessKeyId: 'AKIADEFAULTDAVE00001', secretAccessKey: 'dave-secret-key-for-tests-only-000000000', allow: [{ bucket: '*', access: 'readwrite' }] };

interface Kind {
  make(): Upstream;
  close(u: Upstream): Promise<void>;
  cleanup(): Promise<void>;
  readonly store: boolean;
}

async function localKind(): Promise<Kind> {
  const dir = await mkdtemp(join(tmpdir(), 's3kit-accounts-'));
  return { store: true, make: () => createLocalStore({ dir, fsync: false }), close: (u) => (u as LocalStore).close(), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

function rgwKind(h: RgwHandle): Kind {
  const systemBucket = `s3kit-sys-acct-${Date.now().toString(36)}`;
  return {
    store: false,
    make: () =>
      createS3Upstream({
        endpoint: h.endpoint,
        region: h.region,
        credentials: { accessKeyId: h.accessKeyId, secretAccessKey: h.secretAccessKey },
        profile: { checksumHeaders: false },
        configStore: { bucket: systemBucket, prefix: 'gateway/' },
      }),
    close: (u) => (u as S3Upstream).close(),
    cleanup: async () => {},
  };
}

function client(g: RunningGateway, id: Identity): S3Client {
  return new S3Client({ endpoint: g.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: id.accessKeyId, secretAccessKey: id.secretAccessKey } });
}

async function failure(p: Promise<unknown>): Promise<{ code: string; status: number | undefined }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof S3ServiceException) return { code: err.name, status: err.$metadata.httpStatusCode };
    throw err;
  }
  throw new Error('expected a failure');
}

const text = async (c: S3Client, Bucket: string, Key: string) => (await c.send(new GetObjectCommand({ Bucket, Key }))).Body!.transformToString();

const KINDS: [string, boolean, () => Promise<Kind> | Kind][] = [
  ['the embedded local store', false, localKind],
  [`Ceph RGW ${reason}`, rgw === undefined, () => rgwKind(rgw!)],
];

describe.each(KINDS)('accounts, upstream: %s', (_name, skip, makeKind) => {
  let kind: Kind;
  let upstream: Upstream;
  let g: RunningGateway;
  let alice: S3Client, bob: S3Client, carol: S3Client, dave: S3Client;
  const suffix = Date.now().toString(36);
  const bBucket = `acct-b-${suffix}`;
  const aBucket = `acct-a-${suffix}`;
  const dBucket = `acct-d-${suffix}`;

  beforeAll(async () => {
    if (skip) return;
    kind = await makeKind();
    upstream = kind.make();
    g = await startGateway(upstream, { identities: [ALICE, BOB, CAROL, DAVE], bucketConfig: { maxStalenessMs: 200 } });
    [alice, bob, carol, dave] = [ALICE, BOB, CAROL, DAVE].map((id) => client(g, id)) as [S3Client, S3Client, S3Client, S3Client];
    await bob.send(new CreateBucketCommand({ Bucket: bBucket }));
    await bob.send(new PutObjectCommand({ Bucket: bBucket, Key: 'b.txt', Body: 'from b' }));
    await alice.send(new CreateBucketCommand({ Bucket: aBucket }));
    await dave.send(new CreateBucketCommand({ Bucket: dBucket }));
  });
  afterAll(async () => {
    for (const c of [alice, bob, carol, dave]) c?.destroy();
    await g?.close();
    if (upstream !== undefined) await kind.close(upstream);
    await kind?.cleanup();
  });

  it.skipIf(skip)("a private bucket of account B is AccessDenied to account A, even with A's identity policy allowing s3:*", async () => {
    expect(await text(bob, bBucket, 'b.txt')).toBe('from b');
    expect(await failure(text(alice, bBucket, 'b.txt'))).toMatchObject({ code: 'AccessDenied', status: 403 });
    expect(await failure(alice.send(new ListObjectsV2Command({ Bucket: bBucket })))).toMatchObject({ code: 'AccessDenied', status: 403 });
    expect(await failure(alice.send(new PutObjectCommand({ Bucket: bBucket, Key: 'x', Body: 'x' })))).toMatchObject({ code: 'AccessDenied', status: 403 });
    // The default account is another account too.
    expect(await failure(dave.send(new ListObjectsV2Command({ Bucket: bBucket })))).toMatchObject({ code: 'AccessDenied', status: 403 });
    expect(await failure(bob.send(new ListObjectsV2Command({ Bucket: dBucket })))).toMatchObject({ code: 'AccessDenied', status: 403 });
  });

  it.skipIf(skip)("B's bucket policy naming account A (root ARN or canonical id) opens it to A's identities whose identity policy allows too; an explicit Deny wins", async () => {
    const byRoot = {
      Version: V,
      Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::acct-a:root' }, Action: ['s3:GetObject', 's3:ListBucket'], Resource: [`arn:aws:s3:::${bBucket}`, `arn:aws:s3:::${bBucket}/*`] }],
    };
    await bob.send(new PutBucketPolicyCommand({ Bucket: bBucket, Policy: JSON.stringify(byRoot) }));
    expect(await text(alice, bBucket, 'b.txt')).toBe('from b');
    expect((await alice.send(new ListObjectsV2Command({ Bucket: bBucket }))).Contents?.map((o) => o.Key)).toEqual(['b.txt']);
    // Not allowed by the bucket policy: still denied.
    expect(await failure(alice.send(new PutObjectCommand({ Bucket: bBucket, Key: 'x', Body: 'x' })))).toMatchObject({ code: 'AccessDenied' });
    // Account A's identity without an identity policy: the bucket policy alone does not open it.
    expect(await failure(text(carol, bBucket, 'b.txt'))).toMatchObject({ code: 'AccessDenied' });
    // Other accounts stay out.
    expect(await failure(text(dave, bBucket, 'b.txt'))).toMatchObject({ code: 'AccessDenied' });

    const byCanonical = {
      Version: V,
      Statement: [
        { Effect: 'Allow', Principal: { CanonicalUser: canonicalIdOf('acct-a') }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${bBucket}/*` },
        { Effect: 'Deny', Principal: { AWS: 'arn:aws:iam::acct-a:user/alice' }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${bBucket}/secret*` },
      ],
    };
    await bob.send(new PutObjectCommand({ Bucket: bBucket, Key: 'secret.txt', Body: 's' }));
    await bob.send(new PutBucketPolicyCommand({ Bucket: bBucket, Policy: JSON.stringify(byCanonical) }));
    expect(await text(alice, bBucket, 'b.txt')).toBe('from b');
    expect(await failure(text(alice, bBucket, 'secret.txt'))).toMatchObject({ code: 'AccessDenied' });
    // The owner's own identities are not concerned by the Deny on alice.
    expect(await text(bob, bBucket, 'secret.txt')).toBe('s');
    await bob.send(new DeleteBucketPolicyCommand({ Bucket: bBucket }));
    expect(await failure(text(alice, bBucket, 'b.txt'))).toMatchObject({ code: 'AccessDenied' });
  });

  it.skipIf(skip)("only the bucket owner's account may change its policy: A cannot open B's bucket to itself", async () => {
    const open = { Version: V, Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bBucket}/*` }] };
    expect(await failure(alice.send(new PutBucketPolicyCommand({ Bucket: bBucket, Policy: JSON.stringify(open) })))).toMatchObject({ code: 'AccessDenied', status: 403 });
  });

  it.skipIf(skip)('a bucket name taken by another account is BucketAlreadyExists (409)', async () => {
    expect(await failure(alice.send(new CreateBucketCommand({ Bucket: bBucket })))).toMatchObject({ code: 'BucketAlreadyExists', status: 409 });
    expect(await failure(dave.send(new CreateBucketCommand({ Bucket: aBucket })))).toMatchObject({ code: 'BucketAlreadyExists', status: 409 });
    expect(await failure(bob.send(new CreateBucketCommand({ Bucket: dBucket })))).toMatchObject({ code: 'BucketAlreadyExists', status: 409 });
    // B's bucket is still B's.
    expect(await text(bob, bBucket, 'b.txt')).toBe('from b');
  });

  it.skipIf(skip)('the ownership record is in the upstream: a second gateway over it (its own caches) decides the same', async () => {
    const g2 = await startGateway(upstream, { identities: [ALICE, BOB, CAROL, DAVE], bucketConfig: { maxStalenessMs: 200 } });
    const [alice2, bob2] = [client(g2, ALICE), client(g2, BOB)];
    try {
      expect(await failure(text(alice2, bBucket, 'b.txt'))).toMatchObject({ code: 'AccessDenied' });
      expect(await text(bob2, bBucket, 'b.txt')).toBe('from b');
      expect(((await bob2.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name).filter((n) => n?.endsWith(suffix))).toEqual([bBucket]);
    } finally {
      alice2.destroy();
      bob2.destroy();
      await g2.close();
    }
  });

  it.skipIf(skip)("ListBuckets shows only the caller's account's buckets", async () => {
    const names = async (c: S3Client) => ((await c.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name).filter((n) => n?.endsWith(suffix));
    expect(await names(alice)).toEqual([aBucket]);
    expect(await names(carol)).toEqual([aBucket]);
    expect(await names(bob)).toEqual([bBucket]);
    expect(await names(dave)).toEqual([dBucket]);
    if (kind.store) {
      const owner = (await bob.send(new ListBucketsCommand({}))).Owner;
      expect(owner).toMatchObject({ ID: canonicalIdOf('acct-b'), DisplayName: 'acct-b' });
    }
  });

  it.skipIf(skip)("ACL grants to account A's canonical id open B's bucket and object to A's identities whose identity policy allows (RGW: it refuses ids it does not know)", async () => {
    const aclBucket = `acct-acl-${suffix}`;
    await bob.send(new CreateBucketCommand({ Bucket: aclBucket, ObjectOwnership: 'ObjectWriter' }));
    await bob.send(new PutObjectCommand({ Bucket: aclBucket, Key: 'o.txt', Body: 'acl' }));
    expect(await failure(alice.send(new ListObjectsV2Command({ Bucket: aclBucket })))).toMatchObject({ code: 'AccessDenied' });
    const grantA = `id="${canonicalIdOf('acct-a')}"`;
    const putBucketAcl = bob.send(new PutBucketAclCommand({ Bucket: aclBucket, GrantRead: grantA, GrantFullControl: `id="${canonicalIdOf('acct-b')}"` }));
    if (!kind.store) {
      // RGW 16.2 answers a grant to a user it does not know with NoSuchKey (404); S3 says InvalidArgument.
      expect(await failure(putBucketAcl)).toMatchObject({ code: 'NoSuchKey', status: 404 });
      return;
    }
    await putBucketAcl;
    expect((await alice.send(new ListObjectsV2Command({ Bucket: aclBucket }))).Contents?.map((o) => o.Key)).toEqual(['o.txt']);
    // The bucket's READ lists, it does not read objects: the object's ACL does.
    expect(await failure(text(alice, aclBucket, 'o.txt'))).toMatchObject({ code: 'AccessDenied' });
    await bob.send(new PutObjectAclCommand({ Bucket: aclBucket, Key: 'o.txt', GrantRead: grantA }));
    expect(await text(alice, aclBucket, 'o.txt')).toBe('acl');
    // No identity policy in A, or another account: the grant alone opens nothing.
    expect(await failure(text(carol, aclBucket, 'o.txt'))).toMatchObject({ code: 'AccessDenied' });
    expect(await failure(text(dave, aclBucket, 'o.txt'))).toMatchObject({ code: 'AccessDenied' });
    const acl = await bob.send(new GetObjectAclCommand({ Bucket: aclBucket, Key: 'o.txt' }));
    expect(acl.Grants?.map((gr) => gr.Grantee?.ID)).toEqual([canonicalIdOf('acct-a')]);
    // A Deny in the owner's bucket policy still wins over the grant.
    const deny = { Version: V, Statement: [{ Effect: 'Deny', Principal: { AWS: 'arn:aws:iam::acct-a:root' }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${aclBucket}/*` }] };
    await bob.send(new PutBucketPolicyCommand({ Bucket: aclBucket, Policy: JSON.stringify(deny) }));
    expect(await failure(text(alice, aclBucket, 'o.txt'))).toMatchObject({ code: 'AccessDenied' });
  });

  it.skipIf(skip)("the store shows the owning account's canonical id and name in listings and ACLs (RGW: its own owner)", async () => {
    const list = await bob.send(new ListObjectsV2Command({ Bucket: bBucket, FetchOwner: true }));
    const acl = await bob.send(new GetBucketAclCommand({ Bucket: bBucket }));
    const versions = await bob.send(new ListObjectVersionsCommand({ Bucket: bBucket }));
    const upload = await bob.send(new CreateMultipartUploadCommand({ Bucket: bBucket, Key: 'mp' }));
    const parts = await bob.send(new ListPartsCommand({ Bucket: bBucket, Key: 'mp', UploadId: upload.UploadId }));
    await bob.send(new AbortMultipartUploadCommand({ Bucket: bBucket, Key: 'mp', UploadId: upload.UploadId }));
    if (kind.store) {
      const b = { ID: canonicalIdOf('acct-b'), DisplayName: 'acct-b' };
      expect(versions.Versions?.[0]?.Owner).toMatchObject(b);
      expect(parts.Owner).toMatchObject(b);
      expect(parts.Initiator).toMatchObject(b);
      expect(list.Contents?.[0]?.Owner).toMatchObject({ ID: canonicalIdOf('acct-b'), DisplayName: 'acct-b' });
      expect(acl.Owner).toMatchObject({ ID: canonicalIdOf('acct-b'), DisplayName: 'acct-b' });
      expect(acl.Grants?.[0]?.Grantee?.ID).toBe(canonicalIdOf('acct-b'));
    } else {
      // RGW knows only the gateway's own user: it owns every bucket the gateway creates.
      expect(acl.Owner?.ID).not.toBe(canonicalIdOf('acct-b'));
    }
  });
});

describe('accounts: configuration', () => {
  it('an invalid account name is refused by createGateway', () => {
    expect(() => createGateway({ identities: [{ ...ALICE, account: 'a:b' }], upstreams: { default: createLocalStore({ dir: join(tmpdir(), 'unused') }) } })).toThrow(/identities\[0\]\.account/);
  });

  it('an account on an upstream without a configStore (where ownership is recorded) is refused', () => {
    const upstream = createS3Upstream({ endpoint: 'http://127.0.0.1:1', region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    expect(() => createGateway({ identities: [ALICE], upstreams: { default: upstream } })).toThrow(/identities\[0\]\.account: upstream "default" keeps no bucket configuration/);
    // The default account needs no record.
    expect(() => createGateway({ identities: [DAVE], upstreams: { default: upstream } })).not.toThrow();
  });
});

describe('accounts: policy evaluation (evaluate with crossAccount)', () => {
  const identity = parsePolicy({ Version: V, Statement: ALL }, { kind: 'identity' });
  const bucketPolicy = (principal: unknown, effect = 'Allow') =>
    parsePolicy({ Version: V, Statement: [{ Effect: effect, Principal: principal, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }] }, { kind: 'bucket', bucket: 'b' });
  const alice = { anonymous: false, accessKeyId: ALICE.accessKeyId, username: 'alice', account: 'acct-a', canonicalId: canonicalIdOf('acct-a') };
  const request = (principal: typeof alice | Omit<typeof alice, 'account'>) => ({ principal, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' });

  it.each([
    ['identity only, cross-account', [identity], [], true, { decision: 'implicit-deny', missing: 'resource' }],
    ['bucket policy naming the account only, cross-account', [], [bucketPolicy({ AWS: 'arn:aws:iam::acct-a:root' })], true, { decision: 'implicit-deny', missing: 'identity' }],
    ['both, cross-account (root ARN)', [identity], [bucketPolicy({ AWS: 'arn:aws:iam::acct-a:root' })], true, { decision: 'allow' }],
    ['both, cross-account (canonical id)', [identity], [bucketPolicy({ CanonicalUser: canonicalIdOf('acct-a') })], true, { decision: 'allow' }],
    ['another account named, cross-account', [identity], [bucketPolicy({ AWS: 'arn:aws:iam::acct-c:root' })], true, { decision: 'implicit-deny', missing: 'resource' }],
    ['the user ARN of another account', [identity], [bucketPolicy({ AWS: 'arn:aws:iam::acct-c:user/alice' })], true, { decision: 'implicit-deny', missing: 'resource' }],
    ['the own account root in an Allow delegates: nothing within the account', [], [bucketPolicy({ AWS: 'arn:aws:iam::acct-a:root' })], false, { decision: 'implicit-deny' }],
    ['identity only, same account', [identity], [], false, { decision: 'allow' }],
    ['a Deny naming the account wins', [identity], [bucketPolicy({ AWS: 'arn:aws:iam::acct-a:root' }, 'Deny')], false, { decision: 'deny' }],
    ['a Deny naming another account does not apply', [identity], [bucketPolicy({ AWS: 'arn:aws:iam::acct-c:root' }, 'Deny')], false, { decision: 'allow' }],
  ] as const)('%s', (_name, identityPolicies, bucketPolicies, crossAccount, expected) => {
    expect(evaluate({ identityPolicies: [...identityPolicies], bucketPolicies: [...bucketPolicies], crossAccount, request: request(alice) })).toMatchObject(expected);
  });

  it('without accounts (no account on the principal), an account Deny covers every identity, as before', () => {
    const { account: _, ...legacy } = alice;
    expect(evaluate({ identityPolicies: [identity], bucketPolicies: [bucketPolicy({ AWS: 'arn:aws:iam::123456789012:root' }, 'Deny')], request: request(legacy) }).decision).toBe('deny');
  });

  it('a CanonicalUser principal must be 64 hex digits', () => {
    expect(() => bucketPolicy({ CanonicalUser: 'nobody' })).toThrow(/CanonicalUser: "nobody" is not a canonical user id/);
  });
});
