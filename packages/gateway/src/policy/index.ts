export { MAX_POLICY_BYTES, parsePolicy, type ParsePolicyOptions } from './parse.js';
export { evaluate, explain, principalMatches, type ExplainResult, type StatementTrace } from './evaluate.js';
export { PolicyValidationError } from './errors.js';
export type {
  ConditionClause,
  Decision,
  EvaluateInput,
  EvaluateResult,
  Policy,
  PolicyKind,
  PolicyPrincipal,
  PolicyRequest,
  PrincipalSpec,
  Statement,
  StatementRef,
} from './types.js';
