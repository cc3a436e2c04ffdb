import type { AuthKind } from '@s3kit/sigv4';
import type { AnonymousSettings } from '../config/snapshot.js';
import type { Identity, Principal } from '../pipeline/types.js';

/**
 * The principal of a request signed by `identity` (one object literal with every field: no spread
 * of it per request, whose copies V8 makes slowly once their shapes vary).
 */
export function principalOf(kind: AuthKind, identity: Identity, signedAt?: number, signatureVersion?: Principal['signatureVersion']): Principal {
  return {
    name: identity.name ?? identity.accessKeyId,
    accessKeyId: identity.accessKeyId,
    authKind: kind,
    allow: identity.allow ?? [],
    identity,
    upstream: identity.upstream ?? 'default',
    signedAt,
    signatureVersion,
  };
}

/**
 * The principal of every unsigned request (anonymous POST forms included): authorized by bucket
 * policies (`Principal: "*"`) and the `anonymous` allow-list; with neither, denied.
 */
export function anonymousPrincipal(anonymous: AnonymousSettings): Principal {
  return {
    name: 'anonymous',
    accessKeyId: undefined,
    authKind: 'anonymous',
    allow: anonymous.allow ?? [],
    identity: undefined,
    upstream: anonymous.upstream,
    signedAt: undefined,
    signatureVersion: undefined,
  };
}
