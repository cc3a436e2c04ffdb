import type { Policy } from '../policy/types.js';
import type { CorsRule } from '../pipeline/types.js';
import type { BucketConfig } from './documents.js';
import { withoutPublicStatements } from './public-policy.js';

/** The S3 API's configuration of the buckets a request names, loaded before it is authorized. */
export type LoadedBucketConfigs = ReadonlyMap<string, BucketConfig>;

/**
 * The bucket policies that decide a request on `bucket`: the config file's and the one set through
 * the S3 API, both applying as two bucket policies (an explicit Deny in either wins; an Allow from
 * either, or from the identity's policies, allows). With the bucket's `RestrictPublicBuckets`,
 * public statements (an Allow to `"*"` not limited by a fixed-value condition) are ignored for
 * requests from outside the account: anonymous ones.
 */
export function bucketPoliciesFor(filePolicy: Policy | undefined, api: BucketConfig | undefined, anonymous: boolean): Policy[] {
  const out: Policy[] = [];
  const restrict = anonymous && api?.publicAccessBlock?.RestrictPublicBuckets === true;
  for (const p of [filePolicy, api?.policy?.policy]) {
    if (p === undefined) continue;
    const kept = restrict ? withoutPublicStatements(p) : p;
    if (kept !== undefined) out.push(kept);
  }
  return out;
}

/** A bucket's CORS rules: the config file's first, then those set through the S3 API (the first match wins). */
export function corsRulesFor(fileRules: readonly CorsRule[] | undefined, api: BucketConfig | undefined): readonly CorsRule[] {
  const extra = api?.cors;
  if (extra === undefined || extra.length === 0) return fileRules ?? [];
  return fileRules === undefined || fileRules.length === 0 ? extra : [...fileRules, ...extra];
}
