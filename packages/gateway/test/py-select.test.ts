// boto3's select_object_content (Debian's python3-boto3) through the gateway on both upstream
// kinds. The embedded store is held to AWS's S3 Select; Ceph RGW 16.2 speaks its own dialect
// (`FROM stdin`, int(), records wrapped in `<Payload><Records><Payload>` text with a comma after
// each record, see select-clients.test.ts): it runs the same queries in that dialect and, after
// undoing the wrapping, must give the same records (RGW sends no End event).
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { isCi, rgwOrSkip } from '@s3kit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startGateway, type RunningGateway } from './support/gateway-server.js';
import { upstreamKinds, type Target } from './support/targets.js';

const PY = '/usr/bin/python3';
const PY_ENV = { PATH: '/usr/bin:/bin', PYTHONDONTWRITEBYTECODE: '1' };
const hasBoto3 = existsSync(PY) && spawnSync(PY, ['-c', 'import boto3'], { stdio: 'ignore', env: PY_ENV }).status === 0;
const skip = !hasBoto3 && !isCi(); // in CI it must be there: the tests then fail instead
const why = hasBoto3 ? '' : '(skipped: python3-boto3 not installed; run tooling/scripts/py-clients.sh install)';
const { rgw, reason } = await rgwOrSkip();
const run = promisify(execFile);

interface Answer {
  records: string;
  stats: { BytesScanned: number; BytesProcessed: number; BytesReturned: number } | null;
  end: boolean;
}
type Out = { filter: Answer; aggregate: Answer; json?: Answer; bad?: [string, number]; error?: { step: string; code: string } };

const unwrapRgw = (text: string): string =>
  text
    .replace(/<\/?Payload>|<\/?Records>/g, '')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => `${l.replace(/,$/, '')}\n`)
    .join('');

for (const [name, noUpstream, make] of upstreamKinds(rgw, reason)) {
  const onRgw = name.startsWith('Ceph RGW');
  describe.skipIf(skip || noUpstream)(`boto3 select_object_content through the gateway to ${name} ${why}`, () => {
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
  });
}
