export type { VerifiedRequest } from './types.js';
export {
  SigV4Verifier,
  type VerifierOptions,
  type VerifierCredentials,
  type CredentialsLookup,
  type RegionMatcher,
  type PayloadChecker,
} from './verifier.js';
export { classifyAuth, type AuthKind, type VerifyRequestInput } from './classify.js';
