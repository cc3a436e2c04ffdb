import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readVectorBytes, readVectorFile, vectorsDir } from '@s3kit/test-utils';
import { describe, expect, it } from 'vitest';
import { decodeMessage, decodeStream, encodeMessage, EventStreamError, type HeaderValue } from '../src/index.js';
import { chunkAt, collect, asyncChunks, concat, plain } from './helpers.js';

// Every published event-stream vector in tooling/vectors/event-stream (see its README section).

const TYPE_NAMES: HeaderValue['type'][] = ['boolean', 'boolean', 'byte', 'short', 'integer', 'long', 'binary', 'string', 'timestamp', 'uuid'];
const fromB64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));
const uuidOf = (b: Uint8Array): string => {
  const h = Buffer.from(b).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

function typed(type: HeaderValue['type'], value: unknown, stringsAreB64: boolean): HeaderValue {
  switch (type) {
    case 'boolean':
      return { type, value: value as boolean };
    case 'byte':
    case 'short':
    case 'integer':
      return { type, value: value as number };
    case 'long':
      return { type, value: BigInt(value as number) };
    case 'binary':
      return { type, value: fromB64(value as string) };
    case 'string':
      return { type, value: stringsAreB64 ? Buffer.from(value as string, 'base64').toString() : (value as string) };
    case 'timestamp':
      return { type, value: new Date(value as number) };
    case 'uuid':
      return { type, value: uuidOf(fromB64(value as string)) };
  }
}

const AWS = 'event-stream/aws-eventstream';
const awsNames = (kind: 'positive' | 'negative'): string[] => readdirSync(join(vectorsDir(), AWS, 'encoded', kind)).sort();

interface AwsDecoded {
  total_length: number;
  headers_length: number;
  prelude_crc: number;
  message_crc: number;
  headers: { name: string; type: number; value: unknown }[];
  payload: string;
}

describe('AWS event-stream corpus (aws-eventstream-java layout, via smithy-typescript)', () => {
  it('has the 5 positive and 4 negative cases', () => {
    expect(awsNames('positive')).toHaveLength(5);
    expect(awsNames('negative')).toHaveLength(4);
  });

  for (const name of awsNames('positive')) {
    it(`positive/${name}: decodes, re-encodes byte for byte, and streams one byte at a time`, async () => {
      const bytes = readVectorBytes(AWS, 'encoded/positive', name);
      const d = JSON.parse(readVectorFile(AWS, 'decoded/positive', name)) as AwsDecoded;
      const view = new DataView(bytes.buffer, bytes.byteOffset);
      expect([view.getUint32(0), view.getUint32(4), view.getUint32(8), view.getUint32(bytes.length - 4)]).toEqual([d.total_length, d.headers_length, d.prelude_crc, d.message_crc]);
      const headers = Object.fromEntries(d.headers.map((h) => [h.name, typed(TYPE_NAMES[h.type]!, h.value, true)]));
      const expected = { headers, body: fromB64(d.payload) };
      expect(plain(decodeMessage(bytes))).toEqual(expected);
      expect(encodeMessage(expected)).toEqual(bytes);
      const cuts = Array.from({ length: bytes.length }, (_, i) => i);
      expect((await collect(decodeStream(asyncChunks(chunkAt(bytes, cuts))))).map(plain)).toEqual([expected]);
    });
  }

  const CODES: Record<string, string> = { 'Prelude checksum mismatch': 'PreludeChecksumMismatch', 'Message checksum mismatch': 'MessageChecksumMismatch' };
  for (const name of awsNames('negative')) {
    it(`negative/${name}: refused with the expected error, whole and streamed`, async () => {
      const bytes = readVectorBytes(AWS, 'encoded/negative', name);
      const code = CODES[readVectorFile(AWS, 'decoded/negative', name).trim()];
      expect(code).toBeDefined();
      expect(() => decodeMessage(bytes)).toThrow(expect.objectContaining({ name: 'EventStreamError', code }));
      await expect(collect(decodeStream(asyncChunks(chunkAt(bytes, [3, 13]))))).rejects.toMatchObject({ code });
    });
  }
});

interface BotoCase {
  name: string;
  encoded: string;
  headers?: Record<string, [HeaderValue['type'], unknown]>;
  payload?: string;
  error?: string;
}
const boto = JSON.parse(readVectorFile('event-stream', 'botocore.json')) as { positive: BotoCase[]; negative: BotoCase[] };
const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));

describe('botocore event-stream cases', () => {
  const expectedOf = (c: BotoCase) => ({
    headers: Object.fromEntries(Object.entries(c.headers!).map(([k, [t, v]]) => [k, typed(t, v, false)])),
    body: fromB64(c.payload!),
  });

  for (const c of boto.positive) {
    it(`positive ${c.name}: decodes and re-encodes byte for byte`, () => {
      const bytes = hex(c.encoded);
      expect(plain(decodeMessage(bytes))).toEqual(expectedOf(c));
      expect(encodeMessage(expectedOf(c))).toEqual(bytes);
    });
  }

  it('all positive cases back to back in one stream, cut at every 7th byte', async () => {
    const all = concat(boto.positive.map((c) => hex(c.encoded)));
    const cuts = Array.from({ length: all.length / 7 }, (_, i) => i * 7);
    expect((await collect(decodeStream(asyncChunks(chunkAt(all, cuts))))).map(plain)).toEqual(boto.positive.map(expectedOf));
  });

  // botocore's exception classes and this decoder's codes: a corrupted length or headers length
  // also breaks the prelude CRC, which is checked first.
  const CODES: Record<string, string> = {
    CORRUPTED_LENGTH: 'PreludeChecksumMismatch',
    CORRUPTED_PAYLOAD: 'MessageChecksumMismatch',
    CORRUPTED_HEADERS: 'MessageChecksumMismatch',
    CORRUPTED_HEADER_LENGTH: 'PreludeChecksumMismatch',
    DUPLICATE_HEADER: 'DuplicateHeader',
  };
  for (const c of boto.negative) {
    it(`negative ${c.name} (${c.error}): refused`, async () => {
      const bytes = hex(c.encoded);
      expect(() => decodeMessage(bytes)).toThrow(EventStreamError);
      expect(() => decodeMessage(bytes)).toThrow(expect.objectContaining({ code: CODES[c.name] }));
      await expect(collect(decodeStream(asyncChunks([bytes])))).rejects.toMatchObject({ code: CODES[c.name] });
    });
  }
});
