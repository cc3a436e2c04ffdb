import { s3Error } from '@s3kit/errors';
import type { GatewayEnv } from './env.js';
import type { GatewayResponse, ParsedRequest, RequestInfo } from './types.js';

/**
 * Browser POST Object (`POST /bucket`, multipart/form-data).
 * TODO(issue 8): scaffold.
 * @throws S3Error
 */
export async function postObject(
  _parsed: ParsedRequest,
  _body: AsyncIterable<Uint8Array> | undefined,
  _env: GatewayEnv,
  _info: RequestInfo,
  _signal: AbortSignal | undefined,
): Promise<GatewayResponse> {
  throw s3Error('NotImplemented', 'Browser POST uploads are not supported by this gateway yet.');
}
