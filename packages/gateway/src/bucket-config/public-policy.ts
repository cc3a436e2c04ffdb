import { parseCidr } from '../policy/cidr.js';
import type { ConditionClause, Policy, Statement } from '../policy/types.js';

/**
 * Condition keys that, compared with fixed values, keep an `Allow` to everyone from being public
 * (AWS's definition of a public bucket policy: "PublicAccessBlockConfiguration", "The meaning of
 * public"). `aws:SourceIp` counts only for ranges no broader than /8 (IPv4) or /32 (IPv6).
 */
const RESTRICTING_KEYS = new Set([
  'aws:sourceip',
  'aws:sourcearn',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:sourceowner',
  'aws:sourceaccount',
  'aws:principalaccount',
  'aws:principalorgid',
  'aws:principalarn',
  'aws:userid',
  's3:x-amz-server-side-encryption-aws-kms-key-id',
]);

/** Operators that compare with fixed values (no pattern, no negation, no `IfExists` escape). */
const FIXED_OPERATORS = new Set(['StringEquals', 'StringEqualsIgnoreCase', 'ArnEquals', 'ArnLike', 'IpAddress']);

function fixedValue(v: string): boolean {
  return !v.includes('*') && !v.includes('?') && !v.includes('${');
}

function narrowCidr(v: string): boolean {
  const c = parseCidr(v);
  if (c === undefined) return false;
  return c.prefix >= (c.bytes.length === 4 ? 8 : 32);
}

/** True when the clause limits who can use the statement to a fixed set (per AWS's definition). */
function restricts(c: ConditionClause): boolean {
  const key = c.key.toLowerCase();
  if (!RESTRICTING_KEYS.has(key) || c.ifExists || c.qualifier === 'ForAllValues' || !FIXED_OPERATORS.has(c.base)) return false;
  if (key === 'aws:sourceip') return c.base === 'IpAddress' && c.values.every(narrowCidr);
  if (c.base === 'IpAddress') return false;
  // aws:userid of a role session ("AROLEID:*") names anyone who can assume the role.
  if (key === 'aws:userid') return c.values.every((v) => fixedValue(v) && !v.endsWith(':*'));
  return c.values.every(fixedValue);
}

/** An `Allow` to everyone (`Principal: "*"` or `{"AWS": "*"}`) that no condition limits to fixed values. */
export function isPublicStatement(st: Statement): boolean {
  if (st.effect !== 'Allow' || st.principal !== '*') return false;
  return !st.conditions.some(restricts);
}

/** A bucket policy is public when any of its statements is (AWS: `GetBucketPolicyStatus` `IsPublic`). */
export function isPublicPolicy(policy: Policy): boolean {
  return policy.statements.some(isPublicStatement);
}

const restrictedCache = new WeakMap<Policy, Policy | undefined>();

/**
 * `RestrictPublicBuckets` for a principal from outside the account (anonymous requests): the
 * policy without its public statements, or `undefined` when none is left.
 */
export function withoutPublicStatements(policy: Policy): Policy | undefined {
  if (restrictedCache.has(policy)) return restrictedCache.get(policy);
  const statements = policy.statements.filter((s) => !isPublicStatement(s));
  const out = statements.length === policy.statements.length ? policy : statements.length === 0 ? undefined : { ...policy, statements };
  restrictedCache.set(policy, out);
  return out;
}
