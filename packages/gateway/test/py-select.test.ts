// boto3's select_object_content (Debian's python3-boto3) through the gateway on both upstream
// kinds. The embedded store is held to AWS's S3 Select; Ceph RGW 16.2 speaks its own dialect
// (`FROM stdin`, int(), records wrapped in `<Payload><Records><Payload>` text with a comma after
// each record, see select-clients.test.ts): it runs the same queries in that dialect and, after
// undoing the wrapping, must give the same records (RGW sends no End event).
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { privateRgwOrSkip, MINIO_PY_ENV as PY_ENV, PY, pythonClients } from '@s3kit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrapRgw } from './support/event-stream.js';
import { ADMIN, startGateway, type RunningGateway } from './support/gateway-server.js';
import { upstreamKinds, type Target } from './support/targets.js';

const { skip, why } = pythonClients('boto3', 'minio-py');
// A private RGW: after any Select, radosgw 16.2 refuses POST forms (see privateRgwOrSkip).
const { rgw, reason } = await privateRgwOrSkip();
afterAll(() => rgw?.stop(), 120_000); // a memstore OSD writes its objects out on a clean stop
const run = promisify(execFile);

interface Answer {
  records: string;
  stats: { BytesScanned: number; BytesProcessed: number; BytesReturned: number } | null;
  end: boolean;
}
type Out = { filter: Answer; aggregate: Answer; json?: Answer; bad?: [string, number]; error?: { step: string; code: string } };

for (const [name, noUpstream, make] of upstreamKinds(rgw, reason)) {
  const onRgw = name.startsWith('Ceph RGW');
  describe.skipIf(skip || noUpstream)(`boto3 and minio-py select_object_content through the gateway to ${name} ${why}`, () => {
    let target: Target;
    let g: RunningGateway;
    let work: string;
    beforeAll(async () => {
      target = await make();
      g = await startGateway(target.upstream);
      work = await mkdtemp(join(tmpdir(), 's3kit-psel-'));
    });
    afterAll(async () => {
      await g?.close();
      await target?.close();
      if (work) await rm(work, { recursive: true, force: true });
    });

    it('filters and aggregates CSV; the store also gzip, JSON LINES and a bad SQL code', async () => {
      const script = fileURLToPath(new URL('./support/boto3_select.py', import.meta.url));
      const bucket = `psel-${Date.now().toString(36)}`;
      const r = await run(PY, [script, g.endpoint, ADMIN.accessKeyId, ADMIN.secretAccessKey, bucket, onRgw ? 'rgw' : 'aws'], { encoding: 'utf8', timeout: 60_000, env: { ...PY_ENV, HOME: work } });
      const out = JSON.parse(r.stdout) as Out;
      expect(out.error).toBeUndefined();
      const records = (a: Answer): string => (onRgw ? unwrapRgw(a.records) : a.records);
      expect(records(out.filter)).toBe('Alice,Paris\nCarol,Berlin\n');
      expect(records(out.aggregate)).toBe('4,115\n');
      // RGW 16.2 sends no End event (AWS ends every successful answer with one).
      expect([out.filter.end, out.aggregate.end]).toEqual(onRgw ? [false, false] : [true, true]);
      if (onRgw) return;
      expect(out.filter.stats).toEqual({ BytesScanned: 59, BytesProcessed: 59, BytesReturned: 25 });
      expect(out.aggregate.stats?.BytesProcessed).toBe(59);
      expect(out.json?.records).toBe('{"name":"Bob"}\n');
      expect(out.bad).toEqual(['ParseExpectedExpression', 400]);
    });

    it('minio-py select_object_content: records, Stats, JSON LINES and an error code (RGW 16.2: minio-py fails without End)', async () => {
      const script = fileURLToPath(new URL('./support/minio_select.py', import.meta.url));
      const bucket = `pselm-${Date.now().toString(36)}`;
      const r = await run(PY, [script, g.endpoint.replace(/^http:\/\//, ''), ADMIN.accessKeyId, ADMIN.secretAccessKey, bucket, onRgw ? 'rgw' : 'aws'], {
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...PY_ENV, HOME: work },
      });
      const out = JSON.parse(r.stdout) as { csv: { records: string; stats: string[] }; json: { records: string }; bad: [string, number]; client_error?: string };
      if (onRgw) {
        // RGW 16.2 ends its answer without an End event: minio-py, which reads up to End, fails.
        expect(out.client_error).toBe('OSError: insufficient data');
        return;
      }
      expect(out.csv).toEqual({ records: 'Alice\nCarol\n', stats: ['34', '34', '12'] });
      expect(out.json.records).toBe('{"name":"Alice","age":30}\n{"name":"Bob","age":25}\n');
      expect(out.bad).toEqual(['InvalidColumnIndex', 400]);
    });
  });
}
