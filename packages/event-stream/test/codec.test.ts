import { describe, expect, it } from 'vitest';
import { decodeMessage, decodeStream, encodeMessage, EventStreamError, MAX_MESSAGE_BYTES } from '../src/index.js';
import { asyncChunks, collect, readableOf } from './helpers.js';

/** A prelude with a valid CRC announcing the given lengths (the rest left to the caller). */
function withLengths(total: number, headersLength: number): Uint8Array {
  const m = new Uint8Array(total <= 1 << 20 ? Math.max(16, total) : 16);
  const v = new DataView(m.buffer);
  v.setUint32(0, total);
  v.setUint32(4, headersLength);
  const crc = preludeCrc(m.subarray(0, 8)); // re-sign: only the lengths are wrong
  v.setUint32(8, crc);
  return m;
}

function preludeCrc(b: Uint8Array): number {
  let c = ~0;
  for (const x of b) {
    c ^= x;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

const code = (c: string) => expect.objectContaining({ name: 'EventStreamError', code: c });

describe('typed headers', () => {
  it('plain values take their natural type; numbers must be typed', () => {
    const d = decodeMessage(
      encodeMessage({
        headers: {
          s: 'text',
          t: true,
          f: false,
          b: new Uint8Array([1, 2]),
          d: new Date(1_700_000_000_123),
          l: -5n,
          i: { type: 'integer', value: -7 },
          by: { type: 'byte', value: -1 },
          sh: { type: 'short', value: 300 },
          u: { type: 'uuid', value: '0102030405060708090A0B0C0D0E0F10'.replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-') },
        },
        body: 'hi',
      }),
    );
    expect({ ...d.headers }).toEqual({
      s: { type: 'string', value: 'text' },
      t: { type: 'boolean', value: true },
      f: { type: 'boolean', value: false },
      b: { type: 'binary', value: new Uint8Array([1, 2]) },
      d: { type: 'timestamp', value: new Date(1_700_000_000_123) },
      l: { type: 'long', value: -5n },
      i: { type: 'integer', value: -7 },
      by: { type: 'byte', value: -1 },
      sh: { type: 'short', value: 300 },
      u: { type: 'uuid', value: '01020304-0506-0708-090a-0b0c0d0e0f10' },
    });
    expect(new TextDecoder().decode(d.body)).toBe('hi');
    expect(() => encodeMessage({ headers: { n: 5 as never } })).toThrow(TypeError);
  });

  it('refuses values out of range, bad UUIDs, empty or long names, long strings', () => {
    expect(() => encodeMessage({ headers: { x: { type: 'byte', value: 128 } } })).toThrow(RangeError);
    expect(() => encodeMessage({ headers: { x: { type: 'short', value: -32769 } } })).toThrow(RangeError);
    expect(() => encodeMessage({ headers: { x: { type: 'integer', value: 1.5 } } })).toThrow(RangeError);
    expect(() => encodeMessage({ headers: { x: { type: 'long', value: 1n << 63n } } })).toThrow(RangeError);
    expect(() => encodeMessage({ headers: { x: { type: 'uuid', value: 'nope' } } })).toThrow(RangeError);
    expect(() => encodeMessage({ headers: { x: new Date(NaN) } })).toThrow(RangeError);
    expect(() => encodeMessage({ headers: { '': 'v' } })).toThrow(RangeError);
    expect(() => encodeMessage({ headers: { ['n'.repeat(256)]: 'v' } })).toThrow(RangeError);
    expect(() => encodeMessage({ headers: { x: 'v'.repeat(65536) } })).toThrow(RangeError);
    expect(encodeMessage({ headers: { x: 'v'.repeat(65535) } }).length).toBe(16 + 1 + 1 + 1 + 2 + 65535);
  });

  it('__proto__ is an ordinary header name', () => {
    const d = decodeMessage(encodeMessage({ headers: JSON.parse('{"__proto__":"x"}') as Record<string, string> }));
    expect(Object.keys(d.headers)).toEqual(['__proto__']);
    // biome-ignore lint/suspicious/noProto: the point of the test
    expect(d.headers['__proto__']).toEqual({ type: 'string', value: 'x' });
  });

  it('an unknown header type or a header past the section is InvalidHeader', () => {
    const m = encodeMessage({ headers: { a: { type: 'byte', value: 1 } } });
    m[12 + 2] = 10; // type byte after "\x01a"
    fixCrcs(m);
    expect(() => decodeMessage(m)).toThrow(code('InvalidHeader'));
    const s = encodeMessage({ headers: { a: 'abc' } });
    s[12 + 4] = 9; // string length 3 → 9
    fixCrcs(s);
    expect(() => decodeMessage(s)).toThrow(code('InvalidHeader'));
  });
});

function fixCrcs(m: Uint8Array): void {
  const v = new DataView(m.buffer, m.byteOffset);
  v.setUint32(8, preludeCrc(m.subarray(0, 8)));
  v.setUint32(m.length - 4, preludeCrc(m.subarray(0, m.length - 4)));
}

describe('impossible lengths and limits', () => {
  it('total below 16', () => {
    expect(() => decodeMessage(withLengths(15, 0).subarray(0, 16))).toThrow(code('InvalidLength'));
  });
  it('headers length beyond total - 16', () => {
    expect(() => decodeMessage(withLengths(20, 5))).toThrow(code('InvalidLength'));
  });
  it('a message larger than maxMessageBytes is refused from its prelude, before any buffering', async () => {
    const big = withLengths(MAX_MESSAGE_BYTES + 1, 0);
    expect(() => decodeMessage(big.subarray(0, 12))).toThrow(code('MessageTooLarge'));
    // Only the 12-byte prelude is sent: the decoder refuses at once instead of waiting for 16 MiB.
    await expect(collect(decodeStream(asyncChunks([big.subarray(0, 12)])))).rejects.toMatchObject({ code: 'MessageTooLarge' });
    const m = encodeMessage({ body: new Uint8Array(100) });
    await expect(collect(decodeStream(asyncChunks([m]), { maxMessageBytes: 115 }))).rejects.toMatchObject({ code: 'MessageTooLarge' });
    expect((await collect(decodeStream(asyncChunks([m]), { maxMessageBytes: 116 }))).length).toBe(1);
  });
  it('decodeMessage wants exactly one message', () => {
    const m = encodeMessage({ body: 'x' });
    expect(() => decodeMessage(m.subarray(0, 11))).toThrow(code('Truncated'));
    expect(() => decodeMessage(m.subarray(0, m.length - 1))).toThrow(code('Truncated'));
    expect(() => decodeMessage(new Uint8Array([...m, 0]))).toThrow(code('InvalidLength'));
  });
  it('the encoder refuses messages over 16 MiB', () => {
    expect(() => encodeMessage({ body: new Uint8Array(MAX_MESSAGE_BYTES - 15) })).toThrow(RangeError);
  });
  it('errors are EventStreamError instances', () => {
    try {
      decodeMessage(new Uint8Array(16));
    } catch (e) {
      expect(e).toBeInstanceOf(EventStreamError);
      expect((e as EventStreamError).code).toBe('PreludeChecksumMismatch');
    }
  });
});

describe('decodeStream sources', () => {
  it('a ReadableStream without Symbol.asyncIterator (Safari) is read with a reader, and cancelled on an early stop or an error', async () => {
    const noIterator = (rs: ReadableStream<Uint8Array>) => Object.defineProperty(rs, Symbol.asyncIterator, { value: undefined });
    const msgs = [encodeMessage({ body: 'a' }), encodeMessage({ body: 'b' })];
    expect((await collect(decodeStream(noIterator(readableOf(msgs))))).length).toBe(2);
    let cancelled = 0;
    const endless = () =>
      noIterator(
        new ReadableStream<Uint8Array>({
          pull: (c) => c.enqueue(encodeMessage({ body: 'x' })),
          cancel: () => void cancelled++,
        }),
      );
    for await (const m of decodeStream(endless())) {
      void m;
      break;
    }
    expect(cancelled).toBe(1);
    const bad = noIterator(
      new ReadableStream<Uint8Array>({
        start: (c) => c.enqueue(new Uint8Array(16)),
        cancel: () => void cancelled++,
      }),
    );
    await expect(collect(decodeStream(bad))).rejects.toMatchObject({ code: 'PreludeChecksumMismatch' });
    expect(cancelled).toBe(2);
  });

  it('a ReadableStream is cancelled when the consumer stops early', async () => {
    let cancelled = false;
    const msgs = [encodeMessage({ body: 'a' }), encodeMessage({ body: 'b' })];
    let i = 0;
    const rs = new ReadableStream<Uint8Array>({
      pull(c) {
        if (i < msgs.length) c.enqueue(msgs[i++]!);
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const m of decodeStream(rs)) {
      expect(new TextDecoder().decode(m.body)).toBe('a');
      break;
    }
    expect(cancelled).toBe(true);
  });

  it('an empty source yields nothing; empty chunks are fine', async () => {
    expect(await collect(decodeStream(readableOf([])))).toEqual([]);
    const m = encodeMessage({ body: 'x' });
    expect((await collect(decodeStream(asyncChunks([new Uint8Array(0), m.subarray(0, 5), new Uint8Array(0), m.subarray(5)])))).length).toBe(1);
  });

  it('a message inside one chunk is decoded in place (its body is a view of the chunk)', async () => {
    const m = encodeMessage({ body: 'abc' });
    const [d] = await collect(decodeStream(asyncChunks([m])));
    expect(d!.body.buffer).toBe(m.buffer);
  });
});
