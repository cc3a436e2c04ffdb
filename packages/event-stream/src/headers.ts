import { EventStreamError } from './errors.js';

/** A header value as it travels: the wire type and its value. */
export type HeaderValue =
  | { type: 'boolean'; value: boolean }
  /** Signed 8-bit. */
  | { type: 'byte'; value: number }
  /** Signed 16-bit. */
  | { type: 'short'; value: number }
  /** Signed 32-bit. */
  | { type: 'integer'; value: number }
  /** Signed 64-bit. */
  | { type: 'long'; value: bigint }
  /** At most 65535 bytes. */
  | { type: 'binary'; value: Uint8Array }
  /** UTF-8, at most 65535 bytes. */
  | { type: 'string'; value: string }
  /** Milliseconds since the epoch on the wire (signed 64-bit). */
  | { type: 'timestamp'; value: Date }
  /** `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (lowercase hex on decode; any case on encode). */
  | { type: 'uuid'; value: string };

/** What the encoder accepts per header: a typed value, or a plain value mapped to its natural type. */
export type HeaderInput = HeaderValue | string | boolean | Uint8Array | Date | bigint;

/** Decoded headers by name (a null-prototype object, in wire order). */
export type Headers = Record<string, HeaderValue>;

const TYPE_BYTE: Record<HeaderValue['type'], number> = {
  boolean: 0, // 0 = true, 1 = false
  byte: 2,
  short: 3,
  integer: 4,
  long: 5,
  binary: 6,
  string: 7,
  timestamp: 8,
  uuid: 9,
};

const utf8Decoder = new TextDecoder();
const utf8Encoder = new TextEncoder();

const bad = (message: string): EventStreamError => new EventStreamError('InvalidHeader', message);

