// `s3kit cat ALIAS/bucket/key`: an object's bytes to stdout.
import { pipeline } from 'node:stream/promises';
import { parse } from '../args.js';
import type { Context } from '../context.js';
import { remoteTarget } from '../target.js';

export const usage = 's3kit cat [--version-id ID] ALIAS/bucket/key...';

/** Streams objects to stdout, in order. */
export async function run(ctx: Context, argv: string[]): Promise<void> {
  const { positionals, values } = parse('cat', argv, { 'version-id': { type: 'string' } }, 1);
  for (const arg of positionals) {
    const t = await remoteTarget(arg, ctx.env, 'key');
    const versionId = values['version-id'];
    const obj = await ctx.client(t.alias).getObject(t.bucket, t.key, { signal: ctx.signal, ...(versionId === undefined ? {} : { versionId }) });
    await pipeline(obj, ctx.stdout, { end: false });
  }
}
