// The transfers `cp` plans and runs: upload (file → object; large files in resumable parts),
// download (object → file, through a temporary file renamed on success), copy (server-side within
// one alias, streamed across two) and standard input/output (`-`).
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, unlink, utimes, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ChecksumAlgorithm, ObjectWriteOptions, S3Client } from '@s3kit/client/node';
import type { Context } from './context.js';
import { counter } from './count.js';
import { partSizeFor } from './etag.js';
import { contentTypeFor } from './mime.js';
import { downloadRanges } from './ranged.js';
import { uploadFileInParts } from './resumable.js';
import { downloadStdout, uploadStdin } from './stdio.js';
import type { RemotePath } from './target.js';

/** An object on an alias. */
export interface ObjectRef {
  remote: RemotePath;
  bucket: string;
  key: string;
}

/** One file or object to move. */
export type Transfer =
  | { kind: 'upload'; from: string; to: ObjectRef; size: number }
  | { kind: 'download'; from: ObjectRef; to: string; size: number }
  | { kind: 'copy'; from: ObjectRef; to: ObjectRef; size: number }
  | { kind: 'stdin'; from: '-'; to: ObjectRef; size: number }
  | { kind: 'stdout'; from: ObjectRef; to: '-'; size: number };

/** The part size and parts in flight of uploads when not given (`--part-size`, `--concurrency`). */
export const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
export const DEFAULT_CONCURRENCY = 4;

/** Options of every transfer of one `cp`. */
export interface TransferOptions {
  partSize?: number;
  concurrency?: number;
  metadata?: Record<string, string>;
  tags?: Record<string, string>;
  contentType?: string;
  /** `x-amz-checksum-*` of uploads (`--checksum`). */
  checksum?: ChecksumAlgorithm;
  /** Leave an interrupted multipart upload open for the next run (`--keep-partial`). */
  keepPartial?: boolean;
}

/** What a finished transfer reports. */
export interface TransferResult {
  etag?: string | undefined;
  versionId?: string | undefined;
  /** Bytes of parts an earlier, interrupted run had stored (resumed uploads). */
  reusedBytes?: number;
}

/** `alias/bucket/key` of an object. */
export function refText(ref: ObjectRef): string {
  return `${ref.remote.alias.name}/${ref.bucket}/${ref.key}`;
}

/** Runs one transfer, reporting bytes through `progress(loaded)`. */
export async function runTransfer(ctx: Context, t: Transfer, options: TransferOptions, progress: (loaded: number) => void): Promise<TransferResult> {
  const signal = ctx.signal;
  if (t.kind === 'upload') {
    const s3 = ctx.client(t.to.remote.alias);
    const partSize = partSizeFor(t.size, options.partSize ?? DEFAULT_PART_SIZE);
    const write = writeOptions(options, t.from);
    if (t.size <= partSize) return s3.fPutObject(t.to.bucket, t.to.key, t.from, { ...write, signal, onProgress: (p) => progress(p.loaded) });
    const r = await uploadFileInParts(s3, t.to.bucket, t.to.key, t.from, t.size, {
      partSize,
      concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
      write,
      checksum: options.checksum,
      keepPartial: options.keepPartial ?? false,
      signal,
      onProgress: progress,
    });
    return { etag: r.etag, versionId: r.versionId, reusedBytes: r.reusedBytes };
  }
  if (t.kind === 'stdin') return uploadStdin(ctx.client(t.to.remote.alias), t.to.bucket, t.to.key, writeOptions(options, undefined), signal, progress);
  if (t.kind === 'stdout') return downloadStdout(ctx, ctx.client(t.from.remote.alias), t.from.bucket, t.from.key, signal, progress);
  if (t.kind === 'download') {
    const s3 = ctx.client(t.from.remote.alias);
    const stat = await download(s3, t.from, t.to, t.size, options, signal, progress);
    return { etag: stat.etag, versionId: stat.versionId };
  }
  const src = ctx.client(t.from.remote.alias);
  const dst = ctx.client(t.to.remote.alias);
  if (t.from.remote.alias.name === t.to.remote.alias.name) {
    // Server-side: CopyObject up to 5 GiB, UploadPartCopy parts above.
    const source = { bucket: t.from.bucket, key: t.from.key };
    const write = { ...writeOptions(options, undefined), signal };
    const r = t.size <= 5 * 1024 ** 3 ? await dst.copyObject(t.to.bucket, t.to.key, source, write) : await dst.composeObject(t.to.bucket, t.to.key, [source], write);
    progress(t.size);
    return r;
  }
  // Two aliases (two servers): stream through this machine.
  const obj = await src.getObject(t.from.bucket, t.from.key, { signal });
  const counted = obj.pipe(counter(progress));
  const contentType = options.contentType ?? obj.stat.contentType;
  return dst.putObject(t.to.bucket, t.to.key, counted, { ...writeOptions(options, undefined), size: t.size, signal, ...(contentType === undefined ? {} : { contentType }) });
}

