// Bucket settings over the request core: CORS, website, logging, request payment, transfer
// acceleration, ownership controls, public access block and policy status.
// Internal module: S3Client (client.ts) delegates here; option types live beside their functions.

import { buildXml, parseXml, type ShapeName, type ShapeInput } from '@s3kit/xml-shapes';
import { checkBucket, xmlBody, type RequestCore, type RequestOptions } from './core.js';
import { grantFromShape, grantToShape, type Grant } from './acl.js';

/** One CORS rule. */
export interface CorsRule {
  id?: string;
  allowedMethods: string[];
  allowedOrigins: string[];
  allowedHeaders?: string[];
  exposeHeaders?: string[];
  maxAgeSeconds?: number;
}

/** A website redirect target. */
export interface WebsiteRedirect {
  protocol?: 'http' | 'https';
  hostName?: string;
  replaceKeyPrefixWith?: string;
  replaceKeyWith?: string;
  httpRedirectCode?: string;
}

/** One website routing rule. */
export interface RoutingRule {
  condition?: { keyPrefixEquals?: string; httpErrorCodeReturnedEquals?: string };
  redirect: WebsiteRedirect;
}

/** A static website configuration: index/error documents and routing rules, or a redirect of every request. */
export interface WebsiteConfig {
  /** The index document suffix (`index.html`). */
  indexDocument?: string;
  /** The error document key. */
  errorDocument?: string;
  redirectAllRequestsTo?: { hostName: string; protocol?: 'http' | 'https' };
  routingRules?: RoutingRule[];
}

/** Server access logging: where logs go (`undefined` from getBucketLogging when logging is off). */
export interface LoggingConfig {
  targetBucket: string;
  targetPrefix: string;
  targetGrants?: Grant[];
}

/** Who pays for requests and transfer. */
export type RequestPayer = 'BucketOwner' | 'Requester';

/** Transfer acceleration status. */
export type AccelerateStatus = 'Enabled' | 'Suspended';

/** Object ownership (OwnershipControls). */
export type ObjectOwnership = 'BucketOwnerEnforced' | 'BucketOwnerPreferred' | 'ObjectWriter';

/** The four public access block switches (all `false` when left out). */
export interface PublicAccessBlockConfig {
  blockPublicAcls?: boolean;
  ignorePublicAcls?: boolean;
  blockPublicPolicy?: boolean;
  restrictPublicBuckets?: boolean;
}

/** PUTs a configuration body with `Content-MD5` (S3 requires it on most of these). */
async function putConfig<N extends ShapeName>(core: RequestCore, bucket: string, sub: string, shape: N, value: ShapeInput<N>, options: RequestOptions): Promise<void> {
  checkBucket(bucket);
  await core.empty({ method: 'PUT', bucket, query: { [sub]: '' }, ...xmlBody(core, buildXml(shape, value)), signal: options.signal });
}

async function deleteConfig(core: RequestCore, bucket: string, sub: string, options: RequestOptions): Promise<void> {
  checkBucket(bucket);
  await core.empty({ method: 'DELETE', bucket, query: { [sub]: '' }, signal: options.signal });
}

function getConfig<N extends ShapeName>(core: RequestCore, bucket: string, sub: string, shape: N, options: RequestOptions) {
  checkBucket(bucket);
  return core.xml(shape, { method: 'GET', bucket, query: { [sub]: '' }, signal: options.signal });
}

function opt<K extends string, V>(k: K, v: V | undefined): Partial<Record<K, V>> {
  return v === undefined ? {} : ({ [k]: v } as Record<K, V>);
}

// ---------------------------------------------------------------- CORS

