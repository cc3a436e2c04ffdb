import { S3Error } from '@s3kit/errors';
import { objectTarget, type StoreContext } from '../context.js';
import { openExisting } from '../objects.js';
import { CUSTOMER, plainBytes, readKey } from '../sse.js';
import { checkVersionId } from '../versions.js';
import { readSmallBody } from '../write-temp.js';
import { parseRequestXml } from '../xml.js';
import type { UpstreamRequest, UpstreamResponse } from '../../upstreams/upstream.js';
import { EVENT_STREAM_TYPE, errorEvent, eventFrame } from './frames.js';
import { MAX_RECORD_BYTES } from './errors.js';
import { firstRecord, prepend, scanRange } from './scan-range.js';
import { select, selectRequest, type SelectEvent, type SelectRequest } from './index.js';

/** The largest SelectObjectContent request document (the SQL alone may be 256 KB). */
const MAX_REQUEST_BYTES = 1024 * 1024;

/**
 * SelectObjectContent: runs the request's SQL over the object (decrypted as on GET; SSE-C
 * objects need their key) and streams the answer as event-stream messages. Errors found before
 * the first message (bad request, bad SQL, the first records' errors) are XML errors with their
 * status; later ones end the stream with an error message, as S3 does.
 * @throws S3Error MalformedXML, NoSuchKey, the Select codes (400) of request.ts and the engine
 */
export async function selectObjectContent(ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> {
  const { bucket, key, resource } = objectTarget(req);
  const versionId = checkVersionId(req.query['versionId'], resource);
  const raw = await readSmallBody(req.body, MAX_REQUEST_BYTES, req.headers, req.signal);
  const request = selectRequest(parseRequestXml('SelectObjectContentRequest', raw, MAX_REQUEST_BYTES));
  const { meta, fh } = await openExisting(ctx, bucket, key, versionId, resource);
  let events: AsyncIterator<SelectEvent> | undefined;
  try {
    const sseKey = await readKey(ctx, meta, req.headers, CUSTOMER, resource);
    const range = byteRange(request, meta.size);
    let source: AsyncIterable<Uint8Array>;
    if (range === undefined || meta.size === 0) source = plainBytes(fh, meta, sseKey);
    else {
      source = scanRange(plainBytes(fh, meta, sseKey, { start: range.base, end: meta.size - 1 }), range.base, range.start, range.end, range.delimiter);
      // A CSV header is the object's first line, wherever the range starts.
      if (range.start > 0 && request.input.format === 'CSV' && request.input.fileHeaderInfo !== 'NONE') {
        const header = await firstRecord((start, end) => plainBytes(fh, meta, sseKey, { start, end }), meta.size, range.delimiter, MAX_RECORD_BYTES);
        source = prepend(header, source);
      }
    }
    events = select(request, source, req.signal)[Symbol.asyncIterator]();
    // The first event decides between an XML error and a 200 answer.
    const first = await events.next();
    return { status: 200, headers: { 'content-type': EVENT_STREAM_TYPE, ...sseKey?.headers }, body: frames(first, events, () => fh.close()) };
  } catch (err) {
    await events?.return?.(undefined).catch(() => {});
    await fh.close();
    throw err;
  }
}

async function* frames(first: IteratorResult<SelectEvent>, rest: AsyncIterator<SelectEvent>, close: () => Promise<void>): AsyncGenerator<Uint8Array> {
  try {
    let r = first;
    while (r.done !== true) {
      yield eventFrame(r.value);
      r = await rest.next();
    }
  } catch (err) {
    if (err instanceof S3Error) yield errorEvent(err.code, err.message);
    else yield errorEvent('InternalError', 'We encountered an internal error. Please try again.');
  } finally {
    await rest.return?.(undefined).catch(() => {});
    await close().catch(() => {});
  }
}

interface ScanBytes {
  readonly base: number;
  readonly start: number;
  readonly end: number;
  readonly delimiter: Uint8Array;
}

/**
 * The object bytes a ScanRange needs: from the record delimiter before Start (to see whether a
 * record starts at Start).
 */
function byteRange(request: SelectRequest, size: number): ScanBytes | undefined {
  const r = request.scanRange;
  if (r === undefined) return undefined;
  // Only End: the last End bytes. Only Start: to the end of the object.
  const start = r.start ?? Math.max(0, size - (r.end ?? 0));
  const end = r.start === undefined ? size - 1 : Math.min(r.end ?? size - 1, size - 1);
  const delimiter = recordDelimiter(request);
  return { base: Math.min(Math.max(0, start - delimiter.length), Math.max(0, size - 1)), start, end, delimiter };
}

function recordDelimiter(request: SelectRequest): Uint8Array {
  return new TextEncoder().encode(request.input.format === 'CSV' ? request.input.recordDelimiter : '\n');
}
