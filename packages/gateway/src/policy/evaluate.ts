import { evaluateClause } from './conditions.js';
import { wildcardMatch, type ContextLookup } from './pattern.js';
import type { ConditionClause, EvaluateInput, EvaluateResult, Policy, PolicyPrincipal, PolicyRequest, PrincipalSpec, Statement, StatementRef } from './types.js';

/** Why a statement did not apply, or `'applies'`. */
type StatementOutcome = { readonly kind: 'applies' } | { readonly kind: 'principal' | 'action' | 'resource' } | { readonly kind: 'condition'; readonly clause: ConditionClause };

/**
 * The lookup form of a condition key. Key names are case-insensitive (`S3:Prefix` is `s3:prefix`),
 * but the part after the first `/` is a tag key (`s3:ExistingObjectTag/<key>`,
 * `s3:RequestObjectTag/<key>`, `aws:RequestTag/<key>`), and tag keys are case-sensitive in AWS:
 * `s3:ExistingObjectTag/Project` and `s3:existingobjecttag/project` differ.
 */
export function normalizeContextKey(key: string): string {
  const slash = key.indexOf('/');
  return slash < 0 ? key.toLowerCase() : `${key.slice(0, slash).toLowerCase()}${key.slice(slash)}`;
}

/**
 * Builds the context lookup (key names case-insensitive, tag keys after `/` case-sensitive). Defaults, each overridden by the caller's context:
 * `aws:username` (the principal's username; authenticated requests only), `aws:CurrentTime`
 * (ISO 8601) and `aws:EpochTime` (seconds) from `now`.
 */
export function contextLookup(request: PolicyRequest, now: Date = new Date()): ContextLookup {
  // Built on first use: statements without conditions or policy variables never look anything up.
  let map: Map<string, readonly string[]> | undefined;
  const build = (): Map<string, readonly string[]> => {
    const m = new Map<string, readonly string[]>();
    const { principal } = request;
    m.set('aws:currenttime', [now.toISOString()]);
    m.set('aws:epochtime', [String(Math.floor(now.getTime() / 1000))]);
    if (!principal.anonymous && principal.username !== undefined) m.set('aws:username', [principal.username]);
    const context = request.context ?? {};
    for (const k in context) {
      const v = context[k];
      if (v === undefined) continue;
      m.set(normalizeContextKey(k), typeof v === 'string' ? [v] : v);
    }
    return m;
  };
  return (key) => (map ??= build()).get(normalizeContextKey(key));
}

const USER_ARN = /^arn:aws:iam::([^:]*):user\/(?:.*\/)?([^/]+)$/;
const ROOT_ARN = /^arn:aws:iam::([^:]*):root$/;
const CANONICAL_ID = /^[0-9a-f]{64}$/;

/** True when a `Principal` entry names the whole (single) account: `arn:aws:iam::<acct>:root` or a bare 12-digit id. */
export function isAccountPrincipal(entry: string): boolean {
  return ROOT_ARN.test(entry) || /^\d{12}$/.test(entry) || CANONICAL_ID.test(entry);
}

/** Does an account entry (root ARN, bare 12-digit id, canonical id) name the principal's account? */
function namesAccountOf(entry: string, principal: PolicyPrincipal): boolean {
  if (CANONICAL_ID.test(entry)) return principal.canonicalId !== undefined && entry === principal.canonicalId;
  if (principal.account === undefined) return true; // the default account: any account entry, as before accounts
  return (ROOT_ARN.exec(entry)?.[1] ?? entry) === principal.account;
}

/**
 * How a gateway identity matches a `Principal`/`NotPrincipal` entry: `"*"` matches everyone, including
 * anonymous requests. Otherwise (authenticated only) an entry matches when it equals the access key id,
 * or when it is `arn:aws:iam::<account>:user/<path/>username` with the principal's username (and,
 * for an identity of a named account, that account; any account for the default one).
 *
 * An entry naming a whole account (`arn:aws:iam::<account>:root`, a bare 12-digit account id, or
 * an account's canonical id from a `CanonicalUser` principal) follows AWS: in an `Allow` it only
 * delegates to the account, whose identity policies must then grant the request, so it matches
 * nobody of the bucket owner's own account (`effect: 'Allow'`, the default), and matches an
 * identity of that account when the request is cross-account (`crossAccount`: the identity
 * policy is required too); in a `Deny` (and in `NotPrincipal`) it covers every authenticated
 * identity of the account (`effect: 'Deny'`; for the default account any account entry).
 */
