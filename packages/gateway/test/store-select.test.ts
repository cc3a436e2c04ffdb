import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bodyBytes, makeStore, type TestStore } from './helpers.js';
import { decodeMessages, selectAnswer } from './support/event-stream.js';

let t: TestStore;
beforeEach(async () => {
  t = await makeStore();
  await t.call('CreateBucket');
});
afterEach(async () => {
  await t.cleanup();
});

const CSV = 'name,age,city\nAlice,30,Paris\nBob,25,"New York, NY"\n# a comment row\nCarol,41,Berlin\n';
const LINES = '{"name":"Alice","age":30,"tags":["a","b"]}\n{"name":"Bob","age":25}\n\n{"name":"Carol","age":41,"tags":[]}\n';

interface SelectXml {
  expression: string;
  input?: string;
  output?: string;
  compression?: string;
  extra?: string;
}

function requestXml(x: SelectXml): string {
  return `<?xml version="1.0" encoding="UTF-8"?><SelectObjectContentRequest xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Expression>${x.expression.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</Expression><ExpressionType>SQL</ExpressionType><InputSerialization><CompressionType>${x.compression ?? 'NONE'}</CompressionType>${x.input ?? '<CSV><FileHeaderInfo>USE</FileHeaderInfo></CSV>'}</InputSerialization><OutputSerialization>${x.output ?? '<CSV/>'}</OutputSerialization>${x.extra ?? ''}</SelectObjectContentRequest>`;
}

async function selectOn(key: string, x: SelectXml, headers: Record<string, string> = {}): Promise<ReturnType<typeof selectAnswer> & { status: number; contentType: string | undefined }> {
  const res = await t.call('SelectObjectContent', { method: 'POST', key, query: { select: '', 'select-type': '2' }, headers, data: requestXml(x) });
  return { status: res.status, contentType: res.headers['content-type'], ...selectAnswer(await decodeMessages(await bodyBytes(res))) };
}

async function selectFails(key: string, x: SelectXml, headers: Record<string, string> = {}): Promise<[string, number]> {
  const err = await t.fail('SelectObjectContent', { method: 'POST', key, query: { select: '', 'select-type': '2' }, headers, data: requestXml(x) });
  return [err.code, err.status];
}

