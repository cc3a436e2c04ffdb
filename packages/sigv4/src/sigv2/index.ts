export {
  SigV2Signer,
  signPolicyV2,
  signatureV2,
  type SigV2SignerOptions,
  type SignV2Input,
  type PresignV2Input,
  type SignedV2Request,
} from './signer.js';
export {
  stringToSignV2,
  canonicalResourceV2,
  type V2Request,
  type V2ResourceOptions,
  type V2StringToSignOptions,
} from './string-to-sign.js';
export { verifyV2, type VerifyV2Options, type VerifiedV2Request, type V2CredentialsLookup } from './verify.js';
export { SIGV2_SUBRESOURCES } from './subresources.js';
