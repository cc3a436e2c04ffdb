/**
 * The embedded store's S3 Select engine: SelectObjectContent's SQL over CSV and JSON objects
 * (plain, gzip or bzip2), streamed record by record so memory stays flat on any object size.
 */
import { Aggregates } from './aggregates.js';
import type { Query } from './ast.js';
import { csvRecords, fields } from './csv-input.js';
import { decompress } from './decompress.js';
import { SelectError } from './errors.js';
import { evaluate, truth, type Scope } from './evaluate.js';
import { jsonDocument, jsonLines } from './json-input.js';
import { RecordWriter, type OutputRecord } from './output.js';
import { parseQuery } from './parser.js';
import type { SelectRequest } from './request.js';
import { CsvRow, Header, fromRecords, type Row } from './row.js';
import { utf8Text } from './text.js';

export { selectRequest, type SelectRequest } from './request.js';

/** The byte counts S3 reports in Stats and Progress events. */
export interface SelectStats {
  /** Object bytes read (compressed, as stored). */
  readonly bytesScanned: number;
  /** Bytes processed after decompression. */
  readonly bytesProcessed: number;
  /** Record bytes sent. */
  readonly bytesReturned: number;
}

/** What the engine produces: record payloads, progress, keep-alives, stats, end. */
export type SelectEvent =
  | { readonly type: 'Records'; readonly payload: Uint8Array }
  | ({ readonly type: 'Stats' } & SelectStats)
  | ({ readonly type: 'Progress' } & SelectStats)
  | { readonly type: 'Cont' }
  | { readonly type: 'End' };

/** Options of {@link select}. */
export interface SelectOptions {
  /** The clock (UTCNOW). **Default:** `Date.now`. */
  readonly now?: () => number;
  /** Bytes scanned between Progress events when the request asks for them. **Default:** 1 MiB. */
  readonly progressEvery?: number;
  /** Milliseconds without an event after which a Cont (keep-alive) is sent. **Default:** 1000. */
  readonly keepAliveMs?: number;
}

/**
 * Runs a SelectObjectContent request over an object's bytes: records batched into `Records`
 * payloads, `Progress` when asked, `Cont` keep-alives on long scans without results, then
 * `Stats` and `End`. Stops reading `source` at LIMIT, on an error, or when `signal` aborts.
 *
 * @throws SelectError with S3's code: the SQL's parse errors at the first step, evaluation and
 *   input errors (CastFailed, CSVParsingError, InvalidTextEncoding, …) when met
 * @example
 * for await (const ev of select(selectRequest(parsedXml), fileBytes, signal)) if (ev.type === 'Records') send(ev.payload);
 */
export async function* select(request: SelectRequest, source: AsyncIterable<Uint8Array>, signal?: AbortSignal, options: SelectOptions = {}): AsyncGenerator<SelectEvent> {
  const query = parseQuery(request.expression);
  const { now = Date.now, progressEvery = 1024 * 1024, keepAliveMs = 1000 } = options;
  const stats = { bytesScanned: 0, bytesProcessed: 0, bytesReturned: 0 };
  const scanned = count(source, (n) => (stats.bytesScanned += n), signal);
  const processed = count(decompress(scanned, request.compression), (n) => (stats.bytesProcessed += n));
  const writer = new RecordWriter(request.output);
  const aggregates = query.aggregates > 0 ? new Aggregates(query.projections as Exclude<Query['projections'], '*'>, query.aggregates) : undefined;
  let nextProgress = progressEvery;
  let lastEvent = performance.now();
  let emitted = 0;
  const records = (payload: Uint8Array): SelectEvent => {
    stats.bytesReturned += payload.length;
    lastEvent = performance.now();
    return { type: 'Records', payload };
  };
  const limit = query.limit ?? Infinity;
  const csvFieldDelimiter = request.input.format === 'CSV' ? request.input.fieldDelimiter : ',';
  if (limit > 0) {
    // One scope for every record: nothing evaluated keeps it.
    const scope: { row: Row; alias: string | undefined; now: () => number } = { row: { kind: 'json', value: null }, alias: query.alias, now };
    scan: for await (const batch of rows(request, query, processed)) {
      for (let i = 0; i < batch.count; i++) {
        const row = batch.at(i);
        scope.row = row;
        if (query.where !== undefined && !truth(evaluate(query.where, scope))) continue;
        if (aggregates !== undefined) aggregates.add(scope);
        else {
          const payload = query.projections === '*' && row.kind === 'csv' ? writer.writeCsvLine(row, csvFieldDelimiter) : writer.write(project(query, scope));
          if (payload !== undefined) yield records(payload);
          if (++emitted >= limit) break scan;
        }
      }
      if (request.progress && stats.bytesScanned >= nextProgress) {
        nextProgress = stats.bytesScanned + progressEvery;
        lastEvent = performance.now();
        yield { type: 'Progress', ...stats };
      } else if (performance.now() - lastEvent > keepAliveMs) {
        lastEvent = performance.now();
        yield { type: 'Cont' };
      }
    }
  }
  if (aggregates !== undefined) {
    const scope: Scope = { row: { kind: 'json', value: {} }, alias: query.alias, now, aggregates: aggregates.results() };
    writer.write(project(query, scope));
  }
  const last = writer.flush();
  if (last !== undefined) yield records(last);
  if (request.progress) yield { type: 'Progress', ...stats };
  yield { type: 'Stats', ...stats };
  yield { type: 'End' };
}

/** A batch of input records, read one at a time: `at(i)` may hand out the same object again. */
interface Batch {
  readonly count: number;
  at(i: number): Row;
}

/** The input's records in batches: CSV records (after the header line, if any) or JSON values. */
async function* rows(request: SelectRequest, query: Query, bytes: AsyncIterable<Uint8Array>): AsyncGenerator<Batch> {
  const text = utf8Text(bytes);
  const input = request.input;
  if (input.format === 'CSV') {
    const splitter = (line: string): string[] => fields(line, input);
    let row: CsvRow | undefined;
    for await (const lines of csvRecords(text, input)) {
      let from = 0;
      if (row === undefined) {
        const header = input.fileHeaderInfo === 'NONE' ? undefined : splitter(lines[0]!);
        if (header !== undefined) from = 1;
        row = new CsvRow(input.fileHeaderInfo === 'USE' ? new Header(header!) : undefined, splitter, input.fieldDelimiter, input.quoteCharacter);
      }
      const shared = row;
      yield { count: lines.length - from, at: (i) => shared.reset(lines[from + i]!) };
    }
    return;
  }
  for await (const values of input.type === 'LINES' ? jsonLines(text) : jsonDocument(text)) {
    const batch: Row[] = [];
    for (const value of values) for (const record of fromRecords(value, query.from)) batch.push({ kind: 'json', value: record });
    yield { count: batch.length, at: (i) => batch[i]! };
  }
}

function project(query: Query, scope: Scope): OutputRecord {
  const row = scope.row;
  if (query.projections === '*') {
    if (row.kind === 'csv') return { kind: 'fields', fields: row.fields, names: row.header?.names ?? row.fields.map((_, i) => `_${i + 1}`) };
    return { kind: 'json', value: row.value };
  }
  return { kind: 'values', names: query.projections.map((p) => p.name), values: query.projections.map((p) => evaluate(p.expr, scope)) };
}

/** Counts the bytes going through; stops (throws) once `signal` aborts. */
async function* count(source: AsyncIterable<Uint8Array>, add: (n: number) => void, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    if (signal?.aborted) throw new SelectError('RequestTimeout', 'The request was aborted.');
    add(chunk.length);
    yield chunk;
  }
}
