import { toAsyncIterable, type ByteSource } from '@s3kit/sigv4';

// A multipart/form-data body built by hand (RFC 7578), streamed: runtime-neutral (Web APIs only).
// Internal module: upload-ticket.ts posts forms with it. Not FormData: a FormData body is buffered
// or streamed by the runtime without progress, a length known in advance, or stream sources.

/** The file of a form: anything uploadWithTicket takes. */
export type FormFileData = Blob | Uint8Array | string | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array | string>;

/** A streamed form body. */
export interface FormBody {
  /** `multipart/form-data; boundary=…` */
  contentType: string;
  /** Total bytes on the wire, or `undefined` when the file's size is unknown. */
  length: number | undefined;
  /** Bytes of the file part's content (`undefined` when unknown). */
  fileSize: number | undefined;
  /** A fresh stream of the body (Blob, bytes and text can be read again: retries replay it); `onFileBytes` gets the file bytes read so far. */
  open(onFileBytes?: (loaded: number) => void): AsyncIterable<Uint8Array>;
  /** `true` when `open` may be called more than once. */
  replayable: boolean;
}

const CHUNK = 64 * 1024;
const encoder = new TextEncoder();

/** A form field name or file name as browsers write it in Content-Disposition: `"`, CR and LF percent-encoded. */
function quoted(s: string): string {
  return `"${s.replace(/[\r\n"]/g, (c) => encodeURIComponent(c))}"`;
}

function boundary(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return `----s3kit${hex}`;
}

async function* bytesOf(data: Exclude<FormFileData, string>): AsyncGenerator<Uint8Array> {
  if (data instanceof Uint8Array) {
    for (let i = 0; i < data.length; i += CHUNK) yield data.subarray(i, Math.min(i + CHUNK, data.length));
    return;
  }
  const stream = typeof Blob !== 'undefined' && data instanceof Blob ? data.stream() : data;
  for await (const c of toAsyncIterable(stream as ByteSource)) yield typeof c === 'string' ? encoder.encode(c) : c;
}

/** The size of `data` when it is known without reading it. */
function knownSize(data: Exclude<FormFileData, string>): number | undefined {
  if (data instanceof Uint8Array) return data.length;
  if (typeof Blob !== 'undefined' && data instanceof Blob) return data.size;
  return undefined;
}

/**
 * A multipart/form-data body: `fields` in order, then the file part `file` (named `fileName`,
 * typed `contentType`). `size` gives a stream's length (then checked as it is read).
 * @throws TypeError when a stream's bytes differ from `size` (while reading).
 */
export function formBody(fields: Readonly<Record<string, string>>, file: { data: FormFileData; fileName: string; contentType: string; size?: number | undefined }): FormBody {
  const b = boundary();
  let head = '';
  for (const [name, value] of Object.entries(fields)) head += `--${b}\r\nContent-Disposition: form-data; name=${quoted(name)}\r\n\r\n${value}\r\n`;
  head += `--${b}\r\nContent-Disposition: form-data; name="file"; filename=${quoted(file.fileName)}\r\nContent-Type: ${file.contentType.replace(/[\r\n]/g, '')}\r\n\r\n`;
  const headBytes = encoder.encode(head);
  const tailBytes = encoder.encode(`\r\n--${b}--\r\n`);
  // Text is encoded once, here: its length is then known and it replays as bytes.
  const data = typeof file.data === 'string' ? encoder.encode(file.data) : file.data;
  const known = knownSize(data);
  const fileSize = known ?? file.size;
  const replayable = known !== undefined;
  let opened = false;
  return {
    contentType: `multipart/form-data; boundary=${b}`,
    length: fileSize === undefined ? undefined : headBytes.length + fileSize + tailBytes.length,
    fileSize,
    replayable,
    async *open(onFileBytes) {
      if (opened && !replayable) throw new TypeError('uploadWithTicket: a stream can be sent once');
      opened = true;
      yield headBytes;
      let loaded = 0;
      for await (const chunk of bytesOf(data)) {
        loaded += chunk.length;
        if (fileSize !== undefined && loaded > fileSize) throw new TypeError(`uploadWithTicket: the data is longer than size (${fileSize} bytes)`);
        yield chunk;
        onFileBytes?.(loaded);
      }
      if (fileSize !== undefined && loaded !== fileSize) throw new TypeError(`uploadWithTicket: the data is ${loaded} bytes, not size (${fileSize})`);
      yield tailBytes;
    },
  };
}
