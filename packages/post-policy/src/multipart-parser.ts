/** Why a multipart body could not be read. */
export type MultipartFault = 'BadHeader' | 'HeaderTooLarge' | 'NoName';

/** Thrown by {@link MultipartParser.write} for a body it cannot read. */
export class MultipartSyntaxError extends Error {
  readonly fault: MultipartFault;
  constructor(fault: MultipartFault) {
    super(`multipart/form-data: ${fault}`);
    this.fault = fault;
  }
}

/** A part's headers, as far as a form needs them. */
export interface PartHead {
  /** The Content-Disposition `name` parameter. */
  name: string;
  /** `filename*` (RFC 5987, percent-decoded) or `filename`, as sent. */
  filename: string | undefined;
  /** The part's Content-Type header. */
  contentType: string | undefined;
  /** Bytes of the part's header block, its blank line included. */
  headerBytes: number;
}

/** What the parser reports, in body order. */
export interface PartHandlers {
  part(head: PartHead): void;
  /** Body bytes of the current part: views of the written chunks, never copies (except across a split boundary). */
  data(chunk: Uint8Array): void;
  partEnd(): void;
  /** The closing boundary: nothing after it is read. */
  done(): void;
}

const CR = 13;
const LF = 10;
// Parser states (plain constants, which minifiers inline).
const PREAMBLE = 0;
const AFTER_BOUNDARY = 1;
const HEADERS = 2;
const BODY = 3;
const DONE = 4;

const utf8 = new TextDecoder();

/** The `boundary` parameter of a multipart Content-Type, or undefined. */
export function boundaryOf(contentType: string): string | undefined {
  const m = /;\s*boundary=(?:"([^"]{1,200})"|([^\s;"]{1,200}))/i.exec(contentType);
  return m === null ? undefined : (m[1] ?? m[2]);
}

/**
 * A streaming multipart/form-data reader (RFC 7578) on Web APIs only: it finds the boundaries
 * across chunk edges, parses each part's headers (at most `maxHeaderBytes` per part) and hands
 * body bytes on as views of the input, so a file streams through without being buffered.
 */
export class MultipartParser {
  readonly #delimiter: Uint8Array;
  /** How far the search may jump on each byte value (Horspool's bad-character table). */
  readonly #skip: Uint16Array;
  readonly #handlers: PartHandlers;
  readonly #maxHeaderBytes: number;
  #state = PREAMBLE as number;
  /** Bytes from the end of the last chunk that may start a delimiter; the body starts as if after a line break. */
  #carry: Uint8Array = new Uint8Array([CR, LF]);
  /** The header block read so far (`#headLength` bytes), grown by doubling so that a slow sender costs linear time. */
  #head: Uint8Array = new Uint8Array(256);
  #headLength = 0;

  constructor(boundary: string, handlers: PartHandlers, maxHeaderBytes: number) {
    const d = new TextEncoder().encode(`\r\n--${boundary}`);
    this.#delimiter = d;
    this.#skip = new Uint16Array(256).fill(d.length);
    for (let k = 0; k < d.length - 1; k++) this.#skip[d[k]!] = d.length - 1 - k;
    this.#handlers = handlers;
    this.#maxHeaderBytes = maxHeaderBytes;
  }

