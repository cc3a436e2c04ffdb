import { aclFromHeaders, type AclGrant } from './acl.js';
import type { StoreContext } from './context.js';
import { aclsEnabled, checkAclAllowed, checkCreateAcl, ownershipOnCreate, type ObjectOwnership } from './ownership.js';
import type { BucketState } from './store-core.js';

type Headers = Readonly<Record<string, string | undefined>>;

/**
 * The ACL fields of an object a write (PutObject, CopyObject, POST form, CreateMultipartUpload)
 * creates, from its `x-amz-acl` / `x-amz-grant-*` headers. Nothing is stored for a bucket with
 * ACLs disabled (it only accepts the owner's full control, which is the default anyway).
 * @throws S3Error InvalidArgument, InvalidRequest, UnresolvableGrantByEmailAddress,
 *   AccessControlListNotSupported (400)
 */
export function objectAclOnWrite(ctx: StoreContext, state: BucketState, headers: Headers, resource: string): { acl?: readonly AclGrant[] } {
  const acl = aclFromHeaders(headers, ctx.owner, 'object', resource);
  checkAclAllowed(state, acl, ctx.owner, resource);
  return acl === undefined || !aclsEnabled(state) ? {} : { acl: acl.grants };
}

/**
 * The ownership and ACL fields a CreateBucket gives the new bucket (`x-amz-object-ownership`,
 * `x-amz-acl`, `x-amz-grant-*`), validated before anything is created.
 * @throws S3Error InvalidArgument, InvalidRequest, InvalidBucketAclWithObjectOwnership (400)
 */
export function bucketAclOnCreate(ctx: StoreContext, headers: Headers, bucket: string): { ownership: ObjectOwnership; acl?: readonly AclGrant[] } {
  const ownership = ownershipOnCreate(headers, bucket);
  const acl = aclFromHeaders(headers, ctx.owner, 'bucket', bucket);
  checkCreateAcl(ownership, acl, ctx.owner, bucket);
  return acl === undefined || ownership === 'BucketOwnerEnforced' ? { ownership } : { ownership, acl: acl.grants };
}
