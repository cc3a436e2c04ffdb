import { isS3Error, s3Error } from '@s3kit/errors';
import { parseXml } from '@s3kit/xml-shapes';
import { OPERATIONS, parseCopySource, requiredActions, type ActionResource, type OperationName } from '@s3kit/xml-shapes/operations';
import { evaluate } from '../policy/evaluate.js';
import type { EvaluateInput, EvaluateResult, Policy, PolicyPrincipal, StatementRef } from '../policy/types.js';
import type { ConfigSnapshot } from '../config/snapshot.js';
import { readCapped } from '../pipeline/body.js';
import type { Upstream } from '../upstreams/upstream.js';
import { bucketPoliciesFor, type LoadedBucketConfigs } from '../bucket-config/effective.js';
import { mentionsKeyPrefix, readsContext, type PolicySet, type PolicyState } from './policy-state.js';
import { principalContext, requestContext, type PolicyContext } from './context.js';
import type { BodyKey, ParsedRequest, Principal } from '../pipeline/types.js';
import type { AclGrantRegistry } from '../acl-grants/cache.js';
import { aclAllows, type AclCheck } from '../acl-grants/decide.js';
import { DEFAULT_ACCOUNT, accountOf, canonicalIdOf } from '../accounts/account.js';

/**
 * What authorization reads of the request's configuration snapshot (`upstreams`: for
 * `s3:ExistingObjectTag/<k>`, read from the principal's upstream), and the S3 API's bucket
 * configuration of the buckets the request names (loaded before authorization).
 */
export type AuthorizeConfig = Pick<ConfigSnapshot, 'policies' | 'clock' | 'upstreams'> & {
  readonly bucketConfigs?: LoadedBucketConfigs | undefined;
  /** The upstreams' public ACL grants, consulted where the policies do not decide (absent: ACL grants are not evaluated). */
  readonly aclGrants?: AclGrantRegistry | undefined;
};

/** One permission to check: an IAM action on one resource ARN. */
export interface PermissionCheck {
  readonly action: string;
  /** `*`, `arn:aws:s3:::bucket` or `arn:aws:s3:::bucket/key`. */
  readonly resource: string;
  readonly kind: ActionResource;
  /** The bucket whose policy applies (absent for `*`). */
  readonly bucket?: string | undefined;
  /** The object, for object resources. */
  readonly key?: string | undefined;
  readonly versionId?: string | undefined;
  /** `eachKey` checks: the index of the key in the `keys` given to {@link requestChecks}. */
  readonly keyIndex?: number | undefined;
}

/** Operations that write a new object: the tags of an object already there are not their context. */
const NEW_OBJECT_OPERATIONS = new Set([
  'PutObject',
  'CopyObject',
  'CreateMultipartUpload',
  'UploadPart',
  'UploadPartCopy',
  'CompleteMultipartUpload',
  'AbortMultipartUpload',
  'ListParts',
  'PostObject',
]);

const EXISTING_TAG = 's3:existingobjecttag/';

/** Operations whose ACL headers (or form field) set the ACL of the object they create. */
const CREATES_OBJECT = new Set(['PutObject', 'CopyObject', 'CreateMultipartUpload', 'PostObject']);

export function bucketArn(bucket: string): string {
  return `arn:aws:s3:::${bucket}`;
}

export function objectArn(bucket: string, key: string): string {
  return `arn:aws:s3:::${bucket}/${key}`;
}

/**
 * The permissions a request needs, from its catalogue row (`requiredActions`): `service` → `*`,
 * `bucket` → `arn:aws:s3:::b`, `object` → `arn:aws:s3:::b/k`, `copySource` → the object named by
 * `x-amz-copy-source` (CopyObject, UploadPartCopy read it), `eachKey` → one check per key of
 * `keys` (DeleteObjects: the keys of the body; a key with a VersionId needs the versioned action).
 */
