import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseXml } from '@s3kit/xml-shapes';
import { bodyText, makeStore, type TestStore } from './helpers.js';

// ACLs and S3 Object Ownership on the embedded store, through handle(), as AWS S3 answers:
// new buckets have ACLs disabled (BucketOwnerEnforced); ObjectWriter / BucketOwnerPreferred
// (or no ownership controls) keep them.

const OWNER = 's3kit-local';
const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const AUTH_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
const LOG_DELIVERY = 'http://acs.amazonaws.com/groups/s3/LogDelivery';

let t: TestStore;
beforeEach(async () => {
  t = await makeStore();
});
afterEach(async () => {
  await t.cleanup();
});

const create = (headers: Record<string, string> = {}, bucket = 'bkt') => t.call('CreateBucket', { bucket, headers });
const aclOf = async (op: 'GetBucketAcl' | 'GetObjectAcl', init: { key?: string; query?: Record<string, string> } = {}) => {
  const xml = await bodyText(await t.call(op, { ...init, query: { acl: '', ...init.query } }));
  const doc = parseXml('AccessControlPolicy', xml);
  return { xml, owner: doc.Owner?.ID, grants: doc.AccessControlList.map((g) => `${g.Grantee?.URI ?? g.Grantee?.ID}:${g.Permission}`) };
};
const ownershipXml = (v: string) => `<OwnershipControls xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule><ObjectOwnership>${v}</ObjectOwnership></Rule></OwnershipControls>`;
const policy = (grants: string, owner = OWNER) =>
  `<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>${owner}</ID></Owner><AccessControlList>${grants}</AccessControlList></AccessControlPolicy>`;
const grant = (grantee: string, permission: string) => `<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ${grantee}</Grantee><Permission>${permission}</Permission></Grant>`;
const user = (id: string) => `xsi:type="CanonicalUser"><ID>${id}</ID>`;
const grp = (uri: string) => `xsi:type="Group"><URI>${uri}</URI>`;
const code = (e: { code: string; status: number }) => [e.code, e.status];

