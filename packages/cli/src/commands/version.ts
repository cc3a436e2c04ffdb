// `s3kit version enable|suspend|info ALIAS/bucket`: a bucket's versioning.
import { parse } from '../args.js';
import type { Context } from '../context.js';
import { emit, show } from '../output.js';
import { subcommand } from '../subcommand.js';
import { remoteTarget } from '../target.js';

export const usage = 's3kit version enable|suspend|info [--json] ALIAS/bucket';

/** Turns versioning on or off (suspended), or prints its state (`Enabled`, `Suspended`, `Off`). */
export async function run(ctx: Context, argv: string[]): Promise<void> {
  const [op, rest] = subcommand('version', usage, argv, { enable: 'enable', suspend: 'suspend', info: 'info' });
  const { positionals, values } = parse(`version ${op}`, rest, {}, 1, 1);
  const t = await remoteTarget(positionals[0]!, ctx.env, 'bucket');
  const s3 = ctx.client(t.alias);
  if (op === 'info') {
    const v = await s3.getBucketVersioning(t.bucket, { signal: ctx.signal });
    show(ctx, values, { bucket: t.bucket, status: v.status, ...(v.mfaDelete ? { mfaDelete: v.mfaDelete } : {}) }, `${t.text} versioning is ${v.status}`);
    return;
  }
  const status = op === 'enable' ? 'Enabled' : 'Suspended';
  await s3.setBucketVersioning(t.bucket, { status }, { signal: ctx.signal });
  emit(ctx, values, { status: 'success', bucket: t.bucket, versioning: status }, `${t.text} versioning is ${status}`);
}