export function requestChecks(
  operation: string,
  bucket: string | undefined,
  key: string | undefined,
  headers: Readonly<Record<string, string>>,
  versionId: string | undefined,
  keys?: readonly BodyKey[],
): PermissionCheck[] {
  const op = OPERATIONS[operation as OperationName];
  if (op === undefined) throw s3Error('AccessDenied', undefined, { details: { reason: `unknown operation ${operation}` } });
  const copySourceHeader = headers['x-amz-copy-source'];
  const copySource = copySourceHeader === undefined ? undefined : parseCopySource(copySourceHeader);
  const required = requiredActions(op, { versionId, copySourceVersionId: copySource?.versionId, hasHeader: (h) => headers[h] !== undefined });
  const out: PermissionCheck[] = [];
  for (const r of required) {
    switch (r.resource) {
      case 'service':
        out.push({ action: r.action, resource: '*', kind: 'service' });
        break;
      case 'bucket':
        if (bucket !== undefined) out.push({ action: r.action, resource: bucketArn(bucket), kind: 'bucket', bucket });
        break;
      case 'object':
        if (bucket !== undefined && key !== undefined) out.push({ action: r.action, resource: objectArn(bucket, key), kind: 'object', bucket, key, versionId });
        break;
      case 'copySource':
        if (copySource !== undefined) {
          out.push({ action: r.action, resource: objectArn(copySource.bucket, copySource.key), kind: 'copySource', bucket: copySource.bucket, key: copySource.key, versionId: copySource.versionId });
        }
        break;
      case 'eachKey': {
        if (bucket === undefined) break;
        const spec = op.actions.find((a) => a.action === r.action && a.resource === 'eachKey');
        (keys ?? (key === undefined ? [] : [{ key }])).forEach((k, keyIndex) => {
          const action = k.versionId !== undefined && spec?.versioned !== undefined ? spec.versioned : r.action;
          out.push({ action, resource: objectArn(bucket, k.key), kind: 'eachKey', bucket, key: k.key, versionId: k.versionId, keyIndex });
        });
        break;
      }
    }
  }
  return out;
}

/** The policies that apply to a principal (its identity policies, or the anonymous ones). */
export function policiesOf(state: PolicyState, principal: Principal): PolicySet {
  if (principal.authKind === 'anonymous' || principal.accessKeyId === undefined) return state.anonymousPolicies;
  return state.identityPolicies.get(principal.accessKeyId) ?? { policies: [], sources: [] };
}

/**
 * The principal as policies see it. Its account is named only when the gateway has accounts (an
 * identity names one): without, account principals match as before accounts existed.
 */
export function policyPrincipal(principal: Principal, accounts = false): PolicyPrincipal {
  if (principal.authKind === 'anonymous') return { anonymous: true };
  const account = accountOf(principal.identity);
  return { anonymous: false, accessKeyId: principal.accessKeyId, username: principal.name, account: accounts ? account : undefined, canonicalId: canonicalIdOf(account) };
}

/**
 * Is this check on a bucket of another account than the principal's (AWS cross-account access)?
 * The owner is the bucket's ownership record (absent: the default account). Anonymous requests
 * have no account (public access is decided as before); CreateBucket names a bucket nobody owns yet.
 */
export function isCrossAccount(principal: Principal, bucket: string | undefined, operation: string | undefined, api: LoadedBucketConfigs | undefined): boolean {
  if (principal.authKind === 'anonymous' || bucket === undefined || operation === 'CreateBucket') return false;
  return (api?.get(bucket)?.owner ?? DEFAULT_ACCOUNT) !== accountOf(principal.identity);
}

const NO_CONTEXT: PolicyContext = Object.freeze({});

/**
 * The evaluate input for one check. `context` may be a function: it is called only when a policy
 * consulted reads the context (a condition, or a policy variable), so most requests never build it.
 */
