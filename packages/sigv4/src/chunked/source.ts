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

/** A synchronous push core (the chunked encoder and decoder): feed pieces, output through `emit`. */
export interface PushCore {
  write(piece: Uint8Array, emit: (data: Uint8Array) => void): void;
  end(emit: (data: Uint8Array) => void): void;
}

/** Wraps a push core as a Web `TransformStream`. */
export function pushTransform(core: PushCore): TransformStream<Uint8Array, Uint8Array> {
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(piece, controller) {
      core.write(piece, (b) => controller.enqueue(b));
    },
    flush(controller) {
      core.end((b) => controller.enqueue(b));
    },
  });
}

/** Runs a push core over a {@link ByteSource}, yielding its output as it comes. */
export async function* pushThrough(core: PushCore, source: ByteSource): AsyncGenerator<Uint8Array, void, undefined> {
  let out: Uint8Array[] = [];
  const emit = (b: Uint8Array): void => {
    out.push(b);
  };
  for await (const piece of toAsyncIterable(source)) {
    core.write(piece, emit);
    if (out.length > 0) {
      const ready = out;
      out = [];
      yield* ready;
    }
  }
  core.end(emit);
  yield* out;
}