export function principalMatches(spec: PrincipalSpec, principal: PolicyPrincipal, effect: 'Allow' | 'Deny' = 'Allow', crossAccount = false): boolean {
  if (spec === '*') return true;
  if (principal.anonymous) return false;
  return spec.some((entry) => {
    if (principal.accessKeyId !== undefined && entry === principal.accessKeyId) return true;
    const user = USER_ARN.exec(entry);
    if (user) return principal.username !== undefined && user[2] === principal.username && (principal.account === undefined || user[1] === principal.account);
    if (!isAccountPrincipal(entry)) return false;
    return (effect === 'Deny' || crossAccount) && namesAccountOf(entry, principal);
  });
}

function actionMatches(patterns: readonly string[], action: string, lookup: ContextLookup): boolean {
  return patterns.some((p) => wildcardMatch(p, action, lookup, { variables: false, ignoreCase: true }));
}

function resourceMatches(patterns: readonly string[], resource: string, lookup: ContextLookup, vars: boolean): boolean {
  return patterns.some((p) => p === '*' || wildcardMatch(p, resource, lookup, { variables: vars }));
}

function statementOutcome(policy: Policy, st: Statement, request: PolicyRequest, lookup: ContextLookup, crossAccount: boolean): StatementOutcome {
  const vars = policy.version === '2012-10-17';
  if (policy.kind === 'bucket') {
    if (st.principal !== undefined && !principalMatches(st.principal, request.principal, st.effect, crossAccount)) return { kind: 'principal' };
    // NotPrincipal is Deny-only: an account entry in it exempts every identity of the account.
    if (st.notPrincipal !== undefined && principalMatches(st.notPrincipal, request.principal, 'Deny')) return { kind: 'principal' };
  }
  if (st.action !== undefined && !actionMatches(st.action, request.action, lookup)) return { kind: 'action' };
  if (st.notAction !== undefined && actionMatches(st.notAction, request.action, lookup)) return { kind: 'action' };
  if (st.resource !== undefined && !resourceMatches(st.resource, request.resource, lookup, vars)) return { kind: 'resource' };
  if (st.notResource !== undefined && resourceMatches(st.notResource, request.resource, lookup, vars)) {
    return { kind: 'resource' };
  }
  for (const clause of st.conditions) {
    if (!evaluateClause(clause, lookup, vars)) return { kind: 'condition', clause };
  }
  return { kind: 'applies' };
}

export interface StatementTrace extends StatementRef {
  readonly effect: 'Allow' | 'Deny';
  /** `'applies'`, or the first element that did not match. */
  readonly outcome: 'applies' | 'principal' | 'action' | 'resource' | 'condition';
  /** For `outcome: 'condition'`: the failing clause, e.g. `IpAddress aws:SourceIp`. */
  readonly condition?: string;
}

export interface ExplainResult extends EvaluateResult {
  /** One sentence saying why, e.g. `explicit Deny by bucket policy statement 1 (Sid "DenyHttp")`. */
  readonly reason: string;
  /** Every statement considered, in order (identity policies first, then the bucket policy). */
  readonly trace: readonly StatementTrace[];
}

function traceAll(input: EvaluateInput): StatementTrace[] {
  const lookup = contextLookup(input.request, input.now);
  const out: StatementTrace[] = [];
  const visit = (policy: Policy, kind: 'identity' | 'bucket', policyIndex: number): void => {
    policy.statements.forEach((st, index) => {
      const o = statementOutcome(policy, st, input.request, lookup, input.crossAccount === true);
      const base = { policy: kind, policyIndex, index, sid: st.sid, effect: st.effect, outcome: o.kind };
      out.push(o.kind === 'condition' ? { ...base, condition: `${o.clause.operator} ${o.clause.key}` } : base);
    });
  };
  // Anonymous requests have no identity, so identity policies never apply to them; a gateway's
  // policies for unsigned requests (its anonymous allow-list) come as `anonymousPolicies`.
  if (!input.request.principal.anonymous) (input.identityPolicies ?? []).forEach((p, i) => void visit(p, 'identity', i));
  else (input.anonymousPolicies ?? []).forEach((p, i) => void visit(p, 'identity', i));
  const bucketPolicies = input.bucketPolicies ?? (input.bucketPolicy ? [input.bucketPolicy] : []);
  bucketPolicies.forEach((p, i) => void visit(p, 'bucket', i));
  return out;
}

function ref(t: StatementTrace): StatementRef {
  return { policy: t.policy, policyIndex: t.policyIndex, index: t.index, sid: t.sid };
}

