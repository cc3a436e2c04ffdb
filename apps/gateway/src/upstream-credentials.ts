import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { containerCredentials, defaultCredentials, envCredentials, instanceMetadataCredentials, sharedFileCredentials, webIdentityTokenFileCredentials, type CredentialsProvider } from '@s3kit/client';
import type { UpstreamCredentials } from '@s3kit/gateway';
import { ConfigError } from './config-errors.js';
import type { Reader } from './config-reader.js';
import type { UpstreamConfig } from './config.js';
import { secretOf } from './secrets.js';

/**
 * Where an S3 upstream's credentials come from (`@s3kit/client`'s providers): `env`
 * (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), `profile` (the shared
 * `~/.aws` files: keys, `role_arn`, `credential_process`, SSO-less), `web-identity`
 * (`AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`), `instance-metadata` (EC2 IMDSv2),
 * `container` (ECS / EKS Pod Identity), `default` (the AWS SDK chain of all of them).
 */
export const CREDENTIAL_PROVIDERS = ['env', 'profile', 'web-identity', 'instance-metadata', 'container', 'default'] as const;
export type CredentialProviderName = (typeof CREDENTIAL_PROVIDERS)[number];

/** `upstreams.<name>.credentials`: fixed keys (secrets inline, from files or `${ENV}`), or a provider. */
export type UpstreamCredentialsConfig = UpstreamCredentials | { provider: CredentialProviderName; profile?: string };

/**
 * Reads `credentials` of an S3 upstream: `{ accessKeyId, secretAccessKey | secretAccessKeyFile,
 * sessionToken? | sessionTokenFile? }` or `{ provider, profile? }`.
 */
export function readUpstreamCredentials(u: Reader, baseDir: string): UpstreamCredentialsConfig {
  const c = u.obj_('credentials', ['accessKeyId', 'secretAccessKey', 'secretAccessKeyFile', 'sessionToken', 'sessionTokenFile', 'provider', 'profile'], true)!;
  if (c.has('provider')) {
    const provider = c.oneOf('provider', CREDENTIAL_PROVIDERS);
    for (const f of ['accessKeyId', 'secretAccessKey', 'secretAccessKeyFile', 'sessionToken', 'sessionTokenFile']) {
      if (c.has(f)) c.report(f, `not with provider (the provider gives the keys)`);
    }
    const profile = c.optStr('profile');
    if (profile !== undefined && provider !== 'profile' && provider !== 'default') c.report('profile', 'only with provider profile or default');
    return { provider, ...(profile === undefined ? {} : { profile }) };
  }
  if (c.has('profile')) c.report('profile', 'only with provider profile or default');
  const sessionToken = secretOf(c, 'sessionToken', baseDir, false);
  return { accessKeyId: c.str('accessKeyId'), secretAccessKey: secretOf(c, 'secretAccessKey', baseDir, true), ...(sessionToken === undefined ? {} : { sessionToken }) };
}

/** `upstreams.<name>.caFile`: PEM CA certificates trusted for an `https` upstream (besides Node's own). */
export function readCaFile(u: Reader, baseDir: string): string | undefined {
  if (!u.has('caFile')) return undefined;
  const file = resolve(baseDir, u.str('caFile'));
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (err) {
    u.report('caFile', `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    return undefined;
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) u.report('caFile', `${file} holds no PEM certificate`);
  return pem;
}

function providerOf(c: Extract<UpstreamCredentialsConfig, { provider: string }>): CredentialsProvider {
  const profile = c.profile === undefined ? {} : { profile: c.profile };
  switch (c.provider) {
    case 'env':
      return envCredentials(process.env);
    case 'profile':
      return sharedFileCredentials(profile);
    case 'web-identity':
      return webIdentityTokenFileCredentials();
    case 'instance-metadata':
      return instanceMetadataCredentials();
    case 'container':
      return containerCredentials({ readFile: (f) => readFile(f, 'utf8') });
    case 'default':
      return defaultCredentials(profile);
  }
}

/** One provider per credentials config (a start-up check and the upstream client share it). */
const providers = new WeakMap<object, () => Promise<UpstreamCredentials>>();

/**
 * The credentials of an s3 upstream for `createS3Upstream`: the fixed keys, or its provider
 * (temporary credentials refreshed before they expire), one per config object.
 */
export function upstreamCredentials(c: UpstreamCredentialsConfig): UpstreamCredentials | (() => Promise<UpstreamCredentials>) {
  if (!('provider' in c)) return c;
  let get = providers.get(c);
  if (get === undefined) {
    const provider = providerOf(c);
    get = async () => provider.getCredentials();
    providers.set(c, get);
  }
  return get;
}

/**
 * Asks every s3 upstream's provider once, so that one without credentials stops the start.
 * @throws ConfigError `upstreams.<name>.credentials: provider … gave no credentials: …` for each.
 */
export async function checkUpstreamCredentials(upstreams: Record<string, UpstreamConfig>): Promise<void> {
  const problems: string[] = [];
  for (const [name, u] of Object.entries(upstreams)) {
    if (u.type !== 's3' || !('provider' in u.credentials)) continue;
    try {
      await (upstreamCredentials(u.credentials) as () => Promise<UpstreamCredentials>)();
    } catch (err) {
      problems.push(`upstreams.${name}.credentials: provider ${u.credentials.provider} gave no credentials: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
}
