import { Readable, Transform, type TransformCallback } from 'node:stream';
import { ChunkedEncoder, type ChunkSigningSeed } from '@s3kit/sigv4';

/**
 * Node-stream wrapper around `@s3kit/sigv4`'s `ChunkedEncoder`: frames a request body as
 * signed `aws-chunked` (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD`), one chunk signature per
 * `chunkSize` bytes, holding at most one chunk.
 * Spec: https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
 */
class AwsChunkedTransform extends Transform {
  readonly #encoder: ChunkedEncoder;
  readonly #emit = (out: Uint8Array): void => {
    this.push(out);
  };

  constructor(seed: ChunkSigningSeed, chunkSize: number) {
    super();
    this.#encoder = new ChunkedEncoder(seed, { chunkSize });
  }

  override _transform(chunk: Buffer | string, _enc: BufferEncoding, callback: TransformCallback): void {
    try {
      this.#encoder.write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk, this.#emit);
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.#encoder.end(this.#emit);
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }
}

/**
 * Wraps a body in signed `aws-chunked` framing. `seed` is the `SignedRequest` of the request,
 * signed with the headers from `chunkedHeaders()`. Destroying the result destroys the source.
 */
export function awsChunked(source: string | Uint8Array | Readable, seed: ChunkSigningSeed, chunkSize: number): Readable {
  const encoder = new AwsChunkedTransform(seed, chunkSize);
  if (source instanceof Readable) {
    source.on('error', (err) => encoder.destroy(err));
    encoder.on('close', () => {
      if (!source.readableEnded) source.destroy();
    });
    source.pipe(encoder);
  } else {
    encoder.end(typeof source === 'string' ? Buffer.from(source) : source);
  }
  return encoder;
}
