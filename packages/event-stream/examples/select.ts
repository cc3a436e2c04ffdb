/**
 * A server answers SelectObjectContent with the encoders; a client reads the events back with
 * s3SelectEvents. Run by test/examples.test.ts.
 */
import { endEvent, recordsEvent, s3SelectEvents, statsEvent } from '@s3kit/event-stream';

// Server side: bytes in, message bytes out (write them to the response body in order).
const rows = new TextEncoder().encode('1,alice\n2,bob\n');
const response = new Blob([recordsEvent(rows), statsEvent({ bytesScanned: 120, bytesProcessed: 120, bytesReturned: rows.length }), endEvent()]);

// Client side: any ReadableStream or async iterable of chunks, e.g. `(await fetch(...)).body`.
let records = '';
for await (const e of s3SelectEvents(response.stream())) {
  if (e.type === 'Records') records += new TextDecoder().decode(e.payload);
  else if (e.type === 'Stats') console.log('scanned', e.details.bytesScanned, 'returned', e.details.bytesReturned);
}
console.log(records);
