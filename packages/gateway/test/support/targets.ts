import { GetObjectCommand, S3Client as AwsS3Client } from '@aws-sdk/client-s3';
import type { RgwHandle } from '@s3kit/test-utils';
import { afterAll, beforeAll } from 'vitest';
import { createS3Upstream, RGW_16_UNSUPPORTED, type S3Upstream, type Upstream } from '../../src/index.js';
import { bodyBytes, makeStore, type TestStore } from '../helpers.js';
import { startGateway, type RunningGateway } from './gateway-server.js';

/** An upstream for real-client tests, and how to read what arrived there. */
export interface Target {
  upstream: Upstream;
  stored(bucket: string, key: string): Promise<Buffer | undefined>;
  createBucket(bucket: string): Promise<void>;
  close(): Promise<void>;
}

export async function localTarget(): Promise<Target> {
  const t: TestStore = await makeStore();
  return {
    upstream: t.store,
    async stored(bucket, key) {
      try {
        return await bodyBytes(await t.store.handle({ method: 'GET', operation: 'GetObject', bucket, key, query: {}, headers: {} }));
      } catch {
        return undefined;
      }
    },
    async createBucket(bucket) {
      await t.store.handle({ method: 'PUT', operation: 'CreateBucket', bucket, query: {}, headers: {} });
    },
    close: () => t.cleanup(),
  };
}

export function rgwTarget(rgw: RgwHandle): Target {
  const up: S3Upstream = createS3Upstream({
    endpoint: rgw.endpoint,
    region: rgw.region,
    credentials: { accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey },
    profile: { checksumHeaders: false, unsupported: RGW_16_UNSUPPORTED },
  });
  const direct = new AwsS3Client({ endpoint: rgw.endpoint, region: rgw.region, forcePathStyle: true, credentials: { accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey } });
  return {
    upstream: up,
    async stored(bucket, key) {
      try {
        return Buffer.from(await (await direct.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToByteArray());
      } catch {
        return undefined;
      }
    },
    async createBucket(bucket) {
      await up.handle({ method: 'PUT', operation: 'CreateBucket', bucket, query: {}, headers: {} });
    },
    async close() {
      direct.destroy();
      await up.close();
    },
  };
}

/** The upstream kinds real-client suites run against: the embedded store, and Ceph RGW when it is installed. */
export function upstreamKinds(rgw: RgwHandle | undefined, reason: string): [name: string, skip: boolean, make: () => Promise<Target> | Target][] {
  return [
    ['the embedded local store', false, localTarget],
    [`Ceph RGW ${reason}`, rgw === undefined, () => rgwTarget(rgw!)],
  ];
}

/** A gateway over a target with one fresh bucket, live once the suite's `beforeAll` ran. */
export interface GatewaySuite {
  target: Target;
  g: RunningGateway;
  readonly bucket: string;
}

/**
 * Registers, in the current `describe`, a target made by `make`, a gateway over it and a bucket
 * named `<prefix>-<time>` (before all tests), and their teardown (after all).
 */
export function gatewayOver(make: () => Promise<Target> | Target, prefix: string): GatewaySuite {
  const suite = { bucket: `${prefix}-${Date.now().toString(36)}` } as GatewaySuite;
  beforeAll(async () => {
    suite.target = await make();
    suite.g = await startGateway(suite.target.upstream);
    await suite.target.createBucket(suite.bucket);
  });
  afterAll(async () => {
    await suite.g?.close();
    await suite.target?.close();
  });
  return suite;
}
