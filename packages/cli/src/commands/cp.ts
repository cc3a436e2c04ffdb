// `s3kit cp SOURCE... TARGET`: local ↔ S3 and S3 → S3 (server-side), files or trees (-r, with
// include/exclude globs), standard input/output (`-`), with a progress bar on a TTY and one line
// (or JSON object) per file otherwise.
import { stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { pairsOption, parse } from '../args.js';
import type { Context } from '../context.js';
import { CliError, EXIT_USAGE } from '../errors.js';
import { FILTER_OPTIONS, pathFilter, type PathFilter } from '../glob.js';
import { poolOptions, runTransfers, TRANSFER_OPTIONS, transferOptions } from '../pool.js';
import { isStdio } from '../stdio.js';
import { parseTarget, type RemotePath, type Target } from '../target.js';
import type { Transfer } from '../transfer.js';
import { dirKey, isDirectory, ref, walk } from '../tree.js';

export const usage = `s3kit cp [-r] [--include GLOB] [--exclude GLOB] [--part-size 64MiB] [--concurrency N] [--parallel N]
          [--checksum CRC32|CRC32C|CRC64NVME|SHA1|SHA256] [--keep-partial] [--content-type T]
          [--attr 'k=v;k2=v2'] [--tags 'k=v&k2=v2'] [--json] [-q] SOURCE... TARGET   (SOURCE or TARGET - : stdin/stdout)`;

/** Copies files and objects. */
export async function run(ctx: Context, argv: string[]): Promise<void> {
  const { positionals, values } = parse(
    'cp',
    argv,
    {
      ...TRANSFER_OPTIONS,
      ...FILTER_OPTIONS,
      recursive: { type: 'boolean', short: 'r' },
      'content-type': { type: 'string' },
      attr: { type: 'string' },
      tags: { type: 'string' },
    },
    2,
  );
  const options = transferOptions(values);
  const metadata = pairsOption('attr', values.attr, ';');
  if (metadata) options.metadata = metadata;
  const tags = pairsOption('tags', values.tags, '&');
  if (tags) options.tags = tags;
  if (values['content-type'] !== undefined) options.contentType = values['content-type'];

  const args = positionals;
  const dest = await parseTarget(args[args.length - 1]!, ctx.env);
  const sources = await Promise.all(args.slice(0, -1).map((a) => parseTarget(a, ctx.env)));
  const recursive = values.recursive ?? false;
  const intoDir = recursive || sources.length > 1;
  const filter = pathFilter(values.include, values.exclude);
  const transfers: Transfer[] = [];
  for (const src of sources) transfers.push(...(await plan(ctx, src, dest, recursive, intoDir, filter)));

  await runTransfers(ctx, transfers, options, poolOptions(values));
}

/** The transfers of one source toward `dest`. */
async function plan(ctx: Context, src: Target, dest: Target, recursive: boolean, intoDir: boolean, filter: PathFilter | undefined): Promise<Transfer[]> {
  const stdin = src.kind === 'local' && isStdio(src.path);
  const stdout = dest.kind === 'local' && isStdio(dest.path);
  if (stdin || stdout) {
    const remote = stdin ? dest : src;
    if (remote.kind === 'local' || remote.key === '' || remote.key.endsWith('/') || recursive || intoDir)
      throw new CliError('UsageError', 'cp: - (stdin/stdout) goes with one object: ALIAS/bucket/key', EXIT_USAGE);
    if (stdin) return [{ kind: 'stdin', from: '-', to: ref(remote, remote.key), size: 0 }];
    const st = await ctx.client(remote.alias).statObject(remote.bucket, remote.key, { signal: ctx.signal });
    return [{ kind: 'stdout', from: ref(remote, remote.key), to: '-', size: st.size }];
  }
  if (src.kind === 'local' && dest.kind === 'local') throw new CliError('UsageError', `cp: ${src.text} and ${dest.text} are both local (is the alias name right? s3kit alias ls)`, EXIT_USAGE);
  if (src.kind === 'local') {
    const st = await stat(src.path);
    const to = dest as RemotePath;
    if (to.bucket === '') throw new CliError('UsageError', `cp: ${to.text}: a bucket is needed (ALIAS/bucket)`, EXIT_USAGE);
    if (st.isDirectory()) {
      if (!recursive) throw new CliError('UsageError', `cp: ${src.text} is a directory (use -r)`, EXIT_USAGE);
      const out: Transfer[] = [];
      for await (const file of walk(src.path)) {
        const rel = relative(src.path, file.path).split(sep).join('/');
        if (filter && !filter(rel)) continue;
        out.push({ kind: 'upload', from: file.path, to: ref(to, dirKey(to.key) + rel), size: file.size });
      }
      return out;
    }
    const key = intoDir || to.key === '' || to.key.endsWith('/') ? dirKey(to.key) + basename(src.path) : to.key;
    return [{ kind: 'upload', from: src.path, to: ref(to, key), size: st.size }];
  }
  if (src.bucket === '') throw new CliError('UsageError', `cp: ${src.text}: a bucket is needed (ALIAS/bucket/key)`, EXIT_USAGE);
  const s3 = ctx.client(src.alias);
  const objects: Array<{ key: string; rel: string; size: number }> = [];
  if (recursive) {
    const prefix = dirKey(src.key);
    for await (const item of s3.listObjects(src.bucket, { prefix, recursive: true, signal: ctx.signal })) {
      if ('key' in item && !item.key.endsWith('/') && (!filter || filter(item.key.slice(prefix.length)))) objects.push({ key: item.key, rel: item.key.slice(prefix.length), size: item.size });
    }
  } else {
    if (src.key === '') throw new CliError('UsageError', `cp: ${src.text}: an object key is needed (or -r)`, EXIT_USAGE);
    const st = await s3.statObject(src.bucket, src.key, { signal: ctx.signal });
    objects.push({ key: src.key, rel: basename(src.key), size: st.size });
  }
  if (dest.kind === 'local') {
    const destIsDir = recursive || intoDir || dest.path.endsWith('/') || (await isDirectory(dest.path));
    return objects.map((o) => ({ kind: 'download', from: ref(src, o.key), to: destIsDir ? join(dest.path, ...o.rel.split('/')) : dest.path, size: o.size }));
  }
  if (dest.bucket === '') throw new CliError('UsageError', `cp: ${dest.text}: a bucket is needed (ALIAS/bucket)`, EXIT_USAGE);
  const destIsDir = recursive || intoDir || dest.key === '' || dest.key.endsWith('/');
  return objects.map((o) => ({ kind: 'copy', from: ref(src, o.key), to: ref(dest, destIsDir ? dirKey(dest.key) + o.rel : dest.key), size: o.size }));
}
