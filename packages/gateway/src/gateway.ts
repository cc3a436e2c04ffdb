import { randomBytes } from 'node:crypto';
import { S3Error, isS3Error, s3Error } from '@s3kit/errors';
import { DEFAULT_MAX_SKEW_MS, SigV4Verifier, type Clock } from '@s3kit/sigv4';
import { createRouter } from '@s3kit/xml-shapes/operations';
import { authenticate, principalOf, type AuthDeps } from './pipeline/authenticate.js';
import { authorize, authorizeAction } from './authorize/decide.js';
import { authorizeRequest, authorizedUpstreamRequest, bucketMustExist, withDenied } from './pipeline/authorize-stage.js';
import { compilePolicyState, type PolicyState } from './authorize/policy-state.js';
import { explainQuery, type ExplainQuery, type Explanation } from './authorize/explain.js';
import { CONTROL_PREFIX, control } from './routes/control.js';
import { corsHeaders, preflight, validateCors } from './routes/cors.js';
import type { GatewayEnv } from './pipeline/env.js';
import { postObject } from './routes/post-object.js';
import { toErrorResponse } from './pipeline/errors.js';
import { forward } from './pipeline/forward.js';
import { parseRequest } from './pipeline/parse.js';
import { respond } from './pipeline/respond.js';
import { toUpstreamRequest } from './pipeline/resign.js';
import type { AllowRule, CorsRule, GatewayRequest, GatewayResponse, Identity, ParsedRequest, RequestInfo } from './pipeline/types.js';

export type { ExplainQuery, Explanation };
import { capabilitiesOf, type Upstream } from './upstreams/upstream.js';

/** Options of {@link createGateway}. */
export interface GatewayOptions {
  /** Region clients sign for. **Default:** `'us-east-1'`. */
  readonly region?: string | undefined;
  /** Hosts serving path-style requests; `<bucket>.<domain>` is virtual-hosted. **Default:** `[]`. */
  readonly baseDomains?: readonly string[] | undefined;
  /** Gateway-issued keys. */
  readonly identities: readonly Identity[];
  /**
   * Allow-list shorthand for unsigned requests (translated into a policy like an identity's
   * `allow`), and their upstream. Bucket policies with `Principal: "*"` may allow unsigned
   * requests too. **Default:** none.
   */
  readonly anonymous?: { readonly allow: readonly AllowRule[]; readonly upstream?: string | undefined } | undefined;
  /** Upstreams by name; identities without `upstream` use `default`. */
  readonly upstreams: Readonly<Record<string, Upstream>>;
  /** **Default:** `Date.now`. */
  readonly clock?: Clock | undefined;
  /** Allowed clock skew of signed requests. **Default:** 15 minutes. */
  readonly maxSkewMs?: number | undefined;
  /**
   * Answer presigned SigV4 GET/HEAD requests with a 307 redirect to a presigned URL on the
   * upstream (valid as long as the client's), so the data does not pass through the gateway.
   * Only for upstreams that can presign (`createS3Upstream`). **Default:** `false`.
   */
  readonly presignedRedirect?: boolean | undefined;
  /** Told about every failure that is not an S3 error (bugs, unreachable upstreams). */
  readonly onUnexpected?: ((err: unknown, info: RequestInfo) => void) | undefined;
  /**
   * Bucket policies (AWS JSON policy documents, as objects or JSON text) by client bucket name,
   * validated by `createGateway` (at most 20 KB each, resources inside the bucket).
   */
  readonly bucketPolicies?: Readonly<Record<string, unknown>> | undefined;
  /** CORS rules by client bucket name (preflight `OPTIONS` is answered from them). */
  readonly cors?: Readonly<Record<string, readonly CorsRule[]>> | undefined;
}

/** What a reload may replace; fields left out stay as they are. */
export interface GatewayConfigUpdate {
  readonly identities?: readonly Identity[] | undefined;
  readonly bucketPolicies?: Readonly<Record<string, unknown>> | undefined;
  readonly cors?: Readonly<Record<string, readonly CorsRule[]>> | undefined;
}

