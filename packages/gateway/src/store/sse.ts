import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { S3Error } from '@s3kit/errors';
import type { StoreContext } from './context.js';
import type { ByteRange } from './http-headers.js';
import { decryptRange, encryptor, keyMatches, newIv, newSeed, type SseSeed, type StoredSse } from './sse-cipher.js';
import type { ObjectMeta } from './store-core.js';

// Server-side encryption of the local store as S3 does it: SSE-C (the customer's key in
// x-amz-server-side-encryption-customer-*, checked, never stored) and SSE-S3
// (x-amz-server-side-encryption: AES256, with the store key), SSE-S3 being the default of
// every bucket as on AWS since January 2023. SSE-KMS needs a key source the store has not.

type Headers = Readonly<Record<string, string | undefined>>;

const SSE = 'x-amz-server-side-encryption';
/** The SSE-C headers of the object written or read. */
export const CUSTOMER = 'x-amz-server-side-encryption-customer-';
/** The SSE-C headers of a copy's source. */
export const COPY_SOURCE_CUSTOMER = 'x-amz-copy-source-server-side-encryption-customer-';
const KEY_BYTES = 32;

/** A customer's key as sent: the key and its MD5 (base64, echoed in responses). */
export interface CustomerKey {
  readonly key: Buffer;
  readonly md5: string;
}

/** The encryption a write gets: the customer's key or the store key (the bucket default). */
export type WriteEncryption = { readonly type: 'SSE-C'; readonly root: Buffer; readonly md5: string } | { readonly type: 'SSE-S3'; readonly root: Buffer };

/** A read's key for an encrypted version, and the SSE headers its response carries. */
export interface ReadKey {
  readonly sse: StoredSse;
  readonly root: Buffer;
  readonly headers: Record<string, string>;
}

function invalidArgument(message: string, name: string, value?: string): S3Error {
  return new S3Error('InvalidArgument', { message, details: { ArgumentName: name, ...(value === undefined ? {} : { ArgumentValue: value }) } });
}

/**
 * The customer's key of `prefix` (CUSTOMER or COPY_SOURCE_CUSTOMER), undefined when none of the
 * three headers is there. Writes need all three; reads may omit the MD5 (as S3 allows) and a
 * key of the wrong length is then just a wrong key (S3: 403).
 * @throws S3Error InvalidArgument (400), InvalidEncryptionAlgorithmError (400)
 */
export function customerKey(headers: Headers, prefix: string, mode: 'write' | 'read'): CustomerKey | undefined {
  const algorithm = headers[`${prefix}algorithm`];
  const key64 = headers[`${prefix}key`];
  const md5 = headers[`${prefix}key-md5`];
  if (algorithm === undefined && key64 === undefined && md5 === undefined) return undefined;
  if (algorithm === undefined) {
    throw invalidArgument('Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.', `${prefix}algorithm`);
  }
  if (algorithm !== 'AES256') {
    throw new S3Error('InvalidEncryptionAlgorithmError', {
      message: 'The Encryption request you specified is not valid. Supported value: AES256.',
      details: { ArgumentName: `${prefix}algorithm`, ArgumentValue: algorithm },
    });
  }
  if (key64 === undefined) {
    throw invalidArgument('Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.', `${prefix}key`);
  }
  const key = Buffer.from(key64, 'base64');
  if (key.length === 0 || (mode === 'write' && key.length !== KEY_BYTES)) {
    throw invalidArgument(key.length === 0 ? 'The secret key was invalid - too short.' : 'The secret key was invalid for the specified algorithm.', `${prefix}key`);
  }
  const actual = createHash('md5').update(key).digest('base64');
  if (md5 === undefined) {
    if (mode === 'write') throw invalidArgument('Requests specifying Server Side Encryption with Customer provided keys must provide the client calculated MD5 of the secret key.', `${prefix}key-MD5`);
  } else if (Buffer.compare(Buffer.from(md5, 'base64'), Buffer.from(actual, 'base64')) !== 0) {
    throw invalidArgument('The calculated MD5 hash of the key did not match the hash that was provided.', `${prefix}key-MD5`);
  }
  return { key, md5: actual };
}

/**
 * The encryption of a new object (PutObject, CopyObject's target, CreateMultipartUpload): SSE-C
 * with the customer's key, or SSE-S3 (asked with `x-amz-server-side-encryption: AES256`, or the
 * bucket default). `aws:kms` and `aws:kms:dsse` are refused: the store has no key source.
 * @throws S3Error InvalidArgument (400), InvalidEncryptionAlgorithmError (400)
 */