  /** Feeds the next chunk of the body. Throws a {@link MultipartSyntaxError} (or a URIError from `filename*`). */
  write(chunk: Uint8Array): void {
    let data = chunk;
    if (this.#carry.length > 0) {
      data = new Uint8Array(this.#carry.length + chunk.length);
      data.set(this.#carry);
      data.set(chunk, this.#carry.length);
      this.#carry = new Uint8Array(0);
    }
    let at = 0;
    while (at < data.length) {
      switch (this.#state) {
        case PREAMBLE:
        case BODY:
          at = this.#body(data, at);
          if (at === data.length) return;
          break;
        case AFTER_BOUNDARY:
          at = this.#afterBoundary(data, at);
          if (at === -1) return;
          break;
        case HEADERS:
          at = this.#headers(data, at);
          break;
        case DONE:
          return;
      }
    }
  }

  /** Body (or preamble) bytes up to the next delimiter; returns where the delimiter ends, or `data.length`. */
  #body(data: Uint8Array, from: number): number {
    const d = this.#delimiter;
    const i = this.#find(data, from);
    if (i !== -1) {
      if (this.#state === BODY) {
        if (i > from) this.#handlers.data(data.subarray(from, i));
        this.#handlers.partEnd();
      }
      this.#state = AFTER_BOUNDARY;
      return i + d.length;
    }
    // No whole delimiter: keep a tail that may begin one for the next chunk.
    let keep = data.length;
    for (let j = Math.max(from, data.length - d.length + 1); j < data.length; j++) {
      if (data[j] === CR && matches(data, j, d, data.length - j)) {
        keep = j;
        break;
      }
    }
    if (keep < data.length) this.#carry = data.slice(keep);
    if (this.#state === BODY && keep > from) this.#handlers.data(data.subarray(from, keep));
    return data.length;
  }

  /** Boyer-Moore-Horspool: the first delimiter at or after `from`, or -1. */
  #find(data: Uint8Array, from: number): number {
    const d = this.#delimiter;
    const last = d.length - 1;
    const end = d[last];
    const skip = this.#skip;
    for (let i = from; i + last < data.length; ) {
      const c = data[i + last]!;
      if (c === end && matches(data, i, d, last)) return i;
      i += skip[c]!;
    }
    return -1;
  }

  /** After a delimiter: `--` ends the body, else optional blanks and a line break start a part. Returns -1 to wait for more. */
  #afterBoundary(data: Uint8Array, from: number): number {
    let i = from;
    if (data.length - i < 2) {
      this.#carry = data.slice(i);
      return -1;
    }
    if (data[i] === 45 && data[i + 1] === 45) {
      this.#state = DONE;
      this.#handlers.done();
      return data.length;
    }
    while (i < data.length && (data[i] === 32 || data[i] === 9)) i++;
    // Transport padding is a few blanks at most; an endless run must not pile up in the carry.
    if (i - from > 256) throw new MultipartSyntaxError('BadHeader');
    if (data.length - i < 2) {
      this.#carry = data.slice(from);
      return -1;
    }
    if (data[i] !== CR || data[i + 1] !== LF) throw new MultipartSyntaxError('BadHeader');
    this.#state = HEADERS;
    // The line break that ends the delimiter line starts the header block, so `\r\n\r\n` ends it even when it is empty.
    this.#head[0] = CR;
    this.#head[1] = LF;
    this.#headLength = 2;
    return i + 2;
  }

  /** Collects the header block up to its blank line. */
  #headers(data: Uint8Array, from: number): number {
    const start = this.#headLength;
    const take = Math.min(data.length - from, this.#maxHeaderBytes + 4 - start);
    const length = start + take;
    if (length > this.#head.length) {
      const grown = new Uint8Array(Math.max(length, 2 * this.#head.length));
      grown.set(this.#head.subarray(0, start));
      this.#head = grown;
    }
    const head = this.#head;
    head.set(data.subarray(from, from + take), start);
    this.#headLength = length;
    for (let i = Math.max(0, start - 3); i + 3 < length; i++) {
      if (head[i] === CR && head[i + 1] === LF && head[i + 2] === CR && head[i + 3] === LF) {
        const part = parseHead(head.subarray(2, i), i + 2);
        this.#state = BODY;
        this.#headLength = 0;
        this.#handlers.part(part);
        return from + (i + 4 - start);
      }
    }
    if (length - 2 > this.#maxHeaderBytes) throw new MultipartSyntaxError('HeaderTooLarge');
    return from + take;
  }
}

function matches(data: Uint8Array, at: number, d: Uint8Array, n: number): boolean {
  for (let k = 0; k < n; k++) if (data[at + k] !== d[k]) return false;
  return true;
}

const HEADER = /^([!#$%&'*+.^\w`|~-]+):[ \t]*(.*?)[ \t]*$/;
const PARAM = /;\s*([^\s=;]+)\s*=\s*(?:"([^"]*)"|([^\s;]*))/g;

function parseHead(block: Uint8Array, headerBytes: number): PartHead {
  let disposition: string | undefined;
  let contentType: string | undefined;
  const text = utf8.decode(block);
  for (const line of text === '' ? [] : text.split('\r\n')) {
    const m = HEADER.exec(line);
    if (m === null) throw new MultipartSyntaxError('BadHeader');
    const name = m[1]!.toLowerCase();
    if (name === 'content-disposition') disposition ??= m[2]!;
    else if (name === 'content-type') contentType ??= m[2]!;
  }
  if (disposition === undefined || !/^form-data\s*(;|$)/i.test(disposition)) throw new MultipartSyntaxError('NoName');
  const params: Record<string, string> = Object.create(null);
  for (const m of disposition.matchAll(PARAM)) params[m[1]!.toLowerCase()] ??= m[2] ?? m[3]!;
  const name = params['name'];
  if (name === undefined) throw new MultipartSyntaxError('NoName');
  const extended = params['filename*']?.split("''");
  const filename = extended?.length === 2 ? decodeURIComponent(extended[1]!) : params['filename'];
  return { name, filename, contentType, headerBytes };
}
