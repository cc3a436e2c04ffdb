// `s3kit mirror SOURCE TARGET` (also `sync`): makes a directory or prefix like another, copying
// what is missing or changed (size differs, or the source is newer; or, with --compare etag, the
// content differs) and, with --delete, removing what the source does not have; include/exclude
// globs choose the paths it looks at on both sides.
import { unlink } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { parse } from '../args.js';
import { COMPARE_MODES, needsCopy, type CompareMode, type Entry } from '../compare.js';
import type { Context } from '../context.js';
import { CliError, EXIT_USAGE } from '../errors.js';
import { FILTER_OPTIONS, pathFilter, type PathFilter } from '../glob.js';
import { poolOptions, runTransfers, TRANSFER_OPTIONS, transferOptions } from '../pool.js';
import { parseTarget, type RemotePath, type Target } from '../target.js';
import { DEFAULT_PART_SIZE, type Transfer } from '../transfer.js';
import { dirKey, ref, walk } from '../tree.js';

export const usage = `s3kit mirror|sync [--delete] [--dry-run] [--compare size-mtime|etag] [--include GLOB] [--exclude GLOB]
          [--part-size S] [--concurrency N] [--parallel N] [--checksum ALG] [--keep-partial] [--json] [-q] SOURCE TARGET`;

/** Mirrors SOURCE into TARGET. */
export async function run(ctx: Context, argv: string[]): Promise<void> {
  const { positionals, values } = parse('mirror', argv, { ...TRANSFER_OPTIONS, ...FILTER_OPTIONS, delete: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, compare: { type: 'string' } }, 2, 2);
  const src = await parseTarget(positionals[0]!, ctx.env);
  const dst = await parseTarget(positionals[1]!, ctx.env);
  if (src.kind === 'local' && dst.kind === 'local') throw new CliError('UsageError', `mirror: ${src.text} and ${dst.text} are both local (is the alias name right? s3kit alias ls)`, EXIT_USAGE);
  for (const t of [src, dst]) if (t.kind === 'remote' && t.bucket === '') throw new CliError('UsageError', `mirror: ${t.text}: a bucket is needed (ALIAS/bucket[/prefix])`, EXIT_USAGE);
  const mode = (values.compare ?? 'size-mtime') as CompareMode;
  if (!COMPARE_MODES.includes(mode)) throw new CliError('UsageError', `mirror: --compare is size-mtime or etag, got ${values.compare}`, EXIT_USAGE);
  const options = transferOptions(values);
  const filter = pathFilter(values.include, values.exclude);
  const [have, want] = await Promise.all([entries(ctx, dst, filter), entries(ctx, src, filter)]);

  const partSizes = [options.partSize ?? DEFAULT_PART_SIZE];
  const changed: Array<[string, Entry]> = [];
  for (const [rel, e] of want) if (await needsCopy(e, have.get(rel), mode, partSizes, ctx.signal)) changed.push([rel, e]);
  const removals = values.delete ? [...have.keys()].filter((rel) => !want.has(rel)) : [];
  const out = (obj: object, line: string): void => {
    if (values.json) ctx.stdout.write(`${JSON.stringify(obj)}\n`);
    else if (!values.quiet) ctx.stdout.write(`${line}\n`);
  };
  if (values['dry-run']) {
    for (const [rel, e] of changed) out({ status: 'dry-run', action: 'copy', source: place(src, rel), target: place(dst, rel), size: e.size }, `would copy ${place(src, rel)} -> ${place(dst, rel)}`);
    for (const rel of removals) out({ status: 'dry-run', action: 'remove', target: place(dst, rel) }, `would remove ${place(dst, rel)}`);
    return;
  }
  await runTransfers(
    ctx,
    changed.map(([rel, e]) => transfer(src, dst, rel, e.size)),
    options,
    poolOptions(values),
  );
  await remove(ctx, dst, removals, (rel) => out({ status: 'removed', target: place(dst, rel) }, `Removed ${place(dst, rel)}`));
}

/** The files under a directory or the objects under a prefix (those `filter` keeps), by relative `/`-separated path. */
async function entries(ctx: Context, t: Target, filter: PathFilter | undefined): Promise<Map<string, Entry>> {
  const out = new Map<string, Entry>();
  const add = (rel: string, e: Entry): void => {
    if (!filter || filter(rel)) out.set(rel, e);
  };
  if (t.kind === 'local') {
    try {
      for await (const f of walk(t.path)) add(relative(t.path, f.path).split(sep).join('/'), { size: f.size, mtimeMs: f.mtimeMs, path: f.path });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    return out;
  }
  const prefix = dirKey(t.key);
  for await (const item of ctx.client(t.alias).listObjects(t.bucket, { prefix, recursive: true, signal: ctx.signal })) {
    if ('key' in item && !item.key.endsWith('/')) add(item.key.slice(prefix.length), { size: item.size, mtimeMs: item.lastModified?.getTime() ?? 0, etag: item.etag });
  }
  return out;
}

function transfer(src: Target, dst: Target, rel: string, size: number): Transfer {
  if (src.kind === 'local') return { kind: 'upload', from: join(src.path, ...rel.split('/')), to: ref(dst as RemotePath, dirKey(dst.kind === 'remote' ? dst.key : '') + rel), size };
  const from = ref(src, dirKey(src.key) + rel);
  if (dst.kind === 'local') return { kind: 'download', from, to: join(dst.path, ...rel.split('/')), size };
  return { kind: 'copy', from, to: ref(dst, dirKey(dst.key) + rel), size };
}

/** `ALIAS/bucket/prefix/rel` or the local path of `rel`. */
function place(t: Target, rel: string): string {
  return t.kind === 'local' ? join(t.path, ...rel.split('/')) : `${t.alias.name}/${t.bucket}/${dirKey(t.key)}${rel}`;
}

async function remove(ctx: Context, dst: Target, rels: string[], report: (rel: string) => void): Promise<void> {
  if (rels.length === 0) return;
  if (dst.kind === 'local') {
    for (const rel of rels) {
      await unlink(join(dst.path, ...rel.split('/')));
      report(rel);
    }
    return;
  }
  const keys = rels.map((rel) => dirKey(dst.key) + rel);
  for await (const failed of ctx.client(dst.alias).removeObjects(dst.bucket, keys, { signal: ctx.signal })) {
    throw new CliError(failed.code, `${failed.key}: ${failed.message}`);
  }
  rels.forEach(report);
}
