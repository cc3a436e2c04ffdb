import { s3Error } from '@s3kit/errors';
import type { ParsedRequest, Principal, RequestInfo } from '../pipeline/types.js';
import type { AbortableRequest } from '../pipeline/abort.js';
import type { UpstreamRequest } from '../upstreams/upstream.js';

/**
 * MinIO's ListenBucketNotification (`GET /bucket?events=…`) and ListenNotification
 * (`GET /?events=…`): answers that stream until the client leaves, so a hang-up is their
 * normal end (the access log shows them complete).
 */
export const LISTEN_OPERATIONS: ReadonlySet<string> = new Set(['ListenBucketNotification', 'ListenNotification']);

/**
 * The upstream request of a listen: every `events=` value of the query, comma-joined (the router
 * keeps the first of each parameter; MinIO clients repeat `events`).
 * @throws S3Error NotImplemented (501) for ListenNotification with accounts: it would show other accounts' buckets.
 */
export function listenRequest(parsed: ParsedRequest, request: AbortableRequest, accounts: boolean): AbortableRequest {
  if (accounts && parsed.route.operation === 'ListenNotification') {
    throw s3Error('NotImplemented', 'ListenNotification (every bucket) is not available when the gateway keeps accounts: listen to one bucket.', { resource: '/' });
  }
  const q = parsed.target.indexOf('?');
  const events = new URLSearchParams(q === -1 ? '' : parsed.target.slice(q + 1)).getAll('events');
  return { ...request, query: { ...request.query, events: events.join(',') } };
}

/** Who sent the request, for the store's event records. */
export function requesterOf(principal: Principal, parsed: ParsedRequest, info: RequestInfo): NonNullable<UpstreamRequest['requester']> {
  return { principalId: principal.accessKeyId ?? 'anonymous', sourceIp: parsed.remoteAddress, requestId: info.requestId };
}
