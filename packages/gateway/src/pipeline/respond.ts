import type { UpstreamResponse } from '../upstreams/upstream.js';
import { withoutHopByHop } from './hop-by-hop.js';
import type { GatewayResponse, RequestInfo } from './types.js';

/** Upstream identity headers replaced by the gateway's own. */
const REPLACED: ReadonlySet<string> = new Set(['x-amz-request-id', 'server']);

/**
 * Stage 6: the upstream's answer for the client: hop-by-hop headers dropped, the gateway's
 * `x-amz-request-id` set, the body streamed as it comes (HEAD: none).
 */
export function respond(method: string, upstream: UpstreamResponse, info: RequestInfo): GatewayResponse {
  const headers = withoutHopByHop(upstream.headers, REPLACED);
  headers['x-amz-request-id'] = info.requestId;
  let body = upstream.body;
  if (method === 'HEAD' && body !== undefined) {
    const b = body as { destroy?: () => void; return?: () => unknown };
    if (typeof b.destroy === 'function') b.destroy();
    else if (typeof b.return === 'function') void b.return();
    body = undefined;
  }
  return { status: upstream.status, headers, body, info };
}
