// Command-line paths: `ALIAS[/bucket[/key]]` when the first segment is a known alias, else a local path.
import { resolveAlias, type ResolvedAlias } from './aliases.js';
import { CliError } from './errors.js';

/** A path on an S3 server. `bucket`/`key` may be empty (`ALIAS`, `ALIAS/bucket`). */
export interface RemotePath {
  kind: 'remote';
  alias: ResolvedAlias;
  bucket: string;
  key: string;
  /** As typed. */
  text: string;
}

/** A path on this machine. */
export interface LocalPath {
  kind: 'local';
  path: string;
  text: string;
}

export type Target = RemotePath | LocalPath;

/** Resolves an argument: absolute or `./` paths are local; otherwise an alias name decides. */
export async function parseTarget(arg: string, env: Record<string, string | undefined>): Promise<Target> {
  if (arg.startsWith('/') || arg.startsWith('.') || arg.startsWith('~')) return { kind: 'local', path: arg, text: arg };
  const slash = arg.indexOf('/');
  const name = slash < 0 ? arg : arg.slice(0, slash);
  const alias = await resolveAlias(name, env);
  if (!alias) return { kind: 'local', path: arg, text: arg };
  const rest = slash < 0 ? '' : arg.slice(slash + 1);
  const s = rest.indexOf('/');
  return { kind: 'remote', alias, bucket: s < 0 ? rest : rest.slice(0, s), key: s < 0 ? '' : rest.slice(s + 1), text: arg };
}

/** A remote path, or `NoSuchAlias`; `need` also requires the bucket (and the key). */
export async function remoteTarget(arg: string, env: Record<string, string | undefined>, need: 'alias' | 'bucket' | 'key' = 'alias'): Promise<RemotePath> {
  const t = await parseTarget(arg, env);
  if (t.kind === 'local') {
    const name = arg.split('/')[0] ?? arg;
    throw new CliError('NoSuchAlias', `no alias "${name}" (s3kit alias ls lists them)`);
  }
  if (need !== 'alias' && t.bucket === '') throw new CliError('UsageError', `${arg}: a bucket is needed (ALIAS/bucket)`, 2);
  if (need === 'key' && t.key === '') throw new CliError('UsageError', `${arg}: an object key is needed (ALIAS/bucket/key)`, 2);
  return t;
}
