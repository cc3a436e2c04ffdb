import { OPERATIONS, type OperationName } from '@s3kit/xml-shapes/operations';
import { explain, type StatementTrace } from '../policy/evaluate.js';
import type { Decision, StatementRef } from '../policy/types.js';
import { bucketArn, describeStatement, evaluateInput, objectArn, policiesOf, requestChecks, type PermissionCheck } from './decide.js';
import type { PolicyState } from './policy-state.js';
import { principalContext, type PolicyContext } from './context.js';
import { anonymousPrincipal, principalOf } from './principal.js';
import type { Principal } from '../pipeline/types.js';

/** A question for {@link explainQuery}: would this identity be allowed this, and why. */
export interface ExplainQuery {
  /** Access key id or identity name; absent or `anonymous` for an unsigned request. */
  readonly identity?: string | undefined;
  /** An operation of the catalogue (`GetObject`, `CopyObject`, …): all its permissions are checked. */
  readonly operation?: string | undefined;
  /** Or one IAM action (`s3:GetObject`, `s3kit:CreateUploadTicket`) on the resource bucket/key name. */
  readonly action?: string | undefined;
  readonly bucket?: string | undefined;
  readonly key?: string | undefined;
  /**
   * Condition keys of the imagined request (`aws:SourceIp`, `s3:prefix`, …). `s3:x-amz-*` keys also
   * act as the request's headers for the operation's header-dependent permissions (e.g.
   * `s3:x-amz-copy-source` names CopyObject's source, `s3:x-amz-acl` adds `s3:PutObjectAcl`).
   * **Default:** a SigV4 header-signed request (`s3:authType` `REST-HEADER`,
   * `s3:signatureversion` `AWS4-HMAC-SHA256`) with `aws:SecureTransport` from `secure`; nothing else.
   */
  readonly context?: Readonly<Record<string, string | readonly string[]>> | undefined;
  /**
   * The imagined request came over TLS (`aws:SecureTransport`), as `GatewayRequest.secure`; a
   * `context` value wins. **Default:** false, as for a request without `secure` (a server that
   * serves TLS passes true so its answers match what its requests get).
   */
  readonly secure?: boolean | undefined;
}

/** The deciding statement, located. */
export interface ExplainedStatement extends StatementRef {
  /** `allow` (the shorthand), `policies[1]`, `anonymous.allow`, or `bucket`. */
  readonly source: string;
  /** `identity policy policies[1] statement 2 (Sid "X")`. */
  readonly description: string;
}

/** One permission's decision with the per-statement trace. */
export interface ExplainedCheck {
  readonly action: string;
  readonly resource: string;
  readonly decision: Decision;
  readonly reason: string;
  readonly statement?: ExplainedStatement | undefined;
  readonly trace: readonly (StatementTrace & { readonly source: string })[];
}

/** The answer of `Gateway.explain`. */
export interface Explanation {
  /** `allow` when every permission is allowed; else the first one's `deny` / `implicit-deny`. */
  readonly decision: Decision;
  /** The identity's name, or `anonymous`. */
  readonly identity: string;
  readonly reason: string;
  /** The deciding statement of the deciding check (absent for implicit deny). */
  readonly statement?: ExplainedStatement | undefined;
  readonly checks: readonly ExplainedCheck[];
}

function findPrincipal(state: PolicyState, identity: string | undefined): Principal {
  if (identity === undefined || identity === '' || identity === 'anonymous') {
    // Policies decide, not the upstream: the anonymous upstream is not part of the question.
    return anonymousPrincipal({ allow: state.raw.anonymousAllow, upstream: 'default' });
  }
  let found = state.identities.get(identity);
  if (found === undefined) for (const id of state.identities.values()) if (id.name === identity) found = id;
  if (found === undefined) throw new TypeError(`explain: no identity with access key id or name ${JSON.stringify(identity)}`);
  return principalOf('header-v4', found);
}

function located(state: PolicyState, principal: Principal, ref: StatementRef, bucket: string | undefined): ExplainedStatement {
  const source = ref.policy === 'bucket' ? 'bucket' : (policiesOf(state, principal).sources[ref.policyIndex] ?? String(ref.policyIndex));
  return { ...ref, source, description: describeStatement(state, principal, ref, bucket) };
}

/**
 * Answers "would identity X be allowed operation/action Y on bucket/key Z, and which statement
 * decided" from the compiled policies, without a request or the upstream (`s3:ExistingObjectTag/<k>`
 * only when given in `context`).
 * @throws TypeError for an unknown identity or operation, or a query without operation or action.
 */
export function explainQuery(state: PolicyState, query: ExplainQuery, now: number): Explanation {
  const principal = findPrincipal(state, query.identity);
  const context: PolicyContext = { ...principalContext(principal, now), 'aws:SecureTransport': query.secure === true ? 'true' : 'false', ...(query.context ?? {}) };
  let checks: PermissionCheck[];
  if (query.operation !== undefined && query.operation !== '') {
    if (OPERATIONS[query.operation as OperationName] === undefined) throw new TypeError(`explain: unknown operation ${JSON.stringify(query.operation)}`);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(query.context ?? {})) {
      const name = k.toLowerCase();
      if (name.startsWith('s3:x-amz-')) headers[name.slice(3)] = typeof v === 'string' ? v : v.join(',');
    }
    const versionId = query.context?.['s3:VersionId'];
    checks = requestChecks(query.operation, query.bucket, query.key, headers, typeof versionId === 'string' ? versionId : undefined);
  } else if (query.action !== undefined && query.action !== '') {
    const resource = query.bucket === undefined || query.bucket === '' ? '*' : query.key === undefined || query.key === '' ? bucketArn(query.bucket) : objectArn(query.bucket, query.key);
    checks = [{ action: query.action, resource, kind: resource === '*' ? 'service' : query.key ? 'object' : 'bucket', bucket: query.bucket || undefined }];
  } else throw new TypeError('explain: give an operation or an action');
  const out: ExplainedCheck[] = checks.map((check) => {
    const r = explain(evaluateInput(state, principal, check, context, now));
    const sources = policiesOf(state, principal).sources;
    return {
      action: check.action,
      resource: check.resource,
      decision: r.decision,
      reason: r.reason,
      statement: r.statement === undefined ? undefined : located(state, principal, r.statement, check.bucket),
      trace: r.trace.map((t) => ({ ...t, source: t.policy === 'bucket' ? 'bucket' : (sources[t.policyIndex] ?? String(t.policyIndex)) })),
    };
  });
  const deciding = out.find((c) => c.decision !== 'allow') ?? out[out.length - 1];
  if (deciding === undefined) return { decision: 'allow', identity: principal.name, reason: 'the operation needs no permission', checks: out };
  return { decision: deciding.decision, identity: principal.name, reason: deciding.reason, statement: deciding.statement, checks: out };
}
