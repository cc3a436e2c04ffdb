import { MAX_RECORD_BYTES, SelectError } from './errors.js';
import type { CsvOutput, JsonOutput } from './request.js';
import type { CsvRow } from './row.js';
import { MISSING, jsonText, textOf, type Value } from './values.js';

/** The largest Records payload the store sends (S3 sends records in messages of bounded size). */
export const MAX_PAYLOAD_BYTES = 128 * 1024;

/** One output record: named values, or the input record as it came (`SELECT *`). */
export type OutputRecord =
  | { readonly kind: 'values'; readonly names: readonly string[]; readonly values: readonly Value[] }
  | { readonly kind: 'fields'; readonly fields: readonly string[]; readonly names: readonly string[] }
  | { readonly kind: 'json'; readonly value: unknown };

/** Serializes records as CSV or JSON and batches them into payloads of at most ~MAX_PAYLOAD_BYTES. */
export class RecordWriter {
  private parts: string[] = [];
  private size = 0;
  private readonly encoder = new TextEncoder();
  private readonly needsQuotes: RegExp | undefined;
  /** What makes a whole CSV record need rewriting: a quote or record delimiter (field delimiters are kept). */
  private readonly needsRewrite: RegExp | undefined;

  constructor(private readonly format: CsvOutput | JsonOutput) {
    if (format.format === 'CSV') {
      const chars = [format.quoteCharacter, format.quoteEscapeCharacter, '\n', '\r', ...format.recordDelimiter];
      this.needsRewrite = charClass(chars.filter((c) => c !== format.fieldDelimiter));
      this.needsQuotes = charClass([format.fieldDelimiter, ...chars]);
    }
  }

  /** Adds a record; returns a full payload when the batch reached its size. */
  write(record: OutputRecord): Uint8Array | undefined {
    const text = this.format.format === 'CSV' ? this.csv(record, this.format) : this.json(record, this.format);
    if (text.length > MAX_RECORD_BYTES) throw new SelectError('OverMaxRecordSize', 'The length of a record in the input or result is greater than maxCharsPerRecord of 1 MB.');
    this.parts.push(text);
    this.size += text.length;
    return this.size >= MAX_PAYLOAD_BYTES / 2 ? this.flush() : undefined;
  }

  /**
   * Adds a CSV record for `SELECT *`: its text as it came when CSV output would write it the
   * same (same field delimiter, nothing to quote), else its fields.
   */
  writeCsvLine(row: CsvRow, inputFieldDelimiter: string): Uint8Array | undefined {
    const f = this.format;
    if (f.format === 'CSV' && f.quoteFields === 'ASNEEDED' && f.fieldDelimiter === inputFieldDelimiter && !this.needsRewrite!.test(row.line) && !row.quoted) {
      this.parts.push(row.line + f.recordDelimiter);
      this.size += row.line.length + f.recordDelimiter.length;
      return this.size >= MAX_PAYLOAD_BYTES / 2 ? this.flush() : undefined;
    }
    return this.write({ kind: 'fields', fields: row.fields, names: row.header?.names ?? row.fields.map((_, i) => `_${i + 1}`) });
  }

  /** The records written since the last payload, if any. */
  flush(): Uint8Array | undefined {
    if (this.parts.length === 0) return undefined;
    const bytes = this.encoder.encode(this.parts.join(''));
    this.parts = [];
    this.size = 0;
    return bytes;
  }

  private csv(r: OutputRecord, f: CsvOutput): string {
    const cells = r.kind === 'fields' ? r.fields : r.kind === 'values' ? r.values.map(textOf) : csvCells(r.value);
    return cells.map((c) => this.quote(c, f)).join(f.fieldDelimiter) + f.recordDelimiter;
  }

  private quote(cell: string, f: CsvOutput): string {
    if (f.quoteFields === 'ASNEEDED' && !this.needsQuotes!.test(cell)) return cell;
    const q = f.quoteCharacter;
    let body = cell;
    if (f.quoteEscapeCharacter !== q && cell.includes(f.quoteEscapeCharacter)) body = body.split(f.quoteEscapeCharacter).join(f.quoteEscapeCharacter + f.quoteEscapeCharacter);
    if (body.includes(q)) body = body.split(q).join(f.quoteEscapeCharacter + q);
    return q + body + q;
  }

  private json(r: OutputRecord, f: JsonOutput): string {
    if (r.kind === 'json') return jsonText(r.value) + f.recordDelimiter;
    const values: readonly unknown[] = r.kind === 'fields' ? r.fields : r.values;
    const parts: string[] = [];
    values.forEach((v, i) => {
      if (v !== MISSING) parts.push(`${JSON.stringify(r.names[i] ?? `_${i + 1}`)}:${jsonText(v)}`);
    });
    return `{${parts.join(',')}}${f.recordDelimiter}`;
  }
}

/** A regular expression matching any of `chars`. */
function charClass(chars: readonly string[]): RegExp {
  return new RegExp(`[${[...new Set(chars)].map((c) => c.replace(/[\\\]^-]/g, '\\$&')).join('')}]`);
}

function csvCells(v: unknown): string[] {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) return Object.values(v as Record<string, unknown>).map((x) => textOf(x as Value));
  if (Array.isArray(v)) return v.map((x) => textOf(x as Value));
  return [textOf(v as Value)];
}
