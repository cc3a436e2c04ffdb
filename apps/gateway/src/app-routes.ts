import type { IncomingMessage, ServerResponse } from 'node:http';
import { forwardedClient, trustProxy, type Gateway } from '@s3kit/gateway';
import type { Logger } from 'pino';
import type { GatewayConfig, IdentityConfig } from './config.js';
import { uploadPageRoutes, type ClientOf } from './upload-page.js';

/**
 * The program's own routes, answered before the S3 listener: the upload page at
 * `/_s3kit/upload` when `config.uploadPage.enabled`. Returns a handler that answers and returns
 * true for a route it owns, false otherwise. `identities()` gives the identities in force now
 * (they change on reload); default: the config's. Clients are seen through `config.trustProxy`
 * as the S3 listener sees them (address, scheme, public host).
 */
export function appRoutes(
  config: GatewayConfig,
  gateway: Gateway,
  log: Logger,
  identities: () => readonly IdentityConfig[] = () => config.identities,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  if (!config.uploadPage.enabled) return () => false;
  const trusted = trustProxy(config.trustProxy);
  const clientOf: ClientOf = (req) => forwardedClient({ remoteAddress: req.socket.remoteAddress, secure: (req.socket as { encrypted?: boolean }).encrypted === true }, req.headers, trusted);
  return uploadPageRoutes(config, gateway, log, identities, clientOf);
}
