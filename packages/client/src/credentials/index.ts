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
