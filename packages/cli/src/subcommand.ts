// Commands made of subcommands (`tag set`, `version info`, ...): the first argument names one.
import { CliError, EXIT_USAGE } from './errors.js';

/**
 * The subcommand `argv[0]` names (or an alias of it) and the arguments after it.
 * @param names accepted words, each mapping to the canonical subcommand
 */
export function subcommand<S extends string>(command: string, usage: string, argv: string[], names: Record<string, S>): [S, string[]] {
  const [word, ...rest] = argv;
  const sub = word === undefined ? undefined : names[word];
  if (sub === undefined) throw new CliError('UsageError', `${command}: expected ${[...new Set(Object.values(names))].join(', ')}\n${usage}`, EXIT_USAGE);
  return [sub, rest];
}
