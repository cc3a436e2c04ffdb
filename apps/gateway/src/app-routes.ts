import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Gateway } from '@s3kit/gateway';
import type { Logger } from 'pino';
import type { GatewayConfig } from './config.js';

/**
 * The program's own routes, answered before the S3 listener (e.g. the upload page). Returns a
 * handler that answers and returns true for a route it owns, false otherwise.
 * TODO(issue 8): scaffold; the upload page comes here.
 */
export function appRoutes(_config: GatewayConfig, _gateway: Gateway, _log: Logger): (req: IncomingMessage, res: ServerResponse) => boolean {
  return () => false;
}
