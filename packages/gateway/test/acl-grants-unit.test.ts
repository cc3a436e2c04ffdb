// The ACL grant evaluation's parts: the grants read from an AccessControlPolicy, AWS's mapping of
// ACL permissions to actions, the cache (staleness, size bound, failures not kept), and the fast
// path (a request the policies decide reads no ACL).
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { s3Error } from '@s3kit/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AclGrantCache } from '../src/acl-grants/cache.js';
import { aclPermissionFor, grants, publicGrantsOf } from '../src/acl-grants/grants.js';
import type { Upstream, UpstreamRequest } from '../src/upstreams/upstream.js';
import { makeStore, type TestStore } from './helpers.js';
import { ADMIN, startGateway, type RunningGateway } from './support/gateway-server.js';

const ALL = 'http://acs.amazonaws.com/groups/global/AllUsers';
const AUTH = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
const acl = (...grantList: [grantee: string, permission: string][]): string =>
  `<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>owner</ID></Owner><AccessControlList>${grantList
    .map(([who, p]) =>
      who.startsWith('http')
        ? `<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>${who}</URI></Grantee><Permission>${p}</Permission></Grant>`
        : `<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>${who}</ID></Grantee><Permission>${p}</Permission></Grant>`,
    )
    .join('')}</AccessControlList></AccessControlPolicy>`;

describe('public grants of an AccessControlPolicy', () => {
  it('reads AllUsers and AuthenticatedUsers grants; grants to accounts are not public', () => {
    const g = publicGrantsOf(acl(['owner', 'FULL_CONTROL'], [ALL, 'READ'], [AUTH, 'WRITE'], ['someone', 'READ']));
    expect([...g.allUsers]).toEqual(['READ']);
    expect([...g.authenticatedUsers]).toEqual(['WRITE']);
    expect(grants(g, 'READ', true, false)).toBe(true);
    expect(grants(g, 'WRITE', true, false)).toBe(false);
    expect(grants(g, 'WRITE', false, false)).toBe(true);
    expect(grants(g, 'READ', true, true)).toBe(false);
    const owner = publicGrantsOf(acl(['owner', 'FULL_CONTROL']));
    expect(grants(owner, 'READ', false, false)).toBe(false);
  });

  it('FULL_CONTROL holds every permission', () => {
    const g = publicGrantsOf(acl([ALL, 'FULL_CONTROL']));
    for (const p of ['READ', 'WRITE', 'READ_ACP', 'WRITE_ACP'] as const) expect(grants(g, p, true, false)).toBe(true);
  });

  it.each([
    ['s3:ListBucket', 'bucket', 'READ'],
    ['s3:ListBucketVersions', 'bucket', 'READ'],
    ['s3:ListBucketMultipartUploads', 'bucket', 'READ'],
    ['s3:PutObject', 'bucket', 'WRITE'],
    ['s3:DeleteObject', 'bucket', 'WRITE'],
    ['s3:DeleteObjectVersion', 'bucket', 'WRITE'],
    ['s3:AbortMultipartUpload', 'bucket', 'WRITE'],
    ['s3:GetBucketAcl', 'bucket', 'READ_ACP'],
    ['s3:PutBucketAcl', 'bucket', 'WRITE_ACP'],
    ['s3:GetObject', 'object', 'READ'],
    ['s3:GetObjectVersion', 'object', 'READ'],
    ['s3:GetObjectTorrent', 'object', 'READ'],
    ['s3:GetObjectAcl', 'object', 'READ_ACP'],
    ['s3:PutObjectVersionAcl', 'object', 'WRITE_ACP'],
  ])("%s is granted by the %s ACL's %s", (action, on, permission) => {
    expect(aclPermissionFor(action)).toEqual({ on, permission });
  });

  it.each(['s3:PutBucketPolicy', 's3:GetObjectTagging', 's3:PutObjectTagging', 's3:ListAllMyBuckets', 's3:DeleteBucket', 's3:PutBucketOwnershipControls'])('%s is granted by no ACL', (action) => {
    expect(aclPermissionFor(action)).toBeUndefined();
  });
});

/** An upstream answering from a table, counting requests. */
function fakeUpstream(answer: (req: UpstreamRequest) => string | Error): Upstream & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    handle(req) {
      calls.push(`${req.operation} ${req.bucket ?? ''}/${req.key ?? ''}${req.query['versionId'] ? `?${req.query['versionId']}` : ''}`);
      const a = answer(req);
      return a instanceof Error ? Promise.reject(a) : Promise.resolve({ status: 200, headers: {}, body: a });
    },
  };
}