/** A gateway: a request handler with no server attached (see `toNodeListener`). */
export interface Gateway {
  readonly region: string;
  /** Runs one request through parse → authenticate → authorize → re-sign → forward → respond. Never rejects. */
  handle(req: GatewayRequest): Promise<GatewayResponse>;
  /** An S3 error answer outside the pipeline (e.g. SlowDown when over the concurrency limit). */
  errorResponse(err: S3Error, method: string, resource: string): GatewayResponse;
  /** Replaces the identities (config reload); requests in flight keep the ones they started with. */
  setIdentities(identities: readonly Identity[]): void;
  /**
   * Replaces identities, bucket policies and/or CORS rules at once (config reload), after
   * validating all of them: on a validation error nothing changes.
   * @throws TypeError (or a policy validation error) naming the bad entry.
   */
  update(update: GatewayConfigUpdate): void;
  /**
   * Would this identity be allowed this operation or action on this bucket/key, and which
   * statement decided? Answers from the current policies (no request, no upstream).
   * @throws TypeError for an unknown identity or operation.
   */
  explain(query: ExplainQuery): Explanation;
}

const ID_PREFIX = randomBytes(4).toString('hex').toUpperCase();
let idCounter = 0;
function nextRequestId(): string {
  idCounter = (idCounter + 1) % 0x100000000;
  return `${ID_PREFIX}${idCounter.toString(16).toUpperCase().padStart(8, '0')}`;
}

/**
 * Creates the gateway request pipeline.
 * @throws TypeError for duplicate access keys or an identity naming a missing upstream.
 */
