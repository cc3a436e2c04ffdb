// `s3kit rb ALIAS/bucket`: removes a bucket; `--force` empties it first (versions, delete markers, uploads).
import { parse } from '../args.js';
import type { Context } from '../context.js';
import { emptyPrefix } from '../remove.js';
import { remoteTarget } from '../target.js';

export const usage = 's3kit rb [--force] [--bypass-governance] ALIAS/bucket';

/** Removes a bucket. */
export async function run(ctx: Context, argv: string[]): Promise<void> {
  const { positionals, values } = parse('rb', argv, { force: { type: 'boolean' }, 'bypass-governance': { type: 'boolean' } }, 1, 1);
  const t = await remoteTarget(positionals[0]!, ctx.env, 'bucket');
  const s3 = ctx.client(t.alias);
  if (values.force) await emptyPrefix(s3, t.bucket, '', { versions: true, uploads: true, governanceBypass: values['bypass-governance'] ?? false, signal: ctx.signal });
  await s3.removeBucket(t.bucket, { signal: ctx.signal });
  if (!values.quiet) ctx.stdout.write(values.json ? `${JSON.stringify({ status: 'success', bucket: t.bucket })}\n` : `Bucket removed: ${t.text}\n`);
}
