/** Helpers for POST policy tests: encode a multipart/form-data body byte by byte, and stream it. */

export interface MultipartFilePart {
  /** Field name; `file` for the upload. */
  name?: string;
  filename?: string;
  contentType?: string;
  data: Uint8Array | string;
}

export type MultipartPart = readonly [name: string, value: string] | MultipartFilePart;

const enc = new TextEncoder();

/** Encodes parts in order as multipart/form-data with CRLF line breaks. */
export function encodeMultipart(parts: readonly MultipartPart[], boundary = '----s3kitFormBoundary7MA4YWxkTrZu0gW'): { body: Uint8Array; contentType: string } {
  const chunks: Uint8Array[] = [];
  for (const p of parts) {
    let head = `--${boundary}\r\n`;
    let data: Uint8Array;
    if (Array.isArray(p)) {
      const [name, value] = p as readonly [string, string];
      head += `Content-Disposition: form-data; name="${name}"\r\n\r\n`;
      data = enc.encode(value);
    } else {
      const f = p as MultipartFilePart;
      head += `Content-Disposition: form-data; name="${f.name ?? 'file'}"${f.filename === undefined ? '' : `; filename="${f.filename}"`}\r\n`;
      if (f.contentType !== undefined) head += `Content-Type: ${f.contentType}\r\n`;
      head += '\r\n';
      data = typeof f.data === 'string' ? enc.encode(f.data) : f.data;
    }
    chunks.push(enc.encode(head), data, enc.encode('\r\n'));
  }
  chunks.push(enc.encode(`--${boundary}--\r\n`));
  const body = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    body.set(c, o);
    o += c.length;
  }
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** A stream of `bytes` cut into `chunkSize` pieces (each a fresh copy). */
export function streamOf(bytes: Uint8Array, chunkSize = 64 * 1024): ReadableStream<Uint8Array> {
  let o = 0;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (o >= bytes.length) return c.close();
      c.enqueue(bytes.slice(o, o + chunkSize));
      o += chunkSize;
    },
  });
}

/** Reads a stream to the end; returns the bytes. */
export async function drain(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const c of stream as unknown as AsyncIterable<Uint8Array>) {
    parts.push(c);
    n += c.length;
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const c of parts) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
