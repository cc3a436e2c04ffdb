// Node-only: uploads from and downloads to files (fPutObject, fGetObject), over the neutral upload
// and object modules. The Node entry's S3Client delegates here.

import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, readFile, rename, stat as fsStat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { s3Error } from '@s3kit/errors';
import { checkBucket, checkKey, type RequestCore } from '../core.js';
import { unquote, writeHeaders, type ObjectStat } from '../headers.js';
import { getObject, type GetObjectOptions } from '../objects.js';
import { MAX_OBJECT_SIZE, partSizeFor } from '../parts.js';
import { conditionalWriteHeaders, multipart, putOnce, type PutObjectOptions, type UploadedObject } from '../upload.js';

interface FileRange {
  path: string;
  offset: number;
  length: number;
}

/** putObject from a file; parts are read from the file by range (no buffering), so retries re-read them. */
export async function fPutObject(core: RequestCore, bucket: string, key: string, filePath: string, options: Omit<PutObjectOptions, 'size'> = {}): Promise<UploadedObject> {
  checkBucket(bucket);
  checkKey(key);
  const { size } = await fsStat(filePath);
  if (size > MAX_OBJECT_SIZE) throw s3Error('EntityTooLarge', `File size ${size} exceeds the 5 TiB maximum`);
  const headers = writeHeaders(options);
  headers['content-type'] ??= 'application/octet-stream';
  conditionalWriteHeaders(options, headers);
  const partSize = partSizeFor(size, options.partSize ?? core.partSize);
  if (size <= partSize && options.checksumAlgorithm !== undefined) {
    // The checksum needs the bytes: one part is small enough to read whole.
    const r = await putOnce(core, bucket, key, await readFile(filePath), headers, options);
    options.onProgress?.({ loaded: size, total: size });
    return r;
  }
  if (size <= partSize) {
    const h = await core.empty({ method: 'PUT', bucket, key, headers, body: { path: filePath }, signal: options.signal });
    options.onProgress?.({ loaded: size, total: size });
    return { etag: unquote(h['etag']), versionId: h['x-amz-version-id'] };
  }
  function* ranges(): Generator<FileRange> {
    for (let off = 0; off < size; off += partSize) yield { path: filePath, offset: off, length: Math.min(partSize, size - off) };
  }
  return multipart(core, bucket, key, headers, options, size, ranges(), (r) => ({ length: r.length, body: r, bytes: () => readRange(r) }));
}

/** Reads one file range (a multipart part that must be checksummed). */
async function readRange(r: FileRange): Promise<Uint8Array> {
  const fh = await open(r.path, 'r');
  try {
    const buf = Buffer.allocUnsafe(r.length);
    const { bytesRead } = await fh.read(buf, 0, r.length, r.offset);
    if (bytesRead !== r.length) throw new RangeError(`fPutObject: ${r.path} changed while uploading`);
    return buf;
  } finally {
    await fh.close();
  }
}

/**
 * Downloads to `filePath` through a temporary file in the same directory, renamed on success:
 * an interrupted download never leaves a partial file at `filePath`.
 */
export async function fGetObject(core: RequestCore, bucket: string, key: string, filePath: string, options: GetObjectOptions = {}): Promise<ObjectStat> {
  const obj = await getObject(core, bucket, key, options);
  const tmp = join(dirname(filePath), `.${basename(filePath)}.${randomBytes(6).toString('hex')}.part`);
  // The undici body is a Readable; another transport's body is read as its Web stream.
  const source = obj instanceof Readable ? obj : obj.stream();
  try {
    await pipeline(source, createWriteStream(tmp, { flags: 'wx' }), options.signal ? { signal: options.signal } : {});
    await rename(tmp, filePath);
  } catch (err) {
    if (source instanceof Readable) source.destroy();
    else await source.cancel().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  return obj.stat;
}
