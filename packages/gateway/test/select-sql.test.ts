import { describe, expect, it } from 'vitest';
import { tokenize } from '../src/store/select/lexer.js';
import { parseQuery } from '../src/store/select/parser.js';
import { evaluate } from '../src/store/select/evaluate.js';
import { CsvRow, Header, type Row } from '../src/store/select/row.js';
import { MISSING, parseTimestamp, timestampText } from '../src/store/select/values.js';

const csvRow = (fields: string[], header?: string[]): Row => new CsvRow(header === undefined ? undefined : new Header(header), (l) => l.split(','), ',', '"').reset(fields.join(','));
/** Evaluates the WHERE-free expression `expr` as the single projection of a query. */
function value(expr: string, row: Row = { kind: 'json', value: {} }): unknown {
  const q = parseQuery(`SELECT ${expr} FROM S3Object s`);
  if (q.projections === '*') throw new Error('star');
  return evaluate(q.projections[0]!.expr, { row, alias: q.alias, now: () => Date.UTC(2020, 0, 2, 3, 4, 5) });
}
function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as { code: string }).code;
  }
  return 'no error';
}

describe('S3 Select lexer', () => {
  it('splits identifiers, quoted identifiers, strings with doubled quotes, numbers and operators', () => {
    expect(tokenize(`SELECT s."Na""me", 'it''s', 1.5e2, 42 FROM S3Object s WHERE a<>b`).map((t) => `${t.type}:${t.text}`)).toEqual([
      'ident:SELECT',
      'ident:s',
      'op:.',
      'quoted:Na"me',
      'op:,',
      "string:it's",
      'op:,',
      'float:1.5e2',
      'op:,',
      'int:42',
      'ident:FROM',
      'ident:S3Object',
      'ident:s',
      'ident:WHERE',
      'ident:a',
      'op:<>',
      'ident:b',
      'eof:',
    ]);
  });

  it('answers LexerInvalidChar, an unterminated literal and ExpressionTooLong (256 KB) with S3 codes', () => {
    expect(code(() => tokenize('SELECT # FROM S3Object'))).toBe('LexerInvalidChar');
    expect(code(() => tokenize("SELECT 'abc FROM S3Object"))).toBe('LexerInvalidLiteral');
    expect(code(() => tokenize(`SELECT '${'x'.repeat(256 * 1024)}' FROM S3Object`))).toBe('ExpressionTooLong');
  });
});

describe('S3 Select parser', () => {
  it('parses the documented forms: *, s._N, header names, aliases, FROM paths, WHERE, LIMIT', () => {
    expect(parseQuery('select * from s3object').projections).toBe('*');
    const q = parseQuery('SELECT s._1, s.name AS n, "City" FROM S3Object[*].items[*] AS s WHERE s._2 > 3 LIMIT 5');
    expect(q.alias).toBe('s');
    expect(q.limit).toBe(5);
    expect(q.from.map((s) => s.kind)).toEqual(['wildcard', 'name', 'wildcard']);
    expect(q.projections !== '*' && q.projections.map((p) => p.name)).toEqual(['_1', 'n', 'City']);
    expect(parseQuery('SELECT COUNT(*), SUM(x) + 1 FROM S3Object').aggregates).toBe(2);
  });

  it.each([
    ['SELECT FROM S3Object', 'ParseUnexpectedKeyword'],
    ['SELECT * FROM S3Object WHERE', 'ParseExpectedExpression'],
    ['SELECT * FROM S3Object s WHERE s._1 = = 1', 'ParseUnexpectedToken'],
    ['SELECT *, s._1 FROM S3Object', 'ParseAsteriskIsNotAloneInSelectList'],
    ['SELECT s._1', 'ParseSelectMissingFrom'],
    ['SELECT * FROM S3Object LIMIT x', 'ParseUnexpectedToken'],
    ['SELECT * FROM Other', 'InvalidDataSource'],
    ['SELECT FOO(s._1) FROM S3Object s', 'UnsupportedFunction'],
    ['SELECT SUM(*) FROM S3Object', 'ParseUnsupportedCallWithStar'],
    ['SELECT s._1, COUNT(*) FROM S3Object s', 'UnsupportedSyntax'],
    ['SELECT * FROM S3Object WHERE COUNT(*) > 1', 'UnsupportedSyntax'],
    ['SELECT * FROM S3Object GROUP BY x', 'UnsupportedSyntax'],
    ['SELECT CAST(1 AS BLOB) FROM S3Object', 'ParseExpectedTypeName'],
    ['SELECT EXTRACT(WEEK FROM x) FROM S3Object', 'ParseExpectedDatePart'],
  ])('%s → %s', (sql, expected) => {
    expect(code(() => parseQuery(sql))).toBe(expected);
  });
});