export function evaluateInput(
  state: PolicyState,
  principal: Principal,
  check: Pick<PermissionCheck, 'action' | 'resource' | 'bucket'>,
  context: PolicyContext | (() => PolicyContext),
  now: number,
  api?: LoadedBucketConfigs,
  operation?: string,
): EvaluateInput {
  const set = policiesOf(state, principal);
  const anonymous = principal.authKind === 'anonymous';
  const bucketPolicies = check.bucket === undefined ? undefined : bucketPoliciesFor(state.bucketPolicies.get(check.bucket), api?.get(check.bucket), anonymous);
  const ctx = typeof context !== 'function' ? context : readsContext(set.policies) || (bucketPolicies !== undefined && readsContext(bucketPolicies)) ? context() : NO_CONTEXT;
  return {
    identityPolicies: anonymous ? undefined : set.policies,
    anonymousPolicies: anonymous ? set.policies : undefined,
    bucketPolicies,
    request: { principal: policyPrincipal(principal, state.accounts), action: check.action, resource: check.resource, context: ctx },
    crossAccount: isCrossAccount(principal, check.bucket, operation, api),
    now: new Date(now),
  };
}

/** `identity policy "policies[1]" statement 2 (Sid "X")` / `bucket policy of photos statement 0`. */
export function describeStatement(state: PolicyState, principal: Principal, ref: StatementRef, bucket: string | undefined): string {
  const where =
    ref.policy === 'bucket'
      ? `bucket policy${ref.policyIndex > 0 ? ` ${ref.policyIndex}` : ''} of ${bucket ?? '?'}`
      : `identity policy ${policiesOf(state, principal).sources[ref.policyIndex] ?? ref.policyIndex}`;
  return `${where} statement ${ref.index}${ref.sid ? ` (Sid "${ref.sid}")` : ''}`;
}

function denied(state: PolicyState, principal: Principal, check: PermissionCheck, result: EvaluateResult): Error {
  // The message stays S3's generic one; the reason and deciding statement are for logs only
  // (lower-case detail names are never written into the XML answer).
  const details: Record<string, string> = {
    reason: `${principal.name} may not ${check.action} on ${check.resource} (${result.decision})`,
  };
  if (result.statement !== undefined) details['statement'] = describeStatement(state, principal, result.statement, check.bucket);
  return s3Error('AccessDenied', undefined, { details });
}

/** True when a policy consulted for this principal and bucket has a condition on a key with this (lowercase) prefix. */
export function policiesMention(state: PolicyState, principal: Principal, bucket: string | undefined, prefix: string, api?: LoadedBucketConfigs): boolean {
  const consulted: (Policy | undefined)[] = [
    ...policiesOf(state, principal).policies,
    bucket === undefined ? undefined : state.bucketPolicies.get(bucket),
    bucket === undefined ? undefined : api?.get(bucket)?.policy?.policy,
  ];
  return consulted.some((p) => p !== undefined && mentionsKeyPrefix(p, prefix));
}

function needsExistingTags(state: PolicyState, principal: Principal, check: PermissionCheck, api: LoadedBucketConfigs | undefined): boolean {
  return policiesMention(state, principal, check.bucket, EXISTING_TAG, api);
}

/** `s3:RequestObjectTag/<k>` and `s3:RequestObjectTagKeys` of a PutObjectTagging body (a `<Tagging>` document). */
export function requestTagContext(tagging: Uint8Array): PolicyContext {
  const doc = parseXml('Tagging', tagging);
  const ctx: PolicyContext = {};
  const keys: string[] = [];
  for (const t of doc.TagSet ?? []) {
    ctx[`s3:RequestObjectTag/${t.Key}`] = t.Value;
    keys.push(t.Key);
  }
  ctx['s3:RequestObjectTagKeys'] = keys;
  return ctx;
}

/** An object's `<Tagging>` (at most 10 tags) is small; anything bigger is not one. */
const MAX_TAGGING_BYTES = 1024 * 1024;

