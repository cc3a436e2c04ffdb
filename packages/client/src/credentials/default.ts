import { readFile } from 'node:fs/promises';
import { containerCredentials } from './container.js';
import { envCredentials } from './env.js';
import { instanceMetadataCredentials } from './instance-metadata.js';
import { chainCredentials, type CredentialsProvider } from './provider.js';
import { sharedFileCredentials, type SharedFileOptions } from './shared-file.js';
import { webIdentityTokenFileCredentials } from './web-identity-file.js';

// Node-only (files, processes).

/** Options of {@link defaultCredentials}: the shared-file options and the HTTP options of every network provider. */
export type DefaultCredentialsOptions = SharedFileOptions;

/**
 * The AWS SDKs' default chain: `envCredentials()`, `sharedFileCredentials()` (keys, `role_arn`,
 * `credential_process`), `webIdentityTokenFileCredentials()` (`AWS_WEB_IDENTITY_TOKEN_FILE`),
 * `containerCredentials()` (ECS / EKS Pod Identity), `instanceMetadataCredentials()` (IMDSv2).
 * The first that has credentials is kept.
 */
export function defaultCredentials(options: DefaultCredentialsOptions = {}): CredentialsProvider {
  const env = options.env ?? process.env;
  const http = { ...(options.fetch ? { fetch: options.fetch } : {}), ...(options.signal ? { signal: options.signal } : {}), ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) };
  return chainCredentials(
    envCredentials(env),
    sharedFileCredentials({ ...options, env }),
    webIdentityTokenFileCredentials({ ...http, env }),
    containerCredentials({ ...http, env, readFile: (f) => readFile(f, 'utf8') }),
    instanceMetadataCredentials({ ...http, env }),
  );
}
