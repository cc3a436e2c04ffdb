import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A bad command line: the message is one line for stderr, the exit status is 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `node:util` `parseArgs` (strict, positionals allowed) with a command line's own rules: a
 * negative number is a value (`--admin-port -1`, which `parseArgs` calls ambiguous), and every
 * mistake is a {@link UsageError} with one short line (`unknown option --bogus (see --help)`).
 */
export function parseCommandLine<O extends Options>(
  config: { allowPositionals: true; options: O },
  args: readonly string[] = process.argv.slice(2),
): ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>> {
  const { options } = config;
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const name = a.startsWith('--') ? a.slice(2) : undefined;
    const next = args[i + 1];
    // `--port -1` → `--port=-1`, for options that take a value only.
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${a}=${next}`);
      i++;
    } else joined.push(a);
  }
  try {
    return parseArgs({ args: joined, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(usageMessage(err));
  }
}

/** One line for a `parseArgs` error (its own messages span lines and suggest `--` tricks). */
function usageMessage(err: unknown): string {
  const e = err as { code?: string; message?: string };
  // "Option '-h, --help' does not take…", "Option '--port <value>' argument missing", "Unknown option '--x'".
  const option = /'(?:-\w, )?(-[^' ]+)/.exec(e.message ?? '')?.[1];
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${option ?? ''} (see --help)`;
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/does not take an argument/.test(e.message ?? '')) return `${option} takes no value (see --help)`;
    return `${option} needs a value (see --help)`;
  }
  return `${(e.message ?? String(err)).split('\n')[0]} (see --help)`;
}

/**
 * A port from a flag or the environment: undefined when not given, else an integer in
 * `min`–65535 (`-1` where allowed: "off").
 * @throws UsageError naming `source` (`--port: must be an integer from 0 to 65535 (got "abc")`).
 */
export function portValue(source: string, v: string | undefined, min: 0 | -1 = 0): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = /^-?\d+$/.test(v.trim()) ? Number(v) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > 65535) throw new UsageError(`${source}: must be an integer from 0 to 65535${min === -1 ? ', or -1 to disable' : ''} (got ${JSON.stringify(v)})`);
  return n;
}

/** The program's version, from its package.json (next to `src/` and `dist/`). */
export function programVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
  return `${manifest.name} ${manifest.version}`;
}
