import { MAX_RECORD_BYTES, SelectError } from './errors.js';
import type { CsvInput } from './request.js';

const tooLong = (): SelectError => new SelectError('OverMaxRecordSize', 'The length of a record in the input or result is greater than maxCharsPerRecord of 1 MB.');

/**
 * The records of CSV text, as raw record strings batched per input chunk (so the caller's loop
 * stays synchronous within a chunk). Records end at the record delimiter (inside quotes too
 * unless AllowQuotedRecordDelimiter); empty records and comment rows are skipped. Only the
 * unfinished record is carried from one chunk to the next.
 * @throws SelectError OverMaxRecordSize (400) for a record over 1 MB
 */
export async function* csvRecords(text: AsyncIterable<string>, opts: CsvInput): AsyncGenerator<string[]> {
  const split = recordSplitter(opts);
  let buf = '';
  for await (const chunk of text) {
    buf = buf === '' ? chunk : buf + chunk;
    const batch: string[] = [];
    let pos = 0;
    for (;;) {
      const end = split(buf, pos);
      if (end === undefined) break;
      const line = buf.slice(pos, end);
      pos = end + opts.recordDelimiter.length;
      if (keep(line, opts)) batch.push(line);
    }
    buf = pos === 0 ? buf : buf.slice(pos);
    if (buf.length > MAX_RECORD_BYTES) throw tooLong();
    if (batch.length > 0) yield batch;
  }
  if (keep(buf, opts)) yield [buf];
}

function keep(line: string, opts: CsvInput): boolean {
  return line !== '' && (opts.comments === '' || !line.startsWith(opts.comments));
}

/** Where the record that starts at `pos` ends (the index of its delimiter), if it is complete. */
function recordSplitter(opts: CsvInput): (buf: string, pos: number) => number | undefined {
  const rd = opts.recordDelimiter;
  if (!opts.allowQuotedRecordDelimiter) {
    return (buf, pos) => {
      const i = buf.indexOf(rd, pos);
      return i < 0 ? undefined : i;
    };
  }
  const q = opts.quoteCharacter;
  const esc = opts.quoteEscapeCharacter;
  return (buf, pos) => {
    let quoted = false;
    for (let i = pos; i < buf.length; i++) {
      const c = buf[i];
      if (quoted && esc !== q && c === esc) i++;
      else if (c === q) quoted = !quoted;
      else if (!quoted && buf.startsWith(rd, i)) return i;
    }
    return undefined;
  };
}

/**
 * The fields of one record: split on the field delimiter outside quotes, quotes removed.
 * @throws SelectError CSVParsingError (400) for a quoted field not closed by the record's end
 */
export function fields(line: string, opts: CsvInput): string[] {
  const fd = opts.fieldDelimiter;
  const q = opts.quoteCharacter;
  const esc = opts.quoteEscapeCharacter;
  if (!line.includes(q) && !line.includes(esc)) return line.split(fd);
  const out: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  let atStart = true;
  while (i < line.length) {
    const c = line[i]!;
    if (quoted) {
      if (c === esc && line[i + 1] === q) {
        field += q;
        i += 2;
        continue;
      }
      if (c === esc && esc !== q && line[i + 1] === esc) {
        field += esc;
        i += 2;
        continue;
      }
      if (c === q) quoted = false;
      else field += c;
      i++;
      continue;
    }
    if (c === fd) {
      out.push(field);
      field = '';
      atStart = true;
      i++;
      continue;
    }
    if (c === q && atStart) quoted = true;
    else field += c;
    atStart = false;
    i++;
  }
  if (quoted) throw new SelectError('CSVParsingError', 'Encountered an error parsing the CSV file: a quoted field is not closed before the end of its record. Check the file and try again.');
  out.push(field);
  return out;
}
