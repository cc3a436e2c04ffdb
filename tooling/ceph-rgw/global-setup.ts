/**
 * Vitest global setup: one fresh Ceph RGW for the whole test run.
 *
 * Starts when Ceph is installed, no `S3KIT_RGW_ENDPOINT` is given already and `S3KIT_RGW` is not `0`
 * (CI always starts it). Tests find it through `process.env.S3KIT_RGW_*` (read by `startRgw()` / `rgwOrSkip()`
 * from `@s3kit/test-utils`; test workers start after this and inherit the variables) or through
 * `inject('s3kitRgw')`. Wire it in the root `vitest.config.ts` with
 * `test: { globalSetup: ['tooling/ceph-rgw/global-setup.ts'] }`.
 */
import type { TestProject } from 'vitest/node';
import { isCi, rgwUnavailableReason, spawnRgw, type RgwHandle } from '@s3kit/test-utils';

export interface ProvidedRgw {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's Ceph RGW, or null when the global setup did not start one. */
    s3kitRgw: ProvidedRgw | null;
  }
}

let handle: RgwHandle | undefined;
const ENV_KEYS = ['S3KIT_RGW_ENDPOINT', 'S3KIT_RGW_ACCESS_KEY', 'S3KIT_RGW_SECRET_KEY', 'S3KIT_RGW_REGION'] as const;

export async function setup(project: TestProject): Promise<void> {
  const env = process.env;
  // On by default wherever Ceph is installed (the README test command installs it where it can);
  // `S3KIT_RGW=0` opts out locally. Under CI a missing RGW makes the RGW tests fail, not skip.
  const wanted = env['S3KIT_RGW'] !== '0' || isCi();
  if (env['S3KIT_RGW_ENDPOINT'] || !wanted) {
    project.provide('s3kitRgw', null);
    return;
  }
  const reason = rgwUnavailableReason();
  if (reason !== undefined) {
    // Tests that need RGW decide: rgwOrSkip() skips locally and throws under CI.
    process.stderr.write(`[s3kit] global setup: no RGW started: ${reason}\n`);
    project.provide('s3kitRgw', null);
    return;
  }
  const started = Date.now();
  handle = await spawnRgw();
  process.stderr.write(`[s3kit] global setup: Ceph RGW at ${handle.endpoint} (${Date.now() - started} ms)\n`);
  env['S3KIT_RGW_ENDPOINT'] = handle.endpoint;
  env['S3KIT_RGW_ACCESS_KEY'] = handle.accessKeyId;
  env['S3KIT_RGW_SECRET_KEY'] = handle.secretAccessKey;
  env['S3KIT_RGW_REGION'] = handle.region;
  const { endpoint, accessKeyId, secretAccessKey, region } = handle;
  project.provide('s3kitRgw', { endpoint, accessKeyId, secretAccessKey, region });
}

export async function teardown(): Promise<void> {
  if (!handle) return;
  const h = handle;
  handle = undefined;
  for (const key of ENV_KEYS) delete process.env[key];
  await h.stop();
}
