import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { make as multipasta } from 'multipasta';
import { MultipartParser, MultipartSyntaxError, boundaryOf, type PartHead } from './multipart-parser.js';

const B = 'XyZ-boundary';
const enc = new TextEncoder();
const dec = new TextDecoder();

interface Part {
  name: string;
  filename?: string | undefined;
  data: Uint8Array;
}

/** Runs the parser over `chunks`; returns the parts (bytes joined) and whether the closing boundary was seen. */
function parse(chunks: readonly Uint8Array[], maxHeaderBytes = 16384) {
  const parts: Array<{ head: PartHead; data: number[] }> = [];
  let done = false;
  let open = false;
  const p = new MultipartParser(
    B,
    {
      part: (head) => {
        expect(open).toBe(false);
        open = true;
        parts.push({ head, data: [] });
      },
      data: (c) => {
        expect(open).toBe(true);
        expect(c.length).toBeGreaterThan(0);
        parts.at(-1)!.data.push(...c);
      },
      partEnd: () => {
        expect(open).toBe(true);
        open = false;
      },
      done: () => {
        done = true;
      },
    },
    maxHeaderBytes,
  );
  for (const c of chunks) p.write(c);
  return { parts: parts.map((x) => ({ name: x.head.name, filename: x.head.filename, data: Uint8Array.from(x.data) })), done };
}

/** The same body through multipasta (the parser this one replaced), every part as a file. */
function reference(chunks: readonly Uint8Array[]) {
  const parts: Part[] = [];
  let done = false;
  const p = multipasta({
    headers: { 'content-type': `multipart/form-data; boundary=${B}` },
    isFile: () => true,
    onField() {},
    onFile: (info) => {
      const part = { name: info.name, filename: info.filename, data: [] as number[] };
      parts.push(part as unknown as Part);
      return (c) => void (c && part.data.push(...c));
    },
    onError: (e) => {
      throw new Error(e._tag);
    },
    onDone: () => {
      done = true;
    },
  });
  for (const c of chunks) p.write(c);
  return { parts: parts.map((x) => ({ name: x.name, filename: x.filename, data: Uint8Array.from(x.data as unknown as number[]) })), done };
}

function body(parts: readonly Part[], { preamble = '', epilogue = '' } = {}): Uint8Array {
  let head = preamble === '' ? '' : `${preamble}\r\n`;
  const out: Uint8Array[] = [];
  for (const p of parts) {
    head += `--${B}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename === undefined ? '' : `; filename="${p.filename}"`}\r\n\r\n`;
    out.push(enc.encode(head), p.data);
    head = '\r\n';
  }
  out.push(enc.encode(`${head}--${B}--${epilogue}`));
  const all = new Uint8Array(out.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of out) {
    all.set(c, at);
    at += c.length;
  }
  return all;
}

function cut(bytes: Uint8Array, points: readonly number[]): Uint8Array[] {
  const sorted = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...sorted, bytes.length]) {
    if (p > prev) out.push(bytes.slice(prev, p));
    prev = Math.max(prev, p);
  }
  return out;
}

// Bytes that look like the start of a delimiter, so that partial matches straddle chunk edges.
const tricky = fc.array(fc.constantFrom('\r', '\n', '-', '--', `\r\n--${B.slice(0, 5)}`, `\r\n--${B}`.slice(0, -1), 'a', 'Z'), { maxLength: 12 }).map((s) => enc.encode(s.join('')));
const partArb = fc.record({
  name: fc.stringMatching(/^[a-zA-Z0-9_-]{1,8}$/),
  filename: fc.option(fc.stringMatching(/^[a-zA-Z0-9 ._-]{0,8}$/), { nil: undefined }),
  data: fc.oneof(tricky, fc.uint8Array({ maxLength: 200 })),
});

