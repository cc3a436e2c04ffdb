import { MAX_RECORD_BYTES, SelectError } from './errors.js';

const parsingError = (): SelectError => new SelectError('JSONParsingError', 'Encountered an error parsing the JSON file. Check the file and try again.');
const tooLong = (): SelectError => new SelectError('OverMaxRecordSize', 'The length of a record in the input or result is greater than maxCharsPerRecord of 1 MB.');

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw parsingError();
  }
}

/**
 * The values of JSON LINES text: one per line, blank lines skipped, batched per input chunk.
 * @throws SelectError JSONParsingError, OverMaxRecordSize (400)
 */
export async function* jsonLines(text: AsyncIterable<string>): AsyncGenerator<unknown[]> {
  let buf = '';
  for await (const chunk of text) {
    buf = buf === '' ? chunk : buf + chunk;
    const batch: unknown[] = [];
    let pos = 0;
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n', pos)) {
      const line = buf.slice(pos, nl);
      pos = nl + 1;
      if (line.trim() !== '') batch.push(parse(line));
    }
    buf = buf.slice(pos);
    if (buf.length > MAX_RECORD_BYTES) throw tooLong();
    if (batch.length > 0) yield batch;
  }
  if (buf.trim() !== '') yield [parse(buf)];
}

/**
 * The top-level values of a JSON DOCUMENT: one value, or several one after another (as S3
 * takes them), each parsed once it is complete, batched per input chunk.
 * @throws SelectError JSONParsingError, OverMaxRecordSize (400)
 */
export async function* jsonDocument(text: AsyncIterable<string>): AsyncGenerator<unknown[]> {
  let buf = '';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = -1;
  let scalar = false;
  for await (const chunk of text) {
    const batch: unknown[] = [];
    const base = buf.length;
    buf += chunk;
    for (let i = base; i < buf.length; i++) {
      const c = buf[i]!;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === '\\') escaped = true;
        else if (c === '"') {
          inString = false;
          if (depth === 0 && scalar) {
            batch.push(parse(buf.slice(start, i + 1)));
            start = -1;
            scalar = false;
          }
        }
        continue;
      }
      if (scalar && depth === 0 && /[\s{["]/.test(c)) {
        batch.push(parse(buf.slice(start, i)));
        start = -1;
        scalar = false;
      }
      if (c === '"') {
        inString = true;
        if (start < 0) {
          start = i;
          scalar = true;
        }
      } else if (c === '{' || c === '[') {
        if (start < 0) start = i;
        depth++;
      } else if (c === '}' || c === ']') {
        if (depth === 0) throw parsingError();
        if (--depth === 0) {
          batch.push(parse(buf.slice(start, i + 1)));
          start = -1;
        }
      } else if (start < 0 && !/\s/.test(c)) {
        if (c === ',') throw parsingError();
        start = i;
        scalar = true;
      }
    }
    if (start < 0) buf = '';
    else if (start > 0) {
      buf = buf.slice(start);
      start = 0;
    }
    if (buf.length > MAX_RECORD_BYTES) throw tooLong();
    if (batch.length > 0) yield batch;
  }
  if (inString || depth > 0) throw parsingError();
  if (start >= 0 && scalar) yield [parse(buf.slice(start))];
}