/**
 * `s3:ExistingObjectTag/<k>` for an object: its tags read from the upstream (GetObjectTagging).
 * An object that does not exist has no tags (the keys are absent).
 */
export async function existingTagContext(upstream: Upstream, bucket: string, key: string, versionId: string | undefined): Promise<PolicyContext> {
  let res;
  try {
    res = await upstream.handle({ method: 'GET', operation: 'GetObjectTagging', bucket, key, query: { tagging: '', ...(versionId === undefined ? {} : { versionId }) }, headers: {} });
  } catch (err) {
    if (isS3Error(err) && err.status === 404) return {};
    throw err;
  }
  const tagging = parseXml('Tagging', await readCapped(res.body, MAX_TAGGING_BYTES, () => s3Error('InternalError', undefined, { details: { reason: 'upstream Tagging document too large' } })));
  const ctx: PolicyContext = {};
  for (const t of tagging.TagSet ?? []) ctx[`s3:ExistingObjectTag/${t.Key}`] = t.Value;
  return ctx;
}

/** Decides one check at a time for one request: its context built once, object tags read once per object. */
function checker(parsed: ParsedRequest, principal: Principal, config: AuthorizeConfig, extraContext: PolicyContext | undefined): (check: PermissionCheck) => EvaluateResult | Promise<EvaluateResult> {
  const { route } = parsed;
  const now = config.clock();
  // Built on first use: policies without conditions or variables never read it.
  let base: PolicyContext | undefined;
  const baseContext = (): PolicyContext => (base ??= extraContext === undefined ? requestContext(parsed, principal, now) : { ...requestContext(parsed, principal, now), ...extraContext });
  const tags = new Map<string, Promise<PolicyContext>>();
  const decide = (check: PermissionCheck, context: PolicyContext | (() => PolicyContext)): EvaluateResult | Promise<EvaluateResult> => {
    const result = evaluate(evaluateInput(config.policies, principal, check, context, now, config.bucketConfigs, route.operation));
    // Cross-account: an ACL grant stands in for the bucket policy only, never for the caller's identity policy.
    return result.decision === 'implicit-deny' && result.missing !== 'identity' ? withAclGrants(result, { ...check, createsObject: CREATES_OBJECT.has(route.operation) }, principal, config) : result;
  };
  // Synchronous unless the upstream must be asked (object tags, ACL grants): no promise per check.
  return (check) => {
    const objectChecked = (check.kind === 'object' && !NEW_OBJECT_OPERATIONS.has(route.operation)) || check.kind === 'copySource' || (check.kind === 'eachKey' && route.operation === 'DeleteObjects');
    const upstream = config.upstreams[principal.upstream];
    if (!objectChecked || check.bucket === undefined || check.key === undefined || upstream === undefined || !needsExistingTags(config.policies, principal, check, config.bucketConfigs)) {
      return decide(check, baseContext);
    }
    const id = `${check.bucket}\n${check.key}\n${check.versionId ?? ''}`;
    let p = tags.get(id);
    if (p === undefined) {
      p = existingTagContext(upstream, check.bucket, check.key, check.versionId);
      tags.set(id, p);
    }
    return p.then((existing) => decide(check, { ...baseContext(), ...existing }));
  };
}

const ACL_GRANT: EvaluateResult = { decision: 'allow' };

/** An implicit deny of the policies, turned into an allow by a public ACL grant (AWS: an Allow from a policy OR an ACL). */
async function withAclGrants(result: EvaluateResult, check: PermissionCheck & AclCheck, principal: Principal, config: AuthorizeConfig): Promise<EvaluateResult> {
  const cache = config.aclGrants?.cacheOf(principal.upstream);
  if (cache === undefined || check.bucket === undefined) return result;
  // Grants to an account stand in for the owner's bucket policy: for another account's caller only.
  const accountId = result.missing === 'resource' ? canonicalIdOf(accountOf(principal.identity)) : undefined;
  return (await aclAllows(check, principal, cache, config.bucketConfigs?.get(check.bucket), accountId)) ? ACL_GRANT : result;
}

