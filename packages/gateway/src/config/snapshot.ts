import type { Clock, SigV4Verifier } from '@s3kit/sigv4';
import type { Router } from '@s3kit/xml-shapes/operations';
import type { PolicyState } from '../authorize/policy-state.js';
import type { BucketConfigRegistry } from '../bucket-config/registry.js';
import type { AclGrantRegistry } from '../acl-grants/cache.js';
import type { AllowRule, CorsRule, Identity } from '../pipeline/types.js';
import type { Upstream } from '../upstreams/upstream.js';

/** Unsigned requests: the `anonymous` allow-list shorthand (if configured) and the upstream they go to. */
export interface AnonymousSettings {
  readonly allow: readonly AllowRule[] | undefined;
  readonly upstream: string;
}

/** What stays for a gateway's whole life, shared by all its snapshots. */
export interface FixedSettings {
  readonly region: string;
  readonly baseDomains: readonly string[];
  /** Routes path-style and virtual-hosted requests (`baseDomains`). */
  readonly router: Router;
  readonly clock: Clock;
  /** Allowed clock skew of signed requests. */
  readonly maxSkewMs: number;
  /** Answer presigned GET/HEAD with a redirect to the upstream when it can presign. */
  readonly presignedRedirect: boolean;
  readonly upstreams: Readonly<Record<string, Upstream>>;
  readonly anonymous: AnonymousSettings;
  /** Bucket policies, CORS and public access blocks set through the S3 API, per upstream (cached). */
  readonly apiConfig: BucketConfigRegistry;
  /** The upstreams' public ACL grants (bucket and object ACLs), read by the gateway and cached briefly. */
  readonly aclGrants: AclGrantRegistry;
}

/**
 * The gateway's configuration as one immutable value: `handle()` takes the current snapshot once
 * and every stage and side route reads only that one, so a reload (which builds a new snapshot)
 * never shows a request in flight half of itself. The fixed settings and services (region,
 * router, clock, upstreams) are shared by every snapshot of a gateway.
 */
export interface ConfigSnapshot extends FixedSettings {
  /** Gateway identities by access key id. */
  readonly identities: ReadonlyMap<string, Identity>;
  /** The SigV4 verifier, looking credentials up in this snapshot's `identities`. */
  readonly verifier: SigV4Verifier;
  /** Compiled identity, anonymous and bucket policies. */
  readonly policies: PolicyState;
  /** CORS rules by client bucket. */
  readonly cors: Readonly<Record<string, readonly CorsRule[]>>;
}
