// The gateway evaluates public ACL grants (AllUsers / AuthenticatedUsers on the bucket or object
// ACL) alongside policies, as AWS does: an explicit Deny wins, else an Allow from a policy OR a
// grant allows. Through a real node:http gateway on both upstream kinds, the embedded store and
// Ceph RGW (16.2: ACLs always on, no Object Ownership, so its buckets behave as ObjectWriter),
// with AWS SDK v3 setting the ACLs, plain fetch and POST forms as the anonymous client.
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  DeletePublicAccessBlockCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutBucketAclCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { rgwOrSkip } from '@s3kit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '../src/index.js';
import { configUpstreamKinds } from './support/config-targets.js';
import { ADMIN, startGateway, type RunningGateway } from './support/gateway-server.js';
import { formData, postForm, upstreamBytes } from './support/post-forms.js';
import { sdkError } from './support/sdk-errors.js';
import type { Target } from './support/targets.js';

const { rgw, reason } = await rgwOrSkip();

/** A gateway identity with no policy at all: only grants to AuthenticatedUsers let it in. */
const OTHER: Identity = { name: 'other', accessKeyId: 'AKIAGATEWAYOTHER0001', secretAccessKey: 'other-secret-key-for-tests-only-000000000', allow: [] };
/** Short, so that a change made on the upstream directly is seen within the test. */
const STALENESS_MS = 400;

const KINDS = configUpstreamKinds(rgw, reason, 'acl-grants');

let serial = 0;
const bucketName = (what: string): string => `aclg-${what}-${Date.now().toString(36)}-${serial++}`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

