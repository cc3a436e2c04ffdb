import { createHash } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { EMPTY_SHA256, type SigningKey } from '@s3kit/sigv4';

/**
 * `aws-chunked` encoding with a signature per chunk (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD`).
 * Spec: https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
 *
 * TODO(sigv4): use the chunk signer from `@s3kit/sigv4` once its `chunked` module lands; this
 * local encoder signs with the `signingKey` that `SigV4Signer.sign()` returns.
 */

const SIG_PREFIX = ';chunk-signature=';

/** Encoded size of a body of `decodedLength` bytes cut into `chunkSize` chunks. */
export function awsChunkedLength(decodedLength: number, chunkSize: number): number {
  const full = Math.floor(decodedLength / chunkSize);
  const rest = decodedLength % chunkSize;
  const frame = (size: number): number => size.toString(16).length + SIG_PREFIX.length + 64 + 2 + size + 2;
  return full * frame(chunkSize) + (rest > 0 ? frame(rest) : 0) + frame(0);
}

export interface ChunkSigningContext {
  signingKey: SigningKey;
  amzDate: string;
  scope: string;
  /** The request's own signature: the seed of the chunk chain. */
  seedSignature: string;
}

class AwsChunkedEncoder extends Transform {
  readonly #ctx: ChunkSigningContext;
  readonly #chunkSize: number;
  #previous: string;
  #pending: Buffer[] = [];
  #pendingSize = 0;

  constructor(ctx: ChunkSigningContext, chunkSize: number) {
    super();
    this.#ctx = ctx;
    this.#chunkSize = chunkSize;
    this.#previous = ctx.seedSignature;
  }

  #frame(data: Buffer): void {
    const hash = createHash('sha256').update(data).digest('hex');
    const sts = `AWS4-HMAC-SHA256-PAYLOAD\n${this.#ctx.amzDate}\n${this.#ctx.scope}\n${this.#previous}\n${EMPTY_SHA256}\n${hash}`;
    const signature = this.#ctx.signingKey.sign(sts);
    this.#previous = signature;
    this.push(`${data.length.toString(16)}${SIG_PREFIX}${signature}\r\n`);
    if (data.length > 0) this.push(data);
    this.push('\r\n');
  }

  override _transform(chunk: Buffer | string, _enc: BufferEncoding, callback: TransformCallback): void {
    let buf = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    while (this.#pendingSize + buf.length >= this.#chunkSize) {
      const take = this.#chunkSize - this.#pendingSize;
      this.#pending.push(buf.subarray(0, take));
      buf = buf.subarray(take);
      const data = this.#pending.length === 1 ? (this.#pending[0] as Buffer) : Buffer.concat(this.#pending);
      this.#pending = [];
      this.#pendingSize = 0;
      this.#frame(data);
    }
    if (buf.length > 0) {
      this.#pending.push(buf);
      this.#pendingSize += buf.length;
    }
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (this.#pendingSize > 0) this.#frame(Buffer.concat(this.#pending));
    this.#pending = [];
    this.#frame(Buffer.alloc(0));
    callback();
  }
}

/** Wraps a body in signed `aws-chunked` framing. Destroying the result destroys the source. */
export function awsChunked(source: string | Uint8Array | Readable, ctx: ChunkSigningContext, chunkSize: number): Readable {
  const encoder = new AwsChunkedEncoder(ctx, chunkSize);
  if (source instanceof Readable) {
    source.on('error', (err) => encoder.destroy(err));
    encoder.on('close', () => {
      if (!source.readableEnded) source.destroy();
    });
    source.pipe(encoder);
  } else {
    encoder.end(source);
  }
  return encoder;
}
