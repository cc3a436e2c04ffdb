import type { Clock, SigV4Verifier } from '@s3kit/sigv4';
import type { AuthKind } from '@s3kit/sigv4';
import type { Upstream } from '../upstreams/upstream.js';
import type { CorsRule, Identity, ParsedRequest, Principal, RequestInfo } from './types.js';

/**
 * What the pipeline's stages and side routes (CORS preflight, POST Object, control routes) share:
 * the gateway's current configuration and its decision points. Built once by `createGateway`;
 * the getters return the current values (replaced on reload).
 */
export interface GatewayEnv {
  readonly region: string;
  readonly clock: Clock;
  readonly maxSkewMs: number;
  readonly baseDomains: readonly string[];
  readonly verifier: SigV4Verifier;
  /** Current identities by access key id. */
  identities(): ReadonlyMap<string, Identity>;
  /** Upstreams by name. */
  readonly upstreams: Readonly<Record<string, Upstream>>;
  /** Upstream of unsigned requests (anonymous POST forms included). */
  readonly anonymousUpstream: string;
  /** The principal of a request signed by `identity` (as the authenticate stage builds it). */
  principalOf(kind: AuthKind, identity: Identity): Principal;
  /**
   * Authorizes an S3 request (its operation's actions and resources) for `principal`.
   * @throws S3Error AccessDenied (403).
   */
  authorize(parsed: ParsedRequest, principal: Principal): Promise<void>;
  /**
   * Authorizes one gateway action that is not an S3 operation (e.g. `s3kit:CreateUploadTicket`)
   * on a resource ARN (e.g. `arn:aws:s3:::bucket/prefix/*`).
   * @throws S3Error AccessDenied (403).
   */
  authorizeAction(principal: Principal, action: string, resource: string, context?: Readonly<Record<string, string | readonly string[] | undefined>>): Promise<void>;
  /** Current CORS rules of a bucket (empty when none). */
  corsRules(bucket: string): readonly CorsRule[];
  /** Told about failures that are not S3 errors. */
  readonly onUnexpected?: ((err: unknown, info: RequestInfo) => void) | undefined;
}
