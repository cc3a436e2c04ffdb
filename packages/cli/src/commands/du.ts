// `s3kit du ALIAS/bucket[/prefix]`: how many objects and bytes a bucket or prefix holds.
import { parse } from '../args.js';
import type { Context } from '../context.js';
import { humanSize } from '../format.js';
import { remoteTarget } from '../target.js';

export const usage = 's3kit du [--versions] [--json] ALIAS/bucket[/prefix]';

/** Sums the objects (every version with `--versions`) under a prefix. */
export async function run(ctx: Context, argv: string[]): Promise<void> {
  const { positionals, values } = parse('du', argv, { versions: { type: 'boolean' } }, 1, 1);
  const t = await remoteTarget(positionals[0]!, ctx.env, 'bucket');
  const s3 = ctx.client(t.alias);
  const options = { prefix: t.key, recursive: true, signal: ctx.signal };
  let objects = 0;
  let bytes = 0;
  for await (const item of values.versions ? s3.listObjectVersions(t.bucket, options) : s3.listObjects(t.bucket, options)) {
    if (!('key' in item) || item.isDeleteMarker) continue;
    objects++;
    bytes += item.size;
  }
  ctx.stdout.write(values.json ? `${JSON.stringify({ prefix: t.text, objects, size: bytes })}\n` : `${humanSize(bytes).padStart(9)}  ${objects} object(s)  ${t.text}\n`);
}