function checksOf(parsed: ParsedRequest, keys: readonly BodyKey[] | undefined): PermissionCheck[] {
  const { route } = parsed;
  const checks = requestChecks(route.operation, route.bucket, route.key, parsed.headers, route.params['versionId'], keys);
  if (checks.length === 0 && OPERATIONS[route.operation as OperationName]?.actions.length !== 0) {
    // A catalogue row whose resources the request lacks (e.g. DeleteObjects without keys): nothing to allow.
    throw s3Error('AccessDenied', undefined, { details: { reason: `${route.operation}: no resource to authorize` } });
  }
  return checks;
}

/**
 * Stage 3: authorizes every permission the request needs with the policy engine (identity
 * policies, which include the `allow` shorthand, and the bucket policy of each resource's bucket)
 * and the upstream's public ACL grants: an explicit Deny wins, then an Allow from any of them,
 * else implicit deny.
 * @param keys For DeleteObjects: the keys of the (already read) request body; every one must be allowed.
 * @param extraContext Condition keys read from the body (PutObjectTagging's request tags).
 * @throws S3Error AccessDenied (403) naming nothing of the policy (logs get `details.reason`/`statement`).
 */
export async function authorize(parsed: ParsedRequest, principal: Principal, config: AuthorizeConfig, keys?: readonly BodyKey[], extraContext?: PolicyContext): Promise<void> {
  const decide = checker(parsed, principal, config, extraContext);
  for (const check of checksOf(parsed, keys)) {
    const decided = decide(check);
    const result = decided instanceof Promise ? await decided : decided;
    if (result.decision !== 'allow') throw denied(config.policies, principal, check, result);
  }
}

/**
 * Stage 3 for a request that names its keys in the body (DeleteObjects), decided per key as AWS
 * does: a key is denied when any permission it needs is (`s3:DeleteObject`, or
 * `s3:DeleteObjectVersion` with a VersionId; `s3:BypassGovernanceRetention` with that header).
 * @returns the indexes (into `keys`) of the denied keys, ascending.
 * @throws S3Error AccessDenied (403) when a permission of the request itself (not of a key) is denied.
 */
export async function authorizeEachKey(parsed: ParsedRequest, principal: Principal, config: AuthorizeConfig, keys: readonly BodyKey[]): Promise<number[]> {
  const decide = checker(parsed, principal, config, undefined);
  const deniedKeys = new Set<number>();
  for (const check of checksOf(parsed, keys)) {
    if (check.keyIndex !== undefined && deniedKeys.has(check.keyIndex)) continue;
    const decided = decide(check);
    const result = decided instanceof Promise ? await decided : decided;
    if (result.decision === 'allow') continue;
    if (check.keyIndex === undefined) throw denied(config.policies, principal, check, result);
    deniedKeys.add(check.keyIndex);
  }
  return [...deniedKeys].sort((a, b) => a - b);
}

/**
 * Authorizes one action that is not a request of the catalogue (e.g. `s3kit:CreateUploadTicket`) on
 * a resource ARN, with the principal's context keys plus `context`.
 * @throws S3Error AccessDenied (403).
 */
export function authorizeAction(
  principal: Principal,
  action: string,
  resource: string,
  context: PolicyContext | undefined,
  config: Pick<AuthorizeConfig, 'policies' | 'clock' | 'bucketConfigs'>,
): void {
  const now = config.clock();
  const bucket = /^arn:aws:s3:::([^/]+)/.exec(resource)?.[1];
  const check: PermissionCheck = { action, resource, kind: resource === '*' ? 'service' : resource.includes('/') ? 'object' : 'bucket', bucket };
  const result = evaluate(evaluateInput(config.policies, principal, check, { ...principalContext(principal, now), ...context }, now, config.bucketConfigs));
  if (result.decision !== 'allow') throw denied(config.policies, principal, check, result);
}
