import { S3Error } from '@s3kit/errors';
import { parseXml, type AccessControlPolicy } from '@s3kit/xml-shapes';

type Headers = Readonly<Record<string, string | undefined>>;

/** An ACL permission, as S3 spells it. */
export type Permission = 'READ' | 'WRITE' | 'READ_ACP' | 'WRITE_ACP' | 'FULL_CONTROL';

/** Who a grant is for: the store's canonical user or one of S3's predefined groups. */
export type Grantee = { readonly type: 'CanonicalUser'; readonly id: string } | { readonly type: 'Group'; readonly uri: string };

/** One ACL grant, as stored in `bucket.json` and in an object version's record. */
export interface AclGrant {
  readonly grantee: Grantee;
  readonly permission: Permission;
}

/** The owner of every bucket and object of the store. */
export interface AclOwner {
  readonly id: string;
  readonly displayName: string;
}

/** What an ACL is set on: canned ACLs differ a little (bucket-owner-* mean nothing on a bucket). */
export type AclTarget = 'bucket' | 'object';

const GROUPS = {
  AllUsers: 'http://acs.amazonaws.com/groups/global/AllUsers',
  AuthenticatedUsers: 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers',
  LogDelivery: 'http://acs.amazonaws.com/groups/s3/LogDelivery',
} as const;
const KNOWN_GROUPS: ReadonlySet<string> = new Set(Object.values(GROUPS));
const PERMISSIONS: ReadonlySet<string> = new Set(['READ', 'WRITE', 'READ_ACP', 'WRITE_ACP', 'FULL_CONTROL']);

/** The canned ACLs S3 accepts in `x-amz-acl` (and a POST form's `acl` field). */
export const CANNED_ACLS = ['private', 'public-read', 'public-read-write', 'authenticated-read', 'aws-exec-read', 'bucket-owner-read', 'bucket-owner-full-control', 'log-delivery-write'] as const;
export type CannedAcl = (typeof CANNED_ACLS)[number];

/** The grant headers and the permission each one grants. */
const GRANT_HEADERS: readonly (readonly [string, Permission])[] = [
  ['x-amz-grant-read', 'READ'],
  ['x-amz-grant-write', 'WRITE'],
  ['x-amz-grant-read-acp', 'READ_ACP'],
  ['x-amz-grant-write-acp', 'WRITE_ACP'],
  ['x-amz-grant-full-control', 'FULL_CONTROL'],
];

const group = (uri: string, permission: Permission): AclGrant => ({ grantee: { type: 'Group', uri }, permission });

/** The ACL a bucket or object has when none was set: its owner has full control. */
export function privateAcl(owner: AclOwner): AclGrant[] {
  return [{ grantee: { type: 'CanonicalUser', id: owner.id }, permission: 'FULL_CONTROL' }];
}

/**
 * The grants of a canned ACL. The store has one owner, so the bucket owner and the object
 * owner are the same account: bucket-owner-read and bucket-owner-full-control are the owner's
 * full control, as on S3 for an object the bucket owner uploads. aws-exec-read's EC2 grant
 * names an account the store does not have; it keeps the owner's grant only.
 */
export function cannedGrants(canned: CannedAcl, owner: AclOwner): AclGrant[] {
  const grants = privateAcl(owner);
  switch (canned) {
    case 'public-read':
      return [...grants, group(GROUPS.AllUsers, 'READ')];
    case 'public-read-write':
      return [...grants, group(GROUPS.AllUsers, 'READ'), group(GROUPS.AllUsers, 'WRITE')];
    case 'authenticated-read':
      return [...grants, group(GROUPS.AuthenticatedUsers, 'READ')];
    case 'log-delivery-write':
      return [...grants, group(GROUPS.LogDelivery, 'WRITE'), group(GROUPS.LogDelivery, 'READ_ACP')];
    default:
      return grants;
  }
}

