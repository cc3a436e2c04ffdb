// `s3kit head [-n LINES | -c BYTES] ALIAS/bucket/key`: the first lines (or bytes) of an object,
// read with ranged GETs: a window that doubles until enough lines are seen, never the whole object
// unless it has fewer lines.
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isS3Error } from '@s3kit/errors';
import { intOption, parse, sizeOption } from '../args.js';
import type { Context } from '../context.js';
import { CliError, EXIT_USAGE } from '../errors.js';
import { remoteTarget } from '../target.js';

export const usage = 's3kit head [-n LINES | -c BYTES] [--version-id ID] ALIAS/bucket/key';

/** First window read for `-n` (bytes); each further one doubles, up to {@link MAX_WINDOW}. */
const FIRST_WINDOW = 64 * 1024;
const MAX_WINDOW = 8 * 1024 * 1024;

/** Prints the first lines (default 10) or bytes of an object. */
export async function run(ctx: Context, argv: string[]): Promise<void> {
  const { positionals, values } = parse('head', argv, { lines: { type: 'string', short: 'n' }, bytes: { type: 'string', short: 'c' }, 'version-id': { type: 'string' } }, 1, 1);
  if (values.lines !== undefined && values.bytes !== undefined) throw new CliError('UsageError', 'head: -n and -c exclude each other', EXIT_USAGE);
  const t = await remoteTarget(positionals[0]!, ctx.env, 'key');
  const s3 = ctx.client(t.alias);
  const versionId = values['version-id'];
  /** Bytes `offset`..`offset+length-1` (fewer at the end, none past it), as a stream. */
  const range = async (offset: number, length: number): Promise<Readable | undefined> => {
    try {
      return await s3.getObject(t.bucket, t.key, { offset, length, signal: ctx.signal, ...(versionId === undefined ? {} : { versionId }) });
    } catch (err) {
      // A range starting at the end (an empty object, or a size that is a multiple of the window).
      if (isS3Error(err) && err.code === 'InvalidRange') return undefined;
      throw err;
    }
  };
  const bytes = sizeOption('bytes', values.bytes);
  if (bytes !== undefined) {
    const body = bytes > 0 ? await range(0, bytes) : undefined;
    if (body) await pipeline(body, ctx.stdout, { end: false });
    return;
  }
  let left = intOption('lines', values.lines) ?? 10;
  let offset = 0;
  for (let window = FIRST_WINDOW; ; window = Math.min(window * 2, MAX_WINDOW)) {
    const body = await range(offset, window);
    const chunk = body ? Buffer.concat(await body.toArray()) : Buffer.alloc(0);
    let end = 0;
    while (left > 0 && end < chunk.length) {
      const nl = chunk.indexOf(0x0a, end);
      end = nl < 0 ? chunk.length : nl + 1;
      if (nl >= 0) left--;
    }
    ctx.stdout.write(chunk.subarray(0, end));
    if (left === 0 || chunk.length < window) return;
    offset += chunk.length;
  }
}