export function createGateway(options: GatewayOptions): Gateway {
  const region = options.region ?? 'us-east-1';
  const clock = options.clock ?? Date.now;
  const maxSkewMs = options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  const baseDomains = options.baseDomains ?? [];
  const router = createRouter({ baseDomains });
  const compile = (ids: readonly Identity[], bucketPolicies: Readonly<Record<string, unknown>>): PolicyState => {
    for (const id of ids) {
      const up = id.upstream ?? 'default';
      if (options.upstreams[up] === undefined) throw new TypeError(`identities: ${id.accessKeyId} names upstream "${up}", which is not configured`);
    }
    return compilePolicyState(ids, bucketPolicies, options.anonymous?.allow);
  };
  // Identities and policies swap as one value: a request uses the state it started with throughout.
  let state = compile(options.identities, options.bucketPolicies ?? {});
  const verifier = new SigV4Verifier({
    region,
    clock,
    maxSkewMs,
    getCredentials: (id) => {
      const identity = state.identities.get(id);
      return identity === undefined ? undefined : { secretAccessKey: identity.secretAccessKey };
    },
  });
  const deps: AuthDeps = { verifier, identities: () => state.identities, anonymous: options.anonymous, baseDomains, clock, maxSkewMs };
  let cors = options.cors ?? {};
  validateCors(cors);
  const env: GatewayEnv = {
    region,
    clock,
    maxSkewMs,
    baseDomains,
    verifier,
    identities: () => state.identities,
    upstreams: options.upstreams,
    anonymousUpstream: options.anonymous?.upstream ?? 'default',
    principalOf,
    authorize: (parsed, principal) => authorize(parsed, principal, { state, clock, upstreams: options.upstreams }),
    authorizeAction: async (principal, action, resource, context) => authorizeAction(principal, action, resource, context, { state, clock }),
    corsRules: (bucket) => cors[bucket] ?? [],
    onUnexpected: options.onUnexpected,
  };

  async function handle(req: GatewayRequest): Promise<GatewayResponse> {
    const info: RequestInfo = { requestId: nextRequestId(), startedAt: performance.now(), bytesIn: () => 0 };
    let parsed: ParsedRequest | undefined;
    let bodyError: unknown;
    let stage: 'parse' | 'auth' | 'authorize' | 'upstream' = 'parse';
    const st = state;
    try {
      if (req.method.toUpperCase() === 'OPTIONS') return preflight(req, env, info);
      if (req.target.startsWith(CONTROL_PREFIX)) return await control(req, env, info);
      parsed = { ...parseRequest(req, router), remoteAddress: req.remoteAddress, secure: req.secure, host: req.host };
      info.operation = parsed.route.operation;
      info.bucket = parsed.route.bucket;
      info.key = parsed.route.key;
      stage = 'auth';
      const body = req.body as AsyncIterable<Uint8Array> | undefined;
      if (parsed.route.operation === 'PostObject') return await postObject(parsed, body, env, info, req.signal);
      const auth = await authenticate(parsed, body, st === state ? deps : { ...deps, identities: () => st.identities });
      info.identity = auth.principal.name;
      info.bytesIn = auth.bytesIn;
      stage = 'authorize';
      const authorized = await authorizeRequest(parsed, auth, { state: st, clock, upstreams: options.upstreams, onBodyError: (e) => (bodyError = e) });
      const upstream = options.upstreams[auth.principal.upstream];
      if (upstream === undefined) throw s3Error('InternalError', undefined, { details: { reason: `no upstream ${auth.principal.upstream}` } });
      stage = 'upstream';
      if (options.presignedRedirect === true && auth.principal.authKind === 'presigned-v4' && (parsed.method === 'GET' || parsed.method === 'HEAD')) {
        const presign = capabilitiesOf(upstream).presign;
        const seconds = Math.max(1, Math.floor(((auth.expiresAt ?? clock() + 900_000) - clock()) / 1000));
        const location = presign?.(toUpstreamRequest(parsed, auth, undefined), seconds);
        if (location !== undefined) return { status: 307, headers: { location, 'x-amz-request-id': info.requestId, 'content-length': '0' }, info };
      }
      // Every DeleteObjects key denied: nothing to send upstream (once the bucket is known to exist), the DeleteResult lists the denials.
      if (authorized.denied !== undefined) info.deniedKeys = authorized.denied.errors.length;
      if (!authorized.forward) await bucketMustExist(upstream, parsed.route.bucket!, req.signal);
      const upRes = authorized.forward ? await forward(upstream, authorizedUpstreamRequest(parsed, auth, authorized, req.signal)) : undefined;
      const out = respond(parsed.method, await withDenied(upRes, authorized), info);
      Object.assign(out.headers, corsHeaders(parsed, env));
      return out;
    } catch (err) {
      // A body that failed verification is the real cause, whatever the upstream then said.
      const cause = bodyError !== undefined && isS3Error(bodyError) ? bodyError : err;
      if (stage === 'auth' && isS3Error(cause)) info.authFailure = cause.code;
      if (stage === 'upstream' && cause === err && bodyError === undefined) {
        info.upstreamError = isS3Error(err) ? (err.status >= 500 ? err.code : undefined) : ((err as { code?: string }).code ?? 'error');
      }
      const out = toErrorResponse(cause, {
        method: parsed?.method ?? req.method.toUpperCase(),
        resource: parsed?.resource ?? req.target.split('?')[0] ?? '/',
        info,
        onUnexpected: options.onUnexpected,
      });
      // Browsers read an error only when it carries the CORS headers too.
      if (parsed !== undefined) Object.assign(out.headers, corsHeaders(parsed, env));
      return out;
    }
  }

  return {
    region,
    handle,
    errorResponse(err, method, resource) {
      const info: RequestInfo = { requestId: nextRequestId(), startedAt: performance.now(), bytesIn: () => 0 };
      return toErrorResponse(err, { method: method.toUpperCase(), resource, info, onUnexpected: options.onUnexpected });
    },
    setIdentities(ids) {
      state = compile(ids, state.raw.bucketPolicies);
    },
    update(u) {
      // Validate everything first; only then swap, so a bad reload changes nothing.
      const next = u.identities === undefined && u.bucketPolicies === undefined ? state : compile(u.identities ?? state.raw.identities, u.bucketPolicies ?? state.raw.bucketPolicies);
      if (u.cors !== undefined) validateCors(u.cors);
      state = next;
      if (u.cors !== undefined) cors = u.cors;
    },
    explain(query) {
      return explainQuery(state, query, clock());
    },
  };
}
