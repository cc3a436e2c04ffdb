import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStreamError } from '@s3kit/event-stream';
import type { S3Client, SelectRequest, SelectResults } from '../src/index.js';
import { startLocalGateway, type LocalGateway } from './gateway-local.js';
import { privateRgwOrSkip } from '@s3kit/test-utils';
import { bucketName, cleanBucket, client, s3Code } from './helpers.js';

// selectObjectContent through the gateway on the embedded store (AWS's S3 Select dialect) and
// against Ceph RGW 16.2 directly (its own dialect: `FROM stdin`, a trailing comma per record, the
// records wrapped in `<Payload><Records><Payload>`, and no Stats/End events).

const CSV = 'name,age,city\nAlice,30,Paris\nBob,25,New York\nCarol,41,Berlin\nDan,19,Oslo\n';
const JSONL = '{"name":"Alice","age":30}\n{"name":"Bob","age":25}\n{"name":"Carol","age":41}\n';
const dec = new TextDecoder();
// A private RGW: after any Select, radosgw 16.2 refuses POST forms (see privateRgwOrSkip).
const { rgw, reason } = await privateRgwOrSkip();
afterAll(() => rgw?.stop(), 120_000); // a memstore OSD writes its objects out on a clean stop

async function text(r: SelectResults): Promise<string> {
  let out = '';
  for await (const chunk of r) out += dec.decode(chunk, { stream: true });
  return out;
}

function csvQuery(expression: string, extra: Partial<SelectRequest> = {}): SelectRequest {
  return { expression, inputSerialization: { CSV: { FileHeaderInfo: 'USE' } }, outputSerialization: { CSV: {} }, ...extra };
}

