import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGateway, createGatewayServer, type Upstream } from '../../src/index.js';
import { ADMIN, READER } from './gateway-server.js';

export const OPENSSL = '/usr/bin/openssl';

/** A gateway over `upstream` served over HTTPS on 127.0.0.1 with a throwaway self-signed certificate. */
export interface TlsGateway {
  /** `127.0.0.1:<port>` */
  hostPort: string;
  port: number;
  close(): Promise<void>;
}

/** Serves `upstream` with `createGatewayServer(gateway, { tls })` and a certificate made by openssl. */
export async function startTlsGateway(upstream: Upstream): Promise<TlsGateway> {
  const dir = await mkdtemp(join(tmpdir(), 's3kit-tls-'));
  try {
    execFileSync(
      OPENSSL,
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
      { stdio: 'ignore' },
    );
    const tls = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
    const server = createGatewayServer(createGateway({ identities: [ADMIN, READER], upstreams: { default: upstream } }), { tls });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    return {
      hostPort: `127.0.0.1:${port}`,
      port,
      close: () =>
        new Promise<void>((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
