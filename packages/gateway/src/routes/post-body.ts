import { s3Error } from '@s3kit/errors';
import { asAsyncIterable, type UpstreamBody } from '../upstreams/upstream.js';

interface NodeReadable {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  once(event: string, listener: (...args: unknown[]) => void): unknown;
  pause(): unknown;
  resume(): unknown;
  readonly readableEnded?: boolean;
}

function isNodeReadable(body: unknown): body is NodeReadable {
  const b = body as Partial<NodeReadable>;
  return typeof b.on === 'function' && typeof b.pause === 'function' && typeof b.resume === 'function';
}

/** About one socket read of a form body buffered ahead of the parser. */
const HIGH_WATER_MARK = 64 * 1024;

/**
 * A request body as a Web `ReadableStream` for `@s3kit/post-policy`, pulled with backpressure.
 * Cancelling it (a refused form) does NOT destroy a Node request: the rest of the body is read
 * and dropped, so the client still receives the S3 error instead of a connection reset.
 * A client that goes away mid-body errors the stream (so the upstream PUT is aborted).
 */
export function formBodyStream(body: UpstreamBody | undefined): ReadableStream<Uint8Array> | null {
  if (body === undefined) return null;
  if (body instanceof ReadableStream) return body as ReadableStream<Uint8Array>;
  if (isNodeReadable(body)) return fromNode(body);
  const it = asAsyncIterable(body)[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>(
    {
      async pull(c) {
        const r = await it.next();
        if (r.done === true) c.close();
        else c.enqueue(r.value);
      },
      async cancel() {
        await it.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}

function fromNode(r: NodeReadable): ReadableStream<Uint8Array> {
  let settled = false;
  let dropping = false;
  r.pause();
  return new ReadableStream<Uint8Array>(
    {
      start(c) {
        r.on('data', (chunk) => {
          if (settled || dropping) return;
          c.enqueue(chunk as Uint8Array);
          if ((c.desiredSize ?? 0) <= 0) r.pause();
        });
        r.once('end', () => {
          if (settled) return;
          settled = true;
          if (!dropping) c.close();
        });
        // `error` (Node: "aborted") or `close` without `end`: the client went away mid-form.
        const gone = (cause?: unknown): void => {
          if (settled) return;
          settled = true;
          if (!dropping) c.error(s3Error('RequestTimeout', 'The client went away before the form was complete.', { cause }));
        };
        r.once('error', gone);
        r.once('close', () => gone());
      },
      pull() {
        r.resume();
      },
      cancel() {
        dropping = true;
        r.resume();
      },
    },
    { highWaterMark: HIGH_WATER_MARK, size: (chunk) => chunk.length },
  );
}

/**
 * The verified file as the upstream PUT body: every piece but the last is released as it is
 * read; the last only once the file stream ended cleanly (content-length-range, checksum and
 * form end all passed). A failing check therefore reaches the upstream as a short, aborted
 * body that it never commits.
 */
export async function* heldFile(file: ReadableStream<Uint8Array>, onBytes: (n: number) => void): AsyncGenerator<Uint8Array> {
  const reader = file.getReader();
  let held: Uint8Array | undefined;
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value.length === 0) continue;
      onBytes(value.length);
      if (held !== undefined) yield held;
      held = value;
    }
    finished = true;
  } finally {
    // The upstream stopped reading (it failed or was aborted): stop reading the form too.
    if (!finished) await reader.cancel().catch(() => {});
  }
  if (held !== undefined) yield held;
}