describe('selectObjectContent through the gateway on the embedded store', () => {
  let gw: LocalGateway;
  let s3: S3Client;
  const bucket = bucketName('sel');
  const ssec = { type: 'SSE-C' as const, key: randomBytes(32) };

  beforeAll(async () => {
    gw = await startLocalGateway();
    s3 = gw.client();
    await s3.makeBucket(bucket);
    await s3.putObject(bucket, 'people.csv', CSV);
    await s3.putObject(bucket, 'people.json', JSONL);
    await s3.putObject(bucket, 'people.csv.gz', gzipSync(CSV));
    await s3.putObject(bucket, 'secret.csv', CSV, { sse: ssec });
    // Enough rows for many Records messages.
    await s3.putObject(bucket, 'big.csv', Array.from({ length: 200_000 }, (_, i) => `${i},row-${i}\n`).join(''));
  });
  afterAll(async () => {
    await cleanBucket(s3, bucket);
    await s3.close();
    await gw.close();
  });

  it('streams the selected records with Stats, reaching End', async () => {
    const r = await s3.selectObjectContent(bucket, 'people.csv', csvQuery("SELECT s.name, s.city FROM S3Object s WHERE CAST(s.age AS INT) > 26 AND s.city <> 'Oslo'"));
    expect(await text(r)).toBe('Alice,Paris\nCarol,Berlin\n');
    expect(r.stats).toEqual({ bytesScanned: CSV.length, bytesProcessed: CSV.length, bytesReturned: 'Alice,Paris\nCarol,Berlin\n'.length });
  });

  it('reads JSON Lines and writes JSON; LIMIT', async () => {
    const r = await s3.selectObjectContent(bucket, 'people.json', {
      expression: 'SELECT s.name FROM S3Object[*] s WHERE s.age > 26 LIMIT 1',
      inputSerialization: { JSON: { Type: 'LINES' } },
      outputSerialization: { JSON: { RecordDelimiter: '\n' } },
    });
    expect(await text(r)).toBe('{"name":"Alice"}\n');
  });

  it('gzip input, aggregates and progress events', async () => {
    const r = await s3.selectObjectContent(
      bucket,
      'people.csv.gz',
      csvQuery('SELECT COUNT(*), SUM(CAST(s.age AS INT)) FROM S3Object s', { inputSerialization: { CSV: { FileHeaderInfo: 'USE' }, CompressionType: 'GZIP' }, requestProgress: true }),
    );
    expect(await text(r)).toBe('4,115\n');
    expect(r.stats?.bytesProcessed).toBe(CSV.length);
  });

  it('scan range selects the records that start in it', async () => {
    const start = CSV.indexOf('Bob');
    const r = await s3.selectObjectContent(
      bucket,
      'people.csv',
      csvQuery('SELECT s._1 FROM S3Object s', { inputSerialization: { CSV: { FileHeaderInfo: 'NONE' } }, scanRange: { start, end: start + 5 } }),
    );
    expect(await text(r)).toBe('Bob\n');
  });

  it('an SSE-C object needs its key', async () => {
    expect(await text(await s3.selectObjectContent(bucket, 'secret.csv', csvQuery('SELECT COUNT(*) FROM S3Object'), { sse: ssec }))).toBe('4\n');
    expect(await s3Code(s3.selectObjectContent(bucket, 'secret.csv', csvQuery('SELECT COUNT(*) FROM S3Object')))).toEqual(['InvalidRequest', 400]);
  });

  it("bad SQL and missing objects reject with S3's code before any record", async () => {
    expect(await s3Code(s3.selectObjectContent(bucket, 'people.csv', csvQuery('SELECT * FROM S3Object WHERE')))).toEqual(['ParseExpectedExpression', 400]);
    expect(await s3Code(s3.selectObjectContent(bucket, 'people.csv', csvQuery('SELECT s._0 FROM S3Object s', { inputSerialization: { CSV: {} } })))).toEqual(['InvalidColumnIndex', 400]);
    expect(await s3Code(s3.selectObjectContent(bucket, 'nope.csv', csvQuery('SELECT * FROM S3Object')))).toEqual(['NoSuchKey', 404]);
    await expect(s3.selectObjectContent(bucket, 'people.csv', { expression: '' } as SelectRequest)).rejects.toThrow(TypeError);
  });

  it('many Records messages arrive in order; stopping early and aborting end the stream', async () => {
    const all = await text(await s3.selectObjectContent(bucket, 'big.csv', csvQuery('SELECT s._1 FROM S3Object s', { inputSerialization: { CSV: { FileHeaderInfo: 'NONE' } } })));
    const lines = all.split('\n');
    expect(lines.length).toBe(200_001);
    expect(lines[199_999]).toBe('199999');

    const r = await s3.selectObjectContent(bucket, 'big.csv', csvQuery('SELECT * FROM S3Object', { inputSerialization: { CSV: { FileHeaderInfo: 'NONE' } } }));
    for await (const chunk of r) {
      expect(chunk.byteLength).toBeGreaterThan(0);
      break;
    }
    expect(() => r[Symbol.asyncIterator]()).toThrow(TypeError);

    const ac = new AbortController();
    const aborted = await s3.selectObjectContent(bucket, 'big.csv', csvQuery('SELECT * FROM S3Object', { inputSerialization: { CSV: { FileHeaderInfo: 'NONE' } } }), { signal: ac.signal });
    await expect(
      (async () => {
        for await (const _ of aborted) ac.abort();
      })(),
    ).rejects.toMatchObject({ name: 'TransportAbortedError' });
    // The gateway still answers after the cancelled streams.
    expect(await text(await s3.selectObjectContent(bucket, 'people.csv', csvQuery('SELECT COUNT(*) FROM S3Object')))).toBe('4\n');
  });
});

describe.skipIf(!rgw)(`selectObjectContent against Ceph RGW 16.2 ${reason}`, () => {
  let s3: S3Client;
  const bucket = bucketName('selrgw');
  beforeAll(async () => {
    s3 = client({}, rgw);
    await s3.makeBucket(bucket);
    await s3.putObject(bucket, 'people.csv', CSV);
  });
  afterAll(async () => {
    await cleanBucket(s3, bucket);
    await s3.close();
  });

  it('yields the records in its dialect, then the stream ends without End (RGW 16.2 sends no Stats/End)', async () => {
    const r = await s3.selectObjectContent(bucket, 'people.csv', csvQuery('select _1 from stdin where int(_2) > 26;', { inputSerialization: { CSV: { FileHeaderInfo: 'IGNORE' } } }));
    let out = '';
    const err = await (async () => {
      try {
        for await (const chunk of r) out += dec.decode(chunk);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(EventStreamError);
    expect((err as EventStreamError).code).toBe('Truncated');
    expect(
      out
        .replace(/<\/?Payload>|<\/?Records>/g, '')
        .split('\n')
        .map((l) => l.replace(/,$/, ''))
        .filter((l) => l !== ''),
    ).toEqual(['Alice', 'Carol']);
    expect(r.stats).toBeUndefined();
  });
});
