/// <reference path="./unbzip2-stream.d.ts" />
import { Readable, pipeline, type Duplex } from 'node:stream';
import { createGunzip } from 'node:zlib';
import unbzip2 from 'unbzip2-stream';
import { SelectError } from './errors.js';

/**
 * The object's bytes decompressed as the request's CompressionType says: gzip (also
 * multi-member) with node:zlib, bzip2 with `unbzip2-stream` (a streaming pure-JS decoder that
 * holds one bzip2 block, ≤ 900 kB, at a time).
 * @throws SelectError TruncatedInput (400) when the data is not in that format or ends early
 */
export function decompress(source: AsyncIterable<Uint8Array>, compression: 'NONE' | 'GZIP' | 'BZIP2'): AsyncIterable<Uint8Array> {
  if (compression === 'NONE') return source;
  return compression === 'GZIP' ? drain(source, createGunzip()) : drainBzip2(source);
}

async function* drain(source: AsyncIterable<Uint8Array>, decoder: Duplex): AsyncGenerator<Uint8Array> {
  const out = pipeline(Readable.from(source, { objectMode: false }), decoder, () => {});
  try {
    for await (const chunk of out as AsyncIterable<Uint8Array>) yield chunk;
  } catch (err) {
    throw truncated(err);
  } finally {
    out.destroy();
  }
}

/** unbzip2-stream is a classic through stream: written chunk by chunk, it emits whole blocks. */
async function* drainBzip2(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const through = unbzip2();
  const queue: Uint8Array[] = [];
  let failure: unknown;
  let ended = false;
  through.on('data', (d: Uint8Array) => queue.push(d));
  through.on('error', (e: unknown) => (failure ??= e));
  through.on('end', () => (ended = true));
  for await (const chunk of source) {
    through.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if (failure !== undefined) throw truncated(failure);
    while (queue.length > 0) yield queue.shift()!;
  }
  through.end();
  if (failure !== undefined) throw truncated(failure);
  while (queue.length > 0) yield queue.shift()!;
  if (!ended) throw truncated(new Error('unexpected end of bzip2 data'));
}

function truncated(cause: unknown): SelectError {
  if (cause instanceof SelectError) return cause;
  return new SelectError('TruncatedInput', 'Object decompression failed. Check that the object is properly compressed using the format specified in the request.');
}
