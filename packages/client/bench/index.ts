/**
 * `pnpm --filter @s3kit/client build && pnpm --filter @s3kit/client bench`
 * 1. client CPU per small GetObject vs @aws-sdk/client-s3 and minio-js (local server);
 * 2. client CPU per configuration round trip (bucket tags, 10-rule lifecycle) and per 1,000-version
 *    ListObjectVersions page, same contenders, canned S3 XML (`BENCH_ONLY=config` runs only this);
 * 3. 512 MiB multipart upload to Ceph RGW vs @aws-sdk/lib-storage (skipped without Ceph);
 * 4. (first, it is quick) browser bundle size of a put/get/list app vs the AWS SDK and minio-js
 *    (`BENCH_ONLY=bundle` runs only this).
 * The 2 GiB memory proof is `pnpm --filter @s3kit/client bench:memory`.
 */
import { startRgw } from '@s3kit/test-utils';
import { bundleSizeBench } from './bundle-size.js';
import { configCpuBench } from './config-cpu.js';
import { getCpuBench } from './get-cpu.js';
import { multipartBench } from './multipart.js';

const only = process.env['BENCH_ONLY'];
if (!only || only === 'bundle') await bundleSizeBench();
if (!only || only === 'get') await getCpuBench();
if (!only || only === 'config') await configCpuBench();
if (only) process.exit(0);
// RGW frees deleted multipart data only in its deferred GC: 3 contenders x 3 rounds x 512 MiB
// would fill the default 4 GiB memstore, and a full memstore stalls requests instead of failing.
const rgw = await startRgw({ env: { S3KIT_RGW_MEMSTORE_BYTES: String(10 * 1024 ** 3) } });
if (!rgw) console.log('\n(multipart bench skipped: no Ceph RGW; run `bash tooling/ceph-rgw/rgw.sh install`)');
else {
  try {
    await multipartBench(rgw);
  } finally {
    await rgw.stop();
  }
}
