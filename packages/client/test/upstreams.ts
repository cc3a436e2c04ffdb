// The two upstream kinds client tests run on, with the keys Python clients need.
import type { S3Client } from '../src/index.js';
import { startLocalGateway } from './gateway-local.js';
import { client, rgw } from './helpers.js';

export interface Upstream {
  s3: S3Client;
  endpoint: string;
  /** Its identity's keys (for minio-py and boto3). */
  accessKeyId: string;
  secretAccessKey: string;
  close(): Promise<void>;
}

/** A gateway over a fresh embedded store on 127.0.0.1 and a client for it. */
export async function gatewayOnStore(): Promise<Upstream> {
  const g = await startLocalGateway();
  const s3 = g.client();
  return { s3, endpoint: g.endpoint, accessKeyId: g.accessKeyId, secretAccessKey: g.secretAccessKey, close: async () => (await s3.close(), await g.close()) };
}

/** The run's Ceph RGW (only when `rgw` is set) and a client for it. */
export function onRgw(): Upstream {
  const s3 = client();
  return { s3, endpoint: rgw!.endpoint, accessKeyId: rgw!.accessKeyId, secretAccessKey: rgw!.secretAccessKey, close: () => s3.close() };
}
