import { parseXml } from '@s3kit/xml-shapes';

/** The ACL permissions S3 grants. */
export type AclPermission = 'READ' | 'WRITE' | 'READ_ACP' | 'WRITE_ACP' | 'FULL_CONTROL';

/** What an ACL grants to the two public groups and to accounts (by canonical id). */
export interface PublicGrants {
  /**
   * Grants to accounts (`CanonicalUser` grantees) by canonical id: they count for a request
   * from another account than the owner's only (as a bucket policy naming that account).
   */
  readonly accounts?: ReadonlyMap<string, ReadonlySet<AclPermission>> | undefined;
  /** `http://acs.amazonaws.com/groups/global/AllUsers`: anyone, anonymous requests included. */
  readonly allUsers: ReadonlySet<AclPermission>;
  /** `http://acs.amazonaws.com/groups/global/AuthenticatedUsers`: any signed request. */
  readonly authenticatedUsers: ReadonlySet<AclPermission>;
}

/** No public grant (a private ACL, a missing object, ACLs disabled). */
export const NO_GRANTS: PublicGrants = Object.freeze({ allUsers: new Set<AclPermission>(), authenticatedUsers: new Set<AclPermission>() });

const ALL_USERS = /^https?:\/\/acs\.amazonaws\.com\/groups\/global\/AllUsers$/i;
const AUTHENTICATED_USERS = /^https?:\/\/acs\.amazonaws\.com\/groups\/global\/AuthenticatedUsers$/i;
const PERMISSIONS = new Set<string>(['READ', 'WRITE', 'READ_ACP', 'WRITE_ACP', 'FULL_CONTROL']);

/** The public grants of an `<AccessControlPolicy>` document (GetBucketAcl / GetObjectAcl answer). */
export function publicGrantsOf(acl: Uint8Array | string): PublicGrants {
  const doc = parseXml('AccessControlPolicy', acl);
  const allUsers = new Set<AclPermission>();
  const authenticatedUsers = new Set<AclPermission>();
  const accounts = new Map<string, Set<AclPermission>>();
  for (const g of doc.AccessControlList ?? []) {
    const uri = g.Grantee?.URI?.trim();
    const permission = g.Permission?.trim().toUpperCase();
    if (permission === undefined || !PERMISSIONS.has(permission)) continue;
    const id = g.Grantee?.ID?.trim().toLowerCase();
    if (uri === undefined && id !== undefined && id !== '') {
      const set = accounts.get(id) ?? new Set<AclPermission>();
      set.add(permission as AclPermission);
      accounts.set(id, set);
    }
    if (uri === undefined) continue;
    if (ALL_USERS.test(uri)) allUsers.add(permission as AclPermission);
    else if (AUTHENTICATED_USERS.test(uri)) authenticatedUsers.add(permission as AclPermission);
  }
  if (allUsers.size === 0 && authenticatedUsers.size === 0 && accounts.size === 0) return NO_GRANTS;
  return { allUsers, authenticatedUsers, ...(accounts.size === 0 ? {} : { accounts }) };
}

/**
 * The IAM actions each ACL permission allows, as AWS maps them ("Mapping of ACL permissions and
 * access policy permissions"), for a bucket ACL and for an object ACL. The bucket's WRITE covers
 * the writes of objects in it (PutObject and the multipart steps it authorizes, deletes).
 */
const BUCKET_ACTIONS: Readonly<Record<Exclude<AclPermission, 'FULL_CONTROL'>, readonly string[]>> = {
  READ: ['s3:ListBucket', 's3:ListBucketVersions', 's3:ListBucketMultipartUploads'],
  WRITE: ['s3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
  READ_ACP: ['s3:GetBucketAcl'],
  WRITE_ACP: ['s3:PutBucketAcl'],
};
const OBJECT_ACTIONS: Readonly<Record<Exclude<AclPermission, 'FULL_CONTROL'>, readonly string[]>> = {
  READ: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTorrent', 's3:GetObjectVersionTorrent'],
  WRITE: [],
  READ_ACP: ['s3:GetObjectAcl', 's3:GetObjectVersionAcl'],
  WRITE_ACP: ['s3:PutObjectAcl', 's3:PutObjectVersionAcl'],
};

function permissionFor(table: typeof BUCKET_ACTIONS, action: string): AclPermission | undefined {
  for (const [p, actions] of Object.entries(table)) if (actions.some((a) => a.toLowerCase() === action.toLowerCase())) return p as AclPermission;
  return undefined;
}

/** Where an action's ACL permission is granted: the bucket's ACL or the object's; `undefined` when no ACL grants it. */
export function aclPermissionFor(action: string): { readonly on: 'bucket' | 'object'; readonly permission: AclPermission } | undefined {
  const object = permissionFor(OBJECT_ACTIONS, action);
  if (object !== undefined) return { on: 'object', permission: object };
  const bucket = permissionFor(BUCKET_ACTIONS, action);
  return bucket === undefined ? undefined : { on: 'bucket', permission: bucket };
}

/**
 * Do these grants give `permission` to this caller? AllUsers grants apply to everyone,
 * AuthenticatedUsers grants to signed requests only; FULL_CONTROL holds every permission.
 * `ignorePublic` (the bucket's `IgnorePublicAcls`): both groups are public, so nothing is granted
 * through them. `accountId`: the canonical id of a caller from another account than the owner's,
 * whose account's grants count too.
 */
export function grants(g: PublicGrants, permission: AclPermission, anonymous: boolean, ignorePublic: boolean, accountId?: string): boolean {
  const has = (s: ReadonlySet<AclPermission> | undefined): boolean => s !== undefined && (s.has(permission) || s.has('FULL_CONTROL'));
  // A grant to the caller's account (given for cross-account requests only) is no public grant.
  if (accountId !== undefined && has(g.accounts?.get(accountId))) return true;
  if (ignorePublic) return false;
  return has(g.allUsers) || (!anonymous && has(g.authenticatedUsers));
}
