import { readFile } from 'node:fs/promises';
import type { Environment } from './env.js';
import { CredentialsProviderError, type CredentialsProvider } from './provider.js';
import { webIdentityCredentials, type WebIdentityOptions } from './web-identity.js';

// Node-only: the web identity token file (EKS IRSA, GitHub Actions OIDC, ...).

/** Options of {@link webIdentityTokenFileCredentials}; unset ones come from the environment. */
export interface WebIdentityTokenFileOptions extends Omit<WebIdentityOptions, 'token'> {
  /** **Default:** `$AWS_WEB_IDENTITY_TOKEN_FILE`. */
  tokenFile?: string;
  /** **Default:** `$AWS_ROLE_ARN`. */
  roleArn?: string;
  /** **Default:** `$AWS_ROLE_SESSION_NAME`. */
  roleSessionName?: string;
  /** **Default:** `$AWS_ENDPOINT_URL_STS` (else the regional AWS STS endpoint). */
  endpoint?: string;
  env?: Environment;
}

/**
 * `AssumeRoleWithWebIdentity` with the token read from a file on every refresh (the file is
 * rotated by the platform): `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN`,
 * `AWS_ROLE_SESSION_NAME`. Has none (CredentialsProviderError) when the file or the role is not set.
 */
export function webIdentityTokenFileCredentials(options: WebIdentityTokenFileOptions = {}): CredentialsProvider {
  const env = options.env ?? process.env;
  const tokenFile = options.tokenFile ?? env['AWS_WEB_IDENTITY_TOKEN_FILE'];
  const roleArn = options.roleArn ?? env['AWS_ROLE_ARN'];
  if (!tokenFile || !roleArn) {
    return {
      getCredentials() {
        throw new CredentialsProviderError('AWS_WEB_IDENTITY_TOKEN_FILE / AWS_ROLE_ARN are not set');
      },
    };
  }
  const roleSessionName = options.roleSessionName ?? env['AWS_ROLE_SESSION_NAME'];
  const endpoint = options.endpoint ?? env['AWS_ENDPOINT_URL_STS'];
  const region = options.region ?? env['AWS_REGION'];
  return webIdentityCredentials({
    ...options,
    roleArn,
    ...(roleSessionName ? { roleSessionName } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(region ? { region } : {}),
    token: async () => (await readFile(tokenFile, 'utf8')).trim(),
  });
}