export async function writeEncryption(ctx: StoreContext, headers: Headers): Promise<WriteEncryption> {
  const customer = customerKey(headers, CUSTOMER, 'write');
  const sse = headers[SSE];
  if (customer !== undefined) {
    if (sse !== undefined) throw invalidArgument('Server Side Encryption with Customer provided key is incompatible with the encryption method specified', SSE, sse);
    return { type: 'SSE-C', root: customer.key, md5: customer.md5 };
  }
  if (sse !== undefined) checkSseHeader(sse);
  // Every bucket's default (AWS since 2023-01-05; PutBucketEncryption accepts only AES256 here).
  return { type: 'SSE-S3', root: await ctx.storeKey.get() };
}

/**
 * Checks an `x-amz-server-side-encryption` value (a header, or a bucket configuration's
 * SSEAlgorithm): AES256 is served; the KMS kinds need a key source the store has not.
 * @throws S3Error InvalidArgument (400)
 */
export function checkSseHeader(value: string, name = SSE): void {
  if (value === 'AES256') return;
  if (value === 'aws:kms' || value === 'aws:kms:dsse') {
    throw invalidArgument(`The local store has no KMS key source: ${value} is not supported. Use AES256 (SSE-S3) or SSE-C.`, name, value);
  }
  throw invalidArgument('The encryption method specified is not supported', name, value);
}

/**
 * GET and HEAD take no `x-amz-server-side-encryption` (an object's encryption is chosen when it
 * is written), as S3.
 * @throws S3Error InvalidArgument (400)
 */
export function rejectSseOnRead(headers: Headers, resource: string): void {
  const v = headers[SSE];
  if (v !== undefined) {
    throw new S3Error('InvalidArgument', { resource, message: 'x-amz-server-side-encryption header is not supported for this operation.', details: { ArgumentName: SSE, ArgumentValue: v } });
  }
}

/** The SSE response headers of a write with `enc` (PUT, Copy, Create, UploadPart), as S3. */
export function writeHeaders(enc: Pick<WriteEncryption, 'type'> & { readonly md5?: string }): Record<string, string> {
  if (enc.type === 'SSE-S3') return { [SSE]: 'AES256' };
  return { [`${CUSTOMER}algorithm`]: 'AES256', [`${CUSTOMER}key-md5`]: enc.md5 ?? '' };
}

/** The SSE response header of a completed multipart upload: SSE-S3 only (S3 echoes no customer key there). */
export function completeHeaders(meta: ObjectMeta): Record<string, string> {
  return meta.sse?.type === 'SSE-S3' ? { [SSE]: 'AES256' } : {};
}

/**
 * The key to read version `meta` with (undefined for a version stored unencrypted), checked
 * against the request's SSE-C headers (`prefix`: CUSTOMER, or COPY_SOURCE_CUSTOMER for a copy
 * source), as S3 does.
 * @throws S3Error InvalidRequest (400: no key for an SSE-C object, or a key for another one),
 *   AccessDenied (403: the wrong key), InvalidArgument (400: malformed SSE-C headers)
 */
export async function readKey(ctx: StoreContext, meta: ObjectMeta, headers: Headers, prefix: string, resource: string): Promise<ReadKey | undefined> {
  const customer = customerKey(headers, prefix, 'read');
  const sse = meta.sse;
  if (sse?.type !== 'SSE-C') {
    if (customer !== undefined) throw new S3Error('InvalidRequest', { resource, message: 'The encryption parameters are not applicable to this object.' });
    return sse === undefined ? undefined : { sse, root: await ctx.storeKey.get(), headers: { [SSE]: 'AES256' } };
  }
  if (customer === undefined) {
    throw new S3Error('InvalidRequest', { resource, message: 'The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.' });
  }
  if (!keyMatches(sse, customer.key)) throw new S3Error('AccessDenied', { resource, message: 'Access Denied' });
  return { sse, root: customer.key, headers: writeHeaders({ type: 'SSE-C', md5: customer.md5 }) };
}

/** The plaintext of `range` (all when omitted) of version `meta` opened as `fh`, which stays open. */
export function plainBytes(fh: FileHandle, meta: ObjectMeta, key: ReadKey | undefined, range?: ByteRange): AsyncIterable<Uint8Array> {
  if (key === undefined) return fh.createReadStream({ ...range, autoClose: false });
  return decryptRange(fh, key.sse, key.root, meta.parts ?? [meta.size], range);
}

/**
 * The plaintext of `range` (all when omitted) of version `meta` opened as `fh` (which stays
 * open), in memory: for small bodies, read in one go and sent without a stream.
 */
export async function plainBuffer(fh: FileHandle, meta: ObjectMeta, key: ReadKey | undefined, range?: ByteRange): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  if (key === undefined) {
    const start = range?.start ?? 0;
    const length = (range?.end ?? meta.size - 1) - start + 1;
    const buf = Buffer.allocUnsafe(length);
    let off = 0;
    for (let n = -1; off < length && n !== 0; off += n) n = (await fh.read(buf, off, length - off, start + off)).bytesRead;
    return off === length ? buf : buf.subarray(0, off);
  }
  for await (const c of decryptRange(fh, key.sse, key.root, meta.parts ?? [meta.size], range)) chunks.push(c);
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