/** GetBucketCors; rejects with `NoSuchCORSConfiguration` when none is set. */
export async function getBucketCors(core: RequestCore, bucket: string, options: RequestOptions = {}): Promise<CorsRule[]> {
  const r = await getConfig(core, bucket, 'cors', 'CORSConfiguration', options);
  return (r.CORSRule ?? []).map((c) => ({
    ...opt('id', c.ID),
    allowedMethods: c.AllowedMethod ?? [],
    allowedOrigins: c.AllowedOrigin ?? [],
    ...(c.AllowedHeader?.length ? { allowedHeaders: c.AllowedHeader } : {}),
    ...(c.ExposeHeader?.length ? { exposeHeaders: c.ExposeHeader } : {}),
    ...opt('maxAgeSeconds', c.MaxAgeSeconds),
  }));
}

/** PutBucketCors (replaces every rule). */
export async function setBucketCors(core: RequestCore, bucket: string, rules: CorsRule[], options: RequestOptions = {}): Promise<void> {
  const value = {
    CORSRule: rules.map((r) => ({
      ...opt('ID', r.id),
      ...opt('AllowedHeader', r.allowedHeaders),
      AllowedMethod: r.allowedMethods,
      AllowedOrigin: r.allowedOrigins,
      ...opt('ExposeHeader', r.exposeHeaders),
      ...opt('MaxAgeSeconds', r.maxAgeSeconds),
    })),
  };
  return putConfig(core, bucket, 'cors', 'CORSConfiguration', value, options);
}

/** DeleteBucketCors. */
export async function deleteBucketCors(core: RequestCore, bucket: string, options: RequestOptions = {}): Promise<void> {
  return deleteConfig(core, bucket, 'cors', options);
}

// ---------------------------------------------------------------- website

function redirectFrom(r: {
  Protocol?: string | undefined;
  HostName?: string | undefined;
  ReplaceKeyPrefixWith?: string | undefined;
  ReplaceKeyWith?: string | undefined;
  HttpRedirectCode?: string | undefined;
}): WebsiteRedirect {
  return {
    ...opt('protocol', r.Protocol as WebsiteRedirect['protocol']),
    ...opt('hostName', r.HostName),
    ...opt('replaceKeyPrefixWith', r.ReplaceKeyPrefixWith),
    ...opt('replaceKeyWith', r.ReplaceKeyWith),
    ...opt('httpRedirectCode', r.HttpRedirectCode),
  };
}

/** GetBucketWebsite; rejects with `NoSuchWebsiteConfiguration` when none is set. */
export async function getBucketWebsite(core: RequestCore, bucket: string, options: RequestOptions = {}): Promise<WebsiteConfig> {
  const r = await getConfig(core, bucket, 'website', 'WebsiteConfiguration', options);
  return {
    ...opt('indexDocument', r.IndexDocument?.Suffix),
    ...opt('errorDocument', r.ErrorDocument?.Key),
    ...(r.RedirectAllRequestsTo
      ? { redirectAllRequestsTo: { hostName: r.RedirectAllRequestsTo.HostName ?? '', ...opt('protocol', r.RedirectAllRequestsTo.Protocol as 'http' | 'https' | undefined) } }
      : {}),
    ...(r.RoutingRules?.length
      ? {
          routingRules: r.RoutingRules.map((rr) => ({
            ...(rr.Condition ? { condition: { ...opt('keyPrefixEquals', rr.Condition.KeyPrefixEquals), ...opt('httpErrorCodeReturnedEquals', rr.Condition.HttpErrorCodeReturnedEquals) } } : {}),
            redirect: redirectFrom(rr.Redirect ?? {}),
          })),
        }
      : {}),
  };
}

