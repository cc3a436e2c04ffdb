import { s3Error } from '@s3kit/errors';
import type { ConfigSnapshot } from '../config/snapshot.js';
import type { GatewayRequest, GatewayResponse, RequestInfo } from '../pipeline/types.js';
import { createUploadTicket } from './upload-ticket.js';

/** Path prefix of the gateway's own routes (never a bucket: bucket names start with a letter or digit). */
export const CONTROL_PREFIX = '/_s3kit/';

type ControlRoute = (req: GatewayRequest, config: ConfigSnapshot, info: RequestInfo) => Promise<GatewayResponse>;

/** The gateway's own routes by path (after `/_s3kit/`, query left out). */
const ROUTES: Readonly<Record<string, ControlRoute>> = {
  'upload-tickets': createUploadTicket,
};

/**
 * The gateway's own routes under `/_s3kit/`: `POST /_s3kit/upload-tickets` (upload tickets).
 * @throws S3Error NotImplemented (501) for a path that is no route, or the route's own errors.
 */
export async function control(req: GatewayRequest, config: ConfigSnapshot, info: RequestInfo): Promise<GatewayResponse> {
  const path = req.target.slice(CONTROL_PREFIX.length).split('?')[0]!;
  const route = Object.hasOwn(ROUTES, path) ? ROUTES[path] : undefined;
  if (route === undefined) throw s3Error('NotImplemented', `This gateway has no route ${CONTROL_PREFIX}${path.slice(0, 100)}.`);
  return route(req, config, info);
}
