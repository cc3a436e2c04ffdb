import { GetObjectAclCommand, S3Client as AwsS3Client } from '@aws-sdk/client-s3';
import { SigV4Signer } from '@s3kit/sigv4';
import { rgwOrSkip } from '@s3kit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Upstream, UpstreamRequest } from '../src/index.js';
import { ADMIN, startGateway, type RunningGateway } from './support/gateway-server.js';
import { localTarget, rgwTarget, type Target } from './support/targets.js';

// Policies whose inputs live upstream (s3:ExistingObjectTag/<k>) and canned ACL headers, which the
// gateway passes through untouched to the upstream, which applies them (the gateway does not
// evaluate ACL grants): against the embedded store and RGW.

const { rgw, reason } = await rgwOrSkip();
const ALICE = { name: 'alice', accessKeyId: 'AKIAPOLICYRGWALICE01', secretAccessKey: 'alice-rgw-secret-key-for-tests-00000000' };
const V = '2012-10-17';

/** Wraps an upstream and records the headers of every request it gets. */
function recording(up: Upstream, seen: UpstreamRequest[]): Upstream {
  return { handle: (req) => (seen.push(req), up.handle(req)) };
}

async function send(g: RunningGateway, creds: { accessKeyId: string; secretAccessKey: string }, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<number> {
  const s = new SigV4Signer({ credentials: creds, region: 'us-east-1' }).sign({ method, url: `${g.endpoint}${path}`, headers, ...(body === undefined ? {} : { body }) });
  const res = await fetch(s.url, { method, headers: s.headers, ...(body === undefined ? {} : { body }) });
  await res.arrayBuffer();
  return res.status;
}

const ACL_HEADERS = { 'x-amz-acl': 'public-read', 'x-amz-grant-read': 'uri="http://acs.amazonaws.com/groups/global/AuthenticatedUsers"' };

describe('canned ACL headers through the gateway to the embedded store', () => {
  let target: Target;
  let g: RunningGateway;
  const seen: UpstreamRequest[] = [];
  beforeAll(async () => {
    target = await localTarget();
    g = await startGateway(recording(target.upstream, seen));
    await target.createBucket('acl');
  });
  afterAll(async () => {
    await g?.close();
    await target?.close();
  });

  it('passes x-amz-acl and x-amz-grant-* to the upstream untouched; the store applies them as S3 (ACLs disabled on a new bucket)', async () => {
    // Both kinds together: the store answers InvalidRequest, as S3.
    expect(await send(g, ADMIN, 'PUT', '/acl/k', ACL_HEADERS, 'data')).toBe(400);
    const put = seen.find((r) => r.operation === 'PutObject' && r.key === 'k');
    expect(put?.headers['x-amz-acl']).toBe('public-read');
    expect(put?.headers['x-amz-grant-read']).toBe(ACL_HEADERS['x-amz-grant-read']);
    // A new bucket is BucketOwnerEnforced: a public ACL is AccessControlListNotSupported (400), nothing stored.
    expect(await send(g, ADMIN, 'PUT', '/acl/k', { 'x-amz-acl': 'public-read' }, 'data')).toBe(400);
    expect(await target.stored('acl', 'k')).toBeUndefined();
    expect(await send(g, ADMIN, 'PUT', '/acl/k', { 'x-amz-acl': 'bucket-owner-full-control' }, 'data')).toBe(200);
    expect((await target.stored('acl', 'k'))?.toString()).toBe('data');
    // With ACLs enabled the store keeps the grant (GetObjectAcl), and the gateway honours it: an
    // unsigned GET through it reads the object (more in acl-grants.test.ts).
    expect(await send(g, ADMIN, 'PUT', '/acl-ow', { 'x-amz-object-ownership': 'ObjectWriter' })).toBe(200);
    expect(await send(g, ADMIN, 'PUT', '/acl-ow/k', { 'x-amz-acl': 'public-read' }, 'data')).toBe(200);
    const s = new SigV4Signer({ credentials: ADMIN, region: 'us-east-1' }).sign({ method: 'GET', url: `${g.endpoint}/acl-ow/k?acl` });
    const acl = await fetch(s.url, { headers: s.headers });
    expect([acl.status, await acl.text()]).toEqual([200, expect.stringContaining('<URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission>')]);
    expect((await fetch(`${g.endpoint}/acl-ow/k`)).status).toBe(200);
  });

  it('needs s3:PutObjectAcl for a PUT that sets an ACL header (the catalogue row), and is denied without it', async () => {
    g.gateway.update({ identities: [ADMIN, { ...ALICE, policies: [{ Version: V, Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }] }] }] });
    expect(await send(g, ALICE, 'PUT', '/acl/a1', ACL_HEADERS, 'x')).toBe(403);
    expect(await send(g, ALICE, 'PUT', '/acl/a1', {}, 'x')).toBe(200);
  });
});