describe('SelectObjectContent on CSV', () => {
  beforeEach(async () => {
    await t.call('PutObject', { key: 'people.csv', data: CSV });
  });

  it('streams Records, Stats and End as event-stream messages', async () => {
    const r = await selectOn('people.csv', { expression: 'SELECT * FROM S3Object' });
    expect(r.status).toBe(200);
    expect(r.contentType).toBe('application/vnd.amazon.eventstream');
    expect(r.records).toBe('Alice,30,Paris\nBob,25,"New York, NY"\nCarol,41,Berlin\n');
    expect(r.events).toEqual(['Records', 'Stats', 'End']);
    expect(r.stats).toEqual({ BytesScanned: CSV.length, BytesProcessed: CSV.length, BytesReturned: r.records.length });
  });

  it.each([
    ['SELECT s.name FROM S3Object s WHERE CAST(s.age AS INT) > 26', 'Alice\nCarol\n'],
    ['SELECT s._1, s._3 FROM S3Object s LIMIT 1', 'Alice,Paris\n'],
    ["SELECT UPPER(s.city) AS c FROM S3Object s WHERE s.name LIKE 'B%'", '"NEW YORK, NY"\n'],
    ['SELECT COUNT(*), SUM(CAST(age AS INT)), MIN(CAST(age AS INT)), MAX(CAST(age AS INT)), AVG(CAST(age AS INT)) FROM S3Object', '3,96,25,41,32\n'],
    ["SELECT name FROM S3Object WHERE city IN ('Paris', 'Berlin') AND NOT age = '41'", 'Alice\n'],
    ['SELECT COUNT(*) FROM S3Object WHERE CAST(age AS INT) BETWEEN 25 AND 30', '2\n'],
    ['SELECT COUNT(*) FROM S3Object WHERE age > 26', '0\n'],
  ])('%s', async (expression, records) => {
    expect((await selectOn('people.csv', { expression })).records).toBe(records);
  });

  it('outputs JSON with header names as keys, and CSV with ALWAYS quotes and other delimiters', async () => {
    expect((await selectOn('people.csv', { expression: 'SELECT s.name, s.age AS a FROM S3Object s LIMIT 2', output: '<JSON><RecordDelimiter>;</RecordDelimiter></JSON>' })).records).toBe(
      '{"name":"Alice","a":"30"};{"name":"Bob","a":"25"};',
    );
    expect(
      (
        await selectOn('people.csv', {
          expression: 'SELECT * FROM S3Object LIMIT 2',
          output: '<CSV><QuoteFields>ALWAYS</QuoteFields><FieldDelimiter>|</FieldDelimiter><RecordDelimiter>\r\n</RecordDelimiter></CSV>',
        })
      ).records,
    ).toBe('"Alice"|"30"|"Paris"\r\n"Bob"|"25"|"New York, NY"\r\n');
  });

  it("SELECT * rewrites a record quoted with another QuoteCharacter than the output's", async () => {
    await t.call('PutObject', { key: 'sq.csv', data: "'a,b',c\nd,e\n" });
    expect((await selectOn('sq.csv', { expression: 'SELECT * FROM S3Object', input: "<CSV><QuoteCharacter>'</QuoteCharacter></CSV>" })).records).toBe('"a,b",c\nd,e\n');
  });

  it('reads FileHeaderInfo NONE/IGNORE, other delimiters, quote escapes, comments and quoted record delimiters', async () => {
    await t.call('PutObject', { key: 'odd.csv', data: 'h1;h2\n"a\\"b";c\n%skip\n"multi\nline";d\n' });
    const input = (allow: boolean): string =>
      `<CSV><FileHeaderInfo>IGNORE</FileHeaderInfo><FieldDelimiter>;</FieldDelimiter><QuoteEscapeCharacter>\\</QuoteEscapeCharacter><Comments>%</Comments><AllowQuotedRecordDelimiter>${allow}</AllowQuotedRecordDelimiter></CSV>`;
    expect((await selectOn('odd.csv', { expression: 'SELECT s._1 FROM S3Object s', input: input(true), output: '<JSON/>' })).records).toBe('{"_1":"a\\"b"}\n{"_1":"multi\\nline"}\n');
    expect((await selectOn('odd.csv', { expression: 'SELECT COUNT(*) FROM S3Object', input: '<CSV><FileHeaderInfo>NONE</FileHeaderInfo></CSV>' })).records).toBe('5\n');
  });

  it.each([
    ['SELECT * FROM S3Object WHERE', 'ParseExpectedExpression'],
    ['SELECT s._1 FROM S3Object s WHERE s._1 = = 1', 'ParseUnexpectedToken'],
    ['SELECT s._0 FROM S3Object s', 'InvalidColumnIndex'],
    ['SELECT s.nope FROM S3Object s', 'MissingHeaders'],
    ['SELECT CAST(s.name AS INT) FROM S3Object s', 'CastFailed'],
    ['SELECT LOWER(1) FROM S3Object s', 'EvaluatorInvalidArguments'],
    ['SELECT BOGUS(1) FROM S3Object', 'UnsupportedFunction'],
    [`SELECT '${'x'.repeat(256 * 1024)}' FROM S3Object`, 'ExpressionTooLong'],
  ])('answers %s with %s (400) before streaming', async (expression, code) => {
    expect(await selectFails('people.csv', { expression })).toEqual([code, 400]);
  });

  it.each([
    [{ input: '<CSV><FileHeaderInfo>MAYBE</FileHeaderInfo></CSV>' }, 'InvalidFileHeaderInfo'],
    [{ compression: 'ZIP' }, 'InvalidCompressionFormat'],
    [{ output: '<CSV><QuoteFields>SOMETIMES</QuoteFields></CSV>' }, 'InvalidQuoteFields'],
    [{ input: '<JSON><Type>TREE</Type></JSON>' }, 'InvalidJsonType'],
    [{ input: '<CSV/><JSON><Type>LINES</Type></JSON>' }, 'ObjectSerializationConflict'],
    [{ extra: '<ScanRange><Start>10</Start><End>2</End></ScanRange>' }, 'InvalidRequestParameter'],
    [{ compression: 'GZIP', extra: '<ScanRange><Start>1</Start></ScanRange>' }, 'UnsupportedScanRangeInput'],
  ])('rejects request %j with %s (400)', async (parts, code) => {
    expect(await selectFails('people.csv', { expression: 'SELECT * FROM S3Object', ...parts })).toEqual([code, 400]);
  });

  it('answers CSVParsingError for a quoted field left open at the end of its record', async () => {
    await t.call('PutObject', { key: 'open.csv', data: 'a,"b\nc",d\n' });
    expect(await selectFails('open.csv', { expression: 'SELECT s._2 FROM S3Object s', input: '<CSV/>' })).toEqual(['CSVParsingError', 400]);
    expect((await selectOn('open.csv', { expression: 'SELECT s._2 FROM S3Object s', input: '<CSV><AllowQuotedRecordDelimiter>TRUE</AllowQuotedRecordDelimiter></CSV>' })).records).toBe('"b\nc"\n');
  });

  it('answers a missing key NoSuchKey (404) and a bad XML document MalformedXML', async () => {
    expect(await selectFails('nope.csv', { expression: 'SELECT * FROM S3Object' })).toEqual(['NoSuchKey', 404]);
    const err = await t.fail('SelectObjectContent', { method: 'POST', key: 'people.csv', query: { select: '', 'select-type': '2' }, data: '<nope/>' });
    expect([err.code, err.status]).toEqual(['MalformedXML', 400]);
  });

  it('ends the stream with an error message for an error after records were sent', async () => {
    const rows = Array.from({ length: 20000 }, (_, i) => `${i},${i < 19999 ? i : 'oops'}`).join('\n');
    await t.call('PutObject', { key: 'late.csv', data: rows });
    const r = await selectOn('late.csv', { expression: 'SELECT CAST(s._2 AS INT) FROM S3Object s', input: '<CSV/>' });
    expect(r.records.split('\n').length).toBeGreaterThan(1000);
    expect(r.error?.code).toBe('CastFailed');
    expect(r.events).not.toContain('End');
  });

  it('takes the records that start in a ScanRange (Start, End, both), as S3 defines it', async () => {
    const data = 'a,1\nbb,2\nccc,3\ndddd,4\n';
    await t.call('PutObject', { key: 'range.csv', data });
    const scan = async (range: string): Promise<string> =>
      (await selectOn('range.csv', { expression: 'SELECT s._1 FROM S3Object s', input: '<CSV/>', extra: `<ScanRange>${range}</ScanRange>` })).records;
    expect(await scan('<Start>0</Start><End>3</End>')).toBe('a\n');
    expect(await scan('<Start>1</Start><End>4</End>')).toBe('bb\n');
    expect(await scan('<Start>4</Start><End>9</End>')).toBe('bb\nccc\n');
    expect(await scan('<Start>5</Start>')).toBe('ccc\ndddd\n');
    expect(await scan('<End>7</End>')).toBe('dddd\n');
    expect(await scan(`<Start>${data.length + 5}</Start>`)).toBe('');
  });

  it("reads the CSV header from the object's first line when the ScanRange starts later", async () => {
    await t.call('PutObject', { key: 'h.csv', data: 'name,n\nx,1\ny,2\nz,3\n' });
    const r = await selectOn('h.csv', { expression: 'SELECT s.name FROM S3Object s', extra: '<ScanRange><Start>11</Start></ScanRange>' });
    expect(r.records).toBe('y\nz\n');
  });

  it('applies a ScanRange to JSON LINES and to CSV with a two-byte record delimiter', async () => {
    await t.call('PutObject', { key: 'r.json', data: '{"n":1}\n{"n":22}\n{"n":333}\n' });
    const json = await selectOn('r.json', {
      expression: 'SELECT s.n FROM S3Object s',
      input: '<JSON><Type>LINES</Type></JSON>',
      output: '<JSON/>',
      extra: '<ScanRange><Start>1</Start><End>8</End></ScanRange>',
    });
    expect(json.records).toBe('{"n":22}\n');
    await t.call('PutObject', { key: 'crlf.csv', data: 'a,1\r\nbb,2\r\nccc,3\r\n' });
    const input = '<CSV><RecordDelimiter>\r\n</RecordDelimiter></CSV>';
    expect((await selectOn('crlf.csv', { expression: 'SELECT s._1 FROM S3Object s', input, extra: '<ScanRange><Start>5</Start><End>5</End></ScanRange>' })).records).toBe('bb\n');
    expect((await selectOn('crlf.csv', { expression: 'SELECT s._1 FROM S3Object s', input, extra: '<ScanRange><Start>4</Start><End>5</End></ScanRange>' })).records).toBe('bb\n');
    expect((await selectOn('crlf.csv', { expression: 'SELECT s._1 FROM S3Object s', input, extra: '<ScanRange><Start>6</Start></ScanRange>' })).records).toBe('ccc\n');
  });

  it('sends Progress events when asked', async () => {
    const r = await selectOn('people.csv', { expression: 'SELECT COUNT(*) FROM S3Object', extra: '<RequestProgress><Enabled>true</Enabled></RequestProgress>' });
    expect(r.events).toEqual(['Records', 'Progress', 'Stats', 'End']);
  });
});

