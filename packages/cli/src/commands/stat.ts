// `s3kit stat ALIAS/bucket[/key]`: an object's metadata, or a bucket's region and versioning.
import { s3Error } from '@s3kit/errors';
import { parse } from '../args.js';
import type { Context } from '../context.js';
import { humanDate, humanSize } from '../format.js';
import { remoteTarget } from '../target.js';

export const usage = 's3kit stat [--version-id ID] [--json] ALIAS/bucket[/key]';

/** Prints what HEAD tells about an object (or a bucket). */
export async function run(ctx: Context, argv: string[]): Promise<void> {
  const { positionals, values } = parse('stat', argv, { 'version-id': { type: 'string' } }, 1, 1);
  const t = await remoteTarget(positionals[0]!, ctx.env, 'bucket');
  const s3 = ctx.client(t.alias);
  const signal = ctx.signal;
  if (t.key === '') {
    if (!(await s3.bucketExists(t.bucket, { signal }))) throw s3Error('NoSuchBucket', `The specified bucket does not exist: ${t.bucket}`);
    const region = await s3.getBucketRegion(t.bucket, { signal });
    const versioning = await s3.getBucketVersioning(t.bucket, { signal });
    const info = { bucket: t.bucket, region, versioning: versioning.status };
    ctx.stdout.write(values.json ? `${JSON.stringify(info)}\n` : `Bucket     : ${info.bucket}\nRegion     : ${info.region}\nVersioning : ${info.versioning}\n`);
    return;
  }
  const versionId = values['version-id'];
  const st = await s3.statObject(t.bucket, t.key, { signal, ...(versionId === undefined ? {} : { versionId }) });
  const info = { key: t.key, size: st.size, etag: st.etag, lastModified: st.lastModified, contentType: st.contentType, versionId: st.versionId, metadata: st.metadata, checksums: st.checksums };
  if (values.json) {
    ctx.stdout.write(`${JSON.stringify(info)}\n`);
    return;
  }
  const rows: Array<[string, string | undefined]> = [
    ['Name', t.key],
    ['Size', `${humanSize(st.size)} (${st.size} bytes)`],
    ['Date', `${humanDate(st.lastModified)} UTC`],
    ['ETag', st.etag],
    ['Type', st.contentType],
    ['VersionID', st.versionId],
    ...Object.entries(st.metadata).map(([k, v]): [string, string] => [`Meta ${k}`, v]),
    ...Object.entries(st.checksums ?? {}).map(([k, v]): [string, string] => [`Checksum ${k}`, String(v)]),
  ];
  for (const [k, v] of rows) if (v !== undefined) ctx.stdout.write(`${k.padEnd(12)}: ${v}\n`);
}
