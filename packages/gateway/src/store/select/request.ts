import type { SelectObjectContentRequest } from '@s3kit/xml-shapes';
import { SelectError } from './errors.js';

/** How a CSV input is read. */
export interface CsvInput {
  readonly format: 'CSV';
  readonly fileHeaderInfo: 'USE' | 'IGNORE' | 'NONE';
  readonly recordDelimiter: string;
  readonly fieldDelimiter: string;
  readonly quoteCharacter: string;
  readonly quoteEscapeCharacter: string;
  /** The comment character: rows starting with it are skipped; '' for none. */
  readonly comments: string;
  readonly allowQuotedRecordDelimiter: boolean;
}

/** How a JSON input is read: one document (of one or more values) or one value per line. */
export interface JsonInput {
  readonly format: 'JSON';
  readonly type: 'DOCUMENT' | 'LINES';
}

export interface CsvOutput {
  readonly format: 'CSV';
  readonly quoteFields: 'ALWAYS' | 'ASNEEDED';
  readonly recordDelimiter: string;
  readonly fieldDelimiter: string;
  readonly quoteCharacter: string;
  readonly quoteEscapeCharacter: string;
}

export interface JsonOutput {
  readonly format: 'JSON';
  readonly recordDelimiter: string;
}

/** A validated SelectObjectContent request. */
export interface SelectRequest {
  readonly expression: string;
  readonly compression: 'NONE' | 'GZIP' | 'BZIP2';
  readonly input: CsvInput | JsonInput;
  readonly output: CsvOutput | JsonOutput;
  /** Send Progress events. */
  readonly progress: boolean;
  /** The byte range whose records are processed (records that start in it). */
  readonly scanRange: { readonly start: number | undefined; readonly end: number | undefined } | undefined;
}

const missingParameter = (name: string): SelectError => new SelectError('MissingRequiredParameter', `The SelectRequest entity is missing a required parameter: ${name}.`);

/**
 * Checks a parsed SelectObjectContentRequest and fills in S3's defaults.
 * @throws SelectError MissingRequiredParameter, InvalidExpressionType, InvalidCompressionFormat,
 *   InvalidFileHeaderInfo, InvalidJsonType, InvalidQuoteFields, ObjectSerializationConflict,
 *   InvalidRequestParameter, UnsupportedScanRangeInput (all 400), NotImplemented for Parquet
 */
export function selectRequest(x: SelectObjectContentRequest): SelectRequest {
  if (x.Expression === undefined || x.Expression === '') throw missingParameter('Expression');
  if (x.ExpressionType === undefined) throw missingParameter('ExpressionType');
  if (x.ExpressionType.toUpperCase() !== 'SQL') throw new SelectError('InvalidExpressionType', 'The ExpressionType is invalid. Only SQL expressions are supported.');
  const inS = x.InputSerialization;
  const outS = x.OutputSerialization;
  if (inS === undefined) throw missingParameter('InputSerialization');
  if (outS === undefined) throw missingParameter('OutputSerialization');
  const inputs = [inS.CSV, inS.JSON, inS.Parquet].filter((v) => v !== undefined).length;
  if (inputs !== 1)
    throw new SelectError(
      inputs === 0 ? 'MissingRequiredParameter' : 'ObjectSerializationConflict',
      inputs === 0
        ? 'The SelectRequest entity is missing a required parameter: InputSerialization format (CSV, JSON or Parquet).'
        : 'InputSerialization specifies more than one format (CSV, JSON, or Parquet), or OutputSerialization specifies more than one format (CSV or JSON). InputSerialization and OutputSerialization can only specify one format each.',
    );
  const outputs = [outS.CSV, outS.JSON].filter((v) => v !== undefined).length;
  if (outputs !== 1)
    throw new SelectError(
      outputs === 0 ? 'MissingRequiredParameter' : 'ObjectSerializationConflict',
      outputs === 0
        ? 'The SelectRequest entity is missing a required parameter: OutputSerialization format (CSV or JSON).'
        : 'InputSerialization specifies more than one format (CSV, JSON, or Parquet), or OutputSerialization specifies more than one format (CSV or JSON). InputSerialization and OutputSerialization can only specify one format each.',
    );
  if (inS.Parquet !== undefined) throw new SelectError('NotImplemented', 'Parquet input is not implemented by the local store.', 501);
  const compression = (inS.CompressionType ?? 'NONE').toUpperCase();
  if (compression !== 'NONE' && compression !== 'GZIP' && compression !== 'BZIP2')
    throw new SelectError('InvalidCompressionFormat', 'The file is not in a supported compression format. Only GZIP and BZIP2 are supported.');
  const input = inS.CSV !== undefined ? csvInput(inS.CSV) : jsonInput(inS.JSON!.Type);
  const output: CsvOutput | JsonOutput =
    outS.CSV !== undefined
      ? {
          format: 'CSV',
          quoteFields: quoteFields(outS.CSV.QuoteFields),
          recordDelimiter: delimiter(outS.CSV.RecordDelimiter, '\n', 'RecordDelimiter', 2),
          fieldDelimiter: delimiter(outS.CSV.FieldDelimiter, ',', 'FieldDelimiter'),
          quoteCharacter: delimiter(outS.CSV.QuoteCharacter, '"', 'QuoteCharacter'),
          quoteEscapeCharacter: delimiter(outS.CSV.QuoteEscapeCharacter, '"', 'QuoteEscapeCharacter'),
        }
      : { format: 'JSON', recordDelimiter: delimiter(outS.JSON!.RecordDelimiter, '\n', 'RecordDelimiter', 2) };
  return { expression: x.Expression, compression, input, output, progress: x.RequestProgress?.Enabled === true, scanRange: scanRange(x.ScanRange, input, compression) };
}

