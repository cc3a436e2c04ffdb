// `s3kit rm ALIAS/bucket/key`: removes objects; `-r` everything under a prefix, `--versions` every version.
import { parse } from '../args.js';
import type { Context } from '../context.js';
import { CliError, EXIT_USAGE } from '../errors.js';
import { emptyPrefix } from '../remove.js';
import { remoteTarget } from '../target.js';

export const usage = 's3kit rm [-r] [--versions | --version-id ID] [--bypass-governance] ALIAS/bucket/key...';

/** Removes objects, prefixes or versions. */
export async function run(ctx: Context, argv: string[]): Promise<void> {
  const { positionals, values } = parse(
    'rm',
    argv,
    { recursive: { type: 'boolean', short: 'r' }, versions: { type: 'boolean' }, 'version-id': { type: 'string' }, 'bypass-governance': { type: 'boolean' } },
    1,
  );
  if (values.versions && values['version-id'] !== undefined) throw new CliError('UsageError', 'rm: --versions and --version-id exclude each other', EXIT_USAGE);
  const governanceBypass = values['bypass-governance'] ?? false;
  for (const arg of positionals) {
    const t = await remoteTarget(arg, ctx.env, values.recursive ? 'bucket' : 'key');
    const s3 = ctx.client(t.alias);
    const report = (e: { key: string; versionId?: string }): void => {
      if (values.quiet) return;
      const where = `${t.alias.name}/${t.bucket}/${e.key}`;
      ctx.stdout.write(values.json ? `${JSON.stringify({ status: 'removed', key: where, versionId: e.versionId })}\n` : `Removed ${where}${e.versionId ? ` (${e.versionId})` : ''}\n`);
    };
    if (values.recursive || values.versions) {
      await emptyPrefix(s3, t.bucket, t.key, { versions: values.versions ?? false, exactKey: !values.recursive, governanceBypass, signal: ctx.signal, onEntry: report });
      continue;
    }
    const versionId = values['version-id'];
    await s3.removeObject(t.bucket, t.key, { governanceBypass, signal: ctx.signal, ...(versionId === undefined ? {} : { versionId }) });
    report(versionId === undefined ? { key: t.key } : { key: t.key, versionId });
  }
}
