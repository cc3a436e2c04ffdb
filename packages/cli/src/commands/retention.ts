// `s3kit retention set|clear|info`: an object version's retention, or (a path without a key) the
// bucket's default retention, on object-lock buckets.
import type { Retention } from '@s3kit/client/node';
import { parse } from '../args.js';
import type { Context } from '../context.js';
import { CliError, EXIT_USAGE } from '../errors.js';
import { emit, show, type OutputFlags } from '../output.js';
import { subcommand } from '../subcommand.js';
import { remoteTarget, type RemotePath } from '../target.js';

export const usage = `s3kit retention set [--version-id ID] [--bypass-governance] GOVERNANCE|COMPLIANCE 30d|1y ALIAS/bucket[/key]
s3kit retention clear [--version-id ID] [--bypass-governance] ALIAS/bucket[/key]
s3kit retention info [--version-id ID] [--json] ALIAS/bucket[/key]`;

const OPTIONS = { 'version-id': { type: 'string' }, 'bypass-governance': { type: 'boolean' } } as const;

/** Sets, removes or prints a retention. */
export async function run(ctx: Context, argv: string[]): Promise<void> {
  const [op, rest] = subcommand('retention', usage, argv, { set: 'set', clear: 'clear', info: 'info' });
  const n = op === 'set' ? 3 : 1;
  const { positionals, values } = parse(`retention ${op}`, rest, OPTIONS, n, n);
  const t = await remoteTarget(positionals[n - 1]!, ctx.env, 'bucket');
  const versionId = values['version-id'];
  if (t.key === '' && (versionId !== undefined || values['bypass-governance']))
    throw new CliError('UsageError', `retention: --version-id and --bypass-governance need an object (${t.text})`, EXIT_USAGE);
  const mode = op === 'set' ? lockMode(positionals[0]!) : undefined;
  const validity = op === 'set' ? period(positionals[1]!) : undefined;
  const s3 = ctx.client(t.alias);
  const signal = ctx.signal;
  if (t.key === '') return bucketDefault(ctx, op, t, values, mode && validity && { mode, ...validity });
  const options = { signal, governanceBypass: values['bypass-governance'] ?? false, ...(versionId === undefined ? {} : { versionId }) };
  if (op === 'info') {
    const r = await s3.getObjectRetention(t.bucket, t.key, options);
    show(
      ctx,
      values,
      { target: t.text, versionId, mode: r?.mode, retainUntilDate: r?.retainUntilDate },
      r ? `${t.text}: ${r.mode} until ${r.retainUntilDate.toISOString()}` : `${t.text}: no retention`,
    );
  } else if (op === 'clear') {
    await s3.clearObjectRetention(t.bucket, t.key, options);
    emit(ctx, values, { status: 'success', target: t.text, versionId }, `${t.text}: retention cleared`);
  } else {
    const until = new Date();
    if (validity!.unit === 'Years') until.setUTCFullYear(until.getUTCFullYear() + validity!.validity);
    else until.setUTCDate(until.getUTCDate() + validity!.validity);
    until.setUTCMilliseconds(0);
    const retention: Retention = { mode: mode!, retainUntilDate: until };
    await s3.setObjectRetention(t.bucket, t.key, retention, options);
    emit(ctx, values, { status: 'success', target: t.text, versionId, mode, retainUntilDate: until }, `${t.text}: ${mode} until ${until.toISOString()}`);
  }
}

type DefaultRetention = { mode: Retention['mode']; validity: number; unit: 'Days' | 'Years' };

/** The bucket's default retention: set, cleared (object lock stays on) or printed. */
async function bucketDefault(ctx: Context, op: 'set' | 'clear' | 'info', t: RemotePath, values: OutputFlags, rule: DefaultRetention | undefined): Promise<void> {
  const s3 = ctx.client(t.alias);
  const signal = ctx.signal;
  if (op === 'set') {
    await s3.setObjectLockConfig(t.bucket, rule!, { signal });
    emit(ctx, values, { status: 'success', bucket: t.bucket, ...rule }, `${t.text}: default ${rule!.mode} for ${rule!.validity} ${rule!.unit.toLowerCase()}`);
  } else if (op === 'clear') {
    await s3.deleteObjectLockConfig(t.bucket, { signal });
    emit(ctx, values, { status: 'success', bucket: t.bucket }, `${t.text}: default retention cleared`);
  } else {
    const c = await s3.getObjectLockConfig(t.bucket, { signal });
    const text = c.mode ? `${t.text}: object lock on, default ${c.mode} for ${c.validity} ${c.unit?.toLowerCase()}` : `${t.text}: object lock ${c.enabled ? 'on' : 'off'}, no default retention`;
    show(ctx, values, { bucket: t.bucket, enabled: c.enabled, mode: c.mode, validity: c.validity, unit: c.unit }, text);
  }
}

function lockMode(text: string): Retention['mode'] {
  const m = text.toUpperCase();
  if (m !== 'GOVERNANCE' && m !== 'COMPLIANCE') throw new CliError('UsageError', `retention: the mode is GOVERNANCE or COMPLIANCE, got ${text}`, EXIT_USAGE);
  return m;
}

/** `30d` → 30 Days, `1y` → 1 Years. */
function period(text: string): { validity: number; unit: 'Days' | 'Years' } {
  const m = /^([1-9]\d*)([dy])$/i.exec(text);
  if (!m) throw new CliError('UsageError', `retention: the validity is days or years (30d, 1y), got ${text}`, EXIT_USAGE);
  return { validity: Number(m[1]), unit: m[2]!.toLowerCase() === 'y' ? 'Years' : 'Days' };
}
