import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Gateway } from '@s3kit/gateway';
import { adminAuthorized } from './admin-auth.js';
import { queryFromSearch } from './explain.js';
import type { GatewayMetrics } from './metrics.js';

/** What the admin endpoints read, as it is now (it changes on reload and shutdown). */
export interface AdminState {
  readonly metrics: GatewayMetrics;
  gateway(): Gateway;
  /** The bearer token every endpoint but /healthz needs, or undefined (open). */
  token(): string | undefined;
  draining(): boolean;
  /** The S3 listener serves TLS (`aws:SecureTransport` of explained requests). */
  readonly serveTls: boolean;
}

/** The admin port: /healthz (always open), /readyz, /metrics, /explain. */
export async function adminHandler(req: IncomingMessage, res: ServerResponse, s: AdminState): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]!;
  if (!adminAuthorized(req, res, path, s.token())) return;
  if (path === '/explain') {
    // "Would identity X be allowed Y on Z, and which statement decided?" from the current policies,
    // for a request like the listener's (aws:SecureTransport true when it serves TLS).
    let status = 200;
    let body: unknown;
    try {
      body = s.gateway().explain(queryFromSearch(new URL(req.url ?? '/', 'http://admin').searchParams, { secure: s.serveTls }));
    } catch (err) {
      status = 400;
      body = { error: err instanceof Error ? err.message : String(err) };
    }
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(`${JSON.stringify(body, null, 2)}\n`);
  } else if (path === '/metrics') {
    const body = await s.metrics.registry.metrics();
    res.writeHead(200, { 'content-type': s.metrics.registry.contentType });
    res.end(body);
  } else if (path === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok\n');
  } else if (path === '/readyz') {
    const ready = !s.draining();
    res.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' });
    res.end(ready ? 'ready\n' : 'draining\n');
  } else {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
  }
}
