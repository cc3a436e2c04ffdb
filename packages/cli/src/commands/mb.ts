// `s3kit mb ALIAS/bucket`: creates a bucket.
import { parse } from '../args.js';
import type { Context } from '../context.js';
import { remoteTarget } from '../target.js';

export const usage = 's3kit mb [--region R] [--with-lock] [--ignore-existing] ALIAS/bucket';

/** Creates a bucket (with object lock on `--with-lock`). */
export async function run(ctx: Context, argv: string[]): Promise<void> {
  const { positionals, values } = parse('mb', argv, { region: { type: 'string' }, 'with-lock': { type: 'boolean' }, 'ignore-existing': { type: 'boolean', short: 'p' } }, 1, 1);
  const t = await remoteTarget(positionals[0]!, ctx.env, 'bucket');
  const s3 = ctx.client(t.alias);
  if (values['ignore-existing'] && (await s3.bucketExists(t.bucket, { signal: ctx.signal }))) return;
  await s3.makeBucket(t.bucket, { signal: ctx.signal, objectLocking: values['with-lock'] ?? false, ...(values.region === undefined ? {} : { region: values.region }) });
  if (!values.quiet) ctx.stdout.write(values.json ? `${JSON.stringify({ status: 'success', bucket: t.bucket })}\n` : `Bucket created: ${t.text}\n`);
}
