import type { BucketConfig } from '../bucket-config/documents.js';
import type { Principal } from '../pipeline/types.js';
import type { AclGrantCache } from './cache.js';
import { aclPermissionFor, grants } from './grants.js';

/** One permission check as ACL grants see it (see `PermissionCheck`). */
export interface AclCheck {
  readonly action: string;
  readonly bucket?: string | undefined;
  readonly key?: string | undefined;
  readonly versionId?: string | undefined;
  /**
   * The request creates the object (PutObject, CopyObject, CreateMultipartUpload, a POST form): the
   * ACL it sets is the new object's, which its writer owns, so `s3:PutObjectAcl` needs only the
   * bucket's WRITE (as an anonymous form with `acl` to a `public-read-write` bucket on S3).
   */
  readonly createsObject?: boolean | undefined;
}

const OBJECT_ACL_WRITES = new Set(['s3:putobjectacl', 's3:putobjectversionacl']);

/**
 * Does a public ACL grant allow this check, where the policies left it undecided (implicit deny)?
 * As AWS: the bucket's ACL grants the bucket permissions (READ → list, WRITE → object writes and
 * deletes, READ_ACP/WRITE_ACP → its ACL), the object's ACL the object ones (READ → GetObject,
 * READ_ACP/WRITE_ACP → its ACL); AllUsers grants to anyone, AuthenticatedUsers to signed requests.
 * Nothing is granted when the bucket's Object Ownership is `BucketOwnerEnforced` (ACLs disabled);
 * with `IgnorePublicAcls`, the public groups grant nothing. `accountId` (a cross-account caller's
 * canonical id): grants to that account count too, as S3's grants to another account. Reads the ACLs only for actions an ACL can grant.
 */
export async function aclAllows(check: AclCheck, principal: Principal, cache: AclGrantCache, config: BucketConfig | undefined, accountId?: string): Promise<boolean> {
  const mapped = check.createsObject === true && OBJECT_ACL_WRITES.has(check.action.toLowerCase()) ? ({ on: 'bucket', permission: 'WRITE' } as const) : aclPermissionFor(check.action);
  if (mapped === undefined || check.bucket === undefined) return false;
  const ignorePublic = config?.publicAccessBlock?.IgnorePublicAcls === true;
  if (ignorePublic && accountId === undefined) return false;
  const anonymous = principal.authKind === 'anonymous';
  const bucket = await cache.bucket(check.bucket);
  if (!bucket.aclsEnabled) return false;
  if (mapped.on === 'bucket') return grants(bucket.grants, mapped.permission, anonymous, ignorePublic, accountId);
  if (check.key === undefined) return false;
  return grants(await cache.object(check.bucket, check.key, check.versionId), mapped.permission, anonymous, ignorePublic, accountId);
}
