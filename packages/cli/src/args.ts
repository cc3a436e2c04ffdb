// Argument parsing over node:util parseArgs: unknown options and missing values are usage errors.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError, EXIT_USAGE } from './errors.js';
import { parseSize } from './format.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The options every command takes. */
export const COMMON = {
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

/** What {@link parse} returns: parseArgs' typed `values` and the `positionals`. */
export type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: typeof COMMON & O; allowPositionals: true; strict: true }>>;

/** Parses `argv` for a command; `positionals` must number between `min` and `max`. */
export function parse<const O extends Options>(command: string, argv: string[], options: O, min: number, max = Infinity): Parsed<O> {
  let parsed: Parsed<O>;
  const all = { ...COMMON, ...options };
  try {
    parsed = parseArgs({ args: withDashValues(argv, all), options: all, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliError('UsageError', `${command}: ${(err as Error).message}`, EXIT_USAGE);
  }
  const n = parsed.positionals.length;
  if (!(parsed.values as Record<string, unknown>)['help'] && (n < min || n > max)) {
    throw new CliError('UsageError', `${command}: expected ${max === min ? min : max === Infinity ? `at least ${min}` : `${min} to ${max}`} argument(s), got ${n}`, EXIT_USAGE);
  }
  return parsed;
}

/**
 * `argv` with a value that starts with `-` joined to its option (`--version-id -Ab3` becomes
 * `--version-id=-Ab3`), as `mc` and Go's flag package read it: version ids (RGW's, MinIO's) and
 * other values may start with a dash, which parseArgs would otherwise refuse as ambiguous. A
 * token that is itself one of the command's options, or `--`, stays an option.
 */
function withDashValues(argv: string[], options: Options): string[] {
  const takesValue = (token: string): boolean => {
    if (token.startsWith('--')) return options[token.slice(2)]?.type === 'string';
    return token.length === 2 && Object.values(options).some((o) => o.short === token[1] && o.type === 'string');
  };
  const isOption = (token: string): boolean =>
    token === '--' || (token.startsWith('--') ? options[token.slice(2).split('=')[0]!] !== undefined : token.length >= 2 && Object.values(options).some((o) => o.short === token[1]));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    const next = argv[i + 1];
    if (next?.startsWith('-') === true && next !== '-' && takesValue(token) && !isOption(next)) {
      out.push(token.startsWith('--') ? `${token}=${next}` : `${token}${next}`);
      i++;
    } else {
      if (token === '--') return out.concat(argv.slice(i));
      out.push(token);
    }
  }
  return out;
}

/** A size option (`5MiB`, `64M`), or `undefined` when absent. */
export function sizeOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  try {
    return parseSize(value);
  } catch {
    throw new CliError('UsageError', `--${name}: not a size: ${value}`, EXIT_USAGE);
  }
}

/** A positive integer option, or `undefined` when absent. */
export function intOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CliError('UsageError', `--${name}: not a positive integer: ${value}`, EXIT_USAGE);
  return n;
}

/** `k=v;k2=v2` (`--attr`) or `k=v&k2=v2` (`--tags`) into a record. */
export function pairsOption(name: string, value: string | undefined, separator: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const pair of value.split(separator)) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new CliError('UsageError', `--${name}: expected key=value, got ${pair}`, EXIT_USAGE);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}
