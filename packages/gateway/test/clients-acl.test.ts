// Real clients (AWS SDK v3, boto3, s3cmd) through the gateway setting and reading ACLs and S3 Object
// Ownership, on both upstream kinds: the embedded store and Ceph RGW, held to AWS S3's documented
// behaviour; where RGW 16.2 differs (it has no Object Ownership), the case says what it does.
// How the gateway evaluates the grants (anonymous and authenticated access) is in acl-grants.test.ts.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  CreateBucketCommand,
  DeleteBucketOwnershipControlsCommand,
  GetBucketAclCommand,
  GetBucketOwnershipControlsCommand,
  GetObjectAclCommand,
  HeadBucketCommand,
  PutBucketAclCommand,
  PutBucketOwnershipControlsCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  S3Client,
  type Grant,
} from '@aws-sdk/client-s3';
import { SigV4Signer } from '@s3kit/sigv4';
import { rgwOrSkip, PY, PY_ENV, S3CMD, pythonClients } from '@s3kit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startGateway, type RunningGateway } from './support/gateway-server.js';
import { upstreamKinds, type Target } from './support/targets.js';
import { sdkFailure } from './support/sdk-errors.js';

const { rgw, reason } = await rgwOrSkip();
const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const AUTH_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';

const { skip: skipPy, why: whyPy } = pythonClients('boto3', 's3cmd');
const run = promisify(execFile);

let serial = 0;
const bucketName = (what: string): string => `acl-${what}-${Date.now().toString(36)}-${serial++}`;

/** The code and HTTP status of the S3 error a call that must fail rejects with. */
async function sdkError(p: Promise<unknown>): Promise<[string, number | undefined]> {
  const { code, status } = await sdkFailure(p);
  return [code, status];
}

/**
 * Grants as `grantee:permission` (the grantee by URI or canonical id), sorted: S3 lists the owner's
 * grant first, RGW 16.2 last (the store's own order is checked in store-acl.test.ts).
 */
const grantsOf = (grants: Grant[] | undefined): string[] => (grants ?? []).map((g) => `${g.Grantee?.URI ?? g.Grantee?.ID}:${g.Permission}`).sort();
const sorted = (a: string[]): string[] => [...a].sort();

