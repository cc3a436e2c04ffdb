// `s3kit presign ALIAS/bucket/key`: a presigned GET (or PUT) URL, signed locally.
import { parse } from '../args.js';
import type { Context } from '../context.js';
import { CliError, EXIT_USAGE } from '../errors.js';
import { remoteTarget } from '../target.js';

export const usage = 's3kit presign [--put] [--expire 7d|12h|30m|600] [--version-id ID] [--json] ALIAS/bucket/key';

const UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Prints a presigned URL (7 days at most, as SigV4 allows). */
export async function run(ctx: Context, argv: string[]): Promise<void> {
  const { positionals, values } = parse('presign', argv, { put: { type: 'boolean' }, expire: { type: 'string' }, 'version-id': { type: 'string' } }, 1, 1);
  const t = await remoteTarget(positionals[0]!, ctx.env, 'key');
  const expires = seconds(values.expire ?? '7d');
  const versionId = values['version-id'];
  const options = { expires, signal: ctx.signal, ...(versionId === undefined ? {} : { versionId }) };
  const s3 = ctx.client(t.alias);
  const url = values.put ? await s3.presignedPutObject(t.bucket, t.key, options) : await s3.presignedGetObject(t.bucket, t.key, options);
  ctx.stdout.write(values.json ? `${JSON.stringify({ method: values.put ? 'PUT' : 'GET', url, expires })}\n` : `${url}\n`);
}

function seconds(text: string): number {
  const m = /^(\d+)([smhd]?)$/.exec(text);
  const n = m ? Number(m[1]) * UNIT[m[2] || 's']! : NaN;
  if (!(n >= 1 && n <= 604800)) throw new CliError('UsageError', `presign: --expire must be 1s to 7d, got ${text}`, EXIT_USAGE);
  return n;
}