/** An ACL request: the grants and, for a canned ACL, its name (aws-exec-read counts as a grant to others). */
export interface RequestedAcl {
  readonly grants: readonly AclGrant[];
  readonly canned?: CannedAcl;
}

/**
 * Whether an ACL gives full control to the owner and nothing to anyone else: what S3 still
 * accepts on a bucket whose ACLs are disabled (bucket-owner-full-control, private, or the
 * same written out as grants).
 */
export function isOwnerOnly(acl: RequestedAcl, owner: AclOwner): boolean {
  if (acl.canned === 'aws-exec-read') return false;
  return acl.grants.length > 0 && acl.grants.every((g) => g.permission === 'FULL_CONTROL' && g.grantee.type === 'CanonicalUser' && g.grantee.id === owner.id);
}

function invalidArgument(message: string, name: string, value: string, resource: string): S3Error {
  return new S3Error('InvalidArgument', { resource, message, details: { ArgumentName: name, ArgumentValue: value } });
}

/** The canonical id of a gateway account (see the gateway's accounts): 64 lowercase hex digits. */
const ACCOUNT_ID = /^[0-9a-f]{64}$/;

/** Checks a grantee id, group URI or e-mail address against what the store knows. */
function resolveGrantee(kind: 'id' | 'uri' | 'emailAddress', value: string, owner: AclOwner, resource: string): Grantee {
  if (kind === 'emailAddress') {
    // The store has no accounts with e-mail addresses: S3's answer for an address it cannot resolve.
    throw new S3Error('UnresolvableGrantByEmailAddress', { resource, details: { EmailAddress: value } });
  }
  if (kind === 'uri') {
    if (!KNOWN_GROUPS.has(value)) throw invalidArgument('Invalid group uri', 'uri', value, resource);
    return { type: 'Group', uri: value };
  }
  // The owner, or another gateway account's canonical id (64 hex: the store cannot list the accounts).
  if (value !== owner.id && !ACCOUNT_ID.test(value)) throw invalidArgument('Invalid id', 'CanonicalUser/ID', value, resource);
  return { type: 'CanonicalUser', id: value };
}

/**
 * Parses one `x-amz-grant-*` value: a comma-separated list of `id="…"`, `uri="…"` or
 * `emailAddress="…"` (quotes optional).
 * @throws S3Error InvalidArgument (400), UnresolvableGrantByEmailAddress (400)
 */
function parseGrantHeader(name: string, value: string, permission: Permission, owner: AclOwner, resource: string): AclGrant[] {
  const out: AclGrant[] = [];
  const re = /\s*([A-Za-z]+)\s*=\s*(?:"([^"]*)"|([^,"\s]+))\s*(,|$)/y;
  let at = 0;
  while (at < value.length) {
    re.lastIndex = at;
    const m = re.exec(value);
    if (m === null) throw invalidArgument(`Invalid value for ${name}`, name, value, resource);
    const kind = m[1]!.toLowerCase();
    const v = m[2] ?? m[3]!;
    const type = kind === 'id' ? 'id' : kind === 'uri' ? 'uri' : kind === 'emailaddress' ? 'emailAddress' : undefined;
    if (type === undefined) throw invalidArgument(`Invalid value for ${name}`, name, value, resource);
    out.push({ grantee: resolveGrantee(type, v, owner, resource), permission });
    at = re.lastIndex;
    if (m[4] === '') break;
  }
  if (out.length === 0) throw invalidArgument(`Invalid value for ${name}`, name, value, resource);
  return out;
}

/** Whether the request carries `x-amz-acl` or any `x-amz-grant-*` header. */
export function hasAclHeaders(headers: Headers): boolean {
  return headers['x-amz-acl'] !== undefined || GRANT_HEADERS.some(([h]) => headers[h] !== undefined);
}

/**
 * The ACL the request's `x-amz-acl` or `x-amz-grant-*` headers ask for; undefined without any.
 * Grant headers give exactly the grants they name (the owner gets nothing implicitly), as S3.
 * @throws S3Error InvalidArgument (unknown canned ACL, bad grant, unknown id or group),
 *   InvalidRequest (a canned ACL and grant headers together), UnresolvableGrantByEmailAddress
 */
