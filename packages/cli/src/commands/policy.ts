// `s3kit policy set|get|list`: a bucket's policy, from a JSON file or as canned anonymous access
// (none, download, upload, public) for the bucket or a prefix.
import { readFile } from 'node:fs/promises';
import { isS3Error } from '@s3kit/errors';
import { parse } from '../args.js';
import { ACCESS, accessByPrefix, withAccess, type Access, type PolicyDocument } from '../canned-policy.js';
import type { Context } from '../context.js';
import { CliError, EXIT_USAGE } from '../errors.js';
import { emit, show, where } from '../output.js';
import { subcommand } from '../subcommand.js';
import { remoteTarget } from '../target.js';

export const usage = `s3kit policy set none|download|upload|public ALIAS/bucket[/prefix]
s3kit policy set FILE.json ALIAS/bucket
s3kit policy get ALIAS/bucket
s3kit policy list [--json] ALIAS/bucket`;

/** Sets, prints or lists a bucket's policy. */
export async function run(ctx: Context, argv: string[]): Promise<void> {
  const [op, rest] = subcommand('policy', usage, argv, { set: 'set', get: 'get', list: 'list', ls: 'list' });
  const n = op === 'set' ? 2 : 1;
  const { positionals, values } = parse(`policy ${op}`, rest, {}, n, n);
  const t = await remoteTarget(positionals[n - 1]!, ctx.env, 'bucket');
  const s3 = ctx.client(t.alias);
  const signal = ctx.signal;
  if (op === 'get') {
    const text = await s3.getBucketPolicy(t.bucket, { signal });
    ctx.stdout.write(values.json ? `${JSON.stringify({ bucket: t.bucket, policy: JSON.parse(text) as unknown })}\n` : `${JSON.stringify(JSON.parse(text), null, 2)}\n`);
    return;
  }
  const current = await currentPolicy(() => s3.getBucketPolicy(t.bucket, { signal }));
  if (op === 'list') {
    for (const [prefix, access] of accessByPrefix(current, t.bucket)) {
      show(ctx, values, { bucket: t.bucket, prefix, access }, `${where(t.alias.name, t.bucket, `${prefix}*`)}  ${access}`);
    }
    return;
  }
  const what = positionals[0]!;
  if ((ACCESS as readonly string[]).includes(what)) {
    const next = withAccess(current, t.bucket, t.key, what as Access);
    if (next) await s3.setBucketPolicy(t.bucket, next, { signal });
    else if (current) await s3.deleteBucketPolicy(t.bucket, { signal });
    emit(ctx, values, { status: 'success', bucket: t.bucket, prefix: t.key, access: what }, `Access of ${t.text} set to ${what}`);
    return;
  }
  if (t.key !== '') throw new CliError('UsageError', `policy set: a policy file applies to a whole bucket (${t.text}); canned access is none, download, upload or public`, EXIT_USAGE);
  await s3.setBucketPolicy(t.bucket, await readFile(what, 'utf8'), { signal });
  emit(ctx, values, { status: 'success', bucket: t.bucket, file: what }, `Policy of ${t.text} set from ${what}`);
}

/** The bucket's policy, or `undefined` when it has none (`NoSuchBucketPolicy`). */
async function currentPolicy(get: () => Promise<string>): Promise<PolicyDocument | undefined> {
  try {
    return JSON.parse(await get()) as PolicyDocument;
  } catch (err) {
    if (isS3Error(err) && err.code === 'NoSuchBucketPolicy') return undefined;
    throw err;
  }
}