describe('object ownership', () => {
  it('new buckets are BucketOwnerEnforced; Put/Get/DeleteBucketOwnershipControls; OwnershipControlsNotFoundError after delete', async () => {
    await create();
    const got = await bodyText(await t.call('GetBucketOwnershipControls', { query: { ownershipControls: '' } }));
    expect(parseXml('OwnershipControls', got).Rule).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
    for (const v of ['ObjectWriter', 'BucketOwnerPreferred']) {
      expect((await t.call('PutBucketOwnershipControls', { method: 'PUT', query: { ownershipControls: '' }, data: ownershipXml(v) })).status).toBe(200);
      expect(await bodyText(await t.call('GetBucketOwnershipControls', { query: { ownershipControls: '' } }))).toContain(`<ObjectOwnership>${v}</ObjectOwnership>`);
    }
    expect((await t.call('DeleteBucketOwnershipControls', { method: 'DELETE', query: { ownershipControls: '' } })).status).toBe(204);
    expect(code(await t.fail('GetBucketOwnershipControls', { query: { ownershipControls: '' } }))).toEqual(['OwnershipControlsNotFoundError', 404]);
    // Without ownership controls ACLs count (ObjectWriter), as on S3.
    await t.call('PutObject', { key: 'k', data: 'x', headers: { 'x-amz-acl': 'public-read' } });
    expect((await aclOf('GetObjectAcl', { key: 'k' })).grants).toContain(`${ALL_USERS}:READ`);
  });

  it('takes x-amz-object-ownership on CreateBucket and refuses unknown values and bodies', async () => {
    await create({ 'x-amz-object-ownership': 'ObjectWriter' });
    expect(await bodyText(await t.call('GetBucketOwnershipControls', { query: { ownershipControls: '' } }))).toContain('ObjectWriter');
    expect(code(await t.fail('CreateBucket', { bucket: 'other', headers: { 'x-amz-object-ownership': 'Nobody' } }))).toEqual(['InvalidArgument', 400]);
    for (const bad of [
      ownershipXml('Nobody'),
      '<OwnershipControls/>',
      '<OwnershipControls><Rule><ObjectOwnership>ObjectWriter</ObjectOwnership></Rule><Rule><ObjectOwnership>ObjectWriter</ObjectOwnership></Rule></OwnershipControls>',
      'not xml',
    ]) {
      expect(code(await t.fail('PutBucketOwnershipControls', { method: 'PUT', query: { ownershipControls: '' }, data: bad }))).toEqual(['MalformedXML', 400]);
    }
    expect(code(await t.fail('GetBucketOwnershipControls', { bucket: 'nope', query: { ownershipControls: '' } }))).toEqual(['NoSuchBucket', 404]);
  });

  it("BucketOwnerEnforced refuses ACLs other than the owner's full control with AccessControlListNotSupported; reads answer the owner's full control", async () => {
    await create();
    for (const acl of ['public-read', 'public-read-write', 'authenticated-read', 'aws-exec-read', 'log-delivery-write']) {
      expect(code(await t.fail('PutObject', { key: 'k', data: 'x', headers: { 'x-amz-acl': acl } }))).toEqual(['AccessControlListNotSupported', 400]);
    }
    expect(code(await t.fail('PutObject', { key: 'k', data: 'x', headers: { 'x-amz-grant-read': `uri="${ALL_USERS}"` } }))).toEqual(['AccessControlListNotSupported', 400]);
    expect(code(await t.fail('CreateMultipartUpload', { key: 'k', headers: { 'x-amz-acl': 'public-read' } }))).toEqual(['AccessControlListNotSupported', 400]);
    // No object was written by the refused requests.
    expect(code(await t.fail('GetObject', { key: 'k' }))).toEqual(['NoSuchKey', 404]);
    for (const acl of ['private', 'bucket-owner-full-control', 'bucket-owner-read']) {
      expect((await t.call('PutObject', { key: 'k', data: 'x', headers: { 'x-amz-acl': acl } })).status).toBe(200);
    }
    await t.call('PutObject', { key: 'g', data: 'x', headers: { 'x-amz-grant-full-control': `id="${OWNER}"` } });
    expect(code(await t.fail('PutBucketAcl', { method: 'PUT', query: { acl: '' }, headers: { 'x-amz-acl': 'public-read' } }))).toEqual(['AccessControlListNotSupported', 400]);
    expect(code(await t.fail('PutObjectAcl', { method: 'PUT', key: 'k', query: { acl: '' }, data: policy(grant(grp(ALL_USERS), 'READ')) }))).toEqual(['AccessControlListNotSupported', 400]);
    expect((await t.call('PutObjectAcl', { method: 'PUT', key: 'k', query: { acl: '' }, headers: { 'x-amz-acl': 'bucket-owner-full-control' } })).status).toBe(200);
    const bucketAcl = await aclOf('GetBucketAcl');
    expect([bucketAcl.owner, bucketAcl.grants]).toEqual([OWNER, [`${OWNER}:FULL_CONTROL`]]);
    expect((await aclOf('GetObjectAcl', { key: 'k' })).grants).toEqual([`${OWNER}:FULL_CONTROL`]);
  });

  it('CreateBucket with ACLs disabled and a public ACL is InvalidBucketAclWithObjectOwnership; enforcing needs a private bucket ACL', async () => {
    expect(code(await t.fail('CreateBucket', { headers: { 'x-amz-acl': 'public-read' } }))).toEqual(['InvalidBucketAclWithObjectOwnership', 400]);
    expect(code(await t.fail('HeadBucket'))).toEqual(['NoSuchBucket', 404]);
    await create({ 'x-amz-acl': 'private' });
    await create({ 'x-amz-acl': 'public-read', 'x-amz-object-ownership': 'ObjectWriter' }, 'pub');
    expect(code(await t.fail('PutBucketOwnershipControls', { bucket: 'pub', method: 'PUT', query: { ownershipControls: '' }, data: ownershipXml('BucketOwnerEnforced') }))).toEqual([
      'InvalidBucketAclWithObjectOwnership',
      400,
    ]);
    await t.call('PutBucketAcl', { bucket: 'pub', method: 'PUT', query: { acl: '' }, headers: { 'x-amz-acl': 'private' } });
    expect((await t.call('PutBucketOwnershipControls', { bucket: 'pub', method: 'PUT', query: { ownershipControls: '' }, data: ownershipXml('BucketOwnerEnforced') })).status).toBe(200);
  });

  it('object ACLs set while ACLs were enabled count again when they are re-enabled', async () => {
    await create({ 'x-amz-object-ownership': 'BucketOwnerPreferred' });
    await t.call('PutObject', { key: 'k', data: 'x', headers: { 'x-amz-acl': 'public-read' } });
    await t.call('PutBucketOwnershipControls', { method: 'PUT', query: { ownershipControls: '' }, data: ownershipXml('BucketOwnerEnforced') });
    expect((await aclOf('GetObjectAcl', { key: 'k' })).grants).toEqual([`${OWNER}:FULL_CONTROL`]);
    await t.call('PutBucketOwnershipControls', { method: 'PUT', query: { ownershipControls: '' }, data: ownershipXml('ObjectWriter') });
    expect((await aclOf('GetObjectAcl', { key: 'k' })).grants).toEqual([`${OWNER}:FULL_CONTROL`, `${ALL_USERS}:READ`]);
  });
});