describe.skipIf(!rgw)(`policies and ACL pass-through with Ceph RGW as upstream ${reason}`, () => {
  let target: Target;
  let g: RunningGateway;
  let direct: AwsS3Client;
  const bucket = `pol-${Date.now().toString(36)}`;
  beforeAll(async () => {
    target = rgwTarget(rgw!);
    g = await startGateway(target.upstream);
    await target.createBucket(bucket);
    direct = new AwsS3Client({ endpoint: rgw!.endpoint, region: rgw!.region, forcePathStyle: true, credentials: { accessKeyId: rgw!.accessKeyId, secretAccessKey: rgw!.secretAccessKey } });
    expect(await send(g, ADMIN, 'PUT', `/${bucket}/public.txt`, { 'x-amz-tagging': 'class=public' }, 'pub')).toBe(200);
    expect(await send(g, ADMIN, 'PUT', `/${bucket}/secret.txt`, { 'x-amz-tagging': 'class=secret' }, 'sec')).toBe(200);
  });
  afterAll(async () => {
    direct?.destroy();
    await g?.close();
    await target?.close();
  });

  it('reads s3:ExistingObjectTag/<k> from RGW (GetObjectTagging): tagged public 200, secret 403, missing 403', async () => {
    g.gateway.update({
      identities: [ADMIN, { ...ALICE, policies: [] }],
      bucketPolicies: {
        [bucket]: {
          Version: V,
          Statement: [
            {
              Sid: 'TaggedPublic',
              Effect: 'Allow',
              Principal: { AWS: ALICE.accessKeyId },
              Action: 's3:GetObject',
              Resource: `arn:aws:s3:::${bucket}/*`,
              Condition: { StringEquals: { 's3:ExistingObjectTag/class': 'public' } },
            },
          ],
        },
      },
    });
    expect(await send(g, ALICE, 'GET', `/${bucket}/public.txt`)).toBe(200);
    expect(await send(g, ALICE, 'GET', `/${bucket}/secret.txt`)).toBe(403);
    expect(await send(g, ALICE, 'GET', `/${bucket}/missing.txt`)).toBe(403);
    // Retagging upstream flips the decision: the tags are read per request, not cached.
    expect(await send(g, ADMIN, 'PUT', `/${bucket}/secret.txt?tagging`, {}, '<Tagging><TagSet><Tag><Key>class</Key><Value>public</Value></Tag></TagSet></Tagging>')).toBe(200);
    expect(await send(g, ALICE, 'GET', `/${bucket}/secret.txt`)).toBe(200);
  });

  it('passes canned ACL and grant headers to RGW, which applies them (GetObjectAcl on RGW directly, anonymous GET on RGW and through the gateway)', async () => {
    expect(await send(g, ADMIN, 'PUT', `/${bucket}/acl.txt`, { 'x-amz-acl': 'public-read' }, 'acl')).toBe(200);
    const acl = await direct.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'acl.txt' }));
    expect(acl.Grants?.some((gr) => gr.Grantee?.URI === 'http://acs.amazonaws.com/groups/global/AllUsers' && gr.Permission === 'READ')).toBe(true);
    expect((await fetch(`${rgw!.endpoint}/${bucket}/acl.txt`)).status).toBe(200);
    expect(await send(g, ADMIN, 'PUT', `/${bucket}/grant.txt`, { 'x-amz-grant-read': 'uri="http://acs.amazonaws.com/groups/global/AuthenticatedUsers"' }, 'g')).toBe(200);
    const grants = await direct.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'grant.txt' }));
    expect(grants.Grants?.some((gr) => gr.Grantee?.URI === 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers' && gr.Permission === 'READ')).toBe(true);
    // The gateway honours RGW's public grants (read with its credentials): an unsigned GET through
    // it reads the public-read object, not the AuthenticatedUsers one (more in acl-grants.test.ts).
    expect((await fetch(`${g.endpoint}/${bucket}/acl.txt`)).status).toBe(200);
    expect((await fetch(`${g.endpoint}/${bucket}/grant.txt`)).status).toBe(403);
  });
});
