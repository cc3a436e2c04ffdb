import { createHash } from 'node:crypto';
import { isS3Error } from '@s3kit/errors';
import { asAsyncIterable, type UpstreamRequest, type UpstreamResponse } from '../upstreams/upstream.js';
import type { ConfigStore } from './config-store.js';

/** Where a remote S3 upstream keeps the gateway's bucket configuration. */
export interface S3ConfigStoreLocation {
  /**
   * A bucket of the upstream reserved for the gateway (created on the first write when missing).
   * Clients never see it: the upstream answers AccessDenied for every request naming it (and
   * BucketAlreadyExists for CreateBucket), and ListBuckets leaves it out.
   */
  readonly bucket: string;
  /** Key prefix of the documents in it, e.g. `'gateway-a/'` to share the bucket. **Default:** `''`. */
  readonly prefix?: string | undefined;
}

async function drain(res: UpstreamResponse): Promise<Uint8Array> {
  const b = res.body;
  if (b === undefined) return new Uint8Array(0);
  if (typeof b === 'string') return new TextEncoder().encode(b);
  if (b instanceof Uint8Array) return b;
  const chunks: Uint8Array[] = [];
  for await (const c of asAsyncIterable(b)) chunks.push(c);
  return Buffer.concat(chunks);
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

/**
 * The upstream's S3 error about the system bucket is the gateway's failure, not the client's
 * (an AccessDenied there must not read as the client's): a plain error, reported as unexpected.
 */
function storeFailure(action: string, name: string): (err: unknown) => never {
  return (err) => {
    if (isS3Error(err)) throw new Error(`bucket configuration: ${action} ${name} in the config store failed: ${err.code} (${err.status})`, { cause: err });
    throw err;
  };
}

/**
 * A {@link ConfigStore} in a bucket of a remote S3, through `send` (the upstream's own signed
 * transport, past its hiding of the bucket). A document is one object: a PUT of it is atomic on
 * S3, a read is a conditional GET (`If-None-Match`, 304 when unchanged).
 */
export function createS3ConfigStore(location: S3ConfigStoreLocation, send: (req: UpstreamRequest) => Promise<UpstreamResponse>): ConfigStore {
  const { bucket } = location;
  const prefix = location.prefix ?? '';
  const key = (name: string): string => `${prefix}${name}`;
  const put = async (name: string, body: Uint8Array): Promise<void> => {
    const headers = { 'content-length': String(body.byteLength), 'content-md5': createHash('md5').update(body).digest('base64'), 'content-type': 'application/json' };
    await drain(await send({ method: 'PUT', operation: 'PutObject', bucket, key: key(name), query: {}, headers, body: once(body) }));
  };
  const store: ConfigStore = {
    read: (name, etag) => read(name, etag).catch(storeFailure('read', name)),
    write: (name, body) => write(name, body).catch(storeFailure('write', name)),
    remove: (name) => remove(name).catch(storeFailure('remove', name)),
  };
  return store;

  async function read(name: string, etag: string | undefined): ReturnType<ConfigStore['read']> {
    try {
      const res = await send({ method: 'GET', operation: 'GetObject', bucket, key: key(name), query: {}, headers: etag === undefined ? {} : { 'if-none-match': etag } });
      if (res.status === 304) return 'unchanged';
      const body = await drain(res);
      return { body, etag: res.headers['etag'] ?? `"${createHash('md5').update(body).digest('hex')}"` };
    } catch (err) {
      // No such key, or no system bucket yet: no document.
      if (isS3Error(err) && err.status === 404) return undefined;
      throw err;
    }
  }

  async function write(name: string, body: Uint8Array): Promise<void> {
    try {
      await put(name, body);
    } catch (err) {
      if (!(isS3Error(err) && err.code === 'NoSuchBucket')) throw err;
      try {
        await drain(await send({ method: 'PUT', operation: 'CreateBucket', bucket, query: {}, headers: {} }));
      } catch (created) {
        // Another gateway created it meanwhile.
        if (!(isS3Error(created) && created.code === 'BucketAlreadyOwnedByYou')) throw created;
      }
      await put(name, body);
    }
  }

  async function remove(name: string): Promise<void> {
    try {
      await drain(await send({ method: 'DELETE', operation: 'DeleteObject', bucket, key: key(name), query: {}, headers: {} }));
    } catch (err) {
      if (isS3Error(err) && err.status === 404) return;
      throw err;
    }
  }
}