function writeOptions(options: TransferOptions, file: string | undefined): ObjectWriteOptions & { partSize?: number; concurrency?: number; checksumAlgorithm?: ChecksumAlgorithm } {
  const contentType = options.contentType ?? (file === undefined ? undefined : contentTypeFor(file));
  return {
    ...(options.checksum === undefined ? {} : { checksumAlgorithm: options.checksum }),
    ...(options.partSize === undefined ? {} : { partSize: options.partSize }),
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
    ...(options.tags === undefined ? {} : { tags: options.tags }),
    ...(contentType === undefined ? {} : { contentType }),
  };
}

/** Objects up to this size are read whole and written in one call (no stream: a tree of small files spends its time per file). */
const SMALL_OBJECT = 1024 * 1024;

/** Directories this process has already made (a tree download makes each once, not once per file). */
const madeDirs = new Map<string, Promise<unknown>>();

function makeDir(dir: string): Promise<unknown> {
  let made = madeDirs.get(dir);
  if (!made) {
    made = mkdir(dir, { recursive: true });
    made.catch(() => madeDirs.delete(dir));
    madeDirs.set(dir, made);
  }
  return made;
}

/**
 * GetObject into `.<name>.<random>.part` beside `file` (dated as the object), renamed on success,
 * removed on failure; objects over two part sizes in parallel ranges (by default, one range per
 * `--concurrency`, as rclone's multi-thread streams: fewer requests, longer sequential writes).
 */
async function download(s3: S3Client, from: ObjectRef, file: string, size: number, options: TransferOptions, signal: AbortSignal, progress: (loaded: number) => void) {
  await makeDir(dirname(file));
  const tmp = join(dirname(file), `.${basename(file)}.${randomBytes(4).toString('hex')}.part`);
  const partSize = options.partSize ?? DEFAULT_PART_SIZE;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  try {
    let stat;
    if (size > 2 * partSize) {
      stat = await s3.statObject(from.bucket, from.key, { signal });
      const rangeSize = options.partSize ?? Math.max(partSize, Math.ceil(stat.size / concurrency));
      await downloadRanges(s3, from.bucket, from.key, stat, tmp, { rangeSize, concurrency, signal, progress });
    } else {
      const obj = await s3.getObject(from.bucket, from.key, { signal });
      stat = obj.stat;
      if (stat.size <= SMALL_OBJECT) {
        const bytes = await obj.bytes();
        await writeFile(tmp, bytes, { signal });
        progress(bytes.length);
      } else await pipeline(obj, counter(progress), createWriteStream(tmp), { signal });
    }
    // The object's date becomes the file's (as `aws s3 cp`): `mirror` then sees it unchanged.
    if (stat.lastModified) await utimes(tmp, stat.lastModified, stat.lastModified);
    await rename(tmp, file);
    return stat;
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}
