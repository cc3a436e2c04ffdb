// `s3kit presign ALIAS/bucket/key`: a presigned GET (or PUT) URL, or a POST form (URL and fields), signed locally.
import { PostPolicy } from '@s3kit/client/node';
import { parse, sizeOption } from '../args.js';
import type { Context } from '../context.js';
import { CliError, EXIT_USAGE } from '../errors.js';
import { parseDuration } from '../format.js';
import { remoteTarget, type RemotePath } from '../target.js';

export const usage = `s3kit presign [--put] [--expire 7d|12h|30m|600] [--version-id ID] [--json] ALIAS/bucket/key
s3kit presign --post [--expire 7d] [--content-type T] [--max-size SIZE] [--json] ALIAS/bucket/key`;

/** Prints a presigned URL or POST form (7 days at most, as SigV4 allows). */
export async function run(ctx: Context, argv: string[]): Promise<void> {
  const { positionals, values } = parse(
    'presign',
    argv,
    { put: { type: 'boolean' }, post: { type: 'boolean' }, expire: { type: 'string' }, 'version-id': { type: 'string' }, 'content-type': { type: 'string' }, 'max-size': { type: 'string' } },
    1,
    1,
  );
  const t = await remoteTarget(positionals[0]!, ctx.env, 'key');
  const expires = seconds(values.expire ?? '7d');
  if (values.post) {
    if (values.put || values['version-id'] !== undefined) throw new CliError('UsageError', 'presign: --post excludes --put and --version-id', EXIT_USAGE);
    return postForm(ctx, t, expires, values);
  }
  if (values['content-type'] !== undefined || values['max-size'] !== undefined) throw new CliError('UsageError', 'presign: --content-type and --max-size go with --post', EXIT_USAGE);
  const versionId = values['version-id'];
  const options = { expires, signal: ctx.signal, ...(versionId === undefined ? {} : { versionId }) };
  const s3 = ctx.client(t.alias);
  const url = values.put ? await s3.presignedPutObject(t.bucket, t.key, options) : await s3.presignedGetObject(t.bucket, t.key, options);
  ctx.stdout.write(values.json ? `${JSON.stringify({ method: values.put ? 'PUT' : 'GET', url, expires })}\n` : `${url}\n`);
}

/**
 * A browser POST form for the key: the URL on the first line, then one `name=value` field per
 * line (the file goes last, as the `file` field).
 */
async function postForm(ctx: Context, t: RemotePath, expires: number, values: { json?: boolean | undefined; 'content-type'?: string | undefined; 'max-size'?: string | undefined }): Promise<void> {
  const policy = new PostPolicy()
    .setBucket(t.bucket)
    .setKey(t.key)
    .setExpires(new Date(Date.now() + expires * 1000));
  if (values['content-type'] !== undefined) policy.setContentType(values['content-type']);
  const max = sizeOption('max-size', values['max-size']);
  if (max !== undefined) policy.setContentLengthRange(0, max);
  const { postURL, formData } = await ctx.client(t.alias).presignedPostPolicy(policy, { signal: ctx.signal });
  ctx.stdout.write(
    values.json
      ? `${JSON.stringify({ method: 'POST', url: postURL, fields: formData, expires })}\n`
      : `${postURL}\n${Object.entries(formData)
          .map(([k, v]) => `${k}=${v}\n`)
          .join('')}`,
  );
}

function seconds(text: string): number {
  const n = parseDuration(text) ?? NaN;
  if (!(n >= 1 && n <= 604800)) throw new CliError('UsageError', `presign: --expire must be 1s to 7d, got ${text}`, EXIT_USAGE);
  return n;
}
