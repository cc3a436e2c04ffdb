import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Environment } from './env.js';
import { parseIni } from './ini.js';

// Node-only: the shared AWS config and credentials files, as profiles.

/** Where the shared files are and which profile to read. */
export interface ProfileFilesOptions {
  /** Profile name. **Default:** `$AWS_PROFILE`, else `'default'`. */
  profile?: string;
  /** **Default:** `$AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`. */
  credentialsFile?: string;
  /** **Default:** `$AWS_CONFIG_FILE`, else `~/.aws/config` (sections `[profile name]`, `[default]`). */
  configFile?: string;
  env?: Environment;
}

/** The profiles of both files, by name: a credentials file key wins over the config file's. */
export interface Profiles {
  /** The selected profile's name. */
  name: string;
  get(name: string): Record<string, string> | undefined;
  /** For messages: the two paths. */
  where: string;
}

/** Reads a file, `undefined` if it does not exist. */
export async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Loads both shared files (missing files are empty). */
export async function loadProfiles(options: ProfileFilesOptions = {}): Promise<Profiles> {
  const env = options.env ?? process.env;
  const name = options.profile ?? env['AWS_PROFILE'] ?? 'default';
  const credentialsFile = options.credentialsFile ?? env['AWS_SHARED_CREDENTIALS_FILE'] ?? join(homedir(), '.aws', 'credentials');
  const configFile = options.configFile ?? env['AWS_CONFIG_FILE'] ?? join(homedir(), '.aws', 'config');
  const creds = parseIni((await readOptional(credentialsFile)) ?? '');
  const config = parseIni((await readOptional(configFile)) ?? '');
  return {
    name,
    where: `${credentialsFile} or ${configFile}`,
    get(p) {
      const fromConfig = config[p === 'default' ? 'default' : `profile ${p}`] ?? config[p];
      const fromCreds = creds[p];
      if (!fromConfig && !fromCreds) return undefined;
      return { ...fromConfig, ...fromCreds };
    },
  };
}
