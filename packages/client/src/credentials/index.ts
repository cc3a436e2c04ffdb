// Runtime-neutral credential providers.
export {
  CredentialsProviderError,
  staticCredentials,
  refreshingCredentials,
  chainCredentials,
  type Credentials,
  type ExpiringCredentials,
  type CredentialsProvider,
  type RefreshingOptions,
} from './provider.js';
export { envCredentials, type Environment } from './env.js';
export type { FetchLike, HttpOptions, TokenSource } from './http.js';
export { StsError, type StsOptions } from './sts.js';
export { webIdentityCredentials, type WebIdentityOptions } from './web-identity.js';
export { assumeRoleCredentials, type AssumeRoleOptions } from './assume-role.js';
export { containerCredentials, type ContainerOptions } from './container.js';
export { instanceMetadataCredentials, type InstanceMetadataOptions } from './instance-metadata.js';