describe('MultipartParser', () => {
  it('reads what multipasta reads, for any split of the body into chunks', () => {
    fc.assert(
      fc.property(fc.array(partArb, { maxLength: 5 }), fc.array(fc.nat(), { maxLength: 12 }), fc.constantFrom('', 'preamble'), (parts, points, preamble) => {
        const bytes = body(parts, { preamble, epilogue: '\r\nepilogue --' + B });
        const chunks = cut(bytes, points);
        const ours = parse(chunks);
        expect(ours).toEqual(reference([bytes]));
        expect(ours.parts.map((p) => p.data)).toEqual(parts.map((p) => p.data));
        expect(ours.done).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  it('gives the same parts byte by byte and at every single split point', () => {
    const parts = [
      { name: 'key', data: enc.encode('a\r\n-b') },
      { name: 'file', filename: 'f.bin', data: enc.encode(`\r\n--${B.slice(0, -1)}\r\r\n-`) },
    ];
    const bytes = body(parts);
    const whole = parse([bytes]);
    expect(whole.parts.map((p) => dec.decode(p.data))).toEqual(parts.map((p) => dec.decode(p.data)));
    expect(
      parse(
        cut(
          bytes,
          Array.from(bytes, (_, i) => i),
        ),
      ),
    ).toEqual(whole);
    for (let i = 0; i <= bytes.length; i++) expect(parse(cut(bytes, [i]))).toEqual(whole);
  });

  it('takes blanks after a boundary, an empty part body, and stops reading at the closing boundary', () => {
    const text = `--${B} \t\r\nContent-Disposition: form-data; name="a"\r\n\r\n\r\n--${B}--\r\n--${B}\r\nbroken`;
    const r = parse([enc.encode(text)]);
    expect(r).toEqual({ parts: [{ name: 'a', filename: undefined, data: new Uint8Array(0) }], done: true });
  });

  it('reads name, filename, filename* (percent-decoded) and the part Content-Type; header names are case-insensitive', () => {
    const heads: PartHead[] = [];
    const p = new MultipartParser(B, { part: (h) => heads.push(h), data() {}, partEnd() {}, done() {} }, 1000);
    p.write(
      enc.encode(
        `--${B}\r\ncontent-DISPOSITION:form-data; name="a b"; filename="c:\\x\\é.txt"\r\nContent-Type: text/plain; charset=latin1\r\n\r\nx\r\n` +
          `--${B}\r\nContent-Disposition: form-data; name=file; filename*=UTF-8''%E2%82%AC.txt; filename="e.txt"\r\n\r\ny\r\n--${B}--`,
      ),
    );
    expect(heads.map(({ name, filename, contentType }) => [name, filename, contentType])).toEqual([
      ['a b', 'c:\\x\\é.txt', 'text/plain; charset=latin1'],
      ['file', '€.txt', undefined],
    ]);
    expect(heads[0]!.headerBytes).toBe(enc.encode(`content-DISPOSITION:form-data; name="a b"; filename="c:\\x\\é.txt"\r\nContent-Type: text/plain; charset=latin1\r\n\r\n`).length);
  });

  it('rejects a part without a form-data name, a header line without a colon, text after a boundary and an oversized header block', () => {
    const fault = (text: string, max = 1000) => {
      try {
        parse([enc.encode(text)], max);
      } catch (e) {
        return e instanceof MultipartSyntaxError ? e.fault : String(e);
      }
      return 'none';
    };
    expect(fault(`--${B}\r\n\r\nx\r\n--${B}--`)).toBe('NoName');
    expect(fault(`--${B}\r\nContent-Disposition: attachment; name="a"\r\n\r\nx`)).toBe('NoName');
    expect(fault(`--${B}\r\nContent-Disposition: form-data; filename="a"\r\n\r\nx`)).toBe('NoName');
    expect(fault(`--${B}\r\nContent-Disposition form-data; name="a"\r\n\r\nx`)).toBe('BadHeader');
    expect(fault(`--${B}x\r\nContent-Disposition: form-data; name="a"\r\n\r\nx`)).toBe('BadHeader');
    expect(fault(`--${B}\r\nContent-Disposition: form-data; name="${'a'.repeat(2000)}"\r\n\r\nx`)).toBe('HeaderTooLarge');
    expect(fault(`--${B}${' '.repeat(300)}\r\nContent-Disposition: form-data; name="a"\r\n\r\nx`)).toBe('BadHeader');
    // Slow headers (one byte at a time) hit the same limit without growing past it.
    expect(() =>
      parse(
        cut(
          enc.encode(`--${B}\r\nX-A: ${'a'.repeat(3000)}`),
          Array.from({ length: 3100 }, (_, i) => i),
        ),
        1000,
      ),
    ).toThrow(MultipartSyntaxError);
    expect(fault(`--${B}\r\nContent-Disposition: form-data; name="a"; filename*=UTF-8''%E0%A4%A\r\n\r\nx`)).toBe('URIError: URI malformed');
  });

  it('reports no closing boundary when the body stops early', () => {
    const bytes = body([{ name: 'a', data: enc.encode('x') }]);
    expect(parse([bytes.subarray(0, bytes.length - 4)]).done).toBe(false);
  });
});

describe('boundaryOf', () => {
  it('reads a token or quoted boundary parameter', () => {
    expect(boundaryOf('multipart/form-data; boundary=----WebKitFormBoundary7MA4')).toBe('----WebKitFormBoundary7MA4');
    expect(boundaryOf('multipart/form-data; charset=utf-8; BOUNDARY="a b:c"')).toBe('a b:c');
    expect(boundaryOf('multipart/form-data')).toBeUndefined();
    expect(boundaryOf('multipart/form-data; boundary=')).toBeUndefined();
  });
});
