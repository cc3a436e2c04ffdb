// Result lines shared by the commands: one JSON object per line with --json, else text (none with -q).
import type { Context } from './context.js';

/** The flags every command takes that shape its output. */
export interface OutputFlags {
  json?: boolean | undefined;
  quiet?: boolean | undefined;
}

/** Prints a result: `obj` as a JSON line with `--json`, else `text` (a line), nothing with `-q`. */
export function emit(ctx: Context, flags: OutputFlags, obj: object, text: string): void {
  if (flags.json) ctx.stdout.write(`${JSON.stringify(obj)}\n`);
  else if (!flags.quiet) ctx.stdout.write(`${text}\n`);
}

/** Prints what a command was asked about: `obj` as a JSON line with `--json`, else `text` (even with `-q`; `''` prints nothing). */
export function show(ctx: Context, flags: OutputFlags, obj: object, text: string): void {
  if (flags.json) ctx.stdout.write(`${JSON.stringify(obj)}\n`);
  else if (text !== '') ctx.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** `ALIAS/bucket[/key]` of a remote path's parts. */
export function where(alias: string, bucket: string, key = ''): string {
  return key === '' ? `${alias}/${bucket}` : `${alias}/${bucket}/${key}`;
}