function decide(trace: readonly StatementTrace[], crossAccount: boolean): EvaluateResult {
  const deny = trace.find((t) => t.outcome === 'applies' && t.effect === 'Deny');
  if (deny) return { decision: 'deny', statement: ref(deny) };
  const allows = trace.filter((t) => t.outcome === 'applies' && t.effect === 'Allow');
  if (crossAccount) {
    // Another account's bucket: the caller's identity policy AND the owner's bucket policy must allow.
    const identity = allows.find((t) => t.policy === 'identity');
    if (identity === undefined) return { decision: 'implicit-deny', missing: 'identity' };
    const bucket = allows.find((t) => t.policy === 'bucket');
    return bucket === undefined ? { decision: 'implicit-deny', missing: 'resource' } : { decision: 'allow', statement: ref(bucket) };
  }
  const allow = allows[0];
  if (allow) return { decision: 'allow', statement: ref(allow) };
  return { decision: 'implicit-deny' };
}

/**
 * Decides a request as AWS does: an explicit Deny in any identity policy or the bucket policy wins;
 * otherwise an Allow from an identity policy OR the bucket policy allows (`crossAccount`: an
 * identity policy AND the bucket policy); otherwise implicit deny
 * (answer `AccessDenied`, 403). Identity policies are those of the authenticated access key and are
 * ignored for anonymous requests. The deciding statement is the first applicable one (identity policies
 * in order, then the bucket policy).
 */
export function evaluate(input: EvaluateInput): EvaluateResult {
  // decide(traceAll(input)) without building the trace (this runs for every request): the first
  // applicable Deny decides at once; else the first applicable Allow of each kind.
  const { request } = input;
  const crossAccount = input.crossAccount === true;
  const lookup = contextLookup(request, input.now);
  let allow: StatementRef | undefined;
  let identityAllow: StatementRef | undefined;
  let bucketAllow: StatementRef | undefined;
  const scan = (policies: readonly Policy[], kind: 'identity' | 'bucket'): StatementRef | undefined => {
    for (let policyIndex = 0; policyIndex < policies.length; policyIndex++) {
      const policy = policies[policyIndex]!;
      for (let index = 0; index < policy.statements.length; index++) {
        const st = policy.statements[index]!;
        if (statementOutcome(policy, st, request, lookup, crossAccount).kind !== 'applies') continue;
        const found: StatementRef = { policy: kind, policyIndex, index, sid: st.sid };
        if (st.effect === 'Deny') return found;
        allow ??= found;
        if (kind === 'identity') identityAllow ??= found;
        else bucketAllow ??= found;
      }
    }
    return undefined;
  };
  const deny =
    scan((request.principal.anonymous ? input.anonymousPolicies : input.identityPolicies) ?? [], 'identity') ??
    scan(input.bucketPolicies ?? (input.bucketPolicy ? [input.bucketPolicy] : []), 'bucket');
  if (deny !== undefined) return { decision: 'deny', statement: deny };
  if (crossAccount) {
    // Another account's bucket: the caller's identity policy AND the owner's bucket policy must allow.
    if (identityAllow === undefined) return { decision: 'implicit-deny', missing: 'identity' };
    return bucketAllow === undefined ? { decision: 'implicit-deny', missing: 'resource' } : { decision: 'allow', statement: bucketAllow };
  }
  return allow === undefined ? { decision: 'implicit-deny' } : { decision: 'allow', statement: allow };
}

function describe(t: StatementRef): string {
  const where = t.policy === 'identity' ? `identity policy ${t.policyIndex}` : t.policyIndex === 0 ? 'bucket policy' : `bucket policy ${t.policyIndex}`;
  return `${where} statement ${t.index}${t.sid ? ` (Sid "${t.sid}")` : ''}`;
}

/** `evaluate` plus a human-readable reason and the per-statement trace. */
export function explain(input: EvaluateInput): ExplainResult {
  const trace = traceAll(input);
  const result = decide(trace, input.crossAccount === true);
  const { action, resource } = input.request;
  let reason: string;
  if (result.decision === 'deny' && result.statement) {
    reason = `explicit Deny by ${describe(result.statement)} for ${action} on ${resource}`;
  } else if (result.decision === 'allow' && result.statement) {
    reason = `allowed by ${describe(result.statement)} for ${action} on ${resource}; no Deny applies`;
  } else {
    const nearMisses = trace.filter((t) => t.effect === 'Allow' && t.outcome === 'condition');
    reason =
      `implicit deny: no statement allows ${action} on ${resource}` + (nearMisses.length > 0 ? `; conditions not met: ${nearMisses.map((t) => `${describe(t)} ${t.condition ?? ''}`).join(', ')}` : '');
  }
  return { ...result, reason, trace };
}
