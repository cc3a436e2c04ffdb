import { crc32 } from 'node:zlib';

/** One decoded event-stream message (test decoder until @s3kit/event-stream lands). */
export interface Message {
  readonly headers: Record<string, string>;
  readonly payload: Buffer;
}

/** Decodes a whole application/vnd.amazon.eventstream body, checking both CRCs. */
export function decodeMessages(body: Uint8Array): Message[] {
  const buf = Buffer.from(body);
  const out: Message[] = [];
  let at = 0;
  while (at < buf.length) {
    const total = buf.readUInt32BE(at);
    const headersLength = buf.readUInt32BE(at + 4);
    if (crc32(buf.subarray(at, at + 8)) !== buf.readUInt32BE(at + 8)) throw new Error('bad prelude CRC');
    if (crc32(buf.subarray(at, at + total - 4)) !== buf.readUInt32BE(at + total - 4)) throw new Error('bad message CRC');
    const headers: Record<string, string> = {};
    let h = at + 12;
    while (h < at + 12 + headersLength) {
      const n = buf[h]!;
      const name = buf.toString('utf8', h + 1, h + 1 + n);
      const type = buf[h + 1 + n];
      if (type !== 7) throw new Error(`header type ${type}`);
      const len = buf.readUInt16BE(h + 2 + n);
      headers[name] = buf.toString('utf8', h + 4 + n, h + 4 + n + len);
      h += 4 + n + len;
    }
    out.push({ headers, payload: buf.subarray(at + 12 + headersLength, at + total - 4) });
    at += total;
  }
  return out;
}

/** The records text, stats and end of a decoded Select answer. */
export function selectAnswer(messages: readonly Message[]): { records: string; events: string[]; stats: Record<string, number>; error?: { code: string; message: string } } {
  let records = '';
  const events: string[] = [];
  const stats: Record<string, number> = {};
  let error: { code: string; message: string } | undefined;
  for (const m of messages) {
    if (m.headers[':message-type'] === 'error') {
      error = { code: m.headers[':error-code']!, message: m.headers[':error-message']! };
      continue;
    }
    const type = m.headers[':event-type']!;
    events.push(type);
    if (type === 'Records') records += m.payload.toString('utf8');
    if (type === 'Stats') for (const [, k, v] of m.payload.toString('utf8').matchAll(/<(Bytes\w+)>(\d+)</g)) stats[k!] = Number(v);
  }
  return error === undefined ? { records, events, stats } : { records, events, stats, error };
}
