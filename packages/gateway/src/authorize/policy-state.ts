import { hasAccounts } from '../accounts/account.js';
import { PolicyValidationError } from '../policy/errors.js';
import { parsePolicy } from '../policy/parse.js';
import type { Policy } from '../policy/types.js';
import type { AllowRule, Identity } from '../pipeline/types.js';

/** Where a compiled policy came from, for explain answers and logs. */
export type PolicySource = 'allow' | `policies[${number}]` | 'anonymous.allow' | 'bucket';

/** The policies that apply to one principal, with where each came from (same order). */
export interface PolicySet {
  readonly policies: readonly Policy[];
  readonly sources: readonly PolicySource[];
}

/**
 * The gateway's authorization configuration, compiled and validated as one value. A reload builds
 * a new one and swaps it in; requests in flight keep the one they started with.
 */
export interface PolicyState {
  readonly identities: ReadonlyMap<string, Identity>;
  /** Identity policies by access key id (the `allow` shorthand first, then `policies`). */
  readonly identityPolicies: ReadonlyMap<string, PolicySet>;
  /** Bucket policies by client bucket name. */
  readonly bucketPolicies: ReadonlyMap<string, Policy>;
  /** The anonymous allow-list shorthand as policies for unsigned requests. */
  readonly anonymousPolicies: PolicySet;
  /** Some identity names an account other than the default one: cross-account rules apply. */
  readonly accounts: boolean;
  /** The raw inputs, kept so a partial update can rebuild the rest. */
  readonly raw: { readonly identities: readonly Identity[]; readonly bucketPolicies: Readonly<Record<string, unknown>>; readonly anonymousAllow: readonly AllowRule[] | undefined };
}

const READ_ACTIONS = ['s3:Get*', 's3:List*'];

