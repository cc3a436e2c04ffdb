/**
 * One Ceph RGW for this package's test files when run alone (`pnpm vitest run --project client`).
 * When the run already has one (`S3KIT_RGW_ENDPOINT`, e.g. from the root global setup or CI), it is
 * used and none is started. Without Ceph nothing starts: tests skip, or fail under CI (rgwOrSkip).
 * Same logic as tooling/ceph-rgw/global-setup.ts, minus its `S3KIT_RGW=1` opt-in.
 */
import { rgwUnavailableReason, spawnRgw, type RgwHandle } from '@s3kit/test-utils';

let handle: RgwHandle | undefined;
const KEYS = ['S3KIT_RGW_ENDPOINT', 'S3KIT_RGW_ACCESS_KEY', 'S3KIT_RGW_SECRET_KEY', 'S3KIT_RGW_REGION'] as const;

export async function setup(): Promise<void> {
  const env = process.env;
  if (env['S3KIT_RGW_ENDPOINT'] || env['S3KIT_RGW'] === '0') return;
  const reason = rgwUnavailableReason();
  if (reason !== undefined) {
    process.stderr.write(`[s3kit client] no RGW started: ${reason}\n`);
    return;
  }
  handle = await spawnRgw();
  env['S3KIT_RGW_ENDPOINT'] = handle.endpoint;
  env['S3KIT_RGW_ACCESS_KEY'] = handle.accessKeyId;
  env['S3KIT_RGW_SECRET_KEY'] = handle.secretAccessKey;
  env['S3KIT_RGW_REGION'] = handle.region;
}

export async function teardown(): Promise<void> {
  if (!handle) return;
  const h = handle;
  handle = undefined;
  for (const k of KEYS) delete process.env[k];
  await h.stop();
}
