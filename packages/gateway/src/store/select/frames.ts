import { crc32 } from 'node:zlib';
import type { SelectEvent, SelectStats } from './index.js';

/** The content type of a SelectObjectContent answer. */
export const EVENT_STREAM_TYPE = 'application/vnd.amazon.eventstream';

/** The wire message of an engine event (application/vnd.amazon.eventstream). */
export function eventFrame(ev: SelectEvent): Uint8Array {
  switch (ev.type) {
    case 'Records':
      return recordsEvent(ev.payload);
    case 'Stats':
      return statsEvent(ev);
    case 'Progress':
      return message({ ':message-type': 'event', ':event-type': 'Progress', ':content-type': 'text/xml' }, statsXml('Progress', ev));
    case 'Cont':
      return message({ ':message-type': 'event', ':event-type': 'Cont' }, new Uint8Array(0));
    case 'End':
      return endEvent();
  }
}

// TEMP until @s3kit/event-stream lands: the four encoders below stand in for the package's
// recordsEvent / statsEvent / endEvent / errorEvent, with a minimal private frame writer.

function recordsEvent(payload: Uint8Array): Uint8Array {
  return message({ ':message-type': 'event', ':event-type': 'Records', ':content-type': 'application/octet-stream' }, payload);
}

function statsEvent(s: SelectStats): Uint8Array {
  return message({ ':message-type': 'event', ':event-type': 'Stats', ':content-type': 'text/xml' }, statsXml('Stats', s));
}

function endEvent(): Uint8Array {
  return message({ ':message-type': 'event', ':event-type': 'End' }, new Uint8Array(0));
}

/** The error message S3 sends when a Select fails once the answer has started. */
export function errorEvent(code: string, text: string): Uint8Array {
  return message({ ':message-type': 'error', ':error-code': code, ':error-message': text }, new Uint8Array(0));
}

function statsXml(root: string, s: SelectStats): Uint8Array {
  return new TextEncoder().encode(`<?xml version="1.0" encoding="UTF-8"?><${root} xmlns=""><BytesScanned>${s.bytesScanned}</BytesScanned><BytesProcessed>${s.bytesProcessed}</BytesProcessed><BytesReturned>${s.bytesReturned}</BytesReturned></${root}>`);
}

/** One message: prelude (total and headers length, CRC), string headers, payload, message CRC. */
function message(headers: Readonly<Record<string, string>>, payload: Uint8Array): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const n = enc.encode(name);
    const v = enc.encode(value);
    const h = new Uint8Array(1 + n.length + 3 + v.length);
    h[0] = n.length;
    h.set(n, 1);
    h[1 + n.length] = 7; // string
    new DataView(h.buffer).setUint16(2 + n.length, v.length);
    h.set(v, 4 + n.length);
    parts.push(h);
  }
  const headersLength = parts.reduce((a, p) => a + p.length, 0);
  const total = 12 + headersLength + payload.length + 4;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, total);
  view.setUint32(4, headersLength);
  view.setUint32(8, crc32(out.subarray(0, 8)));
  let at = 12;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  out.set(payload, at);
  view.setUint32(total - 4, crc32(out.subarray(0, total - 4)));
  return out;
}
