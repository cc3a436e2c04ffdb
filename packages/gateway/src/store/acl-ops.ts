import { S3Error } from '@s3kit/errors';
import { aclDocument, aclFromHeaders, hasAclHeaders, parseAclBody, privateAcl, type AclGrant, type AclTarget, type RequestedAcl } from './acl.js';
import { objectTarget, requireBucketName, type StoreContext } from './context.js';
import { deleteMarkerError } from './objects.js';
import { aclsEnabled, checkAclAllowed } from './ownership.js';
import { missing } from './tagging.js';
import { checkVersionId } from './versions.js';
import { readSmallBody } from './write-temp.js';
import { XML_HEADERS, buildXml } from './xml.js';
import type { UpstreamRequest, UpstreamResponse } from '../upstreams/upstream.js';
import { abortOf } from '../pipeline/abort.js';

const MAX_ACL_BYTES = 64 * 1024;

/**
 * The ACL a Put*Acl request sets: from the headers or from an AccessControlPolicy body, never both.
 * @throws S3Error UnexpectedContent (both), MissingSecurityHeader (neither), MalformedACLError, ...
 */
async function requestedAcl(ctx: StoreContext, req: UpstreamRequest, target: AclTarget, resource: string): Promise<RequestedAcl> {
  const raw = await readSmallBody(req.body, MAX_ACL_BYTES, req.headers, abortOf(req));
  const hasBody = raw.toString('utf8').trim() !== '';
  if (hasAclHeaders(req.headers)) {
    if (hasBody) throw new S3Error('UnexpectedContent', { resource });
    return aclFromHeaders(req.headers, ctx.owner, target, resource)!;
  }
  if (!hasBody) throw new S3Error('MissingSecurityHeader', { resource, details: { MissingHeaderName: 'x-amz-acl' } });
  return parseAclBody(raw, ctx.owner, resource, MAX_ACL_BYTES);
}

function aclResponse(ctx: StoreContext, grants: readonly AclGrant[]): UpstreamResponse {
  return { status: 200, headers: { ...XML_HEADERS }, body: buildXml('AccessControlPolicy', aclDocument(grants, ctx.owner)) };
}

/** GetBucketAcl: the stored ACL; the owner's full control while ACLs are disabled, as S3. */
export async function getBucketAcl(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const bucket = requireBucketName(req);
  const state = await ctx.core.requireBucket(bucket);
  return aclResponse(ctx, aclsEnabled(state) ? (state.acl ?? privateAcl(ctx.owner)) : privateAcl(ctx.owner));
}

/**
 * PutBucketAcl from headers or an AccessControlPolicy body.
 * @throws S3Error NoSuchBucket, AccessControlListNotSupported (ACLs disabled), MalformedACLError,
 *   InvalidArgument, InvalidRequest, UnexpectedContent, MissingSecurityHeader
 */
export async function putBucketAcl(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const bucket = requireBucketName(req);
  await ctx.core.requireBucket(bucket);
  const acl = await requestedAcl(ctx, req, 'bucket', bucket);
  await ctx.core.updateBucketState(bucket, (old) => {
    checkAclAllowed(old, acl, ctx.owner, bucket);
    return aclsEnabled(old) ? { ...old, acl: acl.grants } : old;
  });
  return { status: 200, headers: {} };
}

/** GetObjectAcl (per `versionId`): the version's ACL; the owner's full control while the bucket's ACLs are disabled. */
export async function getObjectAcl(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const { bucket, key, resource } = objectTarget(req);
  const versionId = checkVersionId(req.query['versionId'], resource);
  const v = await ctx.core.readVersion(bucket, key, versionId);
  if (v === undefined) throw await missing(ctx, bucket, resource, versionId);
  if (v.deleteMarker === true) throw deleteMarkerError(v.id, versionId !== undefined, resource);
  const state = await ctx.core.requireBucket(bucket);
  return aclResponse(ctx, aclsEnabled(state) ? (v.acl ?? privateAcl(ctx.owner)) : privateAcl(ctx.owner));
}

/**
 * PutObjectAcl (per `versionId`) from headers or an AccessControlPolicy body.
 * @throws S3Error NoSuchKey, NoSuchVersion, MethodNotAllowed (a delete marker), AccessControlListNotSupported, ...
 */
export async function putObjectAcl(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const { bucket, key, resource } = objectTarget(req);
  const versionId = checkVersionId(req.query['versionId'], resource);
  const state = await ctx.core.requireBucket(bucket);
  const acl = await requestedAcl(ctx, req, 'object', resource);
  checkAclAllowed(state, acl, ctx.owner, resource);
  const updated = await ctx.core.updateVersion(bucket, key, versionId, (old) => {
    if (old.deleteMarker === true) throw deleteMarkerError(old.id, versionId !== undefined, resource);
    return aclsEnabled(state) ? { ...old, acl: acl.grants } : old;
  });
  if (updated === undefined) throw await missing(ctx, bucket, resource, versionId);
  return { status: 200, headers: {} };
}
