export { createPresignedPost, type CreatePresignedPostInput, type PresignedPost, type PolicySigningOptions } from './create-presigned-post.js';
export { PostPolicy, presignedPostPolicy, type PresignedPostPolicy } from './post-policy.js';
export type { PolicyCondition } from './conditions.js';
export { postUrl, type EndpointOptions } from './endpoint.js';
export type { PostCredentials } from './sign-policy.js';
export {
  verifyPost,
  type VerifyPostOptions,
  type VerifiedPost,
  type PostRequest,
  type PostIdentity,
  type PostCredentialsLookup,
} from './verify-post.js';
export { DEFAULT_LIMITS, type FormLimits } from './multipart-form.js';
export type { SuccessInput } from './success-response.js';