describe('AclGrantCache', () => {
  it('keeps an answer for maxStalenessMs, then reads again; missing ownership controls and objects are answers (cached)', async () => {
    let now = 0;
    const up = fakeUpstream((req) =>
      req.operation === 'GetBucketOwnershipControls' ? s3Error('OwnershipControlsNotFoundError') : req.operation === 'GetBucketAcl' ? acl([ALL, 'READ']) : s3Error('NoSuchKey'),
    );
    const cache = new AclGrantCache(up, { maxStalenessMs: 1000, now: () => now });
    const b = await cache.bucket('b');
    expect(b.aclsEnabled).toBe(true);
    expect([...b.grants.allUsers]).toEqual(['READ']);
    expect([...(await cache.object('b', 'missing', undefined)).allUsers]).toEqual([]);
    now = 999;
    await cache.bucket('b');
    await cache.object('b', 'missing', undefined);
    expect(up.calls).toHaveLength(3);
    now = 1000;
    await cache.bucket('b');
    expect(up.calls).toHaveLength(5);
  });

  it('BucketOwnerEnforced disables the grants; an answer that is no OwnershipControls (RGW 16.2 lists the bucket) leaves ACLs on', async () => {
    let ownership = '<OwnershipControls><Rule><ObjectOwnership>BucketOwnerEnforced</ObjectOwnership></Rule></OwnershipControls>';
    const up = fakeUpstream((req) => (req.operation === 'GetBucketOwnershipControls' ? ownership : acl([ALL, 'FULL_CONTROL'])));
    const cache = new AclGrantCache(up, { maxStalenessMs: 1000 });
    expect((await cache.bucket('b')).aclsEnabled).toBe(false);
    expect([...(await cache.bucket('b')).grants.allUsers]).toEqual([]);
    ownership = '<ListBucketResult><Name>b</Name></ListBucketResult>';
    cache.forgetBucket('b');
    expect(await cache.bucket('b').then((s) => s.aclsEnabled)).toBe(true);
  });

  it('a failed read (5xx) rejects (the request fails with it) and is not kept: the next one asks again', async () => {
    let fail = true;
    const up = fakeUpstream((req) => (req.operation === 'GetObjectAcl' && fail ? s3Error('ServiceUnavailable') : acl([ALL, 'READ'])));
    const cache = new AclGrantCache(up, { maxStalenessMs: 60_000 });
    await expect(cache.object('b', 'k', undefined)).rejects.toMatchObject({ code: 'ServiceUnavailable' });
    fail = false;
    expect([...(await cache.object('b', 'k', undefined)).allUsers]).toEqual(['READ']);
  });

  it('keeps at most maxObjects object ACLs (oldest dropped); forgetObject drops the current version and the named one', async () => {
    const up = fakeUpstream(() => acl());
    const cache = new AclGrantCache(up, { maxStalenessMs: 60_000, maxObjects: 2 });
    await cache.object('b', 'k1', undefined);
    await cache.object('b', 'k2', undefined);
    await cache.object('b', 'k3', undefined);
    await cache.object('b', 'k2', undefined);
    expect(up.calls).toEqual(['GetObjectAcl b/k1', 'GetObjectAcl b/k2', 'GetObjectAcl b/k3']);
    await cache.object('b', 'k1', undefined);
    expect(up.calls).toHaveLength(4);
    await cache.object('b', 'k3', 'v1');
    cache.forgetObject('b', 'k3', 'v1');
    await cache.object('b', 'k3', 'v1');
    await cache.object('b', 'k3', undefined);
    expect(up.calls.slice(4)).toEqual(['GetObjectAcl b/k3?v1', 'GetObjectAcl b/k3?v1', 'GetObjectAcl b/k3']);
  });
});

describe('the fast path through a gateway on the store', () => {
  let t: TestStore;
  let g: RunningGateway;
  let sdk: S3Client;
  const calls: string[] = [];
  beforeAll(async () => {
    t = await makeStore();
    const counting: Upstream = { handle: (req) => (calls.push(req.operation), t.store.handle(req)), capabilities: t.store.capabilities };
    g = await startGateway(counting);
    sdk = new S3Client({ endpoint: g.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: ADMIN.accessKeyId, secretAccessKey: ADMIN.secretAccessKey }, maxAttempts: 1 });
    await t.store.handle({ method: 'PUT', operation: 'CreateBucket', bucket: 'fast', query: {}, headers: { 'x-amz-object-ownership': 'ObjectWriter' } });
  });
  afterAll(async () => {
    sdk?.destroy();
    await g?.close();
    await t?.cleanup();
  });

  it('a request the policies allow reads no ACL; a denied anonymous one reads them once per staleness period', async () => {
    await sdk.send(new PutObjectCommand({ Bucket: 'fast', Key: 'k', Body: 'x' }));
    await (await sdk.send(new GetObjectCommand({ Bucket: 'fast', Key: 'k' }))).Body!.transformToString();
    expect(calls).toEqual(['PutObject', 'GetObject']);
    calls.length = 0;
    expect((await fetch(`${g.endpoint}/fast/k`)).status).toBe(403);
    expect(calls.sort()).toEqual(['GetBucketAcl', 'GetBucketOwnershipControls', 'GetObjectAcl']);
    calls.length = 0;
    expect((await fetch(`${g.endpoint}/fast/k`)).status).toBe(403);
    expect(calls).toEqual([]);
  });
});
