import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Credentials } from '@s3kit/sigv4';
import { parseIni } from './ini.js';

export type { Credentials } from '@s3kit/sigv4';

/** Credentials that may expire (`expiration`); a provider refreshes them before then. */
export interface ExpiringCredentials extends Credentials {
  expiration?: Date;
}

/**
 * Where credentials come from. `getCredentials()` is called before every request attempt; it should
 * cache (every provider here does).
 */
export interface CredentialsProvider {
  getCredentials(): Credentials | Promise<Credentials>;
}

/** Thrown when a provider has no credentials to give (the chain then tries the next one). */
export class CredentialsProviderError extends Error {
  override readonly name = 'CredentialsProviderError';
}

/** Fixed credentials. */
export function staticCredentials(credentials: Credentials): CredentialsProvider {
  if (!credentials?.accessKeyId || !credentials.secretAccessKey) throw new TypeError('staticCredentials: accessKeyId and secretAccessKey are required');
  const frozen = Object.freeze({ ...credentials });
  return { getCredentials: () => frozen };
}

/**
 * `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN` (also MinIO's `MINIO_ACCESS_KEY` /
 * `MINIO_SECRET_KEY`), read on every call so a changed environment is seen.
 */
export function envCredentials(env: NodeJS.ProcessEnv = process.env): CredentialsProvider {
  return {
    getCredentials() {
      const accessKeyId = env['AWS_ACCESS_KEY_ID'] || env['AWS_ACCESS_KEY'] || env['MINIO_ACCESS_KEY'];
      const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'] || env['AWS_SECRET_KEY'] || env['MINIO_SECRET_KEY'];
      if (!accessKeyId || !secretAccessKey) throw new CredentialsProviderError('AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are not set');
      const sessionToken = env['AWS_SESSION_TOKEN'];
      return sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
    },
  };
}

export interface SharedFileOptions {
  /** Profile name. **Default:** `$AWS_PROFILE`, else `'default'`. */
  profile?: string;
  /** **Default:** `$AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`. */
  credentialsFile?: string;
  /** **Default:** `$AWS_CONFIG_FILE`, else `~/.aws/config` (sections `[profile name]`, `[default]`). */
  configFile?: string;
  env?: NodeJS.ProcessEnv;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * The shared AWS files: `aws_access_key_id`, `aws_secret_access_key`, `aws_session_token` of a
 * profile in the credentials file, else in the config file. Read once, on first use.
 */
export function sharedFileCredentials(options: SharedFileOptions = {}): CredentialsProvider {
  const env = options.env ?? process.env;
  const profile = options.profile ?? env['AWS_PROFILE'] ?? 'default';
  const credentialsFile = options.credentialsFile ?? env['AWS_SHARED_CREDENTIALS_FILE'] ?? join(homedir(), '.aws', 'credentials');
  const configFile = options.configFile ?? env['AWS_CONFIG_FILE'] ?? join(homedir(), '.aws', 'config');
  let loaded: Promise<Credentials> | undefined;
  async function load(): Promise<Credentials> {
    const sections: Array<Record<string, string> | undefined> = [];
    const creds = await readOptional(credentialsFile);
    if (creds !== undefined) sections.push(parseIni(creds)[profile]);
    const config = await readOptional(configFile);
    if (config !== undefined) {
      const parsed = parseIni(config);
      sections.push(parsed[profile === 'default' ? 'default' : `profile ${profile}`] ?? parsed[profile]);
    }
    for (const s of sections) {
      const accessKeyId = s?.['aws_access_key_id'];
      const secretAccessKey = s?.['aws_secret_access_key'];
      if (accessKeyId && secretAccessKey) {
        const sessionToken = s['aws_session_token'];
        return sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
      }
    }
    throw new CredentialsProviderError(`no credentials for profile "${profile}" in ${credentialsFile} or ${configFile}`);
  }
  return {
    getCredentials() {
      loaded ??= load();
      loaded.catch(() => (loaded = undefined));
      return loaded;
    },
  };
}

export interface RefreshingOptions {
  /** Fetches new credentials (STS, an IMDS call, your vault...). */
  refresh: (signal?: AbortSignal) => Promise<ExpiringCredentials>;
  /** Refresh this long before `expiration`. **Default:** `300000` (5 min). */
  refreshBeforeMs?: number;
  /** **Default:** `Date.now`. */
  clock?: () => number;
}

/**
 * Expiring (session) credentials: calls `refresh()` on first use and again when the cached ones are
 * within `refreshBeforeMs` of `expiration`. Concurrent callers share one refresh; a failed refresh
 * is retried on the next call.
 */
export function refreshingCredentials(options: RefreshingOptions): CredentialsProvider {
  const { refresh, refreshBeforeMs = 300_000, clock = Date.now } = options;
  if (typeof refresh !== 'function') throw new TypeError('refreshingCredentials: refresh is required');
  let current: ExpiringCredentials | undefined;
  let pending: Promise<ExpiringCredentials> | undefined;
  const fresh = (c: ExpiringCredentials | undefined): c is ExpiringCredentials =>
    c !== undefined && (c.expiration === undefined || c.expiration.getTime() - refreshBeforeMs > clock());
  return {
    getCredentials() {
      if (fresh(current)) return current;
      pending ??= refresh().then(
        (c) => {
          pending = undefined;
          if (!c?.accessKeyId || !c.secretAccessKey) throw new CredentialsProviderError('refresh() returned no accessKeyId/secretAccessKey');
          current = c;
          return c;
        },
        (err: unknown) => {
          pending = undefined;
          throw err;
        },
      );
      return pending;
    },
  };
}

/**
 * The first provider that gives credentials, remembered after it does (the AWS SDK chain
 * behaviour). A provider "has none" when it throws `CredentialsProviderError`; other errors
 * propagate.
 */
export function chainCredentials(...providers: CredentialsProvider[]): CredentialsProvider {
  if (providers.length === 0) throw new TypeError('chainCredentials: at least one provider');
  let chosen: CredentialsProvider | undefined;
  return {
    async getCredentials() {
      if (chosen) return chosen.getCredentials();
      const reasons: string[] = [];
      for (const p of providers) {
        try {
          const c = await p.getCredentials();
          chosen = p;
          return c;
        } catch (err) {
          if (!(err instanceof CredentialsProviderError)) throw err;
          reasons.push(err.message);
        }
      }
      throw new CredentialsProviderError(`no credentials: ${reasons.join('; ')}`);
    },
  };
}

/** `envCredentials()` then `sharedFileCredentials()`. */
export function defaultCredentials(): CredentialsProvider {
  return chainCredentials(envCredentials(), sharedFileCredentials());
}