for (const [name, noUpstream, make] of upstreamKinds(rgw, reason)) {
  const onRgw = name.startsWith('Ceph RGW');
  describe.skipIf(noUpstream)(`ACLs and object ownership through the gateway to ${name}`, () => {
    let target: Target;
    let g: RunningGateway;
    let sdk: S3Client;
    let work: string;
    beforeAll(async () => {
      target = await make();
      g = await startGateway(target.upstream);
      const credentials = { accessKeyId: ADMIN.accessKeyId, secretAccessKey: ADMIN.secretAccessKey };
      sdk = new S3Client({ endpoint: g.endpoint, region: 'us-east-1', forcePathStyle: true, credentials, maxAttempts: 1 });
      work = await mkdtemp(join(tmpdir(), 's3kit-acl-'));
    });
    afterAll(async () => {
      sdk?.destroy();
      await g?.close();
      await target?.close();
      if (work) await rm(work, { recursive: true, force: true });
    });

    it("AWS SDK v3: a new bucket has ACLs disabled (BucketOwnerEnforced): PutObject with ACL public-read is AccessControlListNotSupported, bucket-owner-full-control is accepted, GetBucketAcl answers the owner's full control", async () => {
      const Bucket = bucketName('sdk-enforced');
      await sdk.send(new CreateBucketCommand({ Bucket }));
      const publicPut = (): Promise<unknown> => sdk.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'x', ACL: 'public-read' }));
      if (onRgw) {
        // RGW 16.2 has no Object Ownership: ACLs are always enabled, so the public ACL is applied.
        await publicPut();
        expect(grantsOf((await sdk.send(new GetObjectAclCommand({ Bucket, Key: 'k' }))).Grants)).toContain(`${ALL_USERS}:READ`);
      } else {
        expect(await sdkError(publicPut())).toEqual(['AccessControlListNotSupported', 400]);
        expect(await sdkError(sdk.send(new PutBucketAclCommand({ Bucket, ACL: 'public-read' })))).toEqual(['AccessControlListNotSupported', 400]);
      }
      await sdk.send(new PutObjectCommand({ Bucket, Key: 'owned', Body: 'x', ACL: 'bucket-owner-full-control' }));
      const acl = await sdk.send(new GetBucketAclCommand({ Bucket }));
      expect(grantsOf(acl.Grants)).toEqual([`${acl.Owner?.ID}:FULL_CONTROL`]);
      const got = sdk.send(new GetBucketOwnershipControlsCommand({ Bucket }));
      // RGW 16.2 does not know ?ownershipControls (it answers the GET as a listing of the bucket):
      // the RGW profile lists it as unsupported, so the gateway answers NotImplemented.
      if (onRgw) expect(await sdkError(got)).toEqual(['NotImplemented', 501]);
      else expect((await got).OwnershipControls?.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
    });

    it('AWS SDK v3: with ObjectOwnership ObjectWriter, PutObject ACL public-read + GetObjectAcl, PutObjectAcl, PutBucketAcl (canned and AccessControlPolicy), an invalid canned ACL is InvalidArgument', async () => {
      const Bucket = bucketName('sdk-writer');
      await sdk.send(new CreateBucketCommand({ Bucket, ObjectOwnership: 'ObjectWriter' }));
      await sdk.send(new PutObjectCommand({ Bucket, Key: 'pub', Body: 'x', ACL: 'public-read' }));
      const objAcl = await sdk.send(new GetObjectAclCommand({ Bucket, Key: 'pub' }));
      const owner = objAcl.Owner?.ID;
      expect(owner).toBeTruthy();
      expect(grantsOf(objAcl.Grants)).toEqual(sorted([`${owner}:FULL_CONTROL`, `${ALL_USERS}:READ`]));
      expect(objAcl.Grants?.map((gr) => gr.Grantee?.Type).sort()).toEqual(['CanonicalUser', 'Group']);
      await sdk.send(new PutObjectAclCommand({ Bucket, Key: 'pub', ACL: 'authenticated-read' }));
      expect(grantsOf((await sdk.send(new GetObjectAclCommand({ Bucket, Key: 'pub' }))).Grants)).toEqual(sorted([`${owner}:FULL_CONTROL`, `${AUTH_USERS}:READ`]));
      await sdk.send(new PutBucketAclCommand({ Bucket, ACL: 'public-read' }));
      expect(grantsOf((await sdk.send(new GetBucketAclCommand({ Bucket }))).Grants)).toEqual(sorted([`${owner}:FULL_CONTROL`, `${ALL_USERS}:READ`]));
      await sdk.send(
        new PutBucketAclCommand({
          Bucket,
          AccessControlPolicy: {
            Owner: { ID: owner },
            Grants: [
              { Grantee: { Type: 'CanonicalUser', ID: owner }, Permission: 'FULL_CONTROL' },
              { Grantee: { Type: 'Group', URI: AUTH_USERS }, Permission: 'READ_ACP' },
            ],
          },
        }),
      );
      expect(grantsOf((await sdk.send(new GetBucketAclCommand({ Bucket }))).Grants)).toEqual(sorted([`${owner}:FULL_CONTROL`, `${AUTH_USERS}:READ_ACP`]));
      expect(await sdkError(sdk.send(new PutObjectCommand({ Bucket, Key: 'bad', Body: 'x', ACL: 'bogus' as 'private' })))).toEqual(['InvalidArgument', 400]);
      // The object is authenticated-read now: an anonymous GET is refused (the grants' evaluation: acl-grants.test.ts).
      expect((await fetch(`${g.endpoint}/${Bucket}/pub`)).status).toBe(403);
    });

    it('AWS SDK v3: Put/Get/DeleteBucketOwnershipControls; BucketOwnerEnforced then refuses PutObjectAcl (AccessControlListNotSupported); OwnershipControlsNotFoundError after delete', async () => {
      const Bucket = bucketName('sdk-own');
      await sdk.send(new CreateBucketCommand({ Bucket, ObjectOwnership: 'ObjectWriter' }));
      await sdk.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'x' }));
      const enforce = (): Promise<unknown> => sdk.send(new PutBucketOwnershipControlsCommand({ Bucket, OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } }));
      if (onRgw) {
        // RGW 16.2 has no Object Ownership (PUT ?ownershipControls is taken for CreateBucket,
        // DELETE for DeleteBucket): NotImplemented through the RGW profile, and the bucket stays.
        expect(await sdkError(enforce())).toEqual(['NotImplemented', 501]);
        expect(await sdkError(sdk.send(new DeleteBucketOwnershipControlsCommand({ Bucket })))).toEqual(['NotImplemented', 501]);
        expect((await sdk.send(new HeadBucketCommand({ Bucket }))).$metadata.httpStatusCode).toBe(200);
        return;
      }
      await enforce();
      expect((await sdk.send(new GetBucketOwnershipControlsCommand({ Bucket }))).OwnershipControls?.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
      expect(await sdkError(sdk.send(new PutObjectAclCommand({ Bucket, Key: 'k', ACL: 'public-read' })))).toEqual(['AccessControlListNotSupported', 400]);
      await sdk.send(new DeleteBucketOwnershipControlsCommand({ Bucket }));
      expect(await sdkError(sdk.send(new GetBucketOwnershipControlsCommand({ Bucket })))).toEqual(['OwnershipControlsNotFoundError', 404]);
      await sdk.send(new PutObjectAclCommand({ Bucket, Key: 'k', ACL: 'public-read' }));
      expect(grantsOf((await sdk.send(new GetObjectAclCommand({ Bucket, Key: 'k' }))).Grants)).toContain(`${ALL_USERS}:READ`);
    });

    it("raw signed requests: bad ACL headers and AccessControlPolicy bodies get S3's error codes (RGW 16.2's where it differs)", async () => {
      const send = async (method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<[number, string]> => {
        const s = new SigV4Signer({ credentials: ADMIN, region: 'us-east-1' }).sign({ method, url: `${g.endpoint}${path}`, headers, ...(body === undefined ? {} : { body }) });
        const res = await fetch(s.url, { method, headers: s.headers, ...(body === undefined ? {} : { body }) });
        return [res.status, /<Code>([^<]*)<\/Code>/.exec(await res.text())?.[1] ?? ''];
      };
      const b = bucketName('raw');
      expect(await send('PUT', `/${b}`, { 'x-amz-object-ownership': 'ObjectWriter' })).toEqual([200, '']);
      const owner = (await sdk.send(new GetBucketAclCommand({ Bucket: b }))).Owner!.ID!;
      const policy = (grants: string, o = owner): string =>
        `<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>${o}</ID></Owner><AccessControlList>${grants}</AccessControlList></AccessControlPolicy>`;
      const grant = (inner: string, p: string): string => `<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ${inner}</Grantee><Permission>${p}</Permission></Grant>`;
      const me = `xsi:type="CanonicalUser"><ID>${owner}</ID>`;
      // [what, request, S3's answer (the store), RGW 16.2's where it differs]. RGW answers a header
      // grant to an unknown id or e-mail with NoSuchKey (404, its "no such user"), and a malformed or
      // ambiguous Put*Acl with InvalidArgument instead of MalformedACLError / UnexpectedContent /
      // MissingSecurityHeader.
      const cases: [string, [string, string, Record<string, string>, string?], [number, string], [number, string]?][] = [
        ['canned ACL with grant headers', ['PUT', `/${b}/k`, { 'x-amz-acl': 'public-read', 'x-amz-grant-read': `id="${owner}"` }, 'x'], [400, 'InvalidRequest']],
        ['unknown canned ACL', ['PUT', `/${b}/k`, { 'x-amz-acl': 'bogus' }, 'x'], [400, 'InvalidArgument']],
        ['unknown canned ACL on CreateBucket', ['PUT', `/${b}-x`, { 'x-amz-acl': 'bogus' }], [400, 'InvalidArgument']],
        ['grant header to an unknown id', ['PUT', `/${b}/k`, { 'x-amz-grant-read': 'id="nobody-here"' }, 'x'], [400, 'InvalidArgument'], [404, 'NoSuchKey']],
        ['grant header to an e-mail address', ['PUT', `/${b}/k`, { 'x-amz-grant-read': 'emailAddress="a@example.com"' }, 'x'], [400, 'UnresolvableGrantByEmailAddress'], [404, 'NoSuchKey']],
        ['grant header to an unknown group', ['PUT', `/${b}/k`, { 'x-amz-grant-read': 'uri="http://acs.amazonaws.com/groups/global/Nobody"' }, 'x'], [400, 'InvalidArgument']],
        ['malformed grant header', ['PUT', `/${b}/k`, { 'x-amz-grant-read': 'nonsense' }, 'x'], [400, 'InvalidArgument']],
        ['PutBucketAcl with headers and a body', ['PUT', `/${b}?acl`, { 'x-amz-acl': 'private' }, policy(grant(me, 'FULL_CONTROL'))], [400, 'UnexpectedContent'], [400, 'InvalidArgument']],
        ['PutBucketAcl with neither', ['PUT', `/${b}?acl`, {}], [400, 'MissingSecurityHeader'], [400, 'InvalidArgument']],
        ['a body that is not XML', ['PUT', `/${b}?acl`, {}, 'nope'], [400, 'MalformedACLError'], [400, 'InvalidArgument']],
        ['an unknown permission', ['PUT', `/${b}?acl`, {}, policy(grant(me, 'EVERYTHING'))], [400, 'MalformedACLError'], [400, 'InvalidArgument']],
        ['no Owner', ['PUT', `/${b}?acl`, {}, '<AccessControlPolicy><AccessControlList/></AccessControlPolicy>'], [400, 'MalformedACLError'], [400, 'InvalidArgument']],
        [
          'a grantee without xsi:type',
          ['PUT', `/${b}?acl`, {}, policy(`<Grant><Grantee><ID>${owner}</ID></Grantee><Permission>READ</Permission></Grant>`)],
          [400, 'MalformedACLError'],
          [400, 'InvalidArgument'],
        ],
        ['another Owner', ['PUT', `/${b}?acl`, {}, policy(grant(me, 'FULL_CONTROL'), 'someone-else')], [403, 'AccessDenied']],
        ['a grant to an unknown id', ['PUT', `/${b}?acl`, {}, policy(grant('xsi:type="CanonicalUser"><ID>nobody-here</ID>', 'READ'))], [400, 'InvalidArgument']],
        ['an e-mail grantee', ['PUT', `/${b}?acl`, {}, policy(grant('xsi:type="AmazonCustomerByEmail"><EmailAddress>a@example.com</EmailAddress>', 'READ'))], [400, 'UnresolvableGrantByEmailAddress']],
        // RGW 16.2 ignores x-amz-object-ownership (no Object Ownership): the bucket is created.
        ['an unknown x-amz-object-ownership', ['PUT', `/${b}-y`, { 'x-amz-object-ownership': 'Nobody' }], [400, 'InvalidArgument'], [200, '']],
      ];
      for (const [what, [method, path, headers, body], want, rgwWant] of cases) {
        expect([what, await send(method, path, headers, body)]).toEqual([what, onRgw ? (rgwWant ?? want) : want]);
      }
      // None of them changed the bucket ACL; an empty grant list is accepted (the owner keeps the bucket).
      expect(grantsOf((await sdk.send(new GetBucketAclCommand({ Bucket: b }))).Grants)).toEqual([`${owner}:FULL_CONTROL`]);
      expect(await send('PUT', `/${b}?acl`, {}, policy(''))).toEqual([200, '']);
      expect((await sdk.send(new GetBucketAclCommand({ Bucket: b }))).Grants ?? []).toEqual([]);
    });

    describe.skipIf(skipPy)(`Python clients ${whyPy}`, () => {
      it('boto3: create_bucket(ObjectOwnership=ObjectWriter), put_object(ACL=public-read), get_object_acl, put_object_acl, put_bucket_acl (canned and AccessControlPolicy), get_bucket_acl', async () => {
        const bucket = bucketName('boto3');
        const r = await run(PY, [fileURLToPath(new URL('./support/boto3_acl.py', import.meta.url)), g.endpoint, ADMIN.accessKeyId, ADMIN.secretAccessKey, bucket], {
          encoding: 'utf8',
          timeout: 60_000,
          env: { ...PY_ENV, HOME: work },
        });
        const out = JSON.parse(r.stdout) as Record<string, unknown>;
        expect(out['error']).toBeUndefined();
        const owner = out['owner'] as string;
        expect(sorted(out['object_acl'] as string[])).toEqual(sorted([`${owner}:FULL_CONTROL`, `${ALL_USERS}:READ`]));
        expect(sorted(out['object_acl_after'] as string[])).toEqual(sorted([`${owner}:FULL_CONTROL`, `${AUTH_USERS}:READ`]));
        expect(sorted(out['bucket_acl_canned'] as string[])).toEqual(sorted([`${owner}:FULL_CONTROL`, `${ALL_USERS}:READ`, `${ALL_USERS}:WRITE`]));
        expect(sorted(out['bucket_acl_policy'] as string[])).toEqual(sorted([`${owner}:FULL_CONTROL`, `${AUTH_USERS}:READ`]));
        expect(out['enforced_put']).toEqual(onRgw ? null : ['AccessControlListNotSupported', 400]);
      });

      /** Runs s3cmd with a path-style config for the gateway; resolves to its exit code and output. */
      async function s3cmd(...args: string[]): Promise<{ code: number; out: string }> {
        const cfg = join(work, 's3cfg');
        const host = g.endpoint.replace(/^http:\/\//, '');
        await writeFile(
          cfg,
          `[default]\naccess_key = ${ADMIN.accessKeyId}\nsecret_key = ${ADMIN.secretAccessKey}\nhost_base = ${host}\nhost_bucket = ${host}\nuse_https = False\nsignature_v2 = False\nbucket_location = us-east-1\n`,
        );
        try {
          const r = await run(S3CMD, ['-c', cfg, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...PY_ENV, HOME: work } });
          return { code: 0, out: r.stdout + r.stderr };
        } catch (e) {
          const err = e as { code?: number; stdout?: string; stderr?: string };
          return { code: typeof err.code === 'number' ? err.code : -1, out: `${err.stdout ?? ''}${err.stderr ?? ''}` };
        }
      }

      it('s3cmd: setacl --acl-public / --acl-private and info of an object and a bucket with ObjectWriter; setacl on a new (BucketOwnerEnforced) bucket is refused with AccessControlListNotSupported', async () => {
        const writer = bucketName('s3cmd-w');
        await sdk.send(new CreateBucketCommand({ Bucket: writer, ObjectOwnership: 'ObjectWriter' }));
        const file = join(work, 'f.txt');
        await writeFile(file, 'hello');
        expect((await s3cmd('put', file, `s3://${writer}/f.txt`)).code).toBe(0);
        const set = await s3cmd('setacl', '--acl-public', `s3://${writer}/f.txt`);
        expect(set.code, set.out).toBe(0);
        const info = await s3cmd('info', `s3://${writer}/f.txt`);
        expect(info.code, info.out).toBe(0);
        expect(info.out).toMatch(/ACL:\s+\*anon\*: READ/);
        expect(info.out).toMatch(/ACL:\s+[^\n]+: FULL_CONTROL/);
        expect((await s3cmd('setacl', '--acl-public', `s3://${writer}`)).code).toBe(0);
        const bucketInfo = await s3cmd('info', `s3://${writer}`);
        expect(bucketInfo.code, bucketInfo.out).toBe(0);
        expect(bucketInfo.out).toMatch(/ACL:\s+\*anon\*: READ/);
        const priv = await s3cmd('setacl', '--acl-private', `s3://${writer}/f.txt`);
        expect(priv.code, priv.out).toBe(0);
        expect((await s3cmd('info', `s3://${writer}/f.txt`)).out).not.toContain('*anon*');

        const enforced = bucketName('s3cmd-e');
        expect((await s3cmd('mb', `s3://${enforced}`)).code).toBe(0);
        expect((await s3cmd('put', file, `s3://${enforced}/f.txt`)).code).toBe(0);
        const refused = await s3cmd('setacl', '--acl-public', `s3://${enforced}/f.txt`);
        if (onRgw) {
          expect(refused.code, refused.out).toBe(0); // RGW 16.2: no Object Ownership, ACLs always enabled
        } else {
          expect(refused.code).not.toBe(0);
          expect(refused.out).toContain('AccessControlListNotSupported');
        }
      });
    });
  });
}
