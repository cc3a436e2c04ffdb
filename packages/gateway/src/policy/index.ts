export { MAX_POLICY_BYTES, parsePolicy, type ParsePolicyOptions } from './parse.js';
export { evaluate, explain, normalizeContextKey, principalMatches, type ExplainResult, type StatementTrace } from './evaluate.js';
export { PolicyValidationError } from './errors.js';
export type {
  ConditionClause,
  Decision,
  Effect,
  EvaluateInput,
  EvaluateResult,
  Policy,
  PolicyKind,
  PolicyPrincipal,
  PolicyRequest,
  PrincipalSpec,
  SetQualifier,
  Statement,
  StatementRef,
} from './types.js';
