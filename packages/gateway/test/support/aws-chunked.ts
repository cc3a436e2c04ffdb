// For the test-only listener (node-adapter.ts) that puts real clients straight in front of the
// store, unauthenticated: the gateway itself verifies aws-chunked bodies (chunk signatures and
// trailer checksums) with @s3kit/sigv4's decodeChunked. This tiny decoder only strips the
// framing (and checks an x-amz-checksum-crc32 trailer). Like the real decoder, it THROWS instead of ending when the body is
// truncated or fails verification: the store commits only a body that ended normally.
import { crc32 } from 'node:zlib';
import { S3Error } from '@s3kit/errors';

/** Splits an `aws-chunked` body into its payload; `trailers` receives the trailing headers. */
export async function* decodeAwsChunked(src: AsyncIterable<Uint8Array>, trailers: Record<string, string> = {}): AsyncGenerator<Uint8Array> {
  const it = src[Symbol.asyncIterator]();
  let buf = Buffer.alloc(0);
  const truncated = (): Error => new S3Error('IncompleteBody', { message: 'The aws-chunked body ended early.' });
  const bad = (what: string): Error => new S3Error('InvalidRequest', { message: `Malformed aws-chunked body: ${what}.` });
  let crc = 0;
  async function fill(): Promise<boolean> {
    const r = await it.next();
    if (r.done) return false;
    const chunk = Buffer.from(r.value);
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    return true;
  }
  async function line(): Promise<string> {
    let i: number;
    while ((i = buf.indexOf('\r\n')) === -1) {
      if (buf.length > 64 * 1024) throw bad('header line too long');
      if (!(await fill())) throw truncated();
    }
    const s = buf.subarray(0, i).toString('latin1');
    buf = buf.subarray(i + 2);
    return s;
  }
  for (;;) {
    const header = await line();
    const size = parseInt(header.split(';')[0]!, 16);
    if (!/^[0-9a-fA-F]+$/.test(header.split(';')[0]!) || !Number.isFinite(size)) throw bad(`chunk header ${JSON.stringify(header)}`);
    if (size === 0) break;
    let remaining = size;
    while (remaining > 0) {
      if (buf.length === 0 && !(await fill())) throw truncated();
      const take = Math.min(remaining, buf.length);
      crc = crc32(buf.subarray(0, take), crc);
      yield buf.subarray(0, take);
      buf = buf.subarray(take);
      remaining -= take;
    }
    if ((await line()) !== '') throw bad('chunk not followed by CRLF');
  }
  for (;;) {
    let l: string;
    try {
      l = await line();
    } catch {
      break; // some encoders end after the last trailer without a final CRLF
    }
    if (l === '') break;
    const c = l.indexOf(':');
    if (c > 0) trailers[l.slice(0, c).trim().toLowerCase()] = l.slice(c + 1).trim();
  }
  checkCrc32Trailer(trailers, crc);
}

/** Throws BadDigest when the decoded payload does not match its x-amz-checksum-crc32 trailer. */
function checkCrc32Trailer(trailers: Record<string, string>, crc: number): void {
  const want = trailers['x-amz-checksum-crc32'];
  if (want === undefined) return;
  const b = Buffer.alloc(4);
  b.writeUInt32BE(crc >>> 0);
  if (b.toString('base64') !== want) throw new S3Error('BadDigest', { message: 'The CRC32 you specified did not match the calculated checksum.' });
}