function csvInput(c: NonNullable<NonNullable<SelectObjectContentRequest['InputSerialization']>['CSV']>): CsvInput {
  const header = (c.FileHeaderInfo ?? 'NONE').toUpperCase();
  if (header !== 'USE' && header !== 'IGNORE' && header !== 'NONE') throw new SelectError('InvalidFileHeaderInfo', 'The FileHeaderInfo is invalid. Only NONE, USE, and IGNORE are supported.');
  return {
    format: 'CSV',
    fileHeaderInfo: header,
    recordDelimiter: delimiter(c.RecordDelimiter, '\n', 'RecordDelimiter', 2),
    fieldDelimiter: delimiter(c.FieldDelimiter, ',', 'FieldDelimiter'),
    quoteCharacter: delimiter(c.QuoteCharacter, '"', 'QuoteCharacter'),
    quoteEscapeCharacter: delimiter(c.QuoteEscapeCharacter, '"', 'QuoteEscapeCharacter'),
    comments: c.Comments === undefined ? '#' : delimiter(c.Comments, '', 'Comments'),
    allowQuotedRecordDelimiter: c.AllowQuotedRecordDelimiter === true,
  };
}

function jsonInput(type: string | undefined): JsonInput {
  const t = (type ?? '').toUpperCase();
  if (t !== 'DOCUMENT' && t !== 'LINES') throw new SelectError('InvalidJsonType', 'The JsonType is invalid. Only DOCUMENT and LINES are supported.');
  return { format: 'JSON', type: t };
}

function quoteFields(v: string | undefined): 'ALWAYS' | 'ASNEEDED' {
  const q = (v ?? 'ASNEEDED').toUpperCase();
  if (q !== 'ALWAYS' && q !== 'ASNEEDED') throw new SelectError('InvalidQuoteFields', 'The QuoteFields is invalid. Only ALWAYS and ASNEEDED are supported.');
  return q;
}

/** A delimiter or quote: one character (two for a record delimiter such as CRLF). */
function delimiter(v: string | undefined, fallback: string, name: string, max = 1): string {
  if (v === undefined) return fallback;
  if (v.length > max || (v.length === 0 && fallback !== '')) throw new SelectError('InvalidRequestParameter', `The value of the ${name} parameter is invalid.`);
  return v;
}

function scanRange(r: SelectObjectContentRequest['ScanRange'], input: CsvInput | JsonInput, compression: string): SelectRequest['scanRange'] {
  if (r === undefined || (r.Start === undefined && r.End === undefined)) return undefined;
  const unsupported = compression !== 'NONE' || (input.format === 'JSON' ? input.type !== 'LINES' : input.allowQuotedRecordDelimiter);
  if (unsupported)
    throw new SelectError('UnsupportedScanRangeInput', 'Scan range queries are not supported on this type of object: only uncompressed CSV (without quoted record delimiters) and JSON LINES.');
  if ((r.Start !== undefined && r.Start < 0) || (r.End !== undefined && r.End < 0) || (r.Start !== undefined && r.End !== undefined && r.End < r.Start)) {
    throw new SelectError('InvalidRequestParameter', 'The value of the ScanRange parameter is invalid: Start and End must be non-negative and Start at most End.');
  }
  return { start: r.Start, end: r.End };
}