for (const [name, noUpstream, make] of KINDS) {
  const onRgw = name.startsWith('Ceph RGW');
  describe.skipIf(noUpstream)(`ACL grants evaluated by the gateway, upstream: ${name}`, () => {
    let target: Target;
    let g: RunningGateway;
    let sdk: S3Client;
    let other: S3Client;
    const client = (id: Identity): S3Client =>
      new S3Client({ endpoint: g.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: id.accessKeyId, secretAccessKey: id.secretAccessKey }, maxAttempts: 1 });
    beforeAll(async () => {
      target = await make();
      g = await startGateway(target.upstream, { identities: [ADMIN, OTHER], bucketConfig: { maxStalenessMs: STALENESS_MS } });
      sdk = client(ADMIN);
      other = client(OTHER);
    });
    afterAll(async () => {
      sdk?.destroy();
      other?.destroy();
      await g?.close();
      await target?.close();
    });

    /** A bucket with ACLs enabled (ObjectWriter; RGW 16.2 ignores the header and has ACLs on anyway). */
    async function aclBucket(what: string): Promise<string> {
      const Bucket = bucketName(what);
      await sdk.send(new CreateBucketCommand({ Bucket, ObjectOwnership: 'ObjectWriter' }));
      return Bucket;
    }
    /** An anonymous GET: [status, body]. */
    async function anonGet(path: string): Promise<[number, string]> {
      const res = await fetch(`${g.endpoint}/${path}`);
      return [res.status, await res.text()];
    }
    const read = async (c: S3Client, Bucket: string, Key: string): Promise<string> => (await c.send(new GetObjectCommand({ Bucket, Key }))).Body!.transformToString();

    it('PutObject ACL public-read: an anonymous GET and HEAD read it; a private object beside it and the private bucket listing stay refused', async () => {
      const Bucket = await aclBucket('read');
      await sdk.send(new PutObjectCommand({ Bucket, Key: 'pub.txt', Body: 'public bytes', ACL: 'public-read' }));
      await sdk.send(new PutObjectCommand({ Bucket, Key: 'priv.txt', Body: 'private bytes' }));
      expect(await anonGet(`${Bucket}/pub.txt`)).toEqual([200, 'public bytes']);
      expect((await fetch(`${g.endpoint}/${Bucket}/pub.txt`, { method: 'HEAD' })).status).toBe(200);
      const [status, body] = await anonGet(`${Bucket}/priv.txt`);
      expect([status, /<Code>(\w+)/.exec(body)?.[1]]).toEqual([403, 'AccessDenied']);
      expect((await anonGet(`${Bucket}?list-type=2`))[0]).toBe(403);
      // Writing is the bucket's WRITE, which it does not grant.
      expect((await fetch(`${g.endpoint}/${Bucket}/pub.txt`, { method: 'PUT', body: 'x' })).status).toBe(403);
      expect((await fetch(`${g.endpoint}/${Bucket}/pub.txt`, { method: 'DELETE' })).status).toBe(403);
    });

    it('PutBucketAcl public-read-write: an anonymous POST form stores the object (with its acl field too), an anonymous listing, PUT and DELETE answer; before it, the form is refused', async () => {
      const Bucket = await aclBucket('rw');
      const url = `${g.endpoint}/${Bucket}`;
      const refused = await postForm(url, formData({ key: 'drop/first.txt' }, 'too early'));
      expect([refused.status, refused.code]).toEqual([403, 'AccessDenied']);
      await sdk.send(new PutBucketAclCommand({ Bucket, ACL: 'public-read-write' }));
      const res = await postForm(url, formData({ key: 'drop/${filename}', success_action_status: '201' }, 'anonymous form', 'note.txt'));
      expect(res.status).toBe(201);
      expect(g.log.at(-1)?.identity).toBe('anonymous');
      expect((await upstreamBytes(target.upstream, Bucket, 'drop/note.txt'))?.toString()).toBe('anonymous form');
      const [status, list] = await anonGet(`${Bucket}?list-type=2`);
      expect(status).toBe(200);
      expect(list).toContain('<Key>drop/note.txt</Key>');
      // The object a form creates is its writer's: its `acl` needs only the bucket's WRITE, and a
      // public-read one is then readable by anyone (the form's own object is private by default).
      expect((await anonGet(`${Bucket}/drop/note.txt`))[0]).toBe(403);
      expect((await postForm(url, formData({ key: 'drop/shared.txt', acl: 'public-read' }, 'shared'))).status).toBe(204);
      expect(await anonGet(`${Bucket}/drop/shared.txt`)).toEqual([200, 'shared']);
      // But not the ACL of an object already there (its object ACL grants no WRITE_ACP).
      expect((await fetch(`${url}/drop/note.txt?acl`, { method: 'PUT', headers: { 'x-amz-acl': 'public-read' } })).status).toBe(403);
      // An anonymous PUT and DELETE are the bucket's WRITE too.
      expect((await fetch(`${url}/drop/put.txt`, { method: 'PUT', body: 'put anonymously' })).status).toBe(200);
      expect((await upstreamBytes(target.upstream, Bucket, 'drop/put.txt'))?.toString()).toBe('put anonymously');
      expect((await fetch(`${url}/drop/put.txt`, { method: 'DELETE' })).status).toBe(204);
      expect(await upstreamBytes(target.upstream, Bucket, 'drop/put.txt')).toBeUndefined();
    });

    it('authenticated-read: another gateway identity with no policy reads the object, anonymous requests do not; AuthenticatedUsers READ on the bucket lets it list', async () => {
      const Bucket = await aclBucket('auth');
      await sdk.send(new PutObjectCommand({ Bucket, Key: 'members.txt', Body: 'for members', ACL: 'authenticated-read' }));
      await sdk.send(new PutObjectCommand({ Bucket, Key: 'owner.txt', Body: 'owner only' }));
      expect(await read(other, Bucket, 'members.txt')).toBe('for members');
      expect(await sdkError(read(other, Bucket, 'owner.txt'))).toEqual({ code: 'AccessDenied', status: 403 });
      expect((await anonGet(`${Bucket}/members.txt`))[0]).toBe(403);
      expect(await sdkError(other.send(new ListObjectsV2Command({ Bucket })))).toEqual({ code: 'AccessDenied', status: 403 });
      await sdk.send(new PutBucketAclCommand({ Bucket, ACL: 'authenticated-read' }));
      expect((await other.send(new ListObjectsV2Command({ Bucket }))).Contents?.map((o) => o.Key)).toEqual(['members.txt', 'owner.txt']);
      expect((await anonGet(`${Bucket}?list-type=2`))[0]).toBe(403);
      // READ is not WRITE: the identity still may not put.
      expect(await sdkError(other.send(new PutObjectCommand({ Bucket, Key: 'new.txt', Body: 'x' })))).toEqual({ code: 'AccessDenied', status: 403 });
    });

    it('IgnorePublicAcls turns public grants off (AllUsers and AuthenticatedUsers); deleting the block turns them on again', async () => {
      const Bucket = await aclBucket('ignore');
      await sdk.send(new PutObjectCommand({ Bucket, Key: 'pub.txt', Body: 'p', ACL: 'public-read' }));
      await sdk.send(new PutObjectCommand({ Bucket, Key: 'auth.txt', Body: 'a', ACL: 'authenticated-read' }));
      expect((await anonGet(`${Bucket}/pub.txt`))[0]).toBe(200);
      await sdk.send(new PutPublicAccessBlockCommand({ Bucket, PublicAccessBlockConfiguration: { IgnorePublicAcls: true } }));
      expect((await anonGet(`${Bucket}/pub.txt`))[0]).toBe(403);
      expect(await sdkError(read(other, Bucket, 'auth.txt'))).toEqual({ code: 'AccessDenied', status: 403 });
      // The owner's identity is allowed by its own policy, as before.
      expect(await read(sdk, Bucket, 'pub.txt')).toBe('p');
      await sdk.send(new DeletePublicAccessBlockCommand({ Bucket }));
      expect((await anonGet(`${Bucket}/pub.txt`))[0]).toBe(200);
      expect(await read(other, Bucket, 'auth.txt')).toBe('a');
    });

    it('an explicit Deny of the bucket policy beats a public grant', async () => {
      const Bucket = await aclBucket('deny');
      await sdk.send(new PutBucketAclCommand({ Bucket, ACL: 'public-read-write' }));
      await sdk.send(new PutObjectCommand({ Bucket, Key: 'secret/x.txt', Body: 's', ACL: 'public-read' }));
      await sdk.send(new PutObjectCommand({ Bucket, Key: 'open/x.txt', Body: 'o', ACL: 'public-read' }));
      const Policy = JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${Bucket}/secret/*`, Condition: { StringEquals: { 'aws:PrincipalType': 'Anonymous' } } },
          { Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: `arn:aws:s3:::${Bucket}/secret/*`, Condition: { StringEquals: { 'aws:PrincipalType': 'Anonymous' } } },
        ],
      });
      await sdk.send(new PutBucketPolicyCommand({ Bucket, Policy }));
      expect((await anonGet(`${Bucket}/secret/x.txt`))[0]).toBe(403);
      expect((await anonGet(`${Bucket}/open/x.txt`))[0]).toBe(200);
      const form = await postForm(`${g.endpoint}/${Bucket}`, formData({ key: 'secret/form.txt' }, 'no'));
      expect([form.status, form.code]).toEqual([403, 'AccessDenied']);
      expect((await postForm(`${g.endpoint}/${Bucket}`, formData({ key: 'open/form.txt' }, 'yes'))).status).toBe(204);
    });

    it('cache: a PutObjectAcl, a PutObject and a DeleteObject through the gateway decide the next request at once; a change made on the upstream directly within the staleness bound', async () => {
      const Bucket = await aclBucket('cache');
      await sdk.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'v1', ACL: 'public-read' }));
      expect(await anonGet(`${Bucket}/k`)).toEqual([200, 'v1']);
      await sdk.send(new PutObjectAclCommand({ Bucket, Key: 'k', ACL: 'private' }));
      expect((await anonGet(`${Bucket}/k`))[0]).toBe(403);
      await sdk.send(new PutObjectAclCommand({ Bucket, Key: 'k', ACL: 'public-read' }));
      expect(await anonGet(`${Bucket}/k`)).toEqual([200, 'v1']);
      // A new object without an ACL is private.
      await sdk.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'v2' }));
      expect((await anonGet(`${Bucket}/k`))[0]).toBe(403);
      await sdk.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'v3', ACL: 'public-read' }));
      expect(await anonGet(`${Bucket}/k`)).toEqual([200, 'v3']);
      await sdk.send(new DeleteObjectCommand({ Bucket, Key: 'k' }));
      await sdk.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'v4' }));
      expect((await anonGet(`${Bucket}/k`))[0]).toBe(403);
      // Made private behind the gateway's back: seen once the cached ACL is older than the bound.
      await sdk.send(new PutObjectAclCommand({ Bucket, Key: 'k', ACL: 'public-read' }));
      expect(await anonGet(`${Bucket}/k`)).toEqual([200, 'v4']);
      await target.upstream.handle({ method: 'PUT', operation: 'PutObjectAcl', bucket: Bucket, key: 'k', query: { acl: '' }, headers: { 'x-amz-acl': 'private' } });
      await sleep(STALENESS_MS + 50);
      expect((await anonGet(`${Bucket}/k`))[0]).toBe(403);
    });

    it(
      onRgw
        ? 'BucketOwnerEnforced: RGW 16.2 has no ownership controls (its profile lists them unsupported: NotImplemented), so its grants stay in force'
        : 'BucketOwnerEnforced: ACLs disabled, public grants ignored at once; back to ObjectWriter, they count again',
      async () => {
        const Bucket = await aclBucket('enforced');
        await sdk.send(new PutObjectCommand({ Bucket, Key: 'pub.txt', Body: 'p', ACL: 'public-read' }));
        expect((await anonGet(`${Bucket}/pub.txt`))[0]).toBe(200);
        const enforce = (ObjectOwnership: 'BucketOwnerEnforced' | 'ObjectWriter'): Promise<unknown> =>
          sdk.send(new PutBucketOwnershipControlsCommand({ Bucket, OwnershipControls: { Rules: [{ ObjectOwnership }] } }));
        if (onRgw) {
          expect(await sdkError(enforce('BucketOwnerEnforced'))).toEqual({ code: 'NotImplemented', status: 501 });
          expect((await anonGet(`${Bucket}/pub.txt`))[0]).toBe(200);
          return;
        }
        await enforce('BucketOwnerEnforced');
        expect((await anonGet(`${Bucket}/pub.txt`))[0]).toBe(403);
        await enforce('ObjectWriter');
        expect((await anonGet(`${Bucket}/pub.txt`))[0]).toBe(200);
      },
    );
  });
}