describe('ACLs (ObjectWriter bucket)', () => {
  beforeEach(async () => {
    await create({ 'x-amz-object-ownership': 'ObjectWriter' });
  });

  it.each([
    ['private', [`${OWNER}:FULL_CONTROL`]],
    ['public-read', [`${OWNER}:FULL_CONTROL`, `${ALL_USERS}:READ`]],
    ['public-read-write', [`${OWNER}:FULL_CONTROL`, `${ALL_USERS}:READ`, `${ALL_USERS}:WRITE`]],
    ['authenticated-read', [`${OWNER}:FULL_CONTROL`, `${AUTH_USERS}:READ`]],
    ['aws-exec-read', [`${OWNER}:FULL_CONTROL`]],
    ['bucket-owner-read', [`${OWNER}:FULL_CONTROL`]],
    ['bucket-owner-full-control', [`${OWNER}:FULL_CONTROL`]],
    ['log-delivery-write', [`${OWNER}:FULL_CONTROL`, `${LOG_DELIVERY}:WRITE`, `${LOG_DELIVERY}:READ_ACP`]],
  ])('canned ACL %s on PutObject and PutBucketAcl', async (acl, grants) => {
    await t.call('PutObject', { key: 'k', data: 'x', headers: { 'x-amz-acl': acl } });
    expect((await aclOf('GetObjectAcl', { key: 'k' })).grants).toEqual(grants);
    await t.call('PutBucketAcl', { method: 'PUT', query: { acl: '' }, headers: { 'x-amz-acl': acl } });
    // On a bucket, S3 ignores the object-only canned ACLs.
    expect((await aclOf('GetBucketAcl')).grants).toEqual(acl.startsWith('bucket-owner-') ? [`${OWNER}:FULL_CONTROL`] : grants);
  });

  it('writes the AccessControlPolicy as S3: Owner with DisplayName, xsi:type on every Grantee', async () => {
    await t.call('PutObject', { key: 'k', data: 'x', headers: { 'x-amz-acl': 'public-read' } });
    const { xml } = await aclOf('GetObjectAcl', { key: 'k' });
    expect(xml).toContain(`<Owner><ID>${OWNER}</ID><DisplayName>s3kit</DisplayName></Owner>`);
    expect(xml).toContain(
      `<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>${OWNER}</ID><DisplayName>s3kit</DisplayName></Grantee><Permission>FULL_CONTROL</Permission>`,
    );
    expect(xml).toContain(`<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>${ALL_USERS}</URI></Grantee><Permission>READ</Permission>`);
  });

  it('grant headers give exactly the grants they name (id=, uri=, quoted or not, several per header)', async () => {
    await t.call('PutObject', {
      key: 'k',
      data: 'x',
      headers: { 'x-amz-grant-read': `uri="${ALL_USERS}", uri=${AUTH_USERS}`, 'x-amz-grant-full-control': `id="${OWNER}"`, 'x-amz-grant-write-acp': `ID=${OWNER}` },
    });
    expect((await aclOf('GetObjectAcl', { key: 'k' })).grants).toEqual([`${ALL_USERS}:READ`, `${AUTH_USERS}:READ`, `${OWNER}:WRITE_ACP`, `${OWNER}:FULL_CONTROL`]);
    await t.call('PutBucketAcl', { method: 'PUT', query: { acl: '' }, headers: { 'x-amz-grant-read-acp': `uri="${LOG_DELIVERY}"`, 'x-amz-grant-write': `uri="${LOG_DELIVERY}"` } });
    expect((await aclOf('GetBucketAcl')).grants).toEqual([`${LOG_DELIVERY}:WRITE`, `${LOG_DELIVERY}:READ_ACP`]);
  });

  it('refuses bad ACL headers as S3: unknown canned ACL, canned with grants, unknown id or group, e-mail grantees, malformed values', async () => {
    const put = (headers: Record<string, string>) => t.fail('PutObject', { key: 'k', data: 'x', headers });
    expect(code(await put({ 'x-amz-acl': 'bogus' }))).toEqual(['InvalidArgument', 400]);
    expect((await put({ 'x-amz-acl': 'bogus' })).details).toMatchObject({ ArgumentName: 'x-amz-acl', ArgumentValue: 'bogus' });
    expect(code(await put({ 'x-amz-acl': 'public-read', 'x-amz-grant-read': `id="${OWNER}"` }))).toEqual(['InvalidRequest', 400]);
    expect((await put({ 'x-amz-acl': 'private', 'x-amz-grant-read': `id="${OWNER}"` })).message).toBe('Specifying both Canned ACLs and Header Grants is not allowed');
    expect(code(await put({ 'x-amz-grant-read': 'id="someone-else"' }))).toEqual(['InvalidArgument', 400]);
    expect(code(await put({ 'x-amz-grant-read': 'uri="http://acs.amazonaws.com/groups/global/Nobody"' }))).toEqual(['InvalidArgument', 400]);
    expect(code(await put({ 'x-amz-grant-read': 'emailAddress="someone@example.com"' }))).toEqual(['UnresolvableGrantByEmailAddress', 400]);
    for (const bad of ['', 'nonsense', 'colour="red"', `id="${OWNER}" uri`]) expect(code(await put({ 'x-amz-grant-read': bad }))).toEqual(['InvalidArgument', 400]);
    expect(code(await t.fail('CreateBucket', { bucket: 'other', headers: { 'x-amz-acl': 'bogus' } }))).toEqual(['InvalidArgument', 400]);
    expect(code(await t.fail('CreateMultipartUpload', { key: 'k', headers: { 'x-amz-acl': 'bogus' } }))).toEqual(['InvalidArgument', 400]);
    expect(code(await t.fail('GetObject', { key: 'k' }))).toEqual(['NoSuchKey', 404]);
  });

  it('PutBucketAcl / PutObjectAcl with an AccessControlPolicy body; the body and headers never together', async () => {
    await t.call('PutObject', { key: 'k', data: 'x' });
    const body = policy(grant(user(OWNER), 'FULL_CONTROL') + grant(grp(AUTH_USERS), 'READ_ACP'));
    expect((await t.call('PutObjectAcl', { method: 'PUT', key: 'k', query: { acl: '' }, data: body })).status).toBe(200);
    expect((await aclOf('GetObjectAcl', { key: 'k' })).grants).toEqual([`${OWNER}:FULL_CONTROL`, `${AUTH_USERS}:READ_ACP`]);
    await t.call('PutBucketAcl', { method: 'PUT', query: { acl: '' }, data: policy('') });
    expect((await aclOf('GetBucketAcl')).grants).toEqual([]);
    expect(code(await t.fail('PutBucketAcl', { method: 'PUT', query: { acl: '' }, headers: { 'x-amz-acl': 'private' }, data: body }))).toEqual(['UnexpectedContent', 400]);
    expect(code(await t.fail('PutBucketAcl', { method: 'PUT', query: { acl: '' } }))).toEqual(['MissingSecurityHeader', 400]);
  });

  it.each([
    ['not XML', 'nope', 'MalformedACLError', 400],
    ['another root', '<Tagging><TagSet/></Tagging>', 'MalformedACLError', 400],
    ['no Owner', '<AccessControlPolicy><AccessControlList/></AccessControlPolicy>', 'MalformedACLError', 400],
    ['an unknown permission', policy(grant(user(OWNER), 'EVERYTHING')), 'MalformedACLError', 400],
    ['a grant without Permission', policy(`<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ${user(OWNER)}</Grantee></Grant>`), 'MalformedACLError', 400],
    ['a grantee without xsi:type', policy(`<Grant><Grantee><ID>${OWNER}</ID></Grantee><Permission>READ</Permission></Grant>`), 'MalformedACLError', 400],
    ['a CanonicalUser without ID', policy(grant('xsi:type="CanonicalUser">', 'READ')), 'MalformedACLError', 400],
    ['an unknown grantee id', policy(grant(user('someone-else'), 'READ')), 'InvalidArgument', 400],
    ['an unknown group', policy(grant(grp('http://acs.amazonaws.com/groups/global/Nobody'), 'READ')), 'InvalidArgument', 400],
    ['an e-mail grantee', policy(grant('xsi:type="AmazonCustomerByEmail"><EmailAddress>a@example.com</EmailAddress>', 'READ')), 'UnresolvableGrantByEmailAddress', 400],
    ['another owner', policy(grant(user(OWNER), 'READ'), 'someone-else'), 'AccessDenied', 403],
  ])('refuses an AccessControlPolicy with %s', async (_name, body, errCode, status) => {
    expect(code(await t.fail('PutBucketAcl', { method: 'PUT', query: { acl: '' }, data: body }))).toEqual([errCode, status]);
    expect((await aclOf('GetBucketAcl')).grants).toEqual([`${OWNER}:FULL_CONTROL`]);
  });

  it('property: any list of grants set by AccessControlPolicy body or by grant headers reads back as set (body: in order)', async () => {
    await t.call('PutObject', { key: 'k', data: 'x' });
    const grantee = fc.constantFrom(`id:${OWNER}`, `uri:${ALL_USERS}`, `uri:${AUTH_USERS}`, `uri:${LOG_DELIVERY}`);
    const permission = fc.constantFrom('READ', 'WRITE', 'READ_ACP', 'WRITE_ACP', 'FULL_CONTROL');
    const headerOf: Record<string, string> = {
      READ: 'x-amz-grant-read',
      WRITE: 'x-amz-grant-write',
      READ_ACP: 'x-amz-grant-read-acp',
      WRITE_ACP: 'x-amz-grant-write-acp',
      FULL_CONTROL: 'x-amz-grant-full-control',
    };
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(grantee, permission), { maxLength: 8 }), fc.boolean(), async (grants, asHeaders) => {
        const want = grants.map(([who, p]) => `${who.slice(who.indexOf(':') + 1)}:${p}`);
        if (asHeaders) {
          if (grants.length === 0) return;
          const headers: Record<string, string> = {};
          for (const [who, p] of grants) headers[headerOf[p]!] = [headers[headerOf[p]!], `${who.slice(0, who.indexOf(':'))}="${who.slice(who.indexOf(':') + 1)}"`].filter(Boolean).join(', ');
          await t.call('PutObjectAcl', { method: 'PUT', key: 'k', query: { acl: '' }, headers });
          expect([...(await aclOf('GetObjectAcl', { key: 'k' })).grants].sort()).toEqual([...want].sort());
        } else {
          const body = policy(grants.map(([who, p]) => grant(who.startsWith('id:') ? user(who.slice(3)) : grp(who.slice(4)), p)).join(''));
          await t.call('PutObjectAcl', { method: 'PUT', key: 'k', query: { acl: '' }, data: body });
          expect((await aclOf('GetObjectAcl', { key: 'k' })).grants).toEqual(want);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('keeps an ACL per version; GetObjectAcl/PutObjectAcl take versionId; delete markers and missing versions answer as S3', async () => {
    await t.call('PutBucketVersioning', { method: 'PUT', query: { versioning: '' }, data: '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>' });
    const v1 = (await t.call('PutObject', { key: 'k', data: '1', headers: { 'x-amz-acl': 'public-read' } })).headers['x-amz-version-id']!;
    const v2 = (await t.call('PutObject', { key: 'k', data: '2' })).headers['x-amz-version-id']!;
    expect((await aclOf('GetObjectAcl', { key: 'k', query: { versionId: v1 } })).grants).toContain(`${ALL_USERS}:READ`);
    expect((await aclOf('GetObjectAcl', { key: 'k' })).grants).toEqual([`${OWNER}:FULL_CONTROL`]);
    await t.call('PutObjectAcl', { method: 'PUT', key: 'k', query: { acl: '', versionId: v2 }, headers: { 'x-amz-acl': 'authenticated-read' } });
    expect((await aclOf('GetObjectAcl', { key: 'k', query: { versionId: v2 } })).grants).toContain(`${AUTH_USERS}:READ`);
    expect((await aclOf('GetObjectAcl', { key: 'k', query: { versionId: v1 } })).grants).toContain(`${ALL_USERS}:READ`);
    const marker = (await t.call('DeleteObject', { key: 'k' })).headers['x-amz-version-id']!;
    expect(code(await t.fail('GetObjectAcl', { key: 'k', query: { acl: '' } }))).toEqual(['NoSuchKey', 404]);
    expect(code(await t.fail('GetObjectAcl', { key: 'k', query: { acl: '', versionId: marker } }))).toEqual(['MethodNotAllowed', 405]);
    expect(code(await t.fail('PutObjectAcl', { method: 'PUT', key: 'k', query: { acl: '', versionId: marker }, headers: { 'x-amz-acl': 'private' } }))).toEqual(['MethodNotAllowed', 405]);
    expect(code(await t.fail('GetObjectAcl', { key: 'k', query: { acl: '', versionId: 'f'.repeat(32) } }))).toEqual(['NoSuchVersion', 404]);
    expect(code(await t.fail('GetObjectAcl', { key: 'k', query: { acl: '', versionId: 'v9' } }))).toEqual(['InvalidArgument', 400]);
    expect(code(await t.fail('PutObjectAcl', { method: 'PUT', key: 'nope', query: { acl: '' }, headers: { 'x-amz-acl': 'private' } }))).toEqual(['NoSuchKey', 404]);
    expect(code(await t.fail('GetBucketAcl', { bucket: 'nope', query: { acl: '' } }))).toEqual(['NoSuchBucket', 404]);
  });

  it("CopyObject gets the ACL of its own headers (private without), not the source's; tagging and object writes keep the ACL", async () => {
    await t.call('PutObject', { key: 'src', data: 'x', headers: { 'x-amz-acl': 'public-read' } });
    await t.call('CopyObject', { key: 'plain', headers: { 'x-amz-copy-source': '/bkt/src' } });
    expect((await aclOf('GetObjectAcl', { key: 'plain' })).grants).toEqual([`${OWNER}:FULL_CONTROL`]);
    await t.call('CopyObject', { key: 'pub', headers: { 'x-amz-copy-source': '/bkt/src', 'x-amz-acl': 'authenticated-read' } });
    expect((await aclOf('GetObjectAcl', { key: 'pub' })).grants).toEqual([`${OWNER}:FULL_CONTROL`, `${AUTH_USERS}:READ`]);
    expect(code(await t.fail('CopyObject', { key: 'bad', headers: { 'x-amz-copy-source': '/bkt/src', 'x-amz-acl': 'bogus' } }))).toEqual(['InvalidArgument', 400]);
    await t.call('PutObjectTagging', { method: 'PUT', key: 'src', query: { tagging: '' }, data: '<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>' });
    expect((await aclOf('GetObjectAcl', { key: 'src' })).grants).toContain(`${ALL_USERS}:READ`);
  });

  it("CreateMultipartUpload's ACL applies at Complete", async () => {
    const init = await bodyText(await t.call('CreateMultipartUpload', { key: 'mp', query: { uploads: '' }, headers: { 'x-amz-acl': 'public-read-write' } }));
    const uploadId = parseXml('InitiateMultipartUploadResult', init).UploadId!;
    const etag = (await t.call('UploadPart', { key: 'mp', query: { uploadId, partNumber: '1' }, data: 'part' })).headers['etag']!;
    await t.call('CompleteMultipartUpload', {
      key: 'mp',
      query: { uploadId },
      data: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>`,
    });
    expect((await aclOf('GetObjectAcl', { key: 'mp' })).grants).toEqual([`${OWNER}:FULL_CONTROL`, `${ALL_USERS}:READ`, `${ALL_USERS}:WRITE`]);
  });
});

describe('stored crash-safe, old files readable', () => {
  /** Closes the store and opens a new one on the same directory (`t` then talks to it). */
  const reopen = async (): Promise<void> => {
    const old = t;
    await old.store.close();
    t = await makeStore({ dir: old.dir });
    const cleanup = t.cleanup;
    t.cleanup = async () => {
      await cleanup();
      await old.cleanup();
    };
  };

  it('keeps ACLs and ownership across a restart', async () => {
    await create({ 'x-amz-object-ownership': 'BucketOwnerPreferred', 'x-amz-acl': 'authenticated-read' });
    await t.call('PutObject', { key: 'k', data: 'x', headers: { 'x-amz-acl': 'public-read' } });
    await reopen();
    expect(await bodyText(await t.call('GetBucketOwnershipControls', { query: { ownershipControls: '' } }))).toContain('BucketOwnerPreferred');
    expect((await aclOf('GetBucketAcl')).grants).toContain(`${AUTH_USERS}:READ`);
    expect((await aclOf('GetObjectAcl', { key: 'k' })).grants).toContain(`${ALL_USERS}:READ`);
  });

  it('reads a bucket.json and metadata written before ACLs: no ownership controls, private ACLs, ACLs enabled', async () => {
    await create();
    await t.call('PutObject', { key: 'k', data: 'x' });
    const stateFile = join(t.dir, 'buckets', 'bkt', 'bucket.json');
    const { ownership: _o, ...legacy } = JSON.parse(await readFile(stateFile, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(legacy)).toEqual(['created']);
    await writeFile(stateFile, JSON.stringify(legacy));
    await reopen();
    expect(code(await t.fail('GetBucketOwnershipControls', { query: { ownershipControls: '' } }))).toEqual(['OwnershipControlsNotFoundError', 404]);
    expect((await aclOf('GetBucketAcl')).grants).toEqual([`${OWNER}:FULL_CONTROL`]);
    expect((await aclOf('GetObjectAcl', { key: 'k' })).grants).toEqual([`${OWNER}:FULL_CONTROL`]);
    await t.call('PutObjectAcl', { method: 'PUT', key: 'k', query: { acl: '' }, headers: { 'x-amz-acl': 'public-read' } });
    expect((await aclOf('GetObjectAcl', { key: 'k' })).grants).toContain(`${ALL_USERS}:READ`);
  });
});
