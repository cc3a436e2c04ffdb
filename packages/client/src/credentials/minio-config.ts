import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Environment } from './env.js';
import { readOptional } from './profiles.js';
import { CredentialsProviderError, type Credentials, type CredentialsProvider } from './provider.js';

// Node-only: MinIO client (`mc`) configuration file.

/** Options of {@link minioConfigCredentials}. */
export interface MinioConfigOptions {
  /** **Default:** `$MC_CONFIG_DIR/config.json`, else `~/.mc/config.json` (`~/mc/config.json` on Windows). */
  file?: string;
  /** **Default:** `$MINIO_ALIAS`, else `'s3'` (as minio-py's `MinioClientConfigProvider`). */
  alias?: string;
  env?: Environment;
}

/**
 * An alias's `accessKey` / `secretKey` (and `sessionToken`) from the MinIO client's
 * `config.json` (`aliases`, or `hosts` in older files). Read once, on first use. Has none
 * (CredentialsProviderError) when the file or the alias is missing.
 */
export function minioConfigCredentials(options: MinioConfigOptions = {}): CredentialsProvider {
  const env = options.env ?? process.env;
  const dir = env['MC_CONFIG_DIR'] || join(env['HOME'] || homedir(), process.platform === 'win32' ? 'mc' : '.mc');
  const file = options.file ?? join(dir, 'config.json');
  const alias = options.alias ?? (env['MINIO_ALIAS'] || 's3');
  let loaded: Promise<Credentials> | undefined;
  async function load(): Promise<Credentials> {
    const text = await readOptional(file);
    if (text === undefined) throw new CredentialsProviderError(`no MinIO client config at ${file}`);
    let config: { aliases?: Record<string, Record<string, unknown>>; hosts?: Record<string, Record<string, unknown>> };
    try {
      config = JSON.parse(text) as typeof config;
    } catch {
      throw new Error(`minioConfigCredentials: ${file} is not JSON`);
    }
    const aliases = config?.aliases ?? config?.hosts;
    const entry = aliases?.[alias];
    if (!entry) throw new CredentialsProviderError(`alias "${alias}" not found in ${file}`);
    const { accessKey, secretKey, sessionToken } = entry;
    if (typeof accessKey !== 'string' || !accessKey || typeof secretKey !== 'string' || !secretKey) {
      throw new CredentialsProviderError(`alias "${alias}" in ${file} has no accessKey/secretKey`);
    }
    return typeof sessionToken === 'string' && sessionToken ? { accessKeyId: accessKey, secretAccessKey: secretKey, sessionToken } : { accessKeyId: accessKey, secretAccessKey: secretKey };
  }
  return {
    getCredentials() {
      loaded ??= load();
      loaded.catch(() => (loaded = undefined));
      return loaded;
    },
  };
}
