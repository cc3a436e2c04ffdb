// Bucket and object ACLs (GetBucketAcl, PutBucketAcl, GetObjectAcl, PutObjectAcl) over the request core.
// Internal module: S3Client (client.ts) delegates here; option types live beside their functions.

import { buildXml, type Shape } from '@s3kit/xml-shapes';
import { checkBucket, checkKey, xmlBody, type Call, type RequestCore, type RequestOptions } from './core.js';

/** S3's canned ACLs (`x-amz-acl`). */
export type CannedAcl = 'private' | 'public-read' | 'public-read-write' | 'authenticated-read' | 'aws-exec-read' | 'bucket-owner-read' | 'bucket-owner-full-control' | 'log-delivery-write';

/** An ACL permission. */
export type Permission = 'FULL_CONTROL' | 'WRITE' | 'WRITE_ACP' | 'READ' | 'READ_ACP';

/** Who a grant is for: a canonical user id, a predefined group URI, or an e-mail address. */
export type Grantee = { type: 'CanonicalUser'; id: string; displayName?: string } | { type: 'Group'; uri: string } | { type: 'AmazonCustomerByEmail'; emailAddress: string };

/** One ACL grant. */
export interface Grant {
  grantee: Grantee;
  permission: Permission;
}

/** A bucket or object owner. */
export interface Owner {
  id: string;
  displayName?: string;
}

/** A full ACL: the owner and its grants (the `AccessControlPolicy` body). */
export interface AccessControlPolicy {
  owner: Owner;
  grants: Grant[];
}

/** Grants as request headers (`x-amz-grant-*`), each a list of grantees. */
export interface AclGrants {
  read?: Grantee[];
  write?: Grantee[];
  readAcp?: Grantee[];
  writeAcp?: Grantee[];
  fullControl?: Grantee[];
}

/** What `setBucketAcl`/`setObjectAcl` set: a canned ACL, header grants, or a full policy. */
export type AclInput = CannedAcl | { grants: AclGrants } | AccessControlPolicy;

/** Options of the object ACL methods. */
export interface ObjectAclOptions extends RequestOptions {
  /** A version of the object. **Default:** the current version. */
  versionId?: string;
}

const GRANT_HEADERS: [keyof AclGrants, string][] = [
  ['read', 'x-amz-grant-read'],
  ['write', 'x-amz-grant-write'],
  ['readAcp', 'x-amz-grant-read-acp'],
  ['writeAcp', 'x-amz-grant-write-acp'],
  ['fullControl', 'x-amz-grant-full-control'],
];

function granteeHeader(g: Grantee): string {
  if (g.type === 'CanonicalUser') return `id="${g.id}"`;
  if (g.type === 'Group') return `uri="${g.uri}"`;
  return `emailAddress="${g.emailAddress}"`;
}

/** Adds `x-amz-acl` or the `x-amz-grant-*` headers for a canned ACL or header grants (CreateBucket, PutObject, Put*Acl). */
export function aclHeaders(acl: CannedAcl | undefined, grants: AclGrants | undefined, out: Record<string, string>): void {
  if (acl !== undefined) out['x-amz-acl'] = acl;
  if (grants) {
    for (const [field, header] of GRANT_HEADERS) {
      const list = grants[field];
      if (list && list.length > 0) out[header] = list.map(granteeHeader).join(', ');
    }
  }
}

type PolicyShape = Shape<'AccessControlPolicy'>;

function toGrantee(g: NonNullable<NonNullable<PolicyShape['AccessControlList']>[number]['Grantee']>): Grantee {
  if (g.Type === 'Group') return { type: 'Group', uri: g.URI ?? '' };
  if (g.Type === 'AmazonCustomerByEmail') return { type: 'AmazonCustomerByEmail', emailAddress: g.EmailAddress ?? '' };
  return { type: 'CanonicalUser', id: g.ID ?? '', ...(g.DisplayName ? { displayName: g.DisplayName } : {}) };
}

type GrantShape = NonNullable<PolicyShape['AccessControlList']>[number];

