// `s3kit ls ALIAS[/bucket[/prefix]]`: buckets, objects (one level, or all with -r), versions.
import type { ObjectItem, PrefixItem } from '@s3kit/client/node';
import { parse } from '../args.js';
import type { Context } from '../context.js';
import { humanDate, humanSize } from '../format.js';
import { remoteTarget } from '../target.js';

export const usage = 's3kit ls [-r] [--versions] [--json] ALIAS[/bucket[/prefix]]';

/** Lists buckets of an alias, or the objects under a prefix. */
export async function run(ctx: Context, argv: string[]): Promise<void> {
  const { positionals, values } = parse('ls', argv, { recursive: { type: 'boolean', short: 'r' }, versions: { type: 'boolean' } }, 1, 1);
  const t = await remoteTarget(positionals[0]!, ctx.env);
  const s3 = ctx.client(t.alias);
  const out = (line: string): unknown => ctx.stdout.write(`${line}\n`);
  if (t.bucket === '') {
    for (const b of await s3.listBuckets({ signal: ctx.signal })) {
      out(values.json ? JSON.stringify({ type: 'bucket', name: b.name, creationDate: b.creationDate }) : `${humanDate(b.creationDate)}  ${b.name}/`);
    }
    return;
  }
  const options = { prefix: t.key, recursive: values.recursive ?? false, signal: ctx.signal };
  const items = values.versions ? s3.listObjectVersions(t.bucket, options) : s3.listObjects(t.bucket, options);
  for await (const item of items) out(values.json ? JSON.stringify(jsonItem(item)) : line(item));
}

function jsonItem(item: ObjectItem | PrefixItem): object {
  if ('prefix' in item) return { type: 'prefix', prefix: item.prefix };
  const { key, size, etag, lastModified, storageClass, versionId, isLatest, isDeleteMarker } = item;
  return { type: isDeleteMarker ? 'deleteMarker' : 'object', key, size, etag, lastModified, storageClass, versionId, isLatest };
}

function line(item: ObjectItem | PrefixItem): string {
  if ('prefix' in item) return `${''.padEnd(19)}  ${'PRE'.padStart(9)}  ${item.prefix}`;
  const size = item.isDeleteMarker ? 'DEL' : humanSize(item.size);
  const version = item.versionId === undefined ? '' : `  ${item.versionId}${item.isLatest ? ' (latest)' : ''}`;
  return `${humanDate(item.lastModified)}  ${size.padStart(9)}  ${item.key}${version}`;
}
