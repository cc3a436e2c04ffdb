// select through the binary: CSV, JSON Lines and gzip input, CSV/JSON output, a large result
// streamed, one-line errors; against the gateway on the embedded store and a private Ceph RGW
// (after any Select request radosgw 16.2 refuses POST forms, so never the run's shared one; and it
// is never sent a GZIP Select, which crashes radosgw 16.2).
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Client } from '@s3kit/client/node';
import { privateRgwOrSkip } from '@s3kit/test-utils';
import { bucketName, gatewayServer } from './cli.js';
import { session } from './session.js';

const CSV = 'name,age,city\nAlice,30,Paris\nBob,25,New York\nCarol,41,Berlin\nDan,19,Oslo\n';
const JSONL = '{"name":"Alice","age":30}\n{"name":"Bob","age":25}\n{"name":"Carol","age":41}\n';

const { rgw: own, reason } = await privateRgwOrSkip();
afterAll(() => own?.stop(), 120_000); // a memstore OSD writes its objects out on a clean stop

describe('s3kit select through the gateway on the embedded store', () => {
  const bucket = bucketName('sel-gw');
  const s = session(gatewayServer, [bucket]);
  const sel = (...args: string[]) => s.run('select', ...args);
  beforeAll(async () => {
    const s3 = s.server.s3;
    await s3.makeBucket(bucket);
    await s3.putObject(bucket, 'people.csv', CSV);
    await s3.putObject(bucket, 'people.json', JSONL);
    await s3.putObject(bucket, 'people.csv.gz', gzipSync(CSV));
    // Debian's Python (the project's test setup installs it) compresses bzip2.
    await s3.putObject(bucket, 'people.csv.bz2', execFileSync('/usr/bin/python3', ['-c', 'import bz2,sys; sys.stdout.buffer.write(bz2.compress(sys.stdin.buffer.read()))'], { input: CSV }));
    await s3.putObject(bucket, 'people.data', gzipSync(CSV));
    await s3.putObject(bucket, 'big.csv', Array.from({ length: 200_000 }, (_, i) => `${i},row-${i}\n`).join(''));
  });

  it('CSV in, CSV or JSON out', async () => {
    const q = 'SELECT s.name, s.city FROM S3Object s WHERE CAST(s.age AS INT) > 26';
    const csv = await sel('--query', q, `t/${bucket}/people.csv`);
    expect([csv.code, csv.stdout, csv.stderr]).toEqual([0, 'Alice,Paris\nCarol,Berlin\n', '']);
    expect((await sel('--json', '--query', q, `t/${bucket}/people.csv`)).stdout).toBe('{"name":"Alice","city":"Paris"}\n{"name":"Carol","city":"Berlin"}\n');
    expect((await sel('--output-delimiter', ';', '--query', q, `t/${bucket}/people.csv`)).stdout).toBe('Alice;Paris\nCarol;Berlin\n');
    expect((await sel('--csv-header', 'none', '-e', 'SELECT s._1 FROM S3Object s LIMIT 2', `t/${bucket}/people.csv`)).stdout).toBe('name\nAlice\n');
  });

  it('JSON Lines in (from the name), gzip and bzip2 in (from the name or --compression), aggregates', async () => {
    const q = 'SELECT s.name FROM S3Object[*] s WHERE s.age > 26';
    expect((await sel('--query', q, `t/${bucket}/people.json`)).stdout).toBe('{"name":"Alice"}\n{"name":"Carol"}\n');
    expect((await sel('--output', 'csv', '--query', q, `t/${bucket}/people.json`)).stdout).toBe('Alice\nCarol\n');
    expect((await sel('--query', 'SELECT COUNT(*), SUM(CAST(s.age AS INT)) FROM S3Object s', `t/${bucket}/people.csv.gz`)).stdout).toBe('4,115\n');
    expect((await sel('--query', 'SELECT s.name FROM S3Object s LIMIT 1', `t/${bucket}/people.csv.bz2`)).stdout).toBe('Alice\n');
    expect((await sel('--compression', 'gzip', '--query', 'SELECT COUNT(*) FROM S3Object', `t/${bucket}/people.data`)).stdout).toBe('4\n');
  });

  it('streams a large result in order', async () => {
    const r = await sel('--csv-header', 'none', '--query', 'SELECT s._2 FROM S3Object s', `t/${bucket}/big.csv`);
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout.split('\n');
    expect(out).toHaveLength(200_001);
    expect([out[0], out[199_999]]).toEqual(['row-0', 'row-199999']);
  });

  it("errors are one line with S3's code", async () => {
    const sql = await sel('--query', 'SELECT * FROM S3Object WHERE', `t/${bucket}/people.csv`);
    expect([sql.code, sql.stdout]).toEqual([1, '']);
    expect(sql.stderr).toMatch(/^s3kit: ParseExpectedExpression: [^\n]*\n$/);
    const missing = await sel('--query', 'SELECT * FROM S3Object', `t/${bucket}/nope.csv`);
    expect(missing.stderr).toMatch(/^s3kit: NoSuchKey: [^\n]*\n$/);
    const noQuery = await sel(`t/${bucket}/people.csv`);
    expect([noQuery.code, noQuery.stderr]).toEqual([2, 's3kit: UsageError: select: --query SQL is needed\n']);
    const format = await sel('--input', 'xml', '--query', 'SELECT * FROM S3Object', `t/${bucket}/people.csv`);
    expect([format.code, format.stderr]).toEqual([2, 's3kit: UsageError: select: --input is csv, json, parquet; got xml\n']);
  });
});

describe.skipIf(!own)(`s3kit select against a private Ceph RGW 16.2 ${reason}`, () => {
  const bucket = bucketName('sel-rgw');
  const s = session(async () => {
    const s3 = new S3Client({ endpoint: own!.endpoint, accessKey: own!.accessKeyId, secretKey: own!.secretAccessKey, region: own!.region });
    return { endpoint: own!.endpoint, accessKey: own!.accessKeyId, secretKey: own!.secretAccessKey, s3, close: () => s3.close() };
  }, [bucket]);
  beforeAll(async () => {
    await s.server.s3.makeBucket(bucket);
    await s.server.s3.putObject(bucket, 'people.csv', CSV);
  });

  it('prints the records in RGW dialect, then fails: RGW 16.2 ends the stream without an End event', async () => {
    const r = await s.run('select', '--csv-header', 'ignore', '--query', 'select _1 from stdin where int(_2) > 26;', `t/${bucket}/people.csv`);
    expect(
      r.stdout
        .replace(/<\/?Payload>|<\/?Records>/g, '')
        .split('\n')
        .map((l) => l.replace(/,$/, ''))
        .filter((l) => l !== ''),
    ).toEqual(['Alice', 'Carol']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^s3kit: Truncated: [^\n]*\n$/);
  });
});
