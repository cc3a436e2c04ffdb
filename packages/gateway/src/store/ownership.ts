import { S3Error } from '@s3kit/errors';
import { isOwnerOnly, type AclOwner, type RequestedAcl } from './acl.js';
import { requireBucketName, type StoreContext } from './context.js';
import type { BucketState } from './store-core.js';
import { readSmallBody } from './write-temp.js';
import { XML_HEADERS, buildXml, parseRequestXml } from './xml.js';
import type { UpstreamRequest, UpstreamResponse } from '../upstreams/upstream.js';
import { abortOf } from '../pipeline/abort.js';

/** S3 Object Ownership. BucketOwnerEnforced disables ACLs; the other two keep them. */
export type ObjectOwnership = 'BucketOwnerEnforced' | 'BucketOwnerPreferred' | 'ObjectWriter';

const OWNERSHIPS: ReadonlySet<string> = new Set(['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter']);
const MAX_OWNERSHIP_XML_BYTES = 16 * 1024;

/**
 * Whether ACLs count on the bucket. A bucket without ownership controls (created before the
 * store had them, or after DeleteBucketOwnershipControls) behaves as ObjectWriter, as on S3.
 */
export function aclsEnabled(state: BucketState): boolean {
  return state.ownership !== 'BucketOwnerEnforced';
}

/**
 * The ownership a CreateBucket asks for with `x-amz-object-ownership`; BucketOwnerEnforced
 * (ACLs disabled) without it, S3's default for new buckets since April 2023.
 * @throws S3Error InvalidArgument (400) for an unknown value
 */
export function ownershipOnCreate(headers: Readonly<Record<string, string | undefined>>, resource: string): ObjectOwnership {
  const v = headers['x-amz-object-ownership'];
  if (v === undefined) return 'BucketOwnerEnforced';
  if (!OWNERSHIPS.has(v.trim())) {
    throw new S3Error('InvalidArgument', { resource, message: 'Invalid x-amz-object-ownership header', details: { ArgumentName: 'x-amz-object-ownership', ArgumentValue: v } });
  }
  return v.trim() as ObjectOwnership;
}

/**
 * What a bucket with ACLs disabled accepts of an ACL a request sets: none, or the owner's full
 * control (bucket-owner-full-control, private or the same as grants); anything else is S3's
 * AccessControlListNotSupported (400).
 */
export function checkAclAllowed(state: BucketState, acl: RequestedAcl | undefined, owner: AclOwner, resource: string): void {
  if (acl === undefined || aclsEnabled(state) || isOwnerOnly(acl, owner)) return;
  throw new S3Error('AccessControlListNotSupported', { resource });
}

function invalidBucketAcl(resource: string): S3Error {
  return new S3Error('InvalidBucketAclWithObjectOwnership', { resource });
}

/** CreateBucket: a bucket created with ACLs disabled may only get the owner's full control. */
export function checkCreateAcl(ownership: ObjectOwnership, acl: RequestedAcl | undefined, owner: AclOwner, resource: string): void {
  if (ownership === 'BucketOwnerEnforced' && acl !== undefined && !isOwnerOnly(acl, owner)) throw invalidBucketAcl(resource);
}

/**
 * PutBucketOwnershipControls: one rule with BucketOwnerEnforced, BucketOwnerPreferred or
 * ObjectWriter. Enforcing needs a bucket ACL that grants nothing to others, as on S3; object
 * ACLs stay stored (and count again if ACLs are enabled later).
 * @throws S3Error NoSuchBucket, MalformedXML, InvalidBucketAclWithObjectOwnership (400)
 */
export async function putBucketOwnershipControls(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const bucket = requireBucketName(req);
  await ctx.core.requireBucket(bucket);
  const raw = await readSmallBody(req.body, MAX_OWNERSHIP_XML_BYTES, req.headers, abortOf(req));
  const rules = parseRequestXml('OwnershipControls', raw, MAX_OWNERSHIP_XML_BYTES).Rule;
  const value = rules.length === 1 ? rules[0]!.ObjectOwnership : undefined;
  if (value === undefined || !OWNERSHIPS.has(value)) throw new S3Error('MalformedXML', { resource: bucket });
  const ownership = value as ObjectOwnership;
  await ctx.core.updateBucketState(bucket, (old) => {
    if (ownership === 'BucketOwnerEnforced' && old.acl !== undefined && !isOwnerOnly({ grants: old.acl }, ctx.owner)) throw invalidBucketAcl(bucket);
    return { ...old, ownership };
  });
  return { status: 200, headers: {} };
}

/** GetBucketOwnershipControls. @throws S3Error NoSuchBucket, OwnershipControlsNotFoundError (404) */
export async function getBucketOwnershipControls(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const bucket = requireBucketName(req);
  const { ownership } = await ctx.core.requireBucket(bucket);
  if (ownership === undefined) throw new S3Error('OwnershipControlsNotFoundError', { resource: bucket, details: { BucketName: bucket } });
  return { status: 200, headers: { ...XML_HEADERS }, body: buildXml('OwnershipControls', { Rule: [{ ObjectOwnership: ownership }] }) };
}

/** DeleteBucketOwnershipControls (204): the bucket then behaves as ObjectWriter (ACLs enabled). */
export async function deleteBucketOwnershipControls(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const bucket = requireBucketName(req);
  await ctx.core.updateBucketState(bucket, ({ ownership: _o, ...rest }) => rest);
  return { status: 204, headers: {} };
}
