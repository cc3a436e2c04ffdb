import { envCredentials } from './env.js';
import { chainCredentials, type CredentialsProvider } from './provider.js';
import { sharedFileCredentials } from './shared-file.js';

// Node-only (the shared files).

/** `envCredentials()` then `sharedFileCredentials()`. */
export function defaultCredentials(): CredentialsProvider {
  return chainCredentials(envCredentials(), sharedFileCredentials());
}
