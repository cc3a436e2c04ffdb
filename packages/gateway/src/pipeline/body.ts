import { createHash } from 'node:crypto';
import { s3Error } from '@s3kit/errors';
import { decodeChunked, type ChunkedDecoderSeed } from '@s3kit/sigv4';
import { asAsyncIterable, type UpstreamBody, type UpstreamResponseBody } from '../upstreams/upstream.js';

/** Counts the bytes read from a client body. */
export function counted(source: AsyncIterable<Uint8Array>, onBytes: (n: number) => void): AsyncGenerator<Uint8Array> {
  return (async function* () {
    for await (const chunk of source) {
      onBytes(chunk.length);
      yield chunk;
    }
  })();
}

/**
 * Releases every piece of `source` except the last one as it arrives; the last one only once
 * `source` has ended cleanly (its final checks passed). A failure therefore always reaches the
 * upstream as an aborted, short body, never as a complete one: the upstream cannot commit it.
 */
export async function* holdBackLast(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let held: Uint8Array | undefined;
  for await (const chunk of source) {
    if (chunk.length === 0) continue;
    if (held !== undefined) yield held;
    held = chunk;
  }
  if (held !== undefined) yield held;
}

/** Checks a body against the signed hex SHA-256 while it streams (XAmzContentSHA256Mismatch at the end). */
export async function* sha256Checked(source: AsyncIterable<Uint8Array>, expectedHex: string): AsyncGenerator<Uint8Array> {
  const hash = createHash('sha256');
  for await (const chunk of source) {
    hash.update(chunk);
    yield chunk;
  }
  if (hash.digest('hex') !== expectedHex.toLowerCase()) {
    throw s3Error('XAmzContentSHA256Mismatch', undefined, { details: { ClientComputedContentSHA256: expectedHex } });
  }
}

/**
 * The unsigned-payload path in one pass (one async hop per chunk instead of three): counts the
 * bytes, checks them against the declared length, and holds the last piece back until the
 * count is right.
 */
export async function* lengthCheckedHeld(source: AsyncIterable<Uint8Array>, expected: number, onBytes: (n: number) => void): AsyncGenerator<Uint8Array> {
  let n = 0;
  let held: Uint8Array | undefined;
  for await (const chunk of source) {
    n += chunk.length;
    onBytes(chunk.length);
    if (n > expected) throw s3Error('IncompleteBody', 'The request body is longer than its Content-Length');
    if (chunk.length === 0) continue;
    if (held !== undefined) yield held;
    held = chunk;
  }
  if (n !== expected) throw s3Error('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header');
  if (held !== undefined) yield held;
}

/** Checks the byte count of a body that declares its length. */
export async function* lengthChecked(source: AsyncIterable<Uint8Array>, expected: number): AsyncGenerator<Uint8Array> {
  let n = 0;
  for await (const chunk of source) {
    n += chunk.length;
    if (n > expected) throw s3Error('IncompleteBody', 'The request body is longer than its Content-Length');
    yield chunk;
  }
  if (n !== expected) throw s3Error('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header');
}

/** Decodes and verifies an aws-chunked body (chunk signatures, trailer checksum, decoded length). */
export function chunkedDecoded(source: AsyncIterable<Uint8Array>, verified: ChunkedDecoderSeed, decodedContentLength: string | undefined, trailer: string | undefined): AsyncGenerator<Uint8Array> {
  return decodeChunked(source, verified, { decodedContentLength, trailer });
}

/**
 * Reads a small body whole (a DeleteObjects or tagging document, an upload ticket request, an
 * upstream's DeleteResult), up to `cap` bytes: past the cap it stops reading and throws `over()`.
 */
export async function readCapped(body: UpstreamBody | UpstreamResponseBody | undefined, cap: number, over: () => Error): Promise<Uint8Array> {
  if (body === undefined) return new Uint8Array();
  if (body instanceof Uint8Array || typeof body === 'string') {
    const whole = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    if (whole.length > cap) throw over();
    return whole;
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const c of asAsyncIterable(body)) {
    total += c.length;
    if (total > cap) throw over();
    chunks.push(c);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