/** Short ASCII strings (header names, event types) without a TextDecoder call; UTF-8 otherwise. */
function readText(b: Uint8Array, start: number, end: number): string {
  if (end - start <= 32) {
    let s = '';
    for (let i = start; i < end; i++) {
      const c = b[i]!;
      if (c >= 0x80) return utf8Decoder.decode(b.subarray(start, end));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return utf8Decoder.decode(b.subarray(start, end));
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function uuidString(b: Uint8Array, at: number): string {
  let s = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
    s += HEX[b[at + i]!];
  }
  return s;
}

/** Parses the headers section `b[start..end)` of a message. */
export function decodeHeaders(b: Uint8Array, view: DataView, start: number, end: number): Headers {
  const headers: Headers = Object.create(null) as Headers;
  let p = start;
  const need = (n: number, what: string): void => {
    if (p + n > end) throw bad(`header ${what} runs past the headers section`);
  };
  /** Claims the next `n` bytes of a value; returns their offset. */
  const take = (n: number): number => {
    need(n, 'value');
    const at = p;
    p += n;
    return at;
  };
  while (p < end) {
    const nameLen = b[p++]!;
    if (nameLen === 0) throw bad('empty header name');
    need(nameLen + 1, 'name');
    const name = readText(b, p, p + nameLen);
    p += nameLen;
    const type = b[p++]!;
    let value: HeaderValue;
    switch (type) {
      case 0:
      case 1:
        value = { type: 'boolean', value: type === 0 };
        break;
      case 2:
        value = { type: 'byte', value: view.getInt8(take(1)) };
        break;
      case 3:
        value = { type: 'short', value: view.getInt16(take(2)) };
        break;
      case 4:
        value = { type: 'integer', value: view.getInt32(take(4)) };
        break;
      case 5:
        value = { type: 'long', value: view.getBigInt64(take(8)) };
        break;
      case 6:
      case 7: {
        const len = view.getUint16(take(2));
        const at = take(len);
        value = type === 6 ? { type: 'binary', value: b.slice(at, at + len) } : { type: 'string', value: readText(b, at, at + len) };
        break;
      }
      case 8:
        value = { type: 'timestamp', value: new Date(Number(view.getBigInt64(take(8)))) };
        break;
      case 9:
        value = { type: 'uuid', value: uuidString(b, take(16)) };
        break;
      default:
        throw bad(`unknown header value type ${type} for ${JSON.stringify(name)}`);
    }
    if (Object.hasOwn(headers, name)) throw new EventStreamError('DuplicateHeader', `duplicate header ${JSON.stringify(name)}`);
    headers[name] = value;
  }
  return headers;
}

/** A header ready to write: its name's bytes, the typed value and the encoded size. */
interface PreparedHeader {
  name: Uint8Array;
  value: HeaderValue;
  /** Bytes of string values (encoded once). */
  bytes: Uint8Array | undefined;
  size: number;
}

/** Maps plain values to their natural wire type (numbers must be typed explicitly). */
export function toHeaderValue(input: HeaderInput): HeaderValue {
  if (typeof input === 'string') return { type: 'string', value: input };
  if (typeof input === 'boolean') return { type: 'boolean', value: input };
  if (typeof input === 'bigint') return { type: 'long', value: input };
  if (input instanceof Uint8Array) return { type: 'binary', value: input };
  if (input instanceof Date) return { type: 'timestamp', value: input };
  if (input !== null && typeof input === 'object' && typeof input.type === 'string' && input.type in TYPE_BYTE) return input;
  throw new TypeError(`unsupported header value: ${String(input)} (numbers need { type: 'byte' | 'short' | 'integer', value })`);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INT_RANGE = { byte: [-0x80, 0x7f], short: [-0x8000, 0x7fff], integer: [-0x80000000, 0x7fffffff] } as const;
const LONG_MIN = -(1n << 63n);
const LONG_MAX = (1n << 63n) - 1n;

function prepare(name: string, input: HeaderInput): PreparedHeader {
  const nameBytes = utf8Encoder.encode(name);
  if (nameBytes.length === 0 || nameBytes.length > 255) throw new RangeError(`header name must be 1 to 255 bytes: ${JSON.stringify(name)}`);
  const value = toHeaderValue(input);
  let bytes: Uint8Array | undefined;
  let size: number;
  switch (value.type) {
    case 'boolean':
      size = 0;
      break;
    case 'byte':
    case 'short':
    case 'integer': {
      const [min, max] = INT_RANGE[value.type];
      if (!Number.isInteger(value.value) || value.value < min || value.value > max) {
        throw new RangeError(`header ${name}: ${value.value} is not a ${value.type}`);
      }
      size = value.type === 'byte' ? 1 : value.type === 'short' ? 2 : 4;
      break;
    }
    case 'long':
      if (value.value < LONG_MIN || value.value > LONG_MAX) throw new RangeError(`header ${name}: ${value.value} is not a long`);
      size = 8;
      break;
    case 'timestamp':
      if (Number.isNaN(value.value.getTime())) throw new RangeError(`header ${name}: invalid Date`);
      size = 8;
      break;
    case 'uuid':
      if (!UUID.test(value.value)) throw new RangeError(`header ${name}: not a UUID: ${value.value}`);
      size = 16;
      break;
    case 'binary':
    case 'string':
      bytes = value.type === 'string' ? utf8Encoder.encode(value.value) : value.value;
      if (bytes.length > 0xffff) throw new RangeError(`header ${name}: ${value.type} value longer than 65535 bytes`);
      size = 2 + bytes.length;
      break;
  }
  return { name: nameBytes, value, bytes, size: 1 + nameBytes.length + 1 + size };
}

/** Encodes headers in insertion order; returns each prepared header and the section's size. */
export function prepareHeaders(headers: Record<string, HeaderInput> | undefined): { list: PreparedHeader[]; size: number } {
  const list: PreparedHeader[] = [];
  let size = 0;
  if (headers) {
    for (const name of Object.keys(headers)) {
      const h = prepare(name, headers[name]!);
      list.push(h);
      size += h.size;
    }
  }
  return { list, size };
}

/** Writes prepared headers at `out[at..]`; returns the offset after them. */
export function writeHeaders(list: readonly PreparedHeader[], out: Uint8Array, view: DataView, at: number): number {
  let p = at;
  for (const { name, value, bytes, size } of list) {
    out[p] = name.length;
    out.set(name, p + 1);
    const v = p + 1 + name.length + 1; // the value, after the type byte
    out[v - 1] = value.type === 'boolean' ? (value.value ? 0 : 1) : TYPE_BYTE[value.type];
    switch (value.type) {
      case 'byte':
        view.setInt8(v, value.value);
        break;
      case 'short':
        view.setInt16(v, value.value);
        break;
      case 'integer':
        view.setInt32(v, value.value);
        break;
      case 'long':
        view.setBigInt64(v, value.value);
        break;
      case 'timestamp':
        view.setBigInt64(v, BigInt(value.value.getTime()));
        break;
      case 'uuid': {
        const hex = value.value.replace(/-/g, '');
        for (let i = 0; i < 16; i++) out[v + i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
        break;
      }
      case 'binary':
      case 'string':
        view.setUint16(v, bytes!.length);
        out.set(bytes!, v + 2);
        break;
    }
    p += size;
  }
  return p;
}
