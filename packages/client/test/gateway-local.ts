// A real node:http s3kit gateway over the embedded local store, for client tests that need the
// store's operations. The gateway is loaded from the workspace source at run time (a devDependency
// on @s3kit/gateway would be a cycle: the gateway's tests depend on this client). Every client test
// that needs the local gateway starts it here, with startLocalGateway().
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RgwHandle } from '@s3kit/test-utils';
import { S3Client } from '../src/node.js';

const GATEWAY_SRC = '../../gateway/src/index.ts';
const ADMIN = { name: 'admin', accessKeyId: 'AKIAGATEWAYADMIN0001', secretAccessKey: 'admin-secret-key-for-tests-only-000000000', allow: [{ bucket: '*', access: 'readwrite' }] };

export interface LocalGateway {
  endpoint: string;
  /** The admin identity's keys. */
  accessKeyId: string;
  secretAccessKey: string;
  /** A client of the gateway as its admin identity. */
  client(): S3Client;
  close(): Promise<void>;
}

/**
 * Starts a gateway (admin identity) over a fresh embedded store in a temporary directory, or, with
 * `rgw`, in front of that Ceph RGW (for the gateway's own features whose data lands upstream).
 */
export async function startLocalGateway(options: { rgw?: RgwHandle } = {}): Promise<LocalGateway> {
  // biome-ignore lint/suspicious/noExplicitAny: loaded from source at run time, untyped (see above)
  const gw: any = await import(/* @vite-ignore */ new URL(GATEWAY_SRC, import.meta.url).href);
  const dir = await mkdtemp(join(tmpdir(), 's3kit-client-gw-'));
  const { rgw } = options;
  const store =
    rgw === undefined
      ? gw.createLocalStore({ dir, fsync: false })
      : gw.createS3Upstream({
          endpoint: rgw.endpoint,
          region: rgw.region,
          credentials: { accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey },
          profile: { checksumHeaders: false, unsupported: gw.RGW_16_UNSUPPORTED },
        });
  const gateway = gw.createGateway({ identities: [ADMIN], upstreams: { default: store } });
  const server = gw.createGatewayServer(gateway);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    accessKeyId: ADMIN.accessKeyId,
    secretAccessKey: ADMIN.secretAccessKey,
    client: () => new S3Client({ endpoint, accessKey: ADMIN.accessKeyId, secretKey: ADMIN.secretAccessKey, region: 'us-east-1' }),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await store.close?.();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