describe('S3 Select evaluation (the SQL reference examples)', () => {
  it('reads CSV columns by position and by header name (case-insensitive unless quoted)', () => {
    const row = csvRow(['a', '7'], ['Name', 'Age']);
    expect(value('s._2', row)).toBe('7');
    expect(value('s.name', row)).toBe('a');
    expect(value('s."Name"', row)).toBe('a');
    expect(value('s._3', row)).toBe(MISSING);
    expect(code(() => value('s."name"', row))).toBe('MissingHeaders');
    expect(code(() => value('s._0', row))).toBe('InvalidColumnIndex');
    expect(code(() => value('s.name', csvRow(['a'])))).toBe('MissingHeaders');
  });

  it('navigates JSON paths, MISSING for absent keys', () => {
    const row: Row = { kind: 'json', value: { a: { b: [10, { c: 'x' }] } } };
    expect(value('s.a.b[0]', row)).toBe(10n);
    expect(value('s.a.b[1].c', row)).toBe('x');
    expect(value("s.a['b'][1]['c']", row)).toBe('x');
    expect(value('s.a.z', row)).toBe(MISSING);
  });

  it('computes arithmetic with integer division, CSV text compared as text until CAST, logic with NULL', () => {
    expect(value('7 / 2')).toBe(3n);
    expect(value('7.0 / 2')).toBe(3.5);
    expect(value('-(2 + 3) * 4 % 7')).toBe(-6n);
    expect(value("'10' > 9")).toBe(null);
    expect(value("CAST('10' AS INT) > 9")).toBe(true);
    expect(value("'10' + 1")).toBe(11n);
    expect(value("'abc' < 'abd'")).toBe(true);
    expect(value('NULL = 1')).toBe(null);
    expect(value('NULL AND FALSE')).toBe(false);
    expect(value('NULL OR TRUE')).toBe(true);
    expect(value('NOT NULL')).toBe(null);
    expect(value("'a' || 'b'")).toBe('ab');
  });

  it('evaluates LIKE (with ESCAPE), BETWEEN, IN and IS [NOT] NULL/MISSING', () => {
    expect(value("'abcd' LIKE 'a_c%'")).toBe(true);
    expect(value("'a%c' LIKE 'a!%c' ESCAPE '!'")).toBe(true);
    expect(value("'abc' LIKE 'a!%c' ESCAPE '!'")).toBe(false);
    expect(value("'abc' NOT LIKE 'x%'")).toBe(true);
    expect(value('5 BETWEEN 1 AND 5')).toBe(true);
    expect(value('5 NOT BETWEEN 1 AND 4')).toBe(true);
    expect(value("'b' IN ('a', 'b')")).toBe(true);
    expect(value('3 NOT IN (1, 2)')).toBe(true);
    expect(value('s.x IS MISSING')).toBe(true);
    expect(value('s.x IS NULL')).toBe(true);
    expect(value('NULL IS NOT MISSING')).toBe(true);
    expect(code(() => value("1 LIKE 'a'"))).toBe('LikeInvalidInputs');
  });

  it('casts as S3 documents, CastFailed otherwise', () => {
    expect(value("CAST('12' AS INT)")).toBe(12n);
    expect(value("CAST('12.5' AS INTEGER)")).toBe(12n);
    expect(value("CAST('1.5' AS FLOAT)")).toBe(1.5);
    expect(value("CAST('1.5' AS DECIMAL)")).toBe(1.5);
    expect(value('CAST(12 AS STRING)')).toBe('12');
    expect(value("CAST('true' AS BOOL)")).toBe(true);
    expect(value('CAST(NULL AS INT)')).toBe(null);
    expect(timestampText(value("CAST('2007-04-05T14:30Z' AS TIMESTAMP)") as never)).toBe('2007-04-05T14:30Z');
    expect(code(() => value("CAST('abc' AS INT)"))).toBe('CastFailed');
    expect(code(() => value("CAST('x' AS TIMESTAMP)"))).toBe('CastFailed');
  });

  it('runs the string functions of the reference', () => {
    expect(value("CHAR_LENGTH('äbc')")).toBe(3n);
    expect(value("CHARACTER_LENGTH('')")).toBe(0n);
    expect(value("LOWER('AbC')")).toBe('abc');
    expect(value("UPPER('AbC')")).toBe('ABC');
    expect(value("SUBSTRING('123456789', 0)")).toBe('123456789');
    expect(value("SUBSTRING('123456789', 1)")).toBe('123456789');
    expect(value("SUBSTRING('123456789', 2)")).toBe('23456789');
    expect(value("SUBSTRING('123456789', -4)")).toBe('123456789');
    expect(value("SUBSTRING('123456789', 0, 999)")).toBe('123456789');
    expect(value("SUBSTRING('123456789', 1, 5)")).toBe('12345');
    expect(value("SUBSTRING('123456789' FROM 2 FOR 3)")).toBe('234');
    expect(value("TRIM('       foobar         ')")).toBe('foobar');
    expect(value("TRIM('      \tfoobar\t         ')")).toBe('\tfoobar\t');
    expect(value("TRIM(LEADING FROM '       foobar         ')")).toBe('foobar         ');
    expect(value("TRIM(TRAILING FROM '       foobar         ')")).toBe('       foobar');
    expect(value("TRIM(BOTH FROM '       foobar         ')")).toBe('foobar');
    expect(value("TRIM(BOTH '12' FROM '1112211foobar22211122')")).toBe('foobar');
    expect(value("COALESCE(NULL, s.x, 'a')")).toBe('a');
    expect(value('NULLIF(1, 1)')).toBe(null);
    expect(value('NULLIF(1, 2)')).toBe(1n);
  });

  it('runs the date functions of the reference', () => {
    const ts = (s: string): string => timestampText(value(s) as never);
    expect(ts("DATE_ADD(year, 5, CAST('2010-01-01T' AS TIMESTAMP))")).toBe('2015-01-01');
    expect(ts("DATE_ADD(month, 1, CAST('2010T' AS TIMESTAMP))")).toBe('2010-02T');
    expect(ts("DATE_ADD(day, -1, CAST('2017-01-10T05:30:00Z' AS TIMESTAMP))")).toBe('2017-01-09T05:30:00Z');
    expect(ts("DATE_ADD(hour, 1, CAST('2017T' AS TIMESTAMP))")).toBe('2017-01-01T01:00Z');
    expect(ts("DATE_ADD(minute, 1, CAST('2017-01-02T03:04Z' AS TIMESTAMP))")).toBe('2017-01-02T03:05Z');
    expect(value("DATE_DIFF(year, CAST('2010-01-01T' AS TIMESTAMP), CAST('2011-01-01T' AS TIMESTAMP))")).toBe(1n);
    expect(value("DATE_DIFF(year, CAST('2010T' AS TIMESTAMP), CAST('2010-05T' AS TIMESTAMP))")).toBe(0n);
    expect(value("DATE_DIFF(month, CAST('2010T' AS TIMESTAMP), CAST('2011T' AS TIMESTAMP))")).toBe(12n);
    expect(value("DATE_DIFF(day, CAST('2010-01-01T23:00Z' AS TIMESTAMP), CAST('2010-01-02T01:00Z' AS TIMESTAMP))")).toBe(0n);
    expect(value("EXTRACT(YEAR FROM CAST('2010-01-01T' AS TIMESTAMP))")).toBe(2010n);
    expect(value("EXTRACT(MONTH FROM CAST('2010-01-01T' AS TIMESTAMP))")).toBe(1n);
    expect(value("EXTRACT(TIMEZONE_HOUR FROM CAST('2017-01-01T13:00-08:00' AS TIMESTAMP))")).toBe(-8n);
    expect(value("EXTRACT(TIMEZONE_MINUTE FROM CAST('2017-01-01T13:00+08:30' AS TIMESTAMP))")).toBe(30n);
    expect(value("TO_STRING(CAST('1969-07-20T20:18Z' AS TIMESTAMP), 'MMMM d, y')")).toBe('July 20, 1969');
    expect(value("TO_STRING(CAST('1969-07-20T20:18Z' AS TIMESTAMP), 'MMM d, yyyy')")).toBe('Jul 20, 1969');
    expect(value("TO_STRING(CAST('1969-07-20T20:18Z' AS TIMESTAMP), 'M-d-yy')")).toBe('7-20-69');
    expect(value("TO_STRING(CAST('1969-07-20T20:18Z' AS TIMESTAMP), 'MM-d-y')")).toBe('07-20-1969');
    expect(value("TO_STRING(CAST('1969-07-20T20:18Z' AS TIMESTAMP), 'MMMM d, y h:m a')")).toBe('July 20, 1969 8:18 PM');
    expect(value("TO_STRING(CAST('1969-07-20T20:18Z' AS TIMESTAMP), 'y-MM-dd''T''H:m:ssX')")).toBe('1969-07-20T20:18:00Z');
    expect(value("TO_STRING(CAST('1969-07-20T20:18+08:00' AS TIMESTAMP), 'y-MM-dd''T''H:m:ssX')")).toBe('1969-07-20T20:18:00+08');
    expect(value("TO_STRING(CAST('1969-07-20T20:18+08:00' AS TIMESTAMP), 'y-MM-dd''T''H:m:ssXXXX')")).toBe('1969-07-20T20:18:00+0800');
    expect(value("TO_STRING(CAST('1969-07-20T20:18+08:00' AS TIMESTAMP), 'y-MM-dd''T''H:m:ssXXXXX')")).toBe('1969-07-20T20:18:00+08:00');
    expect(ts("TO_TIMESTAMP('2007T')")).toBe('2007T');
    expect(ts("TO_TIMESTAMP('2007-02-23T12:14:33.079-08:00')")).toBe('2007-02-23T12:14:33.079-08:00');
    expect(ts('UTCNOW()')).toBe('2020-01-02T03:04:05.000Z');
    expect(parseTimestamp('2007-02-23T12:14Z')?.precision).toBe('minute');
  });
});

