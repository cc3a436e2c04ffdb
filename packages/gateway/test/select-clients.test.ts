// S3 Select through the gateway with a real client (AWS SDK v3's SelectObjectContentCommand,
// which decodes the event stream itself) on both upstream kinds, and a differential run of the
// same queries on the same objects against the embedded store and Ceph RGW 16.2.
//
// RGW 16.2's s3select is not AWS's dialect: it reads `FROM stdin` (AWS's `FROM S3Object` fails
// to parse), has int() instead of CAST, no string comparisons, LIKE, IN, BETWEEN, LIMIT, UPPER or
// SUBSTRING, no header names or comment rows, no JSON (it reads JSON lines as CSV), and wraps its
// records in `<Payload><Records><Payload>` text with a comma after each record. The differential
// cases pair AWS's spelling (sent to the store) with RGW's spelling of the same query and expect
// the same records from both after undoing RGW's wrapping; the rest asserts what RGW does.
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, PutObjectCommand, HeadBucketCommand, S3Client, SelectObjectContentCommand, type SelectObjectContentCommandInput } from '@aws-sdk/client-s3';
import { privateRgwOrSkip } from '@s3kit/test-utils';
import * as Minio from 'minio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrapRgw } from './support/event-stream.js';
import { ADMIN, READER, startGateway, type RunningGateway } from './support/gateway-server.js';
import { localTarget, rgwTarget, type Target } from './support/targets.js';

// A private RGW: after any Select, radosgw 16.2 refuses POST forms (see privateRgwOrSkip).
const { rgw, reason } = await privateRgwOrSkip();
afterAll(() => rgw?.stop(), 120_000); // a memstore OSD writes its objects out on a clean stop

const CSV = 'Alice,30,Paris\nBob,25,New York\nCarol,41,Berlin\nDan,19,Oslo\n';
const LINES = '{"name":"Alice","age":30}\n{"name":"Bob","age":25}\n{"name":"Carol","age":41}\n';

interface Side {
  target: Target;
  g: RunningGateway;
  sdk: S3Client;
  bucket: string;
}

async function open(make: () => Promise<Target> | Target, prefix: string): Promise<Side> {
  const target = await make();
  const g = await startGateway(target.upstream);
  const sdk = new S3Client({
    endpoint: g.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: ADMIN.accessKeyId, secretAccessKey: ADMIN.secretAccessKey },
    maxAttempts: 1,
  });
  const bucket = `${prefix}-${Date.now().toString(36)}`;
  await sdk.send(new CreateBucketCommand({ Bucket: bucket }));
  await sdk.send(new PutObjectCommand({ Bucket: bucket, Key: 'p.csv', Body: CSV }));
  await sdk.send(new PutObjectCommand({ Bucket: bucket, Key: 'p.csv.gz', Body: gzipSync(CSV) }));
  await sdk.send(new PutObjectCommand({ Bucket: bucket, Key: 'p.json', Body: LINES }));
  return { target, g, sdk, bucket };
}

async function close(side: Side | undefined): Promise<void> {
  side?.sdk.destroy();
  await side?.g.close();
  await side?.target.close();
}

interface Answer {
  records: string;
  stats?: { BytesScanned?: number | undefined; BytesProcessed?: number | undefined; BytesReturned?: number | undefined } | undefined;
  end: boolean;
}

type Query = Partial<SelectObjectContentCommandInput> & { Expression: string };

async function run(side: Side, q: Query, client: S3Client = side.sdk): Promise<Answer> {
  const res = await client.send(
    new SelectObjectContentCommand({
      Bucket: side.bucket,
      Key: 'p.csv',
      ExpressionType: 'SQL',
      InputSerialization: { CSV: { FileHeaderInfo: 'NONE' }, CompressionType: 'NONE' },
      OutputSerialization: { CSV: {} },
      ...q,
    }),
  );
  const out: Answer = { records: '', end: false };
  for await (const ev of res.Payload!) {
    if (ev.Records?.Payload !== undefined) out.records += Buffer.from(ev.Records.Payload).toString('utf8');
    if (ev.Stats !== undefined) out.stats = ev.Stats.Details;
    if (ev.End !== undefined) out.end = true;
  }
  return out;
}

async function failure(side: Side, q: Query): Promise<{ name: string; status: number | undefined; message: string }> {
  try {
    await run(side, q);
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, status: err.$metadata?.httpStatusCode, message: err.message };
  }
  throw new Error('the Select succeeded');
}