describe('SelectObjectContent on JSON', () => {
  it('queries JSON LINES with paths, MISSING keys and JSON or CSV output', async () => {
    await t.call('PutObject', { key: 'p.json', data: LINES });
    const input = '<JSON><Type>LINES</Type></JSON>';
    expect((await selectOn('p.json', { expression: 'SELECT s.name, s.tags[0] AS t FROM S3Object[*] s WHERE s.age > 26', input, output: '<JSON/>' })).records).toBe(
      '{"name":"Alice","t":"a"}\n{"name":"Carol"}\n',
    );
    expect((await selectOn('p.json', { expression: 'SELECT * FROM S3Object s WHERE s.tags IS MISSING', input, output: '<JSON/>' })).records).toBe('{"name":"Bob","age":25}\n');
    expect((await selectOn('p.json', { expression: 'SELECT s.name, s.age FROM S3Object s', input })).records).toBe('Alice,30\nBob,25\nCarol,41\n');
    expect((await selectOn('p.json', { expression: 'SELECT SUM(s.age), COUNT(s.tags) FROM S3Object s', input })).records).toBe('96,2\n');
  });

  it('queries a JSON DOCUMENT through a FROM path', async () => {
    await t.call('PutObject', {
      key: 'd.json',
      data: JSON.stringify(
        {
          items: [
            { id: 1, v: 'x' },
            { id: 2, v: 'y' },
            { id: 3, v: 'z' },
          ],
        },
        null,
        2,
      ),
    });
    const r = await selectOn('d.json', { expression: 'SELECT s.v FROM S3Object[*].items[*] s WHERE s.id >= 2', input: '<JSON><Type>DOCUMENT</Type></JSON>', output: '<JSON/>' });
    expect(r.records).toBe('{"v":"y"}\n{"v":"z"}\n');
  });

  it('answers JSONParsingError for broken JSON', async () => {
    await t.call('PutObject', { key: 'bad.json', data: '{"a":1}\n{"a":\n' });
    expect(await selectFails('bad.json', { expression: 'SELECT * FROM S3Object', input: '<JSON><Type>LINES</Type></JSON>' })).toEqual(['JSONParsingError', 400]);
  });
});