/** A parsed `<Grant>` as a `Grant` (also for logging's TargetGrants). */
export function grantFromShape(g: GrantShape): Grant {
  return { grantee: toGrantee(g.Grantee ?? {}), permission: (g.Permission ?? '') as Permission };
}

/** A `Grant` as the `<Grant>` input of `buildXml`. */
export function grantToShape(g: Grant): { Grantee: Record<string, string>; Permission: string } {
  return { Grantee: granteeShape(g.grantee), Permission: g.permission };
}

function fromShape(r: PolicyShape): AccessControlPolicy {
  return {
    owner: { id: r.Owner?.ID ?? '', ...(r.Owner?.DisplayName ? { displayName: r.Owner.DisplayName } : {}) },
    grants: (r.AccessControlList ?? []).map(grantFromShape),
  };
}

function granteeShape(g: Grantee): Record<string, string> {
  if (g.type === 'CanonicalUser') return { Type: 'CanonicalUser', ID: g.id, ...(g.displayName ? { DisplayName: g.displayName } : {}) };
  if (g.type === 'Group') return { Type: 'Group', URI: g.uri };
  return { Type: 'AmazonCustomerByEmail', EmailAddress: g.emailAddress };
}

function isPolicy(acl: AclInput): acl is AccessControlPolicy {
  return typeof acl === 'object' && acl !== null && 'owner' in acl && Array.isArray((acl as AccessControlPolicy).grants);
}

async function getAcl(core: RequestCore, call: Call): Promise<AccessControlPolicy> {
  return fromShape(await core.xml('AccessControlPolicy', call));
}

async function putAcl(core: RequestCore, call: Call, acl: AclInput): Promise<void> {
  const headers: Record<string, string> = {};
  let body: string | null = null;
  if (typeof acl === 'string') aclHeaders(acl, undefined, headers);
  else if (isPolicy(acl)) {
    body = buildXml('AccessControlPolicy', {
      Owner: { ID: acl.owner.id, ...(acl.owner.displayName ? { DisplayName: acl.owner.displayName } : {}) },
      AccessControlList: acl.grants.map(grantToShape),
    } as never); // grantees are plain records here; buildXml checks every field at run time
    Object.assign(headers, xmlBody(core, body).headers);
  } else if (typeof acl === 'object' && acl !== null && typeof acl.grants === 'object') aclHeaders(undefined, acl.grants, headers);
  else throw new TypeError('acl must be a canned ACL, { grants } or an AccessControlPolicy');
  await core.empty({ ...call, headers, body, ...(body !== null ? { control: true } : {}) });
}

/** GetBucketAcl. */
export async function getBucketAcl(core: RequestCore, bucket: string, options: RequestOptions = {}): Promise<AccessControlPolicy> {
  checkBucket(bucket);
  return getAcl(core, { method: 'GET', bucket, query: { acl: '' }, signal: options.signal });
}

/** PutBucketAcl: a canned ACL, header grants, or a full `AccessControlPolicy` (which replaces every grant). */
export async function setBucketAcl(core: RequestCore, bucket: string, acl: AclInput, options: RequestOptions = {}): Promise<void> {
  checkBucket(bucket);
  return putAcl(core, { method: 'PUT', bucket, query: { acl: '' }, signal: options.signal }, acl);
}

/** GetObjectAcl (of `versionId` when given). */
export async function getObjectAcl(core: RequestCore, bucket: string, key: string, options: ObjectAclOptions = {}): Promise<AccessControlPolicy> {
  checkBucket(bucket);
  checkKey(key);
  return getAcl(core, { method: 'GET', bucket, key, query: { acl: '', versionId: options.versionId }, signal: options.signal });
}

/** PutObjectAcl (of `versionId` when given). */
export async function setObjectAcl(core: RequestCore, bucket: string, key: string, acl: AclInput, options: ObjectAclOptions = {}): Promise<void> {
  checkBucket(bucket);
  checkKey(key);
  return putAcl(core, { method: 'PUT', bucket, key, query: { acl: '', versionId: options.versionId }, signal: options.signal }, acl);
}
