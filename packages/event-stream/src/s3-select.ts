import { S3Error } from '@s3kit/errors';
import { EventStreamError } from './errors.js';
import type { Headers } from './headers.js';
import { encodeMessage } from './message.js';
import { decodeStream, type ByteSource, type DecodeStreamOptions } from './stream.js';

/** The byte counts of a `Stats` or `Progress` event. */
export interface SelectStats {
  bytesScanned: number;
  bytesProcessed: number;
  bytesReturned: number;
}

/** One event of a SelectObjectContent response. */
export type SelectEvent =
  /** A piece of the result (records may span `Records` events). */
  | { type: 'Records'; payload: Uint8Array }
  /** Sent once, after the last `Records`. */
  | { type: 'Stats'; details: SelectStats }
  /** Sent periodically when the request enabled `RequestProgress`. */
  | { type: 'Progress'; details: SelectStats }
  /** Keep-alive. */
  | { type: 'Cont' }
  /** The request completed; nothing follows. */
  | { type: 'End' };

const str = (h: Headers, name: string): string | undefined => {
  const v = h[name];
  return v?.type === 'string' ? v.value : undefined;
};

/** A count element's value; S3 documents each as optional, so an absent one reads as 0. */
function tag(xml: string, name: string): number {
  const m = new RegExp(`<${name}>\\s*(\\d+)\\s*</${name}>`).exec(xml);
  return m ? Number(m[1]) : 0;
}

const textDecoder = new TextDecoder();

function parseStats(payload: Uint8Array): SelectStats {
  const xml = textDecoder.decode(payload);
  return { bytesScanned: tag(xml, 'BytesScanned'), bytesProcessed: tag(xml, 'BytesProcessed'), bytesReturned: tag(xml, 'BytesReturned') };
}

/**
 * The events of a SelectObjectContent response body. An error message (`:message-type` `error`)
 * throws an `S3Error` with S3's `:error-code` and `:error-message`; a body that ends before the
 * `End` event throws `EventStreamError('Truncated')` (S3: without `End` the request did not
 * complete). Unknown event types are skipped.
 */
export async function* s3SelectEvents(source: ByteSource, options?: DecodeStreamOptions): AsyncGenerator<SelectEvent, void, undefined> {
  for await (const { headers, body } of decodeStream(source, options)) {
    const messageType = str(headers, ':message-type');
    if (messageType === 'error' || messageType === 'exception') {
      const code = str(headers, ':error-code') ?? str(headers, ':exception-type') ?? 'InternalError';
      const message = str(headers, ':error-message') ?? textDecoder.decode(body);
      throw new S3Error(code, { message: message || code, status: code === 'InternalError' ? 500 : 400 });
    }
    switch (str(headers, ':event-type')) {
      case 'Records':
        yield { type: 'Records', payload: body };
        break;
      case 'Stats':
        yield { type: 'Stats', details: parseStats(body) };
        break;
      case 'Progress':
        yield { type: 'Progress', details: parseStats(body) };
        break;
      case 'Cont':
        yield { type: 'Cont' };
        break;
      case 'End':
        yield { type: 'End' };
        return;
    }
  }
  throw new EventStreamError('Truncated', 'the S3 Select response ended before its End event');
}

// --- Encoders for servers: bytes in, message bytes out. ----------------------------------

const EVENT = { type: 'string', value: 'event' } as const;

function event(eventType: string, contentType: string | undefined, body?: Uint8Array | string): Uint8Array<ArrayBuffer> {
  return encodeMessage({
    headers: contentType === undefined ? { ':event-type': eventType, ':message-type': EVENT } : { ':event-type': eventType, ':content-type': contentType, ':message-type': EVENT },
    ...(body === undefined ? {} : { body }),
  });
}

/** `<Stats>` or `<Progress>` with the three counts as children, as S3 (and MinIO, RGW) send them. */
const statsXml = (root: 'Stats' | 'Progress', { bytesScanned, bytesProcessed, bytesReturned }: SelectStats): string =>
  `<?xml version="1.0" encoding="UTF-8"?><${root}><BytesScanned>${bytesScanned}</BytesScanned><BytesProcessed>${bytesProcessed}</BytesProcessed><BytesReturned>${bytesReturned}</BytesReturned></${root}>`;

/** A `Records` event carrying `payload` (keep payloads well under 16 MiB; S3 sends up to about 64 KiB each). */
export function recordsEvent(payload: Uint8Array | string): Uint8Array<ArrayBuffer> {
  return event('Records', 'application/octet-stream', payload);
}

/** The `Stats` event (sent once, after the last `Records`). */
export function statsEvent(stats: SelectStats): Uint8Array<ArrayBuffer> {
  return event('Stats', 'text/xml', statsXml('Stats', stats));
}

/** A `Progress` event (only when the request enabled `RequestProgress`). */
export function progressEvent(stats: SelectStats): Uint8Array<ArrayBuffer> {
  return event('Progress', 'text/xml', statsXml('Progress', stats));
}

/** A `Cont` keep-alive event. */
export function contEvent(): Uint8Array<ArrayBuffer> {
  return event('Cont', undefined);
}

/** The `End` event: the last message of a successful response. */
export function endEvent(): Uint8Array<ArrayBuffer> {
  return event('End', undefined);
}

/** An error message ending the response, e.g. `errorEvent('InvalidColumnIndex', '...')`. */
export function errorEvent(code: string, message: string): Uint8Array<ArrayBuffer> {
  return encodeMessage({ headers: { ':error-code': code, ':error-message': message, ':message-type': 'error' } });
}
