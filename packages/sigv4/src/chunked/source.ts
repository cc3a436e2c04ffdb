/** Bytes arriving as a Web stream, an async iterable (Node streams are) or a plain iterable. */
export type ByteSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/** Iterates a {@link ByteSource}; a ReadableStream is read with a reader and released on exit. */
export async function* toAsyncIterable(source: ByteSource): AsyncGenerator<Uint8Array, void, undefined> {
  if (typeof (source as ReadableStream<Uint8Array>).getReader === 'function') {
    const reader = (source as ReadableStream<Uint8Array>).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }
  yield* source as AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
}