/** PutBucketWebsite. */
export async function setBucketWebsite(core: RequestCore, bucket: string, config: WebsiteConfig, options: RequestOptions = {}): Promise<void> {
  const value = {
    ...(config.redirectAllRequestsTo ? { RedirectAllRequestsTo: { HostName: config.redirectAllRequestsTo.hostName, ...opt('Protocol', config.redirectAllRequestsTo.protocol) } } : {}),
    ...(config.indexDocument !== undefined ? { IndexDocument: { Suffix: config.indexDocument } } : {}),
    ...(config.errorDocument !== undefined ? { ErrorDocument: { Key: config.errorDocument } } : {}),
    ...(config.routingRules?.length
      ? {
          RoutingRules: config.routingRules.map((rr) => ({
            ...(rr.condition ? { Condition: { ...opt('KeyPrefixEquals', rr.condition.keyPrefixEquals), ...opt('HttpErrorCodeReturnedEquals', rr.condition.httpErrorCodeReturnedEquals) } } : {}),
            Redirect: {
              ...opt('Protocol', rr.redirect.protocol),
              ...opt('HostName', rr.redirect.hostName),
              ...opt('ReplaceKeyPrefixWith', rr.redirect.replaceKeyPrefixWith),
              ...opt('ReplaceKeyWith', rr.redirect.replaceKeyWith),
              ...opt('HttpRedirectCode', rr.redirect.httpRedirectCode),
            },
          })),
        }
      : {}),
  };
  return putConfig(core, bucket, 'website', 'WebsiteConfiguration', value as ShapeInput<'WebsiteConfiguration'>, options);
}

/** DeleteBucketWebsite. */
export async function deleteBucketWebsite(core: RequestCore, bucket: string, options: RequestOptions = {}): Promise<void> {
  return deleteConfig(core, bucket, 'website', options);
}

// ---------------------------------------------------------------- logging

/** GetBucketLogging: the logging target, or `undefined` when logging is off. */
export async function getBucketLogging(core: RequestCore, bucket: string, options: RequestOptions = {}): Promise<LoggingConfig | undefined> {
  const r = await getConfig(core, bucket, 'logging', 'BucketLoggingStatus', options);
  const l = r.LoggingEnabled;
  if (!l) return undefined;
  return { targetBucket: l.TargetBucket ?? '', targetPrefix: l.TargetPrefix ?? '', ...(l.TargetGrants?.length ? { targetGrants: l.TargetGrants.map(grantFromShape) } : {}) };
}

/** PutBucketLogging: turns logging on to `config`, or off with `undefined`. */
export async function setBucketLogging(core: RequestCore, bucket: string, config: LoggingConfig | undefined, options: RequestOptions = {}): Promise<void> {
  const value = config
    ? {
        LoggingEnabled: {
          TargetBucket: config.targetBucket,
          TargetPrefix: config.targetPrefix,
          ...(config.targetGrants?.length ? { TargetGrants: config.targetGrants.map(grantToShape) } : {}),
        },
      }
    : {};
  return putConfig(core, bucket, 'logging', 'BucketLoggingStatus', value as ShapeInput<'BucketLoggingStatus'>, options);
}

// ---------------------------------------------------------------- request payment

/** GetBucketRequestPayment. */
export async function getBucketRequestPayment(core: RequestCore, bucket: string, options: RequestOptions = {}): Promise<RequestPayer> {
  const r = await getConfig(core, bucket, 'requestPayment', 'RequestPaymentConfiguration', options);
  return (r.Payer ?? 'BucketOwner') as RequestPayer;
}

/** PutBucketRequestPayment. */
export async function setBucketRequestPayment(core: RequestCore, bucket: string, payer: RequestPayer, options: RequestOptions = {}): Promise<void> {
  return putConfig(core, bucket, 'requestPayment', 'RequestPaymentConfiguration', { Payer: payer }, options);
}

// ---------------------------------------------------------------- accelerate

/** GetBucketAccelerateConfiguration: the status, or `undefined` when never set. */
export async function getBucketAccelerate(core: RequestCore, bucket: string, options: RequestOptions = {}): Promise<AccelerateStatus | undefined> {
  const r = await getConfig(core, bucket, 'accelerate', 'AccelerateConfiguration', options);
  return r.Status as AccelerateStatus | undefined;
}

