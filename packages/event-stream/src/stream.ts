import { EventStreamError } from './errors.js';
import { checkPrelude, decodeChecked, MAX_MESSAGE_BYTES, type Message } from './message.js';

/** A byte source: a Web stream, or any async iterable of chunks (Node streams included). */
export type ByteSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

export interface DecodeStreamOptions {
  /** Refuse messages larger than this (bytes). Default 16 MiB. */
  maxMessageBytes?: number;
}

/** Chunks of a source; a ReadableStream is read with a reader and cancelled if iteration stops early. */
async function* chunksOf(source: ByteSource): AsyncGenerator<Uint8Array> {
  if (typeof (source as Partial<AsyncIterable<Uint8Array>>)[Symbol.asyncIterator] === 'function') {
    yield* source as AsyncIterable<Uint8Array>;
    return;
  }
  // Runtimes whose ReadableStream is not async iterable (Safari): read it with a reader.
  const reader = (source as ReadableStream<Uint8Array>).getReader();
  let done = false;
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) {
        done = true;
        return;
      }
      yield r.value;
    }
  } finally {
    if (!done) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

/**
 * Decodes messages from a byte stream with any chunk boundaries. A message wholly inside one
 * chunk is decoded in place (its body is a view of that chunk); one that spans chunks is copied
 * once into a buffer of exactly its length, allocated after its prelude is checked, so at most one
 * message is ever buffered. A bad CRC, an impossible or too large length, or input that ends
 * inside a message throws an {@link EventStreamError}.
 */
export async function* decodeStream(source: ByteSource, { maxMessageBytes = MAX_MESSAGE_BYTES }: DecodeStreamOptions = {}): AsyncGenerator<Message, void, undefined> {
  const prelude = new Uint8Array(12);
  /** The message being assembled across chunks (after its prelude is known), or undefined. */
  let buf: Uint8Array | undefined;
  /** Bytes held: of `prelude` while `buf` is undefined, else of `buf`. */
  let fill = 0;
  for await (const chunk of chunksOf(source)) {
    let off = 0;
    const n = chunk.length;
    while (off < n) {
      if (buf === undefined && fill === 0 && n - off >= 12) {
        const total = checkPrelude(chunk, off, maxMessageBytes);
        if (n - off >= total) {
          yield decodeChecked(chunk.subarray(off, off + total));
          off += total;
          continue;
        }
        buf = new Uint8Array(total);
        buf.set(chunk.subarray(off));
        fill = n - off;
        off = n;
      } else if (buf === undefined) {
        const take = Math.min(12 - fill, n - off);
        prelude.set(chunk.subarray(off, off + take), fill);
        fill += take;
        off += take;
        if (fill === 12) {
          buf = new Uint8Array(checkPrelude(prelude, 0, maxMessageBytes));
          buf.set(prelude);
        }
      } else {
        const take = Math.min(buf.length - fill, n - off);
        buf.set(chunk.subarray(off, off + take), fill);
        fill += take;
        off += take;
      }
      if (buf !== undefined && fill === buf.length) {
        const whole = buf;
        buf = undefined;
        fill = 0;
        yield decodeChecked(whole);
      }
    }
  }
  if (buf !== undefined || fill > 0) {
    throw new EventStreamError('Truncated', `the input ended inside a message (${fill} of ${buf?.length ?? 'at least 16'} bytes)`);
  }
}
