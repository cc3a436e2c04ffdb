// boto3 (Debian's python3-boto3) with server-side encryption through the gateway, on both upstream
// kinds: the embedded store and Ceph RGW 16.2, held to the same assertions (AWS S3's documented
// behaviour); where RGW differs from AWS, the case says so. The driver (support/boto3_sse.py) runs
// one scenario and prints what it read back; the assertions are here. minio-py sends SSE-C keys only
// over TLS: its SseCustomerKey round trip is in minio-py-config.test.ts (a gateway served with `tls`).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { rgwOrSkip, PY, PY_ENV, pythonClients } from '@s3kit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startGateway, type RunningGateway } from './support/gateway-server.js';
import { upstreamKinds, type Target } from './support/targets.js';

const { skip, why } = pythonClients('boto3');
const { rgw, reason } = await rgwOrSkip();

const run = promisify(execFile);
const support = (file: string): string => fileURLToPath(new URL(`./support/${file}`, import.meta.url));
let serial = 0;
const bucketName = (what: string): string => `psse-${what}-${Date.now().toString(36)}-${serial++}`;
/** The driver's customer key: bytes 0..31. */
const KEY_MD5 = createHash('md5')
  .update(Buffer.from(Array.from({ length: 32 }, (_, i) => i)))
  .digest('base64');

type Out = Record<string, unknown> & { error?: { step: string; code: string; message?: string } };

for (const [name, noUpstream, make] of upstreamKinds(rgw, reason)) {
  const onRgw = name.startsWith('Ceph RGW');
  describe.skipIf(skip || noUpstream)(`boto3 with server-side encryption through the gateway to ${name} ${why}`, () => {
    let target: Target;
    let g: RunningGateway;
    let work: string;
    beforeAll(async () => {
      target = await make();
      g = await startGateway(target.upstream);
      work = await mkdtemp(join(tmpdir(), 's3kit-psse-'));
    });
    afterAll(async () => {
      await g?.close();
      await target?.close();
      if (work) await rm(work, { recursive: true, force: true });
    });

    async function boto3(scenario: string): Promise<Out> {
      const args = [support('boto3_sse.py'), g.endpoint, ADMIN.accessKeyId, ADMIN.secretAccessKey, bucketName(scenario), scenario];
      const r = await run(PY, args, { encoding: 'utf8', timeout: 60_000, env: { ...PY_ENV, HOME: work } });
      const out = JSON.parse(r.stdout) as Out;
      expect(out.error).toBeUndefined();
      return out;
    }

    it('boto3 SseCustomerKey: put/get/head/range, no key and another key refused, copy_object to another key, a multipart upload', async () => {
      const out = await boto3('ssec');
      expect(out['put']).toEqual(['AES256', KEY_MD5]);
      expect(out['get']).toEqual([true, KEY_MD5]);
      expect([out['range'], out['head']]).toEqual([true, 100_000]);
      // AWS: 400 InvalidRequest without the key, 403 AccessDenied with another. RGW 16.2: 400 InvalidArgument to both.
      expect(out['no_key']).toEqual([onRgw ? 'InvalidArgument' : 'InvalidRequest', 400]);
      expect(out['other_key']).toEqual(onRgw ? ['InvalidArgument', 400] : ['AccessDenied', 403]);
      // RGW 16.2 copies no SSE-C object (501).
      expect(out['copy']).toEqual(onRgw ? ['NotImplemented', 501] : null);
      if (!onRgw) expect(out['copied']).toBe(true);
      expect(out['multipart']).toBe('aatail');
    });

    it('boto3 put/get/delete_bucket_encryption (AES256; aws:kms refused), put_object ServerSideEncryption AES256', async () => {
      const out = await boto3('bucket');
      if (onRgw) {
        // RGW 16.2 has no bucket encryption (NotImplemented through the RGW profile) and answers
        // no x-amz-server-side-encryption.
        expect([out['put_aes'], out['put_kms']]).toEqual([
          ['NotImplemented', 501],
          ['NotImplemented', 501],
        ]);
        expect([out['put_sse'], out['get_sse']]).toEqual([null, null]);
        return;
      }
      expect([out['put_aes'], out['put_kms']]).toEqual([null, ['InvalidArgument', 400]]);
      expect(out['get']).toEqual(['AES256', true]);
      expect(out['after_delete']).toEqual(['AES256', false]); // back to AWS's default, SSE-S3
      expect([out['put_sse'], out['get_sse']]).toEqual(['AES256', 'AES256']);
    });
  });
}
