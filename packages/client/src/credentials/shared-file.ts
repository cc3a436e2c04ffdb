import { readFile } from 'node:fs/promises';
import { assumeRoleCredentials } from './assume-role.js';
import { containerCredentials } from './container.js';
import { envCredentials } from './env.js';
import type { HttpOptions } from './http.js';
import { instanceMetadataCredentials } from './instance-metadata.js';
import { processCredentials } from './process.js';
import { loadProfiles, type ProfileFilesOptions, type Profiles } from './profiles.js';
import { CredentialsProviderError, staticCredentials, type CredentialsProvider } from './provider.js';
import { webIdentityTokenFileCredentials } from './web-identity-file.js';

// Node-only: reads the shared AWS files.

export interface SharedFileOptions extends ProfileFilesOptions, HttpOptions {
  /**
   * STS endpoint for `role_arn` profiles. **Default:** `$AWS_ENDPOINT_URL_STS`, else the
   * profile's region's AWS STS endpoint.
   */
  stsEndpoint?: string;
  /** Asks for the MFA code of a `role_arn` profile with `mfa_serial` (given the serial). */
  mfaCode?: (serial: string) => string | Promise<string>;
}

/**
 * The shared AWS files' profile (`$AWS_PROFILE`, else `default`; the credentials file's keys win
 * over the config file's), resolved as the AWS SDKs do, in this order:
 * - `role_arn` with `source_profile` (its keys, or its own role, recursively), with
 *   `credential_source` (`Environment`, `EcsContainer`, `Ec2InstanceMetadata`) or with
 *   `web_identity_token_file`: STS AssumeRole / AssumeRoleWithWebIdentity (`external_id`,
 *   `role_session_name`, `duration_seconds`, `mfa_serial` with the `mfaCode` option);
 * - `aws_access_key_id` / `aws_secret_access_key` / `aws_session_token`;
 * - `credential_process`.
 * The files are read once, on first use. SSO profiles are not supported.
 */
export function sharedFileCredentials(options: SharedFileOptions = {}): CredentialsProvider {
  const env = options.env ?? process.env;
  let resolved: Promise<CredentialsProvider> | undefined;
  return {
    async getCredentials() {
      resolved ??= loadProfiles(options).then((profiles) => resolveProfile(profiles, profiles.name, options, env, []));
      resolved.catch(() => (resolved = undefined));
      return (await resolved).getCredentials();
    },
  };
}

function resolveProfile(profiles: Profiles, name: string, options: SharedFileOptions, env: NodeJS.ProcessEnv | Record<string, string | undefined>, seen: string[]): CredentialsProvider {
  const p = profiles.get(name);
  if (!p) throw new CredentialsProviderError(`no profile "${name}" in ${profiles.where}`);
  const keys = p['aws_access_key_id'] && p['aws_secret_access_key'];
  const fixed = () =>
    staticCredentials({ accessKeyId: p['aws_access_key_id']!, secretAccessKey: p['aws_secret_access_key']!, ...(p['aws_session_token'] ? { sessionToken: p['aws_session_token'] } : {}) });
  // A source profile with keys is used for its keys (its own role_arn is not followed).
  if (seen.length > 0 && keys) return fixed();
  const roleArn = p['role_arn'];
  if (roleArn) {
    const http = { ...(options.fetch ? { fetch: options.fetch } : {}), ...(options.signal ? { signal: options.signal } : {}), ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) };
    const endpoint = options.stsEndpoint ?? env['AWS_ENDPOINT_URL_STS'];
    const region = p['region'] ?? env['AWS_REGION'];
    const sts = { ...http, ...(endpoint ? { endpoint } : {}), ...(region ? { region } : {}) };
    const session = { roleArn, ...(p['role_session_name'] ? { roleSessionName: p['role_session_name'] } : {}), ...(p['duration_seconds'] ? { durationSeconds: Number(p['duration_seconds']) } : {}) };
    if (p['web_identity_token_file']) return webIdentityTokenFileCredentials({ ...sts, ...session, tokenFile: p['web_identity_token_file'], env });
    let source: CredentialsProvider;
    if (p['source_profile']) {
      if (seen.includes(p['source_profile']) && p['source_profile'] !== name) throw new Error(`sharedFileCredentials: source_profile loop through "${name}"`);
      source = p['source_profile'] === name && keys ? fixed() : resolveProfile(profiles, p['source_profile'], options, env, [...seen, name]);
    } else if (p['credential_source'] === 'Environment') source = envCredentials(env);
    else if (p['credential_source'] === 'EcsContainer') source = containerCredentials({ ...http, env, readFile: (f) => readFile(f, 'utf8') });
    else if (p['credential_source'] === 'Ec2InstanceMetadata') source = instanceMetadataCredentials({ ...http, env });
    else throw new Error(`sharedFileCredentials: profile "${name}" has role_arn but no source_profile, credential_source or web_identity_token_file`);
    const serial = p['mfa_serial'];
    if (serial && !options.mfaCode) throw new Error(`sharedFileCredentials: profile "${name}" needs an MFA code (mfaCode option)`);
    return assumeRoleCredentials({
      ...sts,
      ...session,
      sourceCredentials: source,
      ...(p['external_id'] ? { externalId: p['external_id'] } : {}),
      ...(serial ? { serialNumber: serial, tokenCode: () => options.mfaCode!(serial) } : {}),
    });
  }
  if (keys) return fixed();
  if (p['credential_process']) return processCredentials({ ...options, profile: name, command: p['credential_process'] });
  throw new CredentialsProviderError(`no credentials for profile "${name}" in ${profiles.where}`);
}
