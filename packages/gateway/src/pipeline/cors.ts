import { s3Error } from '@s3kit/errors';
import type { GatewayEnv } from './env.js';
import type { CorsRule, GatewayRequest, GatewayResponse, ParsedRequest, RequestInfo } from './types.js';

/**
 * CORS preflight (`OPTIONS`): answered from the bucket's CORS rules, never authorized.
 * TODO(issue 8): not implemented yet (scaffold).
 * @throws S3Error
 */
export function preflight(_req: GatewayRequest, _env: GatewayEnv, _info: RequestInfo): GatewayResponse {
  throw s3Error('NotImplemented', 'CORS is not supported by this gateway yet.');
}

/**
 * The `Access-Control-*` headers an actual (non-preflight) request's answer carries when its
 * `Origin` matches a rule of the bucket; empty otherwise.
 * TODO(issue 8): scaffold.
 */
export function corsHeaders(_parsed: ParsedRequest, _env: GatewayEnv): Record<string, string> {
  return {};
}

/**
 * Validates CORS rules as S3's PutBucketCors does (methods, one wildcard per origin/header, max age).
 * TODO(issue 8): scaffold (accepts everything).
 * @throws TypeError naming the bucket and rule index.
 */
export function validateCors(_cors: Readonly<Record<string, readonly CorsRule[]>>): void {}
