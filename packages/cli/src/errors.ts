// One-line errors: `s3kit: <Code>: <message>` on stderr and an exit code; never a stack trace.
import { isS3Error } from '@s3kit/errors';
import { TransportAbortedError, TransportError } from '@s3kit/http-transport';

/** A failure the command line reports itself (bad usage, missing alias, local file problems). */
export class CliError extends Error {
  override name = 'CliError';
  /**
   * @param code the word printed before the message (`UsageError`, `NoSuchAlias`, ...)
   * @param exitCode the process exit code. **Default:** `1`.
   */
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Exit code after Ctrl-C (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;
/** Exit code after SIGTERM (128 + 15). */
export const EXIT_TERMINATED = 143;
/** Exit code for bad usage (unknown command or option, missing argument). */
export const EXIT_USAGE = 2;

/** `<Code>: <message>` for any error (S3's code, the transport's, Node's `ENOENT`, ...). */
export function errorLine(err: unknown): string {
  if (isS3Error(err)) {
    const where = err.resource ? ` (${err.resource})` : '';
    return `${err.code}: ${oneLine(err.message)}${where}`;
  }
  if (err instanceof TransportAbortedError) return 'Interrupted: the request was aborted';
  if (err instanceof TransportError) return `${err.code}: ${oneLine(err.message)}`;
  if (err instanceof CliError) return `${err.code}: ${oneLine(err.message)}`;
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return `${typeof code === 'string' ? code : err.name}: ${oneLine(err.message)}`;
  }
  return `Error: ${oneLine(String(err))}`;
}

/** The exit code for an error that ended a command. */
export function exitCodeOf(err: unknown): number {
  if (err instanceof CliError) return err.exitCode;
  if (err instanceof TransportAbortedError) return EXIT_INTERRUPTED;
  return 1;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