describe('SelectObjectContent input encodings', () => {
  it('decompresses GZIP (also multi-member) and BZIP2 input', async () => {
    const gz = Buffer.concat([gzipSync(CSV.slice(0, 30)), gzipSync(CSV.slice(30))]);
    await t.call('PutObject', { key: 'p.csv.gz', data: gz });
    const bz = execFileSync('/usr/bin/python3', ['-c', 'import bz2,sys; sys.stdout.buffer.write(bz2.compress(sys.stdin.buffer.read()))'], { input: CSV });
    await t.call('PutObject', { key: 'p.csv.bz2', data: bz });
    const gzr = await selectOn('p.csv.gz', { expression: 'SELECT s.name FROM S3Object s', compression: 'GZIP' });
    expect(gzr.records).toBe('Alice\nBob\nCarol\n');
    expect(gzr.stats).toMatchObject({ BytesScanned: gz.length, BytesProcessed: CSV.length });
    expect((await selectOn('p.csv.bz2', { expression: 'SELECT s.name FROM S3Object s', compression: 'BZIP2' })).records).toBe('Alice\nBob\nCarol\n');
  });

  it('answers TruncatedInput for data not compressed as said, InvalidTextEncoding for non-UTF-8 text', async () => {
    await t.call('PutObject', { key: 'plain.csv', data: CSV });
    expect(await selectFails('plain.csv', { expression: 'SELECT * FROM S3Object', compression: 'GZIP' })).toEqual(['TruncatedInput', 400]);
    expect(await selectFails('plain.csv', { expression: 'SELECT * FROM S3Object', compression: 'BZIP2' })).toEqual(['TruncatedInput', 400]);
    await t.call('PutObject', { key: 'latin1.csv', data: Buffer.from([0x61, 0xe9, 0x0a]) });
    expect(await selectFails('latin1.csv', { expression: 'SELECT * FROM S3Object' })).toEqual(['InvalidTextEncoding', 400]);
  });

  it('decrypts SSE-C objects with the key from the request, and refuses without it', async () => {
    const key = randomBytes(32);
    const sse = {
      'x-amz-server-side-encryption-customer-algorithm': 'AES256',
      'x-amz-server-side-encryption-customer-key': key.toString('base64'),
      'x-amz-server-side-encryption-customer-key-md5': (await import('node:crypto')).createHash('md5').update(key).digest('base64'),
    };
    await t.call('PutObject', { key: 'secret.csv', data: CSV, headers: sse });
    expect((await selectOn('secret.csv', { expression: 'SELECT COUNT(*) FROM S3Object' }, sse)).records).toBe('3\n');
    expect(await selectFails('secret.csv', { expression: 'SELECT COUNT(*) FROM S3Object' })).toEqual(['InvalidRequest', 400]);
  });

  it('decrypts SSE-S3 objects', async () => {
    await t.call('PutObject', { key: 's3.csv', data: CSV, headers: { 'x-amz-server-side-encryption': 'AES256' } });
    expect((await selectOn('s3.csv', { expression: 'SELECT s.city FROM S3Object s LIMIT 1' })).records).toBe('Paris\n');
  });
});
