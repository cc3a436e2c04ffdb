import { CreateBucketCommand, PutObjectCommand, S3Client, SelectObjectContentCommand, type SelectObjectContentCommandInput } from '@aws-sdk/client-s3';
import { rgwOrSkip } from '@s3kit/test-utils';
import { describe, it } from 'vitest';
import { ADMIN, startGateway } from './support/gateway-server.js';
import { localTarget, rgwTarget } from './support/targets.js';

const { rgw } = await rgwOrSkip();
const CSV = 'name,age,city\nAlice,30,Paris\nBob,25,"New York, NY"\n# comment\nCarol,41,Berlin\n';
const LINES = '{"name":"Alice","age":30,"tags":["a","b"]}\n{"name":"Bob","age":25}\n{"name":"Carol","age":41,"tags":[]}\n';
const EXPRS: [string, string, 'csv' | 'json'][] = [
  ['select _1,_3 from stdin where int(_2) > 26;', 'CSV', 'csv'],
  ['select _1 from stdin where _2 = \'25\';', 'CSV', 'csv'],
  ['select upper(_1) from stdin;', 'CSV', 'csv'],
  ['select _1 from stdin where _1 like \'B%\';', 'CSV', 'csv'],
  ['select _1 from stdin where int(_2) between 25 and 30;', 'CSV', 'csv'],
  ['select _1 from stdin where _3 in (\'Paris\', \'Berlin\');', 'CSV', 'csv'],
  ['select sum(int(_2)), min(int(_2)), max(int(_2)) from stdin;', 'CSV', 'csv'],
  ['select count(*) from stdin where int(_2) > 26;', 'CSV', 'csv'],
  ['select _1 from stdin limit 1;', 'CSV', 'csv'],
  ['select substring(_1, 2, 2) from stdin;', 'CSV', 'csv'],
  ['select _1 from stdin where not int(_2) = 25 and _3 = \'Paris\';', 'CSV', 'csv'],
  ['select int(_2) + 1, int(_2) * 2 from stdin;', 'CSV', 'csv'],
  ['select _1 from stdin where _2 > 26;', 'CSV', 'csv'],
  ['select _0 from stdin;', 'CSV', 'csv'],
  ['select _1 from stdin where;', 'CSV', 'csv'],
  ['select * from stdin where _2 = \'25\';', 'CSV', 'csv'],
  ['select _1 from stdin;', 'JSON', 'csv'],
  ['select count(*) from stdin;', 'CSV', 'json'],
];

describe('probe', () => {
  it('prints', async () => {
    for (const [name, make] of [['rgw', () => rgwTarget(rgw!)]] as const) {
      if (name === 'rgw' && rgw === undefined) continue;
      const target = await make();
      const g = await startGateway(target.upstream);
      const sdk = new S3Client({ endpoint: g.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: ADMIN.accessKeyId, secretAccessKey: ADMIN.secretAccessKey }, maxAttempts: 1 });
      const Bucket = `probe-${Date.now()}`;
      await sdk.send(new CreateBucketCommand({ Bucket }));
      await sdk.send(new PutObjectCommand({ Bucket, Key: 'p.csv', Body: CSV }));
      await sdk.send(new PutObjectCommand({ Bucket, Key: 'p.json', Body: LINES }));
      for (const [Expression, out, kind] of EXPRS) {
        const input: SelectObjectContentCommandInput = {
          Bucket, Key: kind === 'csv' ? 'p.csv' : 'p.json', Expression, ExpressionType: 'SQL',
          InputSerialization: kind === 'csv' ? { CSV: { FileHeaderInfo: 'USE' } } : { JSON: { Type: 'LINES' } },
          OutputSerialization: out === 'CSV' ? { CSV: {} } : { JSON: {} },
        };
        let s = '';
        try {
          const res = await sdk.send(new SelectObjectContentCommand(input));
          for await (const ev of res.Payload!) {
            if (ev.Records) s += Buffer.from(ev.Records.Payload!).toString();
            if (ev.Stats) s += ` [stats ${JSON.stringify(ev.Stats.Details)}]`;
          }
        } catch (e) {
          s += `ERR ${(e as any).name} ${(e as any).$metadata?.httpStatusCode}: ${(e as Error).message}`;
        }
        console.log(`${name} | ${Expression} | ${JSON.stringify(s)}`);
      }
      sdk.destroy();
      await g.close();
      await target.close();
    }
  }, 120_000);
});
