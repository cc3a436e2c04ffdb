// `s3kit tag set|list|remove ALIAS/bucket[/key]`: an object's tags (a version's with --version-id),
// or a bucket's when the path has no key.
import { isS3Error } from '@s3kit/errors';
import { pairsOption, parse } from '../args.js';
import type { Context } from '../context.js';
import { CliError, EXIT_USAGE } from '../errors.js';
import { emit, show } from '../output.js';
import { subcommand } from '../subcommand.js';
import { remoteTarget } from '../target.js';

export const usage = `s3kit tag set [--version-id ID] ALIAS/bucket[/key] 'k=v&k2=v2'
s3kit tag list [--version-id ID] [--json] ALIAS/bucket[/key]
s3kit tag remove [--version-id ID] ALIAS/bucket[/key]`;

/** Runs a tag subcommand. */
export async function run(ctx: Context, argv: string[]): Promise<void> {
  const [op, rest] = subcommand('tag', usage, argv, { set: 'set', list: 'list', ls: 'list', remove: 'remove', rm: 'remove' });
  const { positionals, values } = parse(`tag ${op}`, rest, { 'version-id': { type: 'string' } }, op === 'set' ? 2 : 1, op === 'set' ? 2 : 1);
  const t = await remoteTarget(positionals[0]!, ctx.env, 'bucket');
  const s3 = ctx.client(t.alias);
  const versionId = values['version-id'];
  if (t.key === '' && versionId !== undefined) throw new CliError('UsageError', `tag: --version-id needs an object (${t.text})`, EXIT_USAGE);
  const options = { signal: ctx.signal, ...(versionId === undefined ? {} : { versionId }) };
  const onObject = t.key !== '';
  if (op === 'set') {
    const tags = pairsOption('tags', positionals[1], '&') ?? {};
    await (onObject ? s3.setObjectTags(t.bucket, t.key, tags, options) : s3.setBucketTags(t.bucket, tags, options));
    emit(ctx, values, { status: 'success', target: t.text, tags }, `Tags set on ${t.text}`);
  } else if (op === 'remove') {
    await (onObject ? s3.deleteObjectTags(t.bucket, t.key, options) : s3.deleteBucketTags(t.bucket, options));
    emit(ctx, values, { status: 'success', target: t.text }, `Tags removed from ${t.text}`);
  } else {
    const tags = onObject ? await s3.getObjectTags(t.bucket, t.key, options) : await bucketTags(() => s3.getBucketTags(t.bucket, options));
    show(
      ctx,
      values,
      { target: t.text, tags },
      Object.entries(tags)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    );
  }
}

/** A bucket's tags; none (S3's `NoSuchTagSet`, RGW's `NoSuchTagSetError`) is `{}`. */
async function bucketTags(get: () => Promise<Record<string, string>>): Promise<Record<string, string>> {
  try {
    return await get();
  } catch (err) {
    if (isS3Error(err) && /^NoSuchTagSet/.test(err.code)) return {};
    throw err;
  }
}
