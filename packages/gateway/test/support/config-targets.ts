import type { RgwHandle } from '@s3kit/test-utils';
import { createS3Upstream, RGW_16_UNSUPPORTED, type S3Upstream } from '../../src/index.js';
import { localTarget, type Target } from './targets.js';

/**
 * Ceph RGW as an upstream with a system bucket for the configuration the gateway serves itself
 * (bucket policy, CORS, public access block), as a configuration suite needs.
 */
export function rgwConfigTarget(h: RgwHandle, prefix: string): Target {
  const up: S3Upstream = createS3Upstream({
    endpoint: h.endpoint,
    region: h.region,
    credentials: { accessKeyId: h.accessKeyId, secretAccessKey: h.secretAccessKey },
    profile: { checksumHeaders: false, unsupported: RGW_16_UNSUPPORTED },
    configStore: { bucket: `s3kit-sys-${Date.now().toString(36)}`, prefix: `${prefix}/` },
  });
  return {
    upstream: up,
    stored: () => Promise.resolve(undefined),
    async createBucket(bucket) {
      await up.handle({ method: 'PUT', operation: 'CreateBucket', bucket, query: {}, headers: {} });
    },
    close: () => up.close(),
  };
}

/** The embedded store and Ceph RGW (with a configuration system bucket) when it is installed. */
export function configUpstreamKinds(rgw: RgwHandle | undefined, reason: string, prefix: string): [name: string, skip: boolean, make: () => Promise<Target> | Target][] {
  return [
    ['the embedded local store', false, localTarget],
    [`Ceph RGW ${reason}`, rgw === undefined, () => rgwConfigTarget(rgw!, prefix)],
  ];
}
