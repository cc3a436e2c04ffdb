import { evaluateClause } from './conditions.js';
import { wildcardMatch, type ContextLookup } from './pattern.js';
import type {
  ConditionClause,
  EvaluateInput,
  EvaluateResult,
  Policy,
  PolicyPrincipal,
  PolicyRequest,
  PrincipalSpec,
  Statement,
  StatementRef,
} from './types.js';

/** Why a statement did not apply, or `'applies'`. */
type StatementOutcome =
  | { readonly kind: 'applies' }
  | { readonly kind: 'principal' | 'action' | 'resource' }
  | { readonly kind: 'condition'; readonly clause: ConditionClause };

/**
 * Builds the case-insensitive context lookup. Defaults, each overridden by the caller's context:
 * `aws:username` (the principal's username; authenticated requests only), `aws:CurrentTime`
 * (ISO 8601) and `aws:EpochTime` (seconds) from `now`.
 */
export function contextLookup(request: PolicyRequest, now: Date = new Date()): ContextLookup {
  const map = new Map<string, readonly string[]>();
  const { principal } = request;
  map.set('aws:currenttime', [now.toISOString()]);
  map.set('aws:epochtime', [String(Math.floor(now.getTime() / 1000))]);
  if (!principal.anonymous && principal.username !== undefined) map.set('aws:username', [principal.username]);
  for (const [k, v] of Object.entries(request.context ?? {})) {
    if (v === undefined) continue;
    map.set(k.toLowerCase(), typeof v === 'string' ? [v] : v);
  }
  return (key) => map.get(key.toLowerCase());
}

const USER_ARN = /^arn:aws:iam::[^:]*:user\/(?:.*\/)?([^/]+)$/;
const ROOT_ARN = /^arn:aws:iam::[^:]*:root$/;

/**
 * How a gateway identity matches a `Principal`/`NotPrincipal` entry: `"*"` matches everyone, including
 * anonymous requests. Otherwise (authenticated only) an entry matches when it equals the access key id,
 * when it is `arn:aws:iam::<any account>:user/<path/>username` with the principal's username, or when it
 * names the whole (single) account: `arn:aws:iam::<account>:root` or a bare 12-digit account id.
 */
export function principalMatches(spec: PrincipalSpec, principal: PolicyPrincipal): boolean {
  if (spec === '*') return true;
  if (principal.anonymous) return false;
  return spec.some((entry) => {
    if (principal.accessKeyId !== undefined && entry === principal.accessKeyId) return true;
    const user = USER_ARN.exec(entry);
    if (user) return principal.username !== undefined && user[1] === principal.username;
    return ROOT_ARN.test(entry) || /^\d{12}$/.test(entry);
  });
}

function actionMatches(patterns: readonly string[], action: string, lookup: ContextLookup): boolean {
  return patterns.some((p) => wildcardMatch(p, action, lookup, { variables: false, ignoreCase: true }));
}

function resourceMatches(patterns: readonly string[], resource: string, lookup: ContextLookup, vars: boolean): boolean {
  return patterns.some((p) => p === '*' || wildcardMatch(p, resource, lookup, { variables: vars }));
}

function statementOutcome(policy: Policy, st: Statement, request: PolicyRequest, lookup: ContextLookup): StatementOutcome {
  const vars = policy.version === '2012-10-17';
  if (policy.kind === 'bucket') {
    if (st.principal !== undefined && !principalMatches(st.principal, request.principal)) return { kind: 'principal' };
    if (st.notPrincipal !== undefined && principalMatches(st.notPrincipal, request.principal)) return { kind: 'principal' };
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
      const o = statementOutcome(policy, st, input.request, lookup);
      const base = { policy: kind, policyIndex, index, sid: st.sid, effect: st.effect, outcome: o.kind };
      out.push(o.kind === 'condition' ? { ...base, condition: `${o.clause.operator} ${o.clause.key}` } : base);
    });
  };
  // Anonymous requests have no identity, so identity policies never apply to them.
  if (!input.request.principal.anonymous) (input.identityPolicies ?? []).forEach((p, i) => visit(p, 'identity', i));
  if (input.bucketPolicy) visit(input.bucketPolicy, 'bucket', 0);
  return out;
}

function ref(t: StatementTrace): StatementRef {
  return { policy: t.policy, policyIndex: t.policyIndex, index: t.index, sid: t.sid };
}

function decide(trace: readonly StatementTrace[]): EvaluateResult {
  const deny = trace.find((t) => t.outcome === 'applies' && t.effect === 'Deny');
  if (deny) return { decision: 'deny', statement: ref(deny) };
  const allow = trace.find((t) => t.outcome === 'applies' && t.effect === 'Allow');
  if (allow) return { decision: 'allow', statement: ref(allow) };
  return { decision: 'implicit-deny' };
}

/**
 * Decides a request as AWS does: an explicit Deny in any identity policy or the bucket policy wins;
 * otherwise an Allow from an identity policy OR the bucket policy allows; otherwise implicit deny
 * (answer `AccessDenied`, 403). Identity policies are those of the authenticated access key and are
 * ignored for anonymous requests. The deciding statement is the first applicable one (identity policies
 * in order, then the bucket policy).
 */
export function evaluate(input: EvaluateInput): EvaluateResult {
  return decide(traceAll(input));
}

function describe(t: StatementRef): string {
  const where = t.policy === 'identity' ? `identity policy ${t.policyIndex}` : 'bucket policy';
  return `${where} statement ${t.index}${t.sid ? ` (Sid "${t.sid}")` : ''}`;
}

/** `evaluate` plus a human-readable reason and the per-statement trace. */
export function explain(input: EvaluateInput): ExplainResult {
  const trace = traceAll(input);
  const result = decide(trace);
  const { action, resource } = input.request;
  let reason: string;
  if (result.decision === 'deny' && result.statement) {
    reason = `explicit Deny by ${describe(result.statement)} for ${action} on ${resource}`;
  } else if (result.decision === 'allow' && result.statement) {
    reason = `allowed by ${describe(result.statement)} for ${action} on ${resource}; no Deny applies`;
  } else {
    const nearMisses = trace.filter((t) => t.effect === 'Allow' && t.outcome === 'condition');
    reason =
      `implicit deny: no statement allows ${action} on ${resource}` +
      (nearMisses.length > 0
        ? `; conditions not met: ${nearMisses.map((t) => `${describe(t)} ${t.condition ?? ''}`).join(', ')}`
        : '');
  }
  return { ...result, reason, trace };
}