describe('select() events', () => {
  it('sends Cont keep-alives while a scan finds nothing, then Stats and End', async () => {
    const { select, selectRequest } = await import('../src/store/select/index.js');
    const req = selectRequest({ Expression: "SELECT * FROM S3Object s WHERE s._1 = 'none'", ExpressionType: 'SQL', InputSerialization: { CSV: {} }, OutputSerialization: { CSV: {} } });
    async function* source(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 3; i++) yield Buffer.from(`a${i}\nb${i}\n`);
    }
    const types: string[] = [];
    for await (const ev of select(req, source(), undefined, { keepAliveMs: -1 })) types.push(ev.type);
    expect(types).toEqual(['Cont', 'Cont', 'Cont', 'Stats', 'End']);
  });
});

describe('S3 Select never fails with anything but a 400 SelectError', () => {
  const WORDS = [
    'SELECT',
    'FROM',
    'S3Object',
    's',
    'WHERE',
    'LIMIT',
    '*',
    ',',
    '(',
    ')',
    '.',
    '[',
    ']',
    '_1',
    '_2',
    'name',
    '"Na me"',
    "'x'",
    "'2010T'",
    '1',
    '2.5',
    '-',
    '+',
    '/',
    '%',
    '=',
    '<>',
    '<',
    '>=',
    '||',
    'AND',
    'OR',
    'NOT',
    'LIKE',
    'ESCAPE',
    'BETWEEN',
    'IN',
    'IS',
    'NULL',
    'MISSING',
    'TRUE',
    'CAST',
    'AS',
    'INT',
    'FLOAT',
    'TIMESTAMP',
    'STRING',
    'BOOL',
    'COUNT',
    'SUM',
    'AVG',
    'MIN',
    'MAX',
    'UPPER',
    'SUBSTRING',
    'TRIM',
    'LEADING',
    'FOR',
    'EXTRACT',
    'YEAR',
    'DATE_ADD',
    'DATE_DIFF',
    'day',
    'TO_STRING',
    'TO_TIMESTAMP',
    'UTCNOW',
    'COALESCE',
    'NULLIF',
    'CHAR_LENGTH',
  ];

  it('on random token sequences, parsed and evaluated against CSV and JSON rows', async () => {
    const fc = await import('fast-check');
    const rows: Row[] = [csvRow(['a', '7', ''], ['name', 'n', 'e']), csvRow(['1']), { kind: 'json', value: { name: 'x', n: 3, a: [1, { b: null }] } }];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...WORDS), { maxLength: 24 }), fc.boolean(), (words, prefix) => {
        const half = Math.ceil(words.length / 2);
        const sql = prefix ? `SELECT ${words.slice(0, half).join(' ')} FROM S3Object s WHERE ${words.slice(half).join(' ')}` : words.join(' ');
        try {
          const q = parseQuery(sql);
          for (const row of rows) {
            const scope = { row, alias: q.alias, now: () => 0 };
            if (q.where !== undefined) evaluate(q.where, scope);
            if (q.projections !== '*') for (const p of q.projections) evaluate(p.expr, scope);
          }
        } catch (e) {
          const err = e as { name?: string; status?: number; code?: string };
          if (err.name !== 'S3Error' || err.status !== 400) throw e;
        }
      }),
      { numRuns: 3000 },
    );
  });
});
