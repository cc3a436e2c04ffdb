/** Which document a policy is: an identity policy (attached to an access key) or a bucket policy. */
export type PolicyKind = 'identity' | 'bucket';

export type Effect = 'Allow' | 'Deny';

/** Condition set qualifier (`ForAnyValue:` / `ForAllValues:`), or none. */
export type SetQualifier = 'ForAnyValue' | 'ForAllValues';

/** One `operator → key → values` triple of a statement's `Condition` block (all triples are AND-ed). */
export interface ConditionClause {
  /** The operator as written, e.g. `ForAnyValue:StringLikeIfExists`. */
  readonly operator: string;
  /** The base operator without qualifier or `IfExists`, e.g. `StringLike`. */
  readonly base: string;
  readonly qualifier: SetQualifier | undefined;
  readonly ifExists: boolean;
  /** Condition key as written (lookups are case-insensitive). */
  readonly key: string;
  /** Policy values (OR-ed), stringified. */
  readonly values: readonly string[];
}

/** `Principal` / `NotPrincipal`: `'*'` for everyone (including anonymous), else the listed `AWS` entries. */
export type PrincipalSpec = '*' | readonly string[];

export interface Statement {
  readonly sid: string | undefined;
  readonly effect: Effect;
  readonly principal?: PrincipalSpec | undefined;
  readonly notPrincipal?: PrincipalSpec | undefined;
  readonly action?: readonly string[] | undefined;
  readonly notAction?: readonly string[] | undefined;
  readonly resource?: readonly string[] | undefined;
  readonly notResource?: readonly string[] | undefined;
  readonly conditions: readonly ConditionClause[];
}

export interface Policy {
  readonly kind: PolicyKind;
  /** `2012-10-17` (policy variables substituted) or `2008-10-17` (`${...}` is literal text). */
  readonly version: '2012-10-17' | '2008-10-17';
  readonly statements: readonly Statement[];
}

export interface PolicyPrincipal {
  readonly accessKeyId?: string | undefined;
  readonly username?: string | undefined;
  /**
   * The principal's account name; absent: the default account (then an account named in an ARN
   * is not checked, as before accounts existed).
   */
  readonly account?: string | undefined;
  /** The canonical id of `account` (64 hex), matched by `CanonicalUser` principals. */
  readonly canonicalId?: string | undefined;
  readonly anonymous: boolean;
}

export interface PolicyRequest {
  readonly principal: PolicyPrincipal;
  /** e.g. `s3:GetObject` (compared case-insensitively). */
  readonly action: string;
  /** e.g. `arn:aws:s3:::bucket/key` (compared case-sensitively). */
  readonly resource: string;
  /** Condition keys (names case-insensitive; tag keys after `/` case-sensitive) → value(s); `undefined` means absent. */
  readonly context?: Readonly<Record<string, string | readonly string[] | undefined>> | undefined;
}

export interface EvaluateInput {
  readonly identityPolicies?: readonly Policy[] | undefined;
  readonly bucketPolicy?: Policy | undefined;
  /**
   * Several bucket policies that all apply (e.g. a gateway's config-file policy and the one set
   * through the S3 API), in place of `bucketPolicy`: traced as `bucket` with their index.
   */
  readonly bucketPolicies?: readonly Policy[] | undefined;
  /**
   * Identity-style policies (no `Principal`) that apply to anonymous requests only, in place of
   * `identityPolicies` (e.g. a gateway's allow-list for unsigned requests). Traced as `identity`.
   */
  readonly anonymousPolicies?: readonly Policy[] | undefined;
  readonly request: PolicyRequest;
  /**
   * The request comes from another account than the bucket owner's (AWS cross-account access):
   * it is allowed only when an identity policy AND a bucket policy allow it (an explicit Deny
   * still wins), and a bucket policy's account principal (`arn:aws:iam::<account>:root`, the
   * account's canonical id) matches the caller's account. **Default:** `false` (same account:
   * an identity policy OR a bucket policy allows).
   */
  readonly crossAccount?: boolean | undefined;
  /** Clock for the `aws:CurrentTime` / `aws:EpochTime` defaults. **Default:** `new Date()`. */
  readonly now?: Date | undefined;
}

export interface StatementRef {
  readonly policy: PolicyKind;
  /** Index of the identity policy in `identityPolicies` (of the bucket policy in `bucketPolicies`; 0 for `bucketPolicy`). */
  readonly policyIndex: number;
  /** Statement index within that policy. */
  readonly index: number;
  readonly sid: string | undefined;
}

export type Decision = 'allow' | 'deny' | 'implicit-deny';

export interface EvaluateResult {
  readonly decision: Decision;
  /**
   * A cross-account implicit deny: which side did not allow. `'resource'` (the identity policy
   * allows, the bucket policy does not) may still be allowed by the owner's ACL grants.
   */
  readonly missing?: 'identity' | 'resource' | undefined;
  /** The deciding statement (absent for implicit deny). */
  readonly statement?: StatementRef;
}
