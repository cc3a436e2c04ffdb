import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Environment } from './env.js';
import { parseIni } from './ini.js';
import { CredentialsProviderError, type Credentials, type CredentialsProvider } from './provider.js';

// Node-only: reads the shared AWS files.

export interface SharedFileOptions {
  /** Profile name. **Default:** `$AWS_PROFILE`, else `'default'`. */
  profile?: string;
  /** **Default:** `$AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`. */
  credentialsFile?: string;
  /** **Default:** `$AWS_CONFIG_FILE`, else `~/.aws/config` (sections `[profile name]`, `[default]`). */
  configFile?: string;
  env?: Environment;
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
