export type { VerifiedRequest } from './types.js';
export {
  SigV4Verifier,
  type VerifierOptions,
  type VerifierCredentials,
  type CredentialsLookup,
  type RegionMatcher,
} from './verifier.js';
export { classifyAuth, type AuthKind, type VerifyRequestInput } from './classify.js';
