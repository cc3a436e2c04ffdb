/** Thrown by `parsePolicy`: every problem found, each prefixed with its location (`Statement[2].Condition.StringLike: ...`). */
export class PolicyValidationError extends Error {
  override readonly name = 'PolicyValidationError';
  /** S3 error code a gateway should answer with when a policy is uploaded (400). */
  readonly code = 'MalformedPolicy';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid policy: ${problems.join('; ')}`);
    this.problems = problems;
  }
}