function bucketResources(bucket: string): string[] {
  return [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`];
}

/**
 * The identity policy equivalent to an `allow` shorthand (buckets × read/write):
 * - `read`: `Allow` `s3:Get*`, `s3:List*` on `arn:aws:s3:::<bucket>` and `arn:aws:s3:::<bucket>/*`;
 * - `write`: `Allow` with `NotAction` `s3:Get*`, `s3:List*` on the same resources (every other
 *   S3 action, and gateway actions such as `s3kit:CreateUploadTicket`);
 * - `readwrite`: `Allow` `*` on the same resources;
 * - bucket `*` becomes `arn:aws:s3:::*` / `arn:aws:s3:::*\/*` (every bucket);
 * - with `listAllMyBuckets` (identities, not anonymous): `Allow s3:ListAllMyBuckets` on `*`, so
 *   ListBuckets stays open to every identity that has the shorthand.
 */
export function allowToPolicyDocument(rules: readonly AllowRule[], listAllMyBuckets: boolean): { Version: '2012-10-17'; Statement: object[] } {
  const Statement: object[] = [];
  if (listAllMyBuckets) Statement.push({ Sid: 'ListAllMyBuckets', Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' });
  rules.forEach((rule, i) => {
    const Resource = bucketResources(rule.bucket);
    const Sid = `Allow${i}`;
    if (rule.access === 'read') Statement.push({ Sid, Effect: 'Allow', Action: READ_ACTIONS, Resource });
    else if (rule.access === 'write') Statement.push({ Sid, Effect: 'Allow', NotAction: READ_ACTIONS, Resource });
    else Statement.push({ Sid, Effect: 'Allow', Action: '*', Resource });
  });
  return { Version: '2012-10-17', Statement };
}

function shorthand(rules: readonly AllowRule[], listAllMyBuckets: boolean): Policy | undefined {
  const doc = allowToPolicyDocument(rules, listAllMyBuckets);
  if (doc.Statement.length === 0) return undefined;
  // Generated from validated rules: no size limit (the limit guards hand-written documents).
  return parsePolicy(doc, { kind: 'identity', maxBytes: Number.POSITIVE_INFINITY });
}

function checkRules(rules: readonly AllowRule[], where: string, problems: string[]): void {
  rules.forEach((r, i) => {
    if (typeof r.bucket !== 'string' || r.bucket === '' || /[*?$]/.test(r.bucket.replace(/^\*$/, ''))) problems.push(`${where}[${i}].bucket: must be a bucket name or "*"`);
    if (r.access !== 'read' && r.access !== 'write' && r.access !== 'readwrite') problems.push(`${where}[${i}].access: must be read, write or readwrite`);
  });
}

function collect(problems: string[], prefix: string, fn: () => Policy): Policy | undefined {
  try {
    return fn();
  } catch (err) {
    if (err instanceof PolicyValidationError) {
      for (const p of err.problems) problems.push(`${prefix}.${p}`);
      return undefined;
    }
    throw err;
  }
}

/**
 * Compiles and validates identities (their `allow` shorthand and `policies`), bucket policies and
 * the anonymous allow-list, all at once.
 * @throws PolicyValidationError listing every problem with its place, e.g.
 *   `identities[0].policies[1].Statement[2].Effect: must be "Allow" or "Deny"` or
 *   `bucketPolicies.photos.Statement[0].Resource: ...`.
 * @throws TypeError for a duplicate access key id.
 */
export function compilePolicyState(identities: readonly Identity[], bucketPolicies: Readonly<Record<string, unknown>>, anonymousAllow: readonly AllowRule[] | undefined): PolicyState {
  const problems: string[] = [];
  const ids = new Map<string, Identity>();
  const idPolicies = new Map<string, PolicySet>();
  identities.forEach((id, i) => {
    if (ids.has(id.accessKeyId)) throw new TypeError(`identities: duplicate accessKeyId ${id.accessKeyId}`);
    ids.set(id.accessKeyId, id);
    const policies: Policy[] = [];
    const sources: PolicySource[] = [];
    if (id.allow !== undefined) checkRules(id.allow, `identities[${i}].allow`, problems);
    // The shorthand applies when given, and to identities with neither (ListBuckets only, as before policies).
    if (id.allow !== undefined || id.policies === undefined) {
      const p = shorthand(id.allow ?? [], true);
      if (p !== undefined) {
        policies.push(p);
        sources.push('allow');
      }
    }
    (id.policies ?? []).forEach((doc, j) => {
      const p = collect(problems, `identities[${i}].policies[${j}]`, () => parsePolicy(doc, { kind: 'identity' }));
      if (p !== undefined) {
        policies.push(p);
        sources.push(`policies[${j}]`);
      }
    });
    idPolicies.set(id.accessKeyId, { policies, sources });
  });
  const buckets = new Map<string, Policy>();
  for (const [bucket, doc] of Object.entries(bucketPolicies)) {
    if (doc === undefined || doc === null) continue;
    const p = collect(problems, `bucketPolicies.${bucket}`, () => parsePolicy(doc, { kind: 'bucket', bucket }));
    if (p !== undefined) buckets.set(bucket, p);
  }
  let anonymous: PolicySet = { policies: [], sources: [] };
  if (anonymousAllow !== undefined) {
    checkRules(anonymousAllow, 'anonymous.allow', problems);
    const p = problems.length === 0 ? shorthand(anonymousAllow, false) : undefined;
    if (p !== undefined) anonymous = { policies: [p], sources: ['anonymous.allow'] };
  }
  if (problems.length > 0) throw new PolicyValidationError(problems);
  return {
    identities: ids,
    identityPolicies: idPolicies,
    bucketPolicies: buckets,
    anonymousPolicies: anonymous,
    accounts: hasAccounts(identities),
    raw: { identities, bucketPolicies, anonymousAllow },
  };
}

/** True when a policy has a condition on this key prefix (lowercase, e.g. `s3:existingobjecttag/`). */
export function mentionsKeyPrefix(policy: Policy, prefix: string): boolean {
  let cache = mentionCache.get(policy);
  if (cache === undefined) {
    cache = new Map();
    mentionCache.set(policy, cache);
  }
  let hit = cache.get(prefix);
  if (hit === undefined) {
    hit = policy.statements.some((st) => st.conditions.some((c) => c.key.toLowerCase().startsWith(prefix)));
    cache.set(prefix, hit);
  }
  return hit;
}

const mentionCache = new WeakMap<Policy, Map<string, boolean>>();

/**
 * True when evaluating one of these policies may read the request context: a statement has a
 * condition, or (version 2012-10-17) a resource pattern with a policy variable (`${...}`).
 */
export function readsContext(policies: readonly Policy[]): boolean {
  for (const policy of policies) {
    let reads = readsCache.get(policy);
    if (reads === undefined) {
      const vars = policy.version === '2012-10-17';
      reads = policy.statements.some((st) => st.conditions.length > 0 || (vars && [...(st.resource ?? []), ...(st.notResource ?? [])].some((r) => r.includes('${'))));
      readsCache.set(policy, reads);
    }
    if (reads) return true;
  }
  return false;
}

const readsCache = new WeakMap<Policy, boolean>();