/** A GET body: the plaintext as a byte stream that closes `fh` when it ends or is destroyed. */
export function plainStream(fh: FileHandle, meta: ObjectMeta, key: ReadKey, range: ByteRange | undefined): Readable {
  const stream = Readable.from(decryptRange(fh, key.sse, key.root, meta.parts ?? [meta.size], range), { objectMode: false });
  stream.once('close', () => void fh.close().catch(() => {}));
  return stream;
}

/** What writeTemp needs to encrypt one segment, and what the version or part keeps of it. */
export interface SegmentWriter {
  /** Encrypts the bytes written (writeTemp's `encrypt`). */
  readonly encrypt: { update(chunk: Uint8Array): Uint8Array };
  /** The segment's IV. */
  readonly iv: string;
  /**
   * Whether the ETag is the MD5 of the stored (encrypted) bytes: for SSE-C, where S3's ETag is
   * not the MD5 of the plaintext (which would tell about content no one without the key may see).
   */
  readonly cipherEtag: boolean;
}

/** The writer of a segment of an object or upload with `seed`, encrypted with `root`. */
export function segmentWriter(seed: SseSeed, root: Buffer): SegmentWriter {
  const iv = newIv();
  return { encrypt: encryptor(seed, root, iv), iv, cipherEtag: seed.type === 'SSE-C' };
}

/** A new salt for an object or upload written with `enc`. */
export function seedOf(enc: WriteEncryption): SseSeed {
  return newSeed(enc.type, enc.root);
}

/**
 * The key of an upload's part (UploadPart, UploadPartCopy): the upload's own SSE-C key, sent
 * again with every part as S3 requires; the store key for an SSE-S3 upload.
 * @throws S3Error InvalidRequest (400) for a missing or different key, or a key for an upload without SSE-C
 */
export async function partKey(ctx: StoreContext, seed: SseSeed, headers: Headers, resource: string): Promise<{ root: Buffer; headers: Record<string, string> }> {
  const customer = customerKey(headers, CUSTOMER, 'write');
  if (seed.type === 'SSE-S3') {
    if (customer !== undefined)
      throw new S3Error('InvalidRequest', {
        resource,
        message: 'The multipart upload initiate requested no customer encryption. Subsequent part requests must not include customer encryption parameters.',
      });
    return { root: await ctx.storeKey.get(), headers: writeHeaders(seed) };
  }
  if (customer === undefined) {
    throw new S3Error('InvalidRequest', { resource, message: 'The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters.' });
  }
  if (!keyMatches(seed, customer.key)) throw new S3Error('InvalidRequest', { resource, message: 'The provided encryption parameters did not match the ones used originally.' });
  return { root: customer.key, headers: writeHeaders({ type: 'SSE-C', md5: customer.md5 }) };
}

/** Whether a request asks for encryption of its target (a copy onto itself is then legal, as S3). */
export function asksEncryption(headers: Headers): boolean {
  return headers[SSE] !== undefined || headers[`${CUSTOMER}algorithm`] !== undefined;
}

/** The plaintext of an encrypted data file of one segment at `path` (a multipart part). */
export async function* segmentPlaintext(path: string, seed: SseSeed, root: Buffer, iv: string, size: number): AsyncGenerator<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    yield* decryptRange(fh, { ...seed, ivs: [iv] }, root, [size], undefined);
  } finally {
    await fh.close();
  }
}

/**
 * Encrypts the plaintext of consecutive segments of `sizes` bytes each with its IV: the same
 * bytes as the segments' own encryption (CTR is deterministic), so a Complete that had to read
 * the parts' plaintext (for a full-object checksum) stores them exactly as they were.
 */
export function segmentsEncryptor(seed: SseSeed, root: Buffer, sizes: readonly number[], ivs: readonly string[]): { update(chunk: Uint8Array): Uint8Array } {
  let i = -1;
  let left = 0;
  let cipher: { update(b: Uint8Array): Buffer } | undefined;
  return {
    update(chunk) {
      const out: Buffer[] = [];
      let off = 0;
      while (off < chunk.byteLength) {
        while (left === 0) {
          i++;
          if (i >= sizes.length) throw new Error('segmentsEncryptor: more bytes than the segments hold');
          left = sizes[i]!;
          cipher = encryptor(seed, root, ivs[i]!);
        }
        const n = Math.min(left, chunk.byteLength - off);
        out.push(cipher!.update(chunk.subarray(off, off + n)));
        off += n;
        left -= n;
      }
      return out.length === 1 ? out[0]! : Buffer.concat(out);
    },
  };
}
