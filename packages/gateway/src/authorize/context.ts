import { parseCopySource } from '@s3kit/xml-shapes/operations';
import type { ParsedRequest, Principal } from '../pipeline/types.js';

/** Condition keys → value(s), as `evaluate` takes them. */
export type PolicyContext = Record<string, string | readonly string[] | undefined>;

/** Request headers that become `s3:<header>` condition keys as they are ([header, key] pairs). */
const HEADER_KEYS: readonly (readonly [string, string])[] = [
  'x-amz-acl',
  'x-amz-content-sha256',
  'x-amz-metadata-directive',
  'x-amz-server-side-encryption',
  'x-amz-server-side-encryption-aws-kms-key-id',
  'x-amz-storage-class',
  'x-amz-grant-read',
  'x-amz-grant-write',
  'x-amz-grant-read-acp',
  'x-amz-grant-write-acp',
  'x-amz-grant-full-control',
].map((h) => [h, `s3:${h}`] as const);

/** Object Lock headers → their condition keys. */
const LOCK_KEYS: readonly (readonly [string, string])[] = [
  ['x-amz-object-lock-mode', 's3:object-lock-mode'],
  ['x-amz-object-lock-retain-until-date', 's3:object-lock-retain-until-date'],
  ['x-amz-object-lock-legal-hold', 's3:object-lock-legal-hold'],
];

/** List operations whose query gives `s3:prefix`, `s3:delimiter` and `s3:max-keys`. */
const LIST_OPERATIONS = new Set(['ListObjects', 'ListObjectsV2', 'ListObjectVersions', 'ListMultipartUploads']);

/** `s3:authType` by how the request was authenticated (absent for anonymous requests). */
function authType(principal: Principal): string | undefined {
  switch (principal.authKind) {
    case 'header-v4':
    case 'header-v2':
      return 'REST-HEADER';
    case 'presigned-v4':
    case 'presigned-v2':
      return 'REST-QUERY-STRING';
    case 'post':
      return 'POST';
    default:
      return undefined;
  }
}

/** `s3:signatureversion`: `AWS4-HMAC-SHA256` for SigV4, `AWS` for SigV2 (POST forms: as the principal says). */
function signatureVersion(principal: Principal): string | undefined {
  if (principal.signatureVersion !== undefined) return principal.signatureVersion;
  if (principal.authKind === 'header-v4' || principal.authKind === 'presigned-v4') return 'AWS4-HMAC-SHA256';
  if (principal.authKind === 'header-v2' || principal.authKind === 'presigned-v2') return 'AWS';
  return undefined;
}

/** An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`, as Node reports IPv4 peers on dual-stack sockets) as plain IPv4. */
function sourceIp(addr: string | undefined): string | undefined {
  if (addr === undefined) return undefined;
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(addr);
  return m ? m[1] : addr;
}

/** `x-amz-tagging` (`k1=v1&k2=v2`, URL-encoded) → tags in order; `undefined` when it cannot be read. */
export function parseTaggingHeader(value: string): [string, string][] | undefined {
  try {
    return [...new URLSearchParams(value).entries()];
  } catch {
    return undefined;
  }
}

/** The condition keys of who sent the request and how (no request needed: also for `authorizeAction`). */
export function principalContext(principal: Principal, now: number): PolicyContext {
  const ctx: PolicyContext = {};
  const anonymous = principal.authKind === 'anonymous';
  ctx['aws:userid'] = anonymous ? 'anonymous' : (principal.accessKeyId ?? principal.name);
  ctx['aws:PrincipalType'] = anonymous ? 'Anonymous' : 'User';
  ctx['s3:authType'] = authType(principal);
  ctx['s3:signatureversion'] = signatureVersion(principal);
  if (principal.signedAt !== undefined) ctx['s3:signatureAge'] = String(Math.max(0, now - principal.signedAt));
  return ctx;
}

/**
 * The condition keys a request carries (AWS's S3 request context), except the object tags that
 * need the upstream (`s3:ExistingObjectTag/<k>`, added by the authorize stage when a policy uses
 * them). `aws:username` comes from the identity's name and `aws:CurrentTime`/`aws:EpochTime` from
 * the gateway's clock (both added by the policy engine).
 */
export function requestContext(parsed: ParsedRequest, principal: Principal, now: number): PolicyContext {
  const ctx = principalContext(principal, now);
  const h = parsed.headers;
  ctx['aws:SourceIp'] = sourceIp(parsed.remoteAddress);
  ctx['aws:SecureTransport'] = parsed.secure === true ? 'true' : 'false';
  ctx['aws:Referer'] = h['referer'];
  ctx['aws:UserAgent'] = h['user-agent'];
  // Only headers present become keys (an absent key and an undefined one mean the same).
  for (const [name, key] of HEADER_KEYS) {
    const v = h[name];
    if (v !== undefined) ctx[key] = v;
  }
  for (const [name, key] of LOCK_KEYS) {
    const v = h[name];
    if (v !== undefined) ctx[key] = v;
  }
  const copySource = h['x-amz-copy-source'];
  if (copySource !== undefined) {
    // AWS compares `bucket/key` (its examples: "amzn-s3-demo-bucket/public/*"), without a leading slash or version.
    try {
      const src = parseCopySource(copySource);
      ctx['s3:x-amz-copy-source'] = `${src.bucket}/${src.key}`;
    } catch {
      ctx['s3:x-amz-copy-source'] = copySource;
    }
  }
  const params = parsed.route.params;
  if (LIST_OPERATIONS.has(parsed.route.operation)) {
    // s3:max-keys: ListObjectsV2/ListObjects `max-keys`, ListMultipartUploads `max-uploads`.
    ctx['s3:prefix'] = params['prefix'];
    ctx['s3:delimiter'] = params['delimiter'];
    ctx['s3:max-keys'] = params['max-keys'] ?? params['max-uploads'];
  }
  ctx['s3:VersionId'] = params['versionId'];
  const tagging = h['x-amz-tagging'];
  if (tagging !== undefined) {
    const tags = parseTaggingHeader(tagging) ?? [];
    for (const [k, v] of tags) ctx[`s3:RequestObjectTag/${k}`] = v;
    ctx['s3:RequestObjectTagKeys'] = tags.map(([k]) => k);
  }
  return ctx;
}