/** PutBucketAccelerateConfiguration. */
export async function setBucketAccelerate(core: RequestCore, bucket: string, status: AccelerateStatus, options: RequestOptions = {}): Promise<void> {
  return putConfig(core, bucket, 'accelerate', 'AccelerateConfiguration', { Status: status }, options);
}

// ---------------------------------------------------------------- ownership controls

/** GetBucketOwnershipControls; rejects with `OwnershipControlsNotFoundError` when none is set. */
export async function getBucketOwnershipControls(core: RequestCore, bucket: string, options: RequestOptions = {}): Promise<ObjectOwnership> {
  const r = await getConfig(core, bucket, 'ownershipControls', 'OwnershipControls', options);
  return (r.Rule?.[0]?.ObjectOwnership ?? '') as ObjectOwnership;
}

/** PutBucketOwnershipControls. */
export async function setBucketOwnershipControls(core: RequestCore, bucket: string, ownership: ObjectOwnership, options: RequestOptions = {}): Promise<void> {
  return putConfig(core, bucket, 'ownershipControls', 'OwnershipControls', { Rule: [{ ObjectOwnership: ownership }] }, options);
}

/** DeleteBucketOwnershipControls. */
export async function deleteBucketOwnershipControls(core: RequestCore, bucket: string, options: RequestOptions = {}): Promise<void> {
  return deleteConfig(core, bucket, 'ownershipControls', options);
}

// ---------------------------------------------------------------- public access block

/** GetPublicAccessBlock; rejects with `NoSuchPublicAccessBlockConfiguration` when none is set. */
export async function getPublicAccessBlock(core: RequestCore, bucket: string, options: RequestOptions = {}): Promise<Required<PublicAccessBlockConfig>> {
  checkBucket(bucket);
  const res = await core.send({ method: 'GET', bucket, query: { publicAccessBlock: '' }, signal: options.signal });
  // Ceph RGW (16.2) names the root <BlockPublicAccessBlockConfiguration>: read it as S3's.
  const text = (await res.body.text()).replace(/<(\/?)BlockPublicAccessBlockConfiguration\b/g, '<$1PublicAccessBlockConfiguration');
  const r = parseXml('PublicAccessBlockConfiguration', text);
  return {
    blockPublicAcls: r.BlockPublicAcls ?? false,
    ignorePublicAcls: r.IgnorePublicAcls ?? false,
    blockPublicPolicy: r.BlockPublicPolicy ?? false,
    restrictPublicBuckets: r.RestrictPublicBuckets ?? false,
  };
}

/** PutPublicAccessBlock (switches left out are `false`). */
export async function setPublicAccessBlock(core: RequestCore, bucket: string, config: PublicAccessBlockConfig, options: RequestOptions = {}): Promise<void> {
  const value = {
    BlockPublicAcls: config.blockPublicAcls ?? false,
    IgnorePublicAcls: config.ignorePublicAcls ?? false,
    BlockPublicPolicy: config.blockPublicPolicy ?? false,
    RestrictPublicBuckets: config.restrictPublicBuckets ?? false,
  };
  return putConfig(core, bucket, 'publicAccessBlock', 'PublicAccessBlockConfiguration', value, options);
}

/** DeletePublicAccessBlock. */
export async function deletePublicAccessBlock(core: RequestCore, bucket: string, options: RequestOptions = {}): Promise<void> {
  return deleteConfig(core, bucket, 'publicAccessBlock', options);
}

// ---------------------------------------------------------------- policy status

/** GetBucketPolicyStatus: whether the bucket policy makes the bucket public; rejects with `NoSuchBucketPolicy` without a policy. */
export async function getBucketPolicyStatus(core: RequestCore, bucket: string, options: RequestOptions = {}): Promise<{ isPublic: boolean }> {
  const r = await getConfig(core, bucket, 'policyStatus', 'PolicyStatus', options);
  return { isPublic: r.IsPublic ?? false };
}
