// selectObjectContent (S3 Select): the request as MinIO's client API shapes it, the answer as an
// async iterable of record bytes decoded from the event stream by `@s3kit/event-stream`.

import { s3SelectEvents, type SelectStats } from '@s3kit/event-stream';
import { buildXml, type SelectObjectContentRequest } from '@s3kit/xml-shapes';
import { checkBucket, checkKey, type RequestCore, type RequestOptions } from './core.js';
import { sseHeaders, type ServerSideEncryption } from './headers.js';

/** How the object is read: `CSV`, `JSON` or `Parquet` (S3's element names) and `CompressionType`. */
export type SelectInputSerialization = NonNullable<SelectObjectContentRequest['InputSerialization']>;
/** How records are written: `CSV` or `JSON` (S3's element names). */
export type SelectOutputSerialization = NonNullable<SelectObjectContentRequest['OutputSerialization']>;

/** A SelectObjectContent request (MinIO's `SelectObjectContentRequest` / minio-js `SelectOptions`). */
export interface SelectRequest {
  /** The S3 Select SQL expression, e.g. `SELECT s._1 FROM S3Object s WHERE s._2 = 'x'`. */
  expression: string;
  /** **Default:** `'SQL'` (the only type S3 defines). */
  expressionType?: 'SQL';
  inputSerialization: SelectInputSerialization;
  outputSerialization: SelectOutputSerialization;
  /** Ask for `Progress` events while the scan runs. **Default:** `false`. */
  requestProgress?: boolean;
  /** Scan only these bytes of the object (CSV and JSON Lines; records starting in the range). */
  scanRange?: { start?: number; end?: number };
}

export interface SelectOptions extends RequestOptions {
  /** The SSE-C key the object was written with. */
  sse?: Extract<ServerSideEncryption, { type: 'SSE-C' }>;
}

/** Byte counts of a Select (`Stats` at the end, `Progress` while it runs). */
export type { SelectStats };

/**
 * The records of a Select, in order, as the bytes of the output format (record delimiters
 * included). `stats` is set once the server sends it (before the end), `progress` while the scan
 * runs (with `requestProgress`). Iterating to the end checks that the server sent `End`; stopping
 * early (or `signal`) cancels the response. An `<Error>` event rejects with its `S3Error`.
 */
export interface SelectResults extends AsyncIterable<Uint8Array> {
  readonly stats: SelectStats | undefined;
  readonly progress: SelectStats | undefined;
}

function requestXml(r: SelectRequest): string {
  if (typeof r?.expression !== 'string' || r.expression === '') throw new TypeError('selectObjectContent: expression is required');
  if (!r.inputSerialization || !r.outputSerialization) throw new TypeError('selectObjectContent: inputSerialization and outputSerialization are required');
  const scan = r.scanRange;
  return buildXml('SelectObjectContentRequest', {
    Expression: r.expression,
    ExpressionType: r.expressionType ?? 'SQL',
    ...(r.requestProgress !== undefined ? { RequestProgress: { Enabled: r.requestProgress } } : {}),
    InputSerialization: r.inputSerialization,
    OutputSerialization: r.outputSerialization,
    ...(scan ? { ScanRange: { ...(scan.start !== undefined ? { Start: scan.start } : {}), ...(scan.end !== undefined ? { End: scan.end } : {}) } } : {}),
  });
}

/** SelectObjectContent: runs `request.expression` over the object and streams the matching records. */
export async function selectObjectContent(core: RequestCore, bucket: string, key: string, request: SelectRequest, options: SelectOptions = {}): Promise<SelectResults> {
  checkBucket(bucket);
  checkKey(key);
  const headers: Record<string, string> = { 'content-type': 'application/xml' };
  sseHeaders(options.sse, headers);
  const res = await core.send({ method: 'POST', bucket, key, query: { select: '', 'select-type': 2 }, headers, body: requestXml(request), control: true, signal: options.signal });
  let stats: SelectStats | undefined;
  let progress: SelectStats | undefined;
  let started = false;
  async function* records(): AsyncGenerator<Uint8Array> {
    for await (const e of s3SelectEvents(res.body.stream())) {
      if (e.type === 'Records') yield e.payload;
      else if (e.type === 'Stats') stats = e.details;
      else if (e.type === 'Progress') progress = e.details;
    }
  }
  return {
    get stats() {
      return stats;
    },
    get progress() {
      return progress;
    },
    [Symbol.asyncIterator]() {
      if (started) throw new TypeError('selectObjectContent: the results can be iterated once');
      started = true;
      return records();
    },
  };
}
