import type { AuthKind } from '@s3kit/sigv4';
import type { AnonymousSettings } from '../config/snapshot.js';
import type { Identity, Principal } from '../pipeline/types.js';

/** The principal of a request signed by `identity`. */
export function principalOf(kind: AuthKind, identity: Identity): Principal {
  return {
    name: identity.name ?? identity.accessKeyId,
    accessKeyId: identity.accessKeyId,
    authKind: kind,
    allow: identity.allow ?? [],
    identity,
    upstream: identity.upstream ?? 'default',
  };
}

/**
 * The principal of every unsigned request (anonymous POST forms included): authorized by bucket
 * policies (`Principal: "*"`) and the `anonymous` allow-list; with neither, denied.
 */
export function anonymousPrincipal(anonymous: AnonymousSettings): Principal {
  return { name: 'anonymous', accessKeyId: undefined, authKind: 'anonymous', allow: anonymous.allow ?? [], upstream: anonymous.upstream };
}
