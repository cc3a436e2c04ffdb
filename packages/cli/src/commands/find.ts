// `s3kit find ALIAS/bucket[/prefix]`: the objects under a prefix whose name, path, size and date
// match, one `ALIAS/bucket/key` per line (or JSON).
import { parse, sizeOption } from '../args.js';
import type { Context } from '../context.js';
import { CliError, EXIT_USAGE } from '../errors.js';
import { parseDuration } from '../format.js';
import { globToRegExp } from '../glob.js';
import { where } from '../output.js';
import { remoteTarget } from '../target.js';

export const usage = `s3kit find [--name GLOB] [--path GLOB] [--larger SIZE] [--smaller SIZE]
          [--newer-than 7d] [--older-than 12h] [--versions] [--json] ALIAS/bucket[/prefix]`;

/** What an object must be to be printed. */
type Test = (o: { key: string; size: number; lastModified: Date | undefined }) => boolean;

/** Prints the matching objects (every matching version with `--versions`). */
export async function run(ctx: Context, argv: string[]): Promise<void> {
  const { positionals, values } = parse(
    'find',
    argv,
    {
      name: { type: 'string', multiple: true },
      path: { type: 'string', multiple: true },
      larger: { type: 'string' },
      smaller: { type: 'string' },
      'newer-than': { type: 'string' },
      'older-than': { type: 'string' },
      versions: { type: 'boolean' },
    },
    1,
    1,
  );
  const t = await remoteTarget(positionals[0]!, ctx.env, 'bucket');
  const tests: Test[] = [];
  for (const glob of values.name ?? []) {
    const re = globToRegExp(glob);
    tests.push((o) => re.test(o.key.slice(o.key.lastIndexOf('/') + 1)));
  }
  for (const glob of values.path ?? []) {
    const re = globToRegExp(glob);
    tests.push((o) => re.test(o.key));
  }
  const larger = sizeOption('larger', values.larger);
  if (larger !== undefined) tests.push((o) => o.size > larger);
  const smaller = sizeOption('smaller', values.smaller);
  if (smaller !== undefined) tests.push((o) => o.size < smaller);
  const now = Date.now();
  const newer = age('newer-than', values['newer-than']);
  if (newer !== undefined) tests.push((o) => (o.lastModified?.getTime() ?? 0) > now - newer);
  const older = age('older-than', values['older-than']);
  if (older !== undefined) tests.push((o) => (o.lastModified?.getTime() ?? now) < now - older);

  const s3 = ctx.client(t.alias);
  const options = { prefix: t.key, recursive: true, signal: ctx.signal };
  for await (const item of values.versions ? s3.listObjectVersions(t.bucket, options) : s3.listObjects(t.bucket, options)) {
    if (!('key' in item) || item.isDeleteMarker || !tests.every((test) => test(item))) continue;
    const path = where(t.alias.name, t.bucket, item.key);
    if (values.json) ctx.stdout.write(`${JSON.stringify({ key: path, size: item.size, lastModified: item.lastModified, etag: item.etag, versionId: item.versionId })}\n`);
    else ctx.stdout.write(`${path}${values.versions && item.versionId ? `  ${item.versionId}` : ''}\n`);
  }
}

/** A duration option in milliseconds. */
function age(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const s = parseDuration(value);
  if (s === undefined) throw new CliError('UsageError', `find: --${name}: not a duration (30m, 12h, 7d, 2w): ${value}`, EXIT_USAGE);
  return s * 1000;
}