describe('S3 Select with AWS SDK v3 through the gateway to the embedded local store', () => {
  let side: Side;
  beforeAll(async () => {
    side = await open(localTarget, 'sel-store');
  });
  afterAll(() => close(side));

  it('streams Records, Stats and End the SDK decodes', async () => {
    const a = await run(side, { Expression: "SELECT s._1 FROM S3Object s WHERE CAST(s._2 AS INT) >= 25 AND s._3 <> 'Berlin'" });
    expect(a).toEqual({ records: 'Alice\nBob\n', stats: { BytesScanned: CSV.length, BytesProcessed: CSV.length, BytesReturned: 10 }, end: true });
  });

  it('answers JSON output, gzip input and LIMIT', async () => {
    expect(
      (await run(side, { Key: 'p.json', Expression: 'SELECT s.name FROM S3Object[*] s WHERE s.age > 26 LIMIT 1', InputSerialization: { JSON: { Type: 'LINES' } }, OutputSerialization: { JSON: {} } }))
        .records,
    ).toBe('{"name":"Alice"}\n');
    expect((await run(side, { Key: 'p.csv.gz', Expression: 'SELECT COUNT(*) FROM S3Object', InputSerialization: { CSV: {}, CompressionType: 'GZIP' } })).records).toBe('4\n');
  });

  it('answers bad SQL with the documented code and 400 before the stream', async () => {
    expect(await failure(side, { Expression: 'SELECT * FROM S3Object WHERE' })).toMatchObject({ name: 'ParseExpectedExpression', status: 400 });
    expect(await failure(side, { Expression: 'SELECT s._0 FROM S3Object s' })).toMatchObject({ name: 'InvalidColumnIndex', status: 400 });
  });

  it('an error after records were sent reaches the SDK as an error event (CastFailed)', async () => {
    const rows = Array.from({ length: 30000 }, (_, i) => `${i},${i < 29999 ? i : 'oops'}`).join('\n');
    await side.sdk.send(new PutObjectCommand({ Bucket: side.bucket, Key: 'late.csv', Body: rows }));
    let records = 0;
    const res = await side.sdk.send(
      new SelectObjectContentCommand({
        Bucket: side.bucket,
        Key: 'late.csv',
        Expression: 'SELECT CAST(s._2 AS INT) FROM S3Object s',
        ExpressionType: 'SQL',
        InputSerialization: { CSV: {} },
        OutputSerialization: { CSV: {} },
      }),
    );
    await expect(
      (async () => {
        for await (const ev of res.Payload!) if (ev.Records) records++;
      })(),
    ).rejects.toMatchObject({ name: 'CastFailed' });
    expect(records).toBeGreaterThan(0);
  });

  it('minio-js 8.0.7 selectObjectContent reads the records and Stats', async () => {
    const mc = new Minio.Client({ endPoint: '127.0.0.1', port: side.g.port, useSSL: false, accessKey: ADMIN.accessKeyId, secretKey: ADMIN.secretAccessKey, region: 'us-east-1', pathStyle: true });
    const r = await mc.selectObjectContent(side.bucket, 'p.csv', {
      expression: "SELECT s._1 FROM S3Object s WHERE s._3 LIKE '%o%'",
      expressionType: 'SQL',
      inputSerialization: { CSV: { FileHeaderInfo: 'NONE', RecordDelimiter: '\n', FieldDelimiter: ',' }, CompressionType: 'NONE' },
      outputSerialization: { CSV: { RecordDelimiter: '\n', FieldDelimiter: ',' } },
      requestProgress: { Enabled: true },
    });
    expect(String(r?.getRecords())).toBe('Bob\nDan\n');
    expect(r?.getStats()).toContain(`<BytesScanned>${CSV.length}</BytesScanned>`);
  });

  it('is authorized as s3:GetObject: a read-only identity may select', async () => {
    const reader = new S3Client({
      endpoint: side.g.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: READER.accessKeyId, secretAccessKey: READER.secretAccessKey },
      maxAttempts: 1,
    });
    try {
      expect((await run(side, { Expression: 'SELECT COUNT(*) FROM S3Object' }, reader)).records).toBe('4\n');
    } finally {
      reader.destroy();
    }
  });
});

