import { createHash, randomBytes } from 'node:crypto';
import { open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { S3Error } from '@s3kit/errors';
import type { AbortSignalLike } from '@s3kit/http-transport';
import type { ChecksumRequest } from './checksums.js';
import { BodyDigests } from './digests.js';
import type { StoredChecksum } from './versions.js';
import { asAsyncIterable, type UpstreamBody } from '../upstreams/upstream.js';

/** A fully written (and fsynced) temp file, ready to be renamed into place. */
export interface TempFile {
  readonly path: string;
  readonly size: number;
  /** MD5 of the content, hex. */
  readonly md5: string;
  /** The checksum the client sent (header, trailer or form field), verified; stored with the version. */
  readonly checksum?: StoredChecksum;
  /** MD5 (hex) of the bytes written, when they were encrypted and `storedMd5` asked for it. */
  readonly storedMd5?: string;
}

export interface WriteTempOptions {
  /** The directory for temp files (same filesystem as the destination, so rename is atomic). */
  readonly tmpDir: string;
  /** The declared length; a shorter body fails with IncompleteBody, a longer one with InvalidRequest. */
  readonly expectedLength?: number | undefined;
  /** Request headers whose Content-MD5 / x-amz-checksum-* the content must match; none when omitted. */
  readonly headers?: Readonly<Record<string, string | undefined>>;
  /**
   * The checksum to compute and store (verified when it has an expected value): by default the
   * one `headers` name (see requestChecksum), `null` for none.
   */
  readonly checksum?: ChecksumRequest | null | undefined;
  /** The largest accepted size; more fails with EntityTooLarge. */
  readonly maxSize: number;
  readonly signal?: AbortSignalLike | undefined;
  /** fsync before returning. **Default:** `true`. */
  readonly fsync?: boolean;
  /** Encrypts the bytes written (see sse.ts); lengths and digests are of the plaintext. */
  readonly encrypt?: { update(chunk: Uint8Array): Uint8Array } | undefined;
  /** Also compute the MD5 of the written (encrypted) bytes, as `TempFile.storedMd5`. */
  readonly storedMd5?: boolean;
}

/** Makes a unique temp file name. */
export function tempName(tmpDir: string, tag: string): string {
  return join(tmpDir, `${tag}-${randomBytes(12).toString('hex')}`);
}

/**
 * Streams `body` into a new temp file while computing its MD5, verifies length and digests,
 * and fsyncs it. On any failure (body error, abort, mismatch) the temp file is removed
 * before the promise rejects: nothing partial is ever left behind.
 *
 * @throws S3Error IncompleteBody, InvalidRequest, BadDigest, InvalidDigest, EntityTooLarge,
 *   RequestTimeout (aborted), or the body stream's own error.
 */
export async function writeTemp(body: UpstreamBody | undefined, opts: WriteTempOptions): Promise<TempFile> {
  const digests = new BodyDigests(opts.headers ?? {}, opts.checksum);
  const path = tempName(opts.tmpDir, 'put');
  const fh = await open(path, 'wx', 0o600);
  const stored = opts.encrypt !== undefined && opts.storedMd5 === true ? createHash('md5') : undefined;
  let size = 0;
  try {
    if (body !== undefined) {
      for await (const chunk of abortable(body, opts.signal)) {
        size += chunk.byteLength;
        if (size > opts.maxSize) throw new S3Error('EntityTooLarge', { details: { MaxSizeAllowed: String(opts.maxSize) } });
        if (opts.expectedLength !== undefined && size > opts.expectedLength) {
          throw new S3Error('InvalidRequest', { message: 'The request body is longer than its declared Content-Length.' });
        }
        digests.update(chunk);
        const out = opts.encrypt === undefined ? chunk : opts.encrypt.update(chunk);
        stored?.update(out);
        let off = 0;
        while (off < out.byteLength) {
          const { bytesWritten } = await fh.write(out, off, out.byteLength - off);
          off += bytesWritten;
        }
      }
    }
    if (opts.signal?.aborted) throw aborted(opts.signal);
    if (opts.expectedLength !== undefined && size < opts.expectedLength) {
      throw new S3Error('IncompleteBody', { details: { ExpectedLength: String(opts.expectedLength), ReceivedLength: String(size) } });
    }
    const md5 = digests.finish();
    if (opts.fsync !== false) await fh.sync();
    await fh.close();
    const checksum = digests.checksum;
    return { path, size, md5, ...(checksum === undefined ? {} : { checksum }), ...(stored === undefined ? {} : { storedMd5: stored.digest('hex') }) };
  } catch (err) {
    await fh.close().catch(() => {});
    await unlink(path).catch(() => {});
    throw err;
  }
}

/**
 * Reads a small body (an XML document) into memory, verifying its digests (`checksum: null`
 * when the request's checksum headers describe something else, as on CompleteMultipartUpload).
 * @throws S3Error MaxMessageLengthExceeded (400) above `limit`; BadDigest; RequestTimeout.
 */
export async function readSmallBody(
  body: UpstreamBody | undefined,
  limit: number,
  headers: Readonly<Record<string, string | undefined>>,
  signal: AbortSignalLike | undefined,
  checksum?: ChecksumRequest | null,
): Promise<Buffer> {
  const digests = new BodyDigests(headers, checksum);
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (body !== undefined) {
    for await (const chunk of abortable(body, signal)) {
      size += chunk.byteLength;
      if (size > limit) throw new S3Error('MaxMessageLengthExceeded', { details: { MaxMessageLengthBytes: String(limit) } });
      digests.update(chunk);
      chunks.push(chunk);
    }
  }
  digests.finish();
  return Buffer.concat(chunks);
}

function aborted(signal: AbortSignalLike): S3Error {
  return new S3Error('RequestTimeout', { message: 'The request was aborted before the body was complete.', cause: signal.reason });
}

/**
 * Iterates `body`, rejecting as soon as `signal` aborts even if the body is stalled, and
 * releasing the body's iterator (which destroys a Node stream) on the way out.
 */
export async function* abortable(body: UpstreamBody, signal: AbortSignalLike | undefined): AsyncGenerator<Uint8Array> {
  const it = asAsyncIterable(body)[Symbol.asyncIterator]();
  let onAbort: { handleEvent(): void } | undefined;
  const abortP =
    signal === undefined
      ? undefined
      : new Promise<never>((_, reject) => {
          onAbort = { handleEvent: () => reject(aborted(signal)) };
          if (signal.aborted) onAbort.handleEvent();
          else signal.addEventListener('abort', onAbort, { once: true });
        });
  abortP?.catch(() => {}); // handled through Promise.race below
  let done = false;
  try {
    while (true) {
      const r = abortP === undefined ? await it.next() : await Promise.race([it.next(), abortP]);
      if (r.done) {
        done = true;
        return;
      }
      const v = r.value as Uint8Array | string;
      yield typeof v === 'string' ? Buffer.from(v) : v;
    }
  } finally {
    if (onAbort !== undefined) signal!.removeEventListener('abort', onAbort);
    if (!done) void Promise.resolve(it.return?.()).catch(() => {});
  }
}
