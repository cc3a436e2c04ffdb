import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Admin paths anyone may read: liveness, for load balancers and orchestrators. */
const OPEN_PATHS = new Set(['/healthz']);

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/**
 * Whether the admin request may proceed: without a token, always; with one, `/healthz` always
 * and every other path only with `Authorization: Bearer <token>` (compared in constant time).
 * A refused request is answered here: 401 with `WWW-Authenticate: Bearer`. `token` is the one
 * in force (it may change on reload).
 */
export function adminAuthorized(req: IncomingMessage, res: ServerResponse, path: string, token: string | undefined): boolean {
  if (token === undefined || OPEN_PATHS.has(path)) return true;
  const m = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '');
  // Equal-length digests: the comparison takes the same time whatever the given token is.
  if (m !== null && timingSafeEqual(digest(m[1]!), digest(token))) return true;
  const error = m === null ? '' : ', error="invalid_token"';
  res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': `Bearer realm="s3kit-gateway admin"${error}` });
  res.end('unauthorized: this admin endpoint needs Authorization: Bearer <admin token>\n');
  return false;
}
