// Where aliases come from: the s3kit config file, the MinIO client's config.json and the AWS
// shared files / environment. The first source that knows a name wins, in that order.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { defaultCredentials, minioConfigCredentials, sharedFileCredentials, staticCredentials, type CredentialsProvider } from '@s3kit/client/node';
import { loadConfig } from './config.js';

type Env = Record<string, string | undefined>;

/** An alias ready to build a client from. */
export interface ResolvedAlias {
  name: string;
  source: 's3kit' | 'mc' | 'aws';
  url: string;
  region?: string;
  /** `true`/`false` when the source says so (mc's `path`). **Default:** the client's rule. */
  pathStyle?: boolean;
  credentials: CredentialsProvider;
}

/** An alias as listed by `alias ls` (no secrets). */
export interface AliasListing {
  name: string;
  source: ResolvedAlias['source'];
  url: string;
  accessKey?: string;
  region?: string;
}

/** Every alias of every source, s3kit's first (a name shadowed by an earlier source is left out). */
export async function listAliases(env: Env = process.env): Promise<AliasListing[]> {
  const out: AliasListing[] = [];
  const seen = new Set<string>();
  const add = (a: AliasListing): void => {
    if (seen.has(a.name)) return;
    seen.add(a.name);
    out.push(a);
  };
  for (const [name, a] of Object.entries((await loadConfig(env)).aliases)) add({ name, source: 's3kit', url: a.url, accessKey: a.accessKey, ...opt('region', a.region) });
  for (const [name, a] of Object.entries(await mcAliases(env))) add({ name, source: 'mc', url: a.url, ...opt('accessKey', a.accessKey) });
  const profiles = await awsProfiles(env);
  for (const [name, p] of Object.entries(profiles)) add({ name, source: 'aws', url: awsEndpoint(p, env), ...opt('region', awsRegion(p, env)) });
  const chain = awsChain(profiles, env);
  if (chain) add({ name: 'aws', source: 'aws', url: awsEndpoint(chain, env), ...opt('region', awsRegion(chain, env)) });
  return out;
}

/** The alias `name`, or `undefined` when no source knows it. */
export async function resolveAlias(name: string, env: Env = process.env): Promise<ResolvedAlias | undefined> {
  const own = (await loadConfig(env)).aliases[name];
  if (own) {
    const credentials = staticCredentials({ accessKeyId: own.accessKey, secretAccessKey: own.secretKey });
    return { name, source: 's3kit', url: own.url, credentials, ...opt('region', own.region) };
  }
  const mc = (await mcAliases(env))[name];
  if (mc) {
    const credentials = minioConfigCredentials({ file: mcConfigFile(env), alias: name, env });
    const pathStyle = mc.path === 'on' ? true : mc.path === 'off' ? false : undefined;
    return { name, source: 'mc', url: mc.url, credentials, ...opt('pathStyle', pathStyle) };
  }
  const profiles = await awsProfiles(env);
  const profile = profiles[name];
  if (profile) {
    const credentials = sharedFileCredentials({ profile: name, env });
    return { name, source: 'aws', url: awsEndpoint(profile, env), credentials, ...opt('region', awsRegion(profile, env)) };
  }
  const chain = name === 'aws' ? awsChain(profiles, env) : undefined;
  if (chain) return { name, source: 'aws', url: awsEndpoint(chain, env), credentials: defaultCredentials({ env }), ...opt('region', awsRegion(chain, env)) };
  return undefined;
}

function opt<K extends string, V>(key: K, value: V | undefined): { [k in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [k in K]?: V };
}

interface McAlias {
  url: string;
  accessKey?: string;
  path?: string;
}

function mcConfigFile(env: Env): string {
  return join(env['MC_CONFIG_DIR'] || join(env['HOME'] || homedir(), '.mc'), 'config.json');
}

/** The aliases of mc's `config.json` (`aliases`, or `hosts` in older files). */
async function mcAliases(env: Env): Promise<Record<string, McAlias>> {
  const text = await readOptional(mcConfigFile(env));
  if (text === undefined) return {};
  try {
    const config = JSON.parse(text) as { aliases?: Record<string, McAlias>; hosts?: Record<string, McAlias> };
    const entries = Object.entries(config.aliases ?? config.hosts ?? {}).filter(([, a]) => typeof a?.url === 'string' && a.url !== '');
    return Object.fromEntries(entries);
  } catch {
    return {};
  }
}

/** The AWS profiles (`[profile x]`/`[x]` sections of `~/.aws/config` and `~/.aws/credentials`) with their `region` and `endpoint_url`. */
async function awsProfiles(env: Env): Promise<Record<string, Record<string, string>>> {
  const home = env['HOME'] || homedir();
  const config = sections((await readOptional(env['AWS_CONFIG_FILE'] || join(home, '.aws', 'config'))) ?? '');
  const creds = sections((await readOptional(env['AWS_SHARED_CREDENTIALS_FILE'] || join(home, '.aws', 'credentials'))) ?? '');
  const out: Record<string, Record<string, string>> = {};
  for (const [section, keys] of Object.entries(config)) {
    const name = section.startsWith('profile ') ? section.slice(8).trim() : section;
    out[name] = { ...out[name], ...keys };
  }
  for (const [name, keys] of Object.entries(creds)) out[name] = { ...out[name], ...keys };
  return out;
}

/**
 * The alias `aws` (when no profile has that name): the AWS SDK chain (environment, `$AWS_PROFILE`
 * or the default profile, container, instance), offered when the environment has keys or a
 * default profile exists. Returns the profile whose `region`/`endpoint_url` apply.
 */
function awsChain(profiles: Record<string, Record<string, string>>, env: Env): Record<string, string> | undefined {
  const selected = profiles[env['AWS_PROFILE'] || 'default'];
  if (selected || env['AWS_ACCESS_KEY_ID']) return selected ?? {};
  return undefined;
}

function awsEndpoint(profile: Record<string, string>, env: Env): string {
  return env['AWS_ENDPOINT_URL_S3'] || profile['endpoint_url'] || env['AWS_ENDPOINT_URL'] || 'https://s3.amazonaws.com';
}

function awsRegion(profile: Record<string, string>, env: Env): string | undefined {
  return env['AWS_REGION'] || profile['region'] || env['AWS_DEFAULT_REGION'] || undefined;
}

/** `[section]` → `key = value` (only the top-level keys a command line needs). */
function sections(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  let current: Record<string, string> | undefined;
  for (const line of text.split(/\r?\n/).map((l) => l.trim())) {
    const head = /^\[\s*(.+?)\s*\]$/.exec(line);
    if (head) current = out[head[1]!] ??= {};
    else if (current && /^(region|endpoint_url)\s*=/.test(line)) current[line.slice(0, line.indexOf('=')).trim()] = line.slice(line.indexOf('=') + 1).trim();
  }
  return out;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