export function aclFromHeaders(headers: Headers, owner: AclOwner, target: AclTarget, resource: string): RequestedAcl | undefined {
  const canned = headers['x-amz-acl'];
  const grantHeaders = GRANT_HEADERS.filter(([h]) => headers[h] !== undefined);
  if (canned !== undefined) {
    if (grantHeaders.length > 0) throw new S3Error('InvalidRequest', { resource, message: 'Specifying both Canned ACLs and Header Grants is not allowed' });
    const name = canned.trim() as CannedAcl;
    if (!CANNED_ACLS.includes(name)) throw invalidArgument('', 'x-amz-acl', canned, resource);
    // On a bucket, S3 ignores the object-only canned ACLs: the bucket stays private.
    const effective = target === 'bucket' && (name === 'bucket-owner-read' || name === 'bucket-owner-full-control') ? 'private' : name;
    return { grants: cannedGrants(effective, owner), canned: name };
  }
  if (grantHeaders.length === 0) return undefined;
  return { grants: grantHeaders.flatMap(([h, p]) => parseGrantHeader(h, headers[h]!, p, owner, resource)) };
}

function malformedAcl(resource: string, cause?: unknown): S3Error {
  return new S3Error('MalformedACLError', { resource, ...(cause === undefined ? {} : { cause }) });
}

/**
 * Parses and validates an `AccessControlPolicy` body (PutBucketAcl, PutObjectAcl). The Owner
 * must be the store's owner; every grant names a permission and a grantee the store knows.
 * @throws S3Error MalformedACLError (400), AccessDenied (403, another owner), InvalidArgument
 *   (unknown id or group), UnresolvableGrantByEmailAddress (400)
 */
export function parseAclBody(raw: Uint8Array, owner: AclOwner, resource: string, maxBytes: number): RequestedAcl {
  let doc: AccessControlPolicy;
  try {
    doc = parseXml('AccessControlPolicy', raw, { maxBytes });
  } catch (err) {
    throw malformedAcl(resource, err);
  }
  if (doc.Owner?.ID === undefined) throw malformedAcl(resource);
  if (doc.Owner.ID !== owner.id) throw new S3Error('AccessDenied', { resource });
  const grants = doc.AccessControlList.map((g): AclGrant => {
    const permission = g.Permission;
    if (permission === undefined || !PERMISSIONS.has(permission) || g.Grantee === undefined) throw malformedAcl(resource);
    const e = g.Grantee;
    switch (e.Type) {
      case 'CanonicalUser':
        if (e.ID === undefined) throw malformedAcl(resource);
        return { grantee: resolveGrantee('id', e.ID, owner, resource), permission: permission as Permission };
      case 'Group':
        if (e.URI === undefined) throw malformedAcl(resource);
        return { grantee: resolveGrantee('uri', e.URI, owner, resource), permission: permission as Permission };
      case 'AmazonCustomerByEmail':
        if (e.EmailAddress === undefined) throw malformedAcl(resource);
        return { grantee: resolveGrantee('emailAddress', e.EmailAddress, owner, resource), permission: permission as Permission };
      default:
        throw malformedAcl(resource);
    }
  });
  return { grants };
}

/** The `AccessControlPolicy` document of an ACL, as S3 writes it (grantee types as xsi:type). */
export function aclDocument(grants: readonly AclGrant[], owner: AclOwner): AccessControlPolicy {
  return {
    Owner: { ID: owner.id, DisplayName: owner.displayName },
    AccessControlList: grants.map((g) => ({
      Grantee:
        g.grantee.type === 'Group' ? { Type: 'Group', URI: g.grantee.uri } : { Type: 'CanonicalUser', ID: g.grantee.id, ...(g.grantee.id === owner.id ? { DisplayName: owner.displayName } : {}) },
      Permission: g.permission,
    })),
  };
}
