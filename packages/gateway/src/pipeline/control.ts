import { s3Error } from '@s3kit/errors';
import type { GatewayEnv } from './env.js';
import type { GatewayRequest, GatewayResponse, RequestInfo } from './types.js';

/** Path prefix of the gateway's own routes (never a bucket: bucket names start with a letter or digit). */
export const CONTROL_PREFIX = '/_s3kit/';

/**
 * The gateway's own routes under `/_s3kit/` (e.g. upload tickets).
 * TODO(issue 8): scaffold.
 * @throws S3Error
 */
export async function control(_req: GatewayRequest, _env: GatewayEnv, _info: RequestInfo): Promise<GatewayResponse> {
  throw s3Error('NotImplemented', 'This gateway route is not implemented.');
}
