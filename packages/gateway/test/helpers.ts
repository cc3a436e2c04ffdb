import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isS3Error, type S3Error } from '@s3kit/errors';
import { createLocalStore, type LocalStore, type LocalStoreOptions, type UpstreamRequest, type UpstreamResponse } from '../src/index.js';

export interface TestStore {
  store: LocalStore;
  dir: string;
  /** Sends one request with sensible defaults. */
  call(operation: string, init?: Partial<UpstreamRequest> & { data?: string | Uint8Array }): Promise<UpstreamResponse>;
  /** The S3Error a request rejects with. */
  fail(operation: string, init?: Partial<UpstreamRequest> & { data?: string | Uint8Array }): Promise<S3Error>;
  cleanup(): Promise<void>;
}

const METHODS: Record<string, string> = {
  ListBuckets: 'GET',
  CreateBucket: 'PUT',
  DeleteBucket: 'DELETE',
  HeadBucket: 'HEAD',
  ListObjects: 'GET',
  ListObjectsV2: 'GET',
  PutObject: 'PUT',
  GetObject: 'GET',
  HeadObject: 'HEAD',
  CopyObject: 'PUT',
  DeleteObject: 'DELETE',
  DeleteObjects: 'POST',
  GetObjectTagging: 'GET',
  PutObjectTagging: 'PUT',
  DeleteObjectTagging: 'DELETE',
  CreateMultipartUpload: 'POST',
  UploadPart: 'PUT',
  UploadPartCopy: 'PUT',
  CompleteMultipartUpload: 'POST',
  AbortMultipartUpload: 'DELETE',
  ListParts: 'GET',
  ListMultipartUploads: 'GET',
};

export async function bodyBytes(res: UpstreamResponse): Promise<Buffer> {
  const b = res.body;
  if (b === undefined) return Buffer.alloc(0);
  if (typeof b === 'string') return Buffer.from(b);
  if (b instanceof Uint8Array) return Buffer.from(b);
  const chunks: Buffer[] = [];
  for await (const c of b) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

export async function bodyText(res: UpstreamResponse): Promise<string> {
  return (await bodyBytes(res)).toString('utf8');
}

/** `size` bytes of a repeating pattern (`seed` shifts it): test bodies that are not all one byte. */
export function pattern(size: number, seed: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

export function md5hex(data: string | Uint8Array): string {
  return createHash('md5').update(data).digest('hex');
}

export function md5b64(data: string | Uint8Array): string {
  return createHash('md5').update(data).digest('base64');
}

/** Every file under `dir`, relative. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(join(e.parentPath ?? (e as unknown as { path: string }).path, e.name).slice(dir.length + 1));
  }
  return out.sort();
}

export async function makeStore(opts: Partial<LocalStoreOptions> = {}): Promise<TestStore> {
  const dir = await mkdtemp(join(tmpdir(), 's3kit-store-'));
  const store = createLocalStore({ dir, fsync: false, ...opts });
  // Streamed bodies hold an open file until read or destroyed; tests that only look at the
  // status leave them unread, so cleanup destroys them (as the gateway must).
  const bodies: { destroy?: () => void }[] = [];
  const call: TestStore['call'] = async (operation, init = {}) => {
    const { data, ...rest } = init;
    const headers: Record<string, string | undefined> = { ...(rest.headers ?? {}) };
    let body = rest.body;
    if (data !== undefined) {
      const buf = typeof data === 'string' ? Buffer.from(data) : data;
      headers['content-length'] ??= String(buf.byteLength);
      body = (async function* () {
        yield buf;
      })();
    }
    const res = await store.handle({
      method: METHODS[operation] ?? 'GET',
      operation,
      bucket: 'bkt',
      query: {},
      ...rest,
      headers,
      body,
    });
    if (res.body !== undefined && typeof res.body === 'object' && !(res.body instanceof Uint8Array)) bodies.push(res.body as { destroy?: () => void });
    return res;
  };
  const fail: TestStore['fail'] = async (operation, init) => {
    try {
      const res = await call(operation, init);
      await bodyBytes(res);
    } catch (err) {
      if (isS3Error(err)) return err;
      throw err;
    }
    throw new Error(`${operation} succeeded but was expected to fail`);
  };
  const cleanup = async (): Promise<void> => {
    for (const b of bodies.splice(0)) b.destroy?.();
    await rm(dir, { recursive: true, force: true });
  };
  return { store, dir, call, fail, cleanup };
}

/** A body that yields some bytes, then errors. */
export async function* failingBody(first: Uint8Array): AsyncGenerator<Uint8Array> {
  yield first;
  await new Promise((r) => setTimeout(r, 5));
  throw new Error('client went away');
}
