#!/usr/bin/env node
// The s3kit command line: `s3kit <command> [options] [arguments]`. Errors are one line on stderr
// (`s3kit: <Code>: <message>`) with a non-zero exit; Ctrl-C aborts in-flight requests (and the
// multipart uploads they started, unless --keep-partial) and exits 130; SIGTERM does the same and exits 143.
import { setMaxListeners } from 'node:events';
import { createContext, type Context } from './context.js';
import { CliError, EXIT_INTERRUPTED, EXIT_TERMINATED, EXIT_USAGE, errorLine, exitCodeOf } from './errors.js';
import * as alias from './commands/alias.js';
import * as cat from './commands/cat.js';
import * as cp from './commands/cp.js';
import * as du from './commands/du.js';
import * as ls from './commands/ls.js';
import * as mb from './commands/mb.js';
import * as mirror from './commands/mirror.js';
import * as presign from './commands/presign.js';
import * as rb from './commands/rb.js';
import * as rm from './commands/rm.js';
import * as stat from './commands/stat.js';
import * as find from './commands/find.js';
import * as head from './commands/head.js';
import * as legalhold from './commands/legalhold.js';
import * as policy from './commands/policy.js';
import * as retention from './commands/retention.js';
import * as select from './commands/select.js';
import * as tag from './commands/tag.js';
import * as version from './commands/version.js';
import * as watch from './commands/watch.js';

interface Command {
  usage: string;
  run(ctx: Context, argv: string[]): Promise<void>;
}

const COMMANDS: Record<string, Command> = { alias, ls, mb, rb, cp, mirror, sync: mirror, cat, stat, rm, presign, du, head, find, tag, policy, version, retention, legalhold, select, watch };

function help(): string {
  return `usage: s3kit <command> [options]\n\n${[...new Set(Object.values(COMMANDS))]
    .map((c) => c.usage)
    .join('\n')}\n\nPaths are ALIAS/bucket/key; aliases come from s3kit alias, mc's config.json and AWS profiles.\n`;
}

/** Runs one command line; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal); // every request of a transfer listens on it
  let interrupts = 0;
  let exitCode = EXIT_INTERRUPTED;
  const onSignal = (signal: NodeJS.Signals): void => {
    // First Ctrl-C (or SIGTERM): abort cleanly (multipart uploads are aborted); a second one: leave now.
    exitCode = signal === 'SIGTERM' ? EXIT_TERMINATED : EXIT_INTERRUPTED;
    if (++interrupts > 1) process.exit(exitCode);
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
  });
  const ctx = createContext({ env: process.env, stdout: process.stdout, stderr: process.stderr, signal: controller.signal });
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
      process.stdout.write(help());
      return name === undefined ? EXIT_USAGE : 0;
    }
    const command = COMMANDS[name];
    if (!command) throw new CliError('UsageError', `unknown command "${name}" (s3kit help)`, EXIT_USAGE);
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(`usage: ${command.usage}\n`);
      return 0;
    }
    await command.run(ctx, rest);
    return 0;
  } catch (err) {
    if (controller.signal.aborted) {
      process.stderr.write('s3kit: Interrupted\n');
      return exitCode;
    }
    process.stderr.write(`s3kit: ${errorLine(err)}\n`);
    return exitCodeOf(err);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await ctx.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
