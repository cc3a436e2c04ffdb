// `s3kit legalhold set|clear|info ALIAS/bucket/key`: an object version's legal hold (object-lock buckets).
import { parse } from '../args.js';
import type { Context } from '../context.js';
import { emit, show } from '../output.js';
import { subcommand } from '../subcommand.js';
import { remoteTarget } from '../target.js';

export const usage = 's3kit legalhold set|clear|info [--version-id ID] [--json] ALIAS/bucket/key...';

/** Puts a legal hold on (`set`), takes it off (`clear`) or prints it (`ON`/`OFF`). */
export async function run(ctx: Context, argv: string[]): Promise<void> {
  const [op, rest] = subcommand('legalhold', usage, argv, { set: 'set', clear: 'clear', info: 'info' });
  const { positionals, values } = parse(`legalhold ${op}`, rest, { 'version-id': { type: 'string' } }, 1);
  const versionId = values['version-id'];
  for (const arg of positionals) {
    const t = await remoteTarget(arg, ctx.env, 'key');
    const s3 = ctx.client(t.alias);
    const options = { signal: ctx.signal, ...(versionId === undefined ? {} : { versionId }) };
    if (op === 'info') {
      const on = await s3.isObjectLegalHoldEnabled(t.bucket, t.key, options);
      show(ctx, values, { target: t.text, versionId, legalHold: on ? 'ON' : 'OFF' }, `${t.text}: legal hold ${on ? 'ON' : 'OFF'}`);
    } else {
      await (op === 'set' ? s3.enableObjectLegalHold(t.bucket, t.key, options) : s3.disableObjectLegalHold(t.bucket, t.key, options));
      const state = op === 'set' ? 'ON' : 'OFF';
      emit(ctx, values, { status: 'success', target: t.text, versionId, legalHold: state }, `${t.text}: legal hold ${state}`);
    }
  }
}
