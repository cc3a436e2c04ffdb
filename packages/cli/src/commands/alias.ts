// `s3kit alias set NAME URL ACCESS SECRET` / `alias ls` / `alias rm NAME`.
import { listAliases } from '../aliases.js';
import { parse } from '../args.js';
import { configPath, loadConfig, saveConfig, type AliasEntry } from '../config.js';
import type { Context } from '../context.js';
import { CliError, EXIT_USAGE } from '../errors.js';

export const usage = `s3kit alias set NAME URL ACCESS_KEY SECRET_KEY [--region R]
s3kit alias ls [--json]
s3kit alias rm NAME`;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Runs an alias subcommand. */
export async function run(ctx: Context, argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === 'set') return set(ctx, rest);
  if (sub === 'ls' || sub === 'list') return list(ctx, rest);
  if (sub === 'rm' || sub === 'remove') return remove(ctx, rest);
  throw new CliError('UsageError', `alias: expected set, ls or rm\n${usage}`, EXIT_USAGE);
}

async function set(ctx: Context, argv: string[]): Promise<void> {
  const { positionals, values } = parse('alias set', argv, { region: { type: 'string' } }, 4, 4);
  const [name, url, accessKey, secretKey] = positionals as [string, string, string, string];
  if (!NAME.test(name)) throw new CliError('UsageError', `alias set: invalid alias name "${name}" (letters, digits, . _ -)`, EXIT_USAGE);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError('UsageError', `alias set: not a URL: ${url}`, EXIT_USAGE);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new CliError('UsageError', `alias set: the URL must be http(s): ${url}`, EXIT_USAGE);
  const config = await loadConfig(ctx.env);
  const entry: AliasEntry = { url, accessKey, secretKey, ...(values.region === undefined ? {} : { region: values.region }) };
  config.aliases[name] = entry;
  await saveConfig(config, ctx.env);
  if (!values.quiet) ctx.stdout.write(`Added alias ${name} (${url}) to ${configPath(ctx.env)}\n`);
}

async function list(ctx: Context, argv: string[]): Promise<void> {
  const { values } = parse('alias ls', argv, {}, 0, 0);
  const aliases = await listAliases(ctx.env);
  for (const a of aliases) {
    if (values.json) ctx.stdout.write(`${JSON.stringify(a)}\n`);
    else ctx.stdout.write(`${a.name.padEnd(12)} ${a.source.padEnd(6)} ${a.url}${a.accessKey ? `  ${a.accessKey}` : ''}${a.region ? `  ${a.region}` : ''}\n`);
  }
}

async function remove(ctx: Context, argv: string[]): Promise<void> {
  const { positionals, values } = parse('alias rm', argv, {}, 1, 1);
  const name = positionals[0]!;
  const config = await loadConfig(ctx.env);
  if (!config.aliases[name]) throw new CliError('NoSuchAlias', `no alias "${name}" in ${configPath(ctx.env)}`);
  delete config.aliases[name];
  await saveConfig(config, ctx.env);
  if (!values.quiet) ctx.stdout.write(`Removed alias ${name}\n`);
}