/** The same query in AWS's dialect (store) and RGW 16.2's, with the records both must give. */
const DIFFERENTIAL: { name: string; aws: string; rgw: string; records: string; input?: Query['InputSerialization']; key?: string }[] = [
  { name: 'all columns', aws: 'SELECT * FROM S3Object', rgw: 'select * from stdin;', records: CSV },
  { name: 'projection by position', aws: 'SELECT s._3, s._1 FROM S3Object s', rgw: 'select _3,_1 from stdin;', records: 'Paris,Alice\nNew York,Bob\nBerlin,Carol\nOslo,Dan\n' },
  {
    name: 'numeric filter after a cast',
    aws: 'SELECT s._1, s._3 FROM S3Object s WHERE CAST(s._2 AS INT) > 26',
    rgw: 'select _1,_3 from stdin where int(_2) > 26;',
    records: 'Alice,Paris\nCarol,Berlin\n',
  },
  { name: 'text compared with a number is never true', aws: 'SELECT s._1 FROM S3Object s WHERE s._2 > 26', rgw: 'select _1 from stdin where _2 > 26;', records: '' },
  {
    name: 'AND before OR (RGW 16.2 takes no parentheses after AND, nor NOT before one)',
    aws: 'SELECT s._1 FROM S3Object s WHERE CAST(s._2 AS INT) >= 20 AND CAST(s._2 AS INT) < 30 OR CAST(s._2 AS INT) > 40',
    rgw: 'select _1 from stdin where int(_2) >= 20 and int(_2) < 30 or int(_2) > 40;',
    records: 'Bob\nCarol\n',
  },
  { name: 'arithmetic', aws: 'SELECT CAST(s._2 AS INT) + 1, CAST(s._2 AS INT) * 2 FROM S3Object s', rgw: 'select int(_2) + 1, int(_2) * 2 from stdin;', records: '31,60\n26,50\n42,82\n20,38\n' },
  { name: 'COUNT(*)', aws: 'SELECT COUNT(*) FROM S3Object', rgw: 'select count(*) from stdin;', records: '4\n' },
  { name: 'filtered COUNT', aws: 'SELECT COUNT(*) FROM S3Object s WHERE CAST(s._2 AS INT) > 26', rgw: 'select count(*) from stdin where int(_2) > 26;', records: '2\n' },
  {
    name: 'SUM, MIN, MAX',
    aws: 'SELECT SUM(CAST(s._2 AS INT)), MIN(CAST(s._2 AS INT)), MAX(CAST(s._2 AS INT)) FROM S3Object s',
    rgw: 'select sum(int(_2)), min(int(_2)), max(int(_2)) from stdin;',
    records: '115,19,41\n',
  },
  {
    name: 'COUNT over JSON LINES (RGW counts the lines as CSV records)',
    aws: 'SELECT COUNT(*) FROM S3Object',
    rgw: 'select count(*) from stdin;',
    records: '3\n',
    key: 'p.json',
    input: { JSON: { Type: 'LINES' } },
  },
];

describe.skipIf(rgw === undefined)(`S3 Select differential: the embedded store and Ceph RGW 16.2 through the gateway ${reason}`, () => {
  let store: Side;
  let ceph: Side;
  beforeAll(async () => {
    store = await open(localTarget, 'sel-diff');
    ceph = await open(() => rgwTarget(rgw!), 'sel-diff');
  });
  afterAll(async () => {
    await close(store);
    await close(ceph);
  });

  it.each(DIFFERENTIAL)('$name: same records from both', async ({ aws, rgw: rgwSql, records, input, key }) => {
    const common = { ...(key === undefined ? {} : { Key: key }), ...(input === undefined ? {} : { InputSerialization: input }) };
    const fromStore = await run(store, { Expression: aws, ...common });
    const fromRgw = await run(ceph, { Expression: rgwSql, ...common });
    expect(fromStore.records).toBe(records);
    expect(unwrapRgw(fromRgw.records)).toBe(records);
  });

  it("RGW 16.2 does not parse AWS's FROM S3Object: it answers 200 with a failure text as records", async () => {
    const a = await run(ceph, { Expression: 'SELECT * FROM S3Object' });
    expect(a.records).toContain('failure -->');
  });

  it('a bad column: the store answers InvalidColumnIndex (400), RGW 16.2 a 200 with an error text', async () => {
    expect(await failure(store, { Expression: 'SELECT s._0 FROM S3Object s' })).toMatchObject({ name: 'InvalidColumnIndex', status: 400 });
    expect((await run(ceph, { Expression: 'select _0 from stdin;' })).records).toContain('column not exist');
  });

  // Not sent to RGW: radosgw 16.2 exits on a GZIP Select request (the gateway then answers 503 and
  // every later request to that RGW is refused), which would take down the shared test RGW.
  it('gzip input: the store decompresses it', async () => {
    const q = { Key: 'p.csv.gz', Expression: 'SELECT COUNT(*) FROM S3Object', InputSerialization: { CSV: { FileHeaderInfo: 'NONE' }, CompressionType: 'GZIP' } } as const;
    expect((await run(store, q)).records).toBe('4\n');
  });

  it('comment rows: the store skips rows starting with # (AWS default Comments), RGW 16.2 keeps them', async () => {
    await store.sdk.send(new PutObjectCommand({ Bucket: store.bucket, Key: 'c.csv', Body: 'a,1\n#x,2\nb,3\n' }));
    await ceph.sdk.send(new PutObjectCommand({ Bucket: ceph.bucket, Key: 'c.csv', Body: 'a,1\n#x,2\nb,3\n' }));
    expect((await run(store, { Key: 'c.csv', Expression: 'SELECT s._1 FROM S3Object s' })).records).toBe('a\nb\n');
    expect(unwrapRgw((await run(ceph, { Key: 'c.csv', Expression: 'select _1 from stdin;' })).records)).toBe('a\n#x\nb\n');
  });
  it('RGW is still serving after these Select requests (the test RGW is shared by every suite)', async () => {
    await ceph.sdk.send(new HeadBucketCommand({ Bucket: ceph.bucket }));
  });
});
