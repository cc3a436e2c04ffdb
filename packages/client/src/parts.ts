// Cutting upload data into parts, and running parts in parallel. Runtime-neutral: plain
// `Uint8Array` parts, Web streams and Blobs read with Web APIs, Node streams as async iterables.

import { toAsyncIterable, utf8, type ByteSource } from '@s3kit/sigv4';

export const MiB = 1024 * 1024;
export const MIN_PART_SIZE = 5 * MiB;
export const MAX_PART_SIZE = 5 * 1024 * MiB;
export const MAX_PARTS = 10_000;
export const MAX_OBJECT_SIZE = 5 * 1024 * 1024 * MiB;

/**
 * Data putObject accepts: a string (UTF-8), bytes, a `Blob`/`File` (read part by part), a Web
 * `ReadableStream`, or any async iterable of chunks (a Node `Readable` is one).
 */
export type PutData = string | Uint8Array | Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array | string>;

/**
 * Part size for an object of `size` bytes (or unknown): at least `partSize`, big enough that
 * the object fits in 10,000 parts, a whole number of MiB.
 */
export function partSizeFor(size: number | undefined, partSize: number): number {
  if (size === undefined) return partSize;
  const needed = Math.ceil(size / MAX_PARTS);
  return Math.min(MAX_PART_SIZE, Math.max(partSize, Math.ceil(needed / MiB) * MiB));
}

/**
 * Size of part `n` (1-based) of an upload of unknown length: `base` for parts 1–1000, then
 * doubling every 1000 parts (capped at 5 GiB), so 10,000 parts of a 8 MiB base hold ~8 TiB,
 * more than S3's 5 TiB maximum object, while small uploads keep small parts.
 */
export function unknownLengthPartSize(n: number, base: number): number {
  return Math.min(MAX_PART_SIZE, base * 2 ** Math.floor((n - 1) / 1000));
}

function isBlob(data: unknown): data is Blob {
  return typeof Blob !== 'undefined' && data instanceof Blob;
}

/**
 * Part buffers handed back after their upload finished, reused for the next parts: memory stays
 * at (parts in flight + 1) x part size instead of waiting for the GC to free each part.
 */
export class PartPool {
  readonly #free: Uint8Array[] = [];
  constructor(readonly max: number) {}
  take(size: number): Uint8Array {
    const i = this.#free.findIndex((b) => b.length === size);
    if (i >= 0) return this.#free.splice(i, 1)[0]!;
    return new Uint8Array(size);
  }
  /** Gives back a part buffer (or a view of one) whose upload has settled. */
  give(part: Uint8Array): void {
    // Pool buffers are whole ArrayBuffers; the last (short) part is a view at offset 0 of one.
    if (part.byteOffset !== 0 || this.#free.length >= this.max) return;
    this.#free.push(part.length === part.buffer.byteLength ? part : new Uint8Array(part.buffer, 0, part.buffer.byteLength));
  }
}

/**
 * Cuts `data` into parts: part `n` has `sizeOf(n)` bytes, the last one fewer. Bytes are sliced
 * without copying; a Blob is read one part at a time; streams are read as the consumer pulls
 * (backpressure), holding at most one part.
 */
export async function* chunks(data: PutData, sizeOf: (n: number) => number, pool?: PartPool): AsyncGenerator<Uint8Array> {
  if (typeof data === 'string' || data instanceof Uint8Array) {
    const buf = typeof data === 'string' ? utf8(data) : data;
    let off = 0;
    let n = 1;
    if (buf.length === 0) {
      yield buf;
      return;
    }
    while (off < buf.length) {
      const len = sizeOf(n++);
      yield buf.subarray(off, off + len);
      off += len;
    }
    return;
  }
  if (isBlob(data)) {
    let off = 0;
    let n = 1;
    do {
      const len = Math.min(sizeOf(n++), data.size - off);
      yield new Uint8Array(await data.slice(off, off + len).arrayBuffer());
      off += len;
    } while (off < data.size);
    return;
  }
  // Each part is one allocation filled in place: a piece is copied once and can be collected at
  // once (holding pieces for a concat kept up to two copies of every part alive).
  let n = 1;
  let part: Uint8Array | undefined;
  let filled = 0;
  let emitted = false;
  let read = false;
  try {
    // A Web stream is read through its reader (async iteration of streams is not in every browser).
    for await (const piece of toAsyncIterable(data as ByteSource) as AsyncIterable<Uint8Array | string>) {
      let chunk = typeof piece === 'string' ? utf8(piece) : piece;
      while (chunk.length > 0) {
        part ??= pool ? pool.take(sizeOf(n)) : new Uint8Array(sizeOf(n));
        const take = Math.min(part.length - filled, chunk.length);
        part.set(take === chunk.length ? chunk : chunk.subarray(0, take), filled);
        filled += take;
        chunk = chunk.subarray(take);
        if (filled === part.length) {
          const full = part;
          part = undefined;
          filled = 0;
          n++;
          emitted = true;
          yield full;
        }
      }
    }
    read = true;
  } finally {
    // The upload stopped early (a failed part, an abort): stop a Web stream source too (a Node
    // stream is destroyed by for-await itself).
    if (!read && typeof (data as ReadableStream).cancel === 'function') await (data as ReadableStream).cancel().catch(() => undefined);
  }
  if (filled > 0 || !emitted) yield part ? part.subarray(0, filled) : new Uint8Array(0);
}

/** The byte length of `data` when known without reading it: strings (UTF-8), bytes and Blobs. */
export function knownSize(data: PutData): number | undefined {
  if (typeof data === 'string') return utf8(data).byteLength;
  if (data instanceof Uint8Array) return data.byteLength;
  if (isBlob(data)) return data.size;
  return undefined;
}

/** Runs `task` over `items` with at most `limit` in flight; stops pulling and rejects on the first failure. */
export async function boundedAll<T, R>(items: AsyncIterable<T> | Iterable<T>, limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  const inflight = new Set<Promise<void>>();
  let failure: { err: unknown } | undefined;
  let i = 0;
  for await (const item of items as AsyncIterable<T>) {
    while (inflight.size >= limit && !failure) await Promise.race(inflight);
    if (failure) break;
    const index = i++;
    const p: Promise<void> = task(item, index).then(
      (r) => {
        results[index] = r;
      },
      (err: unknown) => {
        failure ??= { err };
      },
    );
    const tracked = p.finally(() => inflight.delete(tracked));
    inflight.add(tracked);
  }
  await Promise.all(inflight);
  if (failure) throw failure.err;
  return results;
}
