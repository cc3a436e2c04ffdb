// The s3kit configuration file: aliases (`~/.config/s3kit/config.json`, or `$S3KIT_CONFIG_DIR`),
// written crash-safe (temp file with mode 0600, fsync, rename, directory fsync).
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CliError } from './errors.js';

/** One alias: an endpoint and its keys. */
export interface AliasEntry {
  url: string;
  accessKey: string;
  secretKey: string;
  /** Signing region. **Default:** discovered per bucket by the client. */
  region?: string;
}

/** The configuration file's content. */
export interface CliConfig {
  version: 1;
  aliases: Record<string, AliasEntry>;
}

type Env = Record<string, string | undefined>;

/** `$S3KIT_CONFIG_DIR`, else `$HOME/.config/s3kit`. */
export function configDir(env: Env = process.env): string {
  return env['S3KIT_CONFIG_DIR'] || join(env['HOME'] || homedir(), '.config', 's3kit');
}

/** Path of `config.json`. */
export function configPath(env: Env = process.env): string {
  return join(configDir(env), 'config.json');
}

/** Reads the configuration (an empty one when the file does not exist). */
export async function loadConfig(env: Env = process.env): Promise<CliConfig> {
  const path = configPath(env);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, aliases: {} };
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as Partial<CliConfig>;
    return { version: 1, aliases: { ...parsed.aliases } };
  } catch {
    throw new CliError('InvalidConfig', `${path} is not valid JSON`);
  }
}

/** Writes the configuration atomically, readable by its owner only (0600; directory 0700). */
export async function saveConfig(config: CliConfig, env: Env = process.env): Promise<void> {
  const dir = configDir(env);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = configPath(env);
  const tmp = join(dir, `.config.json.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(`${JSON.stringify(config, null, 2)}\n`);
    await fh.sync();
  } catch (err) {
    await fh.close();
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fh.close();
  await rename(tmp, path);
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}
