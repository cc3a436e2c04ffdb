import { randomBytes } from 'node:crypto';
import { type S3Error, isS3Error, s3Error } from '@s3kit/errors';
import type { AbortSignalLike } from '@s3kit/http-transport';
import { DEFAULT_MAX_SKEW_MS, type Clock } from '@s3kit/sigv4';
import { createRouter } from '@s3kit/xml-shapes/operations';
import { explainQuery, type ExplainQuery, type Explanation } from './authorize/explain.js';
import { GATEWAY_BUCKET_OPERATIONS, serveBucketConfig } from './bucket-config/operations.js';
import { refusePublicAcl } from './bucket-config/public-acls.js';
import { BucketConfigRegistry, DEFAULT_MAX_STALENESS_MS, NO_BUCKET_CONFIGS, bucketsOf, type BucketConfigOptions } from './bucket-config/registry.js';
import { AclGrantRegistry, forgetChangedAcl } from './acl-grants/cache.js';
import type { LoadedBucketConfigs } from './bucket-config/effective.js';
import { compileConfig } from './config/compile.js';
import type { ConfigSnapshot, FixedSettings } from './config/snapshot.js';
import { authenticate } from './pipeline/authenticate.js';
import { answerAllDenied, authorizeRequest, withAuthorizedBody, withDenied } from './pipeline/authorize-stage.js';
import { watchVerifiedBody, type WatchedAuthenticated } from './pipeline/body-watch.js';
import { toErrorResponse } from './pipeline/errors.js';
import { forward } from './pipeline/forward.js';
import { parseRequest } from './pipeline/parse.js';
import { respond } from './pipeline/respond.js';
import { toUpstreamRequest } from './pipeline/resign.js';
import type { AllowRule, Authenticated, Authorized, CorsRule, GatewayRequest, GatewayResponse, Identity, ParsedRequest, RequestInfo } from './pipeline/types.js';
import { DEFAULT_ACCOUNT, accountOf } from './accounts/account.js';
import { checkCreateBucket, ownBuckets, ownerAccountOf, recordOwner, upstreamOwner } from './accounts/ownership.js';
import { CONTROL_PREFIX, control } from './routes/control.js';
import { corsHeaders, preflight } from './routes/cors.js';
import { LISTEN_OPERATIONS, listenRequest, requesterOf } from './routes/listen.js';
import { postObject } from './routes/post-object.js';
import { asAsyncIterable, capabilitiesOf, type Upstream, type UpstreamResponse } from './upstreams/upstream.js';

export type { ExplainQuery, Explanation };

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
  /**
   * Bucket policies, CORS rules and public access blocks through the S3 API (PutBucketPolicy,
   * PutBucketCors, PutPublicAccessBlock ...), answered by the gateway and kept in each upstream's
   * `configStore`; they apply besides `bucketPolicies` and `cors` (see the README's "Policies").
   */
  readonly bucketConfig?: BucketConfigOptions | undefined;
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

function newInfo(): RequestInfo {
  return { requestId: nextRequestId(), startedAt: performance.now(), bytesIn: () => 0 };
}

/**
 * Creates the gateway request pipeline.
 * @throws TypeError for duplicate access keys or an identity naming a missing upstream.
 */
export function createGateway(options: GatewayOptions): Gateway {
  const baseDomains = options.baseDomains ?? [];
  const fixed: FixedSettings = {
    region: options.region ?? 'us-east-1',
    baseDomains,
    router: createRouter({ baseDomains }),
    clock: options.clock ?? Date.now,
    maxSkewMs: options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS,
    presignedRedirect: options.presignedRedirect === true,
    upstreams: options.upstreams,
    anonymous: { allow: options.anonymous?.allow, upstream: options.anonymous?.upstream ?? 'default' },
    apiConfig: new BucketConfigRegistry(options.upstreams, options.bucketConfig),
    aclGrants: new AclGrantRegistry(options.upstreams, { maxStalenessMs: options.bucketConfig?.maxStalenessMs ?? DEFAULT_MAX_STALENESS_MS }),
  };
  const onUnexpected = options.onUnexpected;
  // Replaced whole by a reload: each request reads the snapshot it started with, and only that.
  let config = compileConfig(fixed, { identities: options.identities, bucketPolicies: options.bucketPolicies ?? {}, cors: options.cors ?? {} });

  async function handle(req: GatewayRequest): Promise<GatewayResponse> {
    const snapshot = config;
    const info = newInfo();
    const side = sideRoute(req);
    if (side !== undefined) return side(req, snapshot, info).catch((err: unknown) => failed(err, req, undefined, snapshot, info));
    let parsed: ParsedRequest | undefined;
    let loaded: LoadedBucketConfigs | undefined;
    let auth: WatchedAuthenticated | undefined;
    // Which step failed decides how a failure is logged (see stageFailure): no .catch() per step.
    let stage: Stage = 'own';
    try {
      parsed = routed(parseRequest(req, snapshot.router), info);
      stage = 'authenticate';
      if (parsed.route.operation === 'PostObject') return await postObject(parsed, req.body, snapshot, info, req.signal, req.onAuthenticated);
      auth = watchVerifiedBody(identified(await authenticate(parsed, asAsyncIterable(req.body), snapshot), info));
      // The S3 API's policies and CORS of the buckets named, at most maxStalenessMs old.
      // Without a configuration store there is nothing to load: no promises for it.
      stage = 'upstream';
      loaded = snapshot.apiConfig.cacheOf(auth.principal.upstream) === undefined ? NO_BUCKET_CONFIGS : await snapshot.apiConfig.load(auth.principal.upstream, bucketsOf(parsed));
      stage = 'authorize';
      const authorized = await authorizeRequest(parsed, auth, {
        policies: snapshot.policies,
        clock: snapshot.clock,
        upstreams: snapshot.upstreams,
        bucketConfigs: loaded,
        aclGrants: snapshot.aclGrants,
      });
      stage = 'own';
      const upstream = upstreamOf(snapshot, auth);
      stage = 'upstream';
      const redirect = snapshot.presignedRedirect ? await redirectToUpstream(parsed, auth, upstream, snapshot, info) : undefined;
      if (redirect !== undefined) return redirect;
      if (authorized.denied !== undefined) info.deniedKeys = authorized.denied.errors.length;
      const answer = await answerOf(parsed, auth, authorized, upstream, loaded, snapshot, req.signal, info);
      stage = 'own';
      return withCors(respond(parsed.method, answer, info), parsed, snapshot, loaded);
    } catch (err) {
      return failed(stageFailure(err, stage, info, auth), req, parsed, snapshot, info, loaded);
    }
  }

  /** The answer: served by the gateway (bucket configuration), or the upstream's. */
  async function answerOf(
    parsed: ParsedRequest,
    auth: WatchedAuthenticated,
    authorized: Authorized,
    upstream: Upstream,
    loaded: LoadedBucketConfigs,
    snapshot: ConfigSnapshot,
    signal: AbortSignalLike | undefined,
    info: RequestInfo,
  ): Promise<UpstreamResponse> {
    const { operation, bucket } = parsed.route;
    if (bucket !== undefined && GATEWAY_BUCKET_OPERATIONS.has(operation) && authorized.forward) {
      return serveBucketConfig(
        { operation, bucket, headers: parsed.headers, body: authorized.body, signal },
        { upstream, cache: snapshot.apiConfig.cacheOf(auth.principal.upstream), writes: snapshot.apiConfig.writes, filePolicy: snapshot.policies.bucketPolicies.get(bucket) },
      );
    }
    if (!authorized.forward) return answerAllDenied(upstream, parsed, authorized, signal);
    refusePublicAcl(parsed, bucket === undefined ? undefined : loaded.get(bucket));
    const account = accountOf(auth.principal.identity);
    const accounts = snapshot.policies.accounts;
    const cache = snapshot.apiConfig.cacheOf(auth.principal.upstream);
    if (accounts && operation === 'CreateBucket' && bucket !== undefined) await checkCreateBucket(upstream, bucket, account, loaded.get(bucket));
    // The store shows the owning account: the bucket's (the creator's at CreateBucket), the caller's for ListBuckets.
    const owner = bucket === undefined || operation === 'CreateBucket' ? upstreamOwner(account) : upstreamOwner(ownerAccountOf(loaded.get(bucket)));
    const plain = toUpstreamRequest(parsed, auth, signal, { requester: requesterOf(auth.principal, parsed, info), owner });
    const request = LISTEN_OPERATIONS.has(operation) ? listenRequest(parsed, plain, accounts) : plain;
    let forwarded: UpstreamResponse;
    try {
      forwarded = await forward(upstream, withAuthorizedBody(request, authorized));
    } finally {
      forgetChangedAcl(snapshot.aclGrants.cacheOf(auth.principal.upstream), operation, bucket, parsed.route.key, parsed.route.params['versionId']);
    }
    const res = authorized.denied === undefined ? forwarded : await withDenied(forwarded, authorized);
    if (operation === 'DeleteBucket' && bucket !== undefined && res.status < 300) await forgetBucket(auth.principal.upstream, bucket, snapshot);
    if (operation === 'CreateBucket' && bucket !== undefined && res.status < 300) await recordOwner(cache, bucket, account);
    if (operation === 'ListBuckets' && accounts) return ownBuckets(res, account, async (b) => (cache === undefined ? DEFAULT_ACCOUNT : ownerAccountOf(await cache.get(b))));
    return res;
  }

  /** A deleted bucket's configuration goes with it (a failure is logged: the bucket is gone either way). */
  async function forgetBucket(upstreamName: string, bucket: string, snapshot: ConfigSnapshot): Promise<void> {
    await snapshot.apiConfig
      .cacheOf(upstreamName)
      ?.drop(bucket)
      .catch((err: unknown) => onUnexpected?.(err, { ...newInfo(), operation: 'DeleteBucket', bucket }));
  }

  /** The single error boundary's answer, with the CORS headers browsers need to read it. */
  function failed(err: unknown, req: GatewayRequest, parsed: ParsedRequest | undefined, snapshot: ConfigSnapshot, info: RequestInfo, loaded?: LoadedBucketConfigs): GatewayResponse {
    const gone = req.signal?.aborted === true;
    const out = toErrorResponse(gone ? abortedAnswer(err, req.signal!) : err, {
      method: parsed?.method ?? req.method.toUpperCase(),
      resource: parsed?.resource ?? req.target.split('?')[0] ?? '/',
      info,
      onUnexpected,
    });
    if (gone) clientGone(info);
    return parsed === undefined ? out : withCors(out, parsed, snapshot, loaded ?? snapshot.apiConfig.peek(snapshot.anonymous.upstream, parsed.route.bucket));
  }

  return {
    region: fixed.region,
    handle,
    errorResponse(err, method, resource) {
      return toErrorResponse(err, { method: method.toUpperCase(), resource, info: newInfo(), onUnexpected });
    },
    setIdentities(identities) {
      config = compileConfig(fixed, { identities, bucketPolicies: config.policies.raw.bucketPolicies, cors: config.cors });
    },
    update(u) {
      // compileConfig validates everything before anything is swapped: a bad reload changes nothing.
      const raw = config.policies.raw;
      config = compileConfig(fixed, { identities: u.identities ?? raw.identities, bucketPolicies: u.bucketPolicies ?? raw.bucketPolicies, cors: u.cors ?? config.cors });
    },
    explain(query) {
      return explainQuery(config.policies, query, fixed.clock());
    },
  };
}

type SideRoute = (req: GatewayRequest, config: ConfigSnapshot, info: RequestInfo) => Promise<GatewayResponse>;

/** Requests that are no S3 operation: CORS preflight (`OPTIONS`) and the gateway's own `/_s3kit/` routes. */
function sideRoute(req: GatewayRequest): SideRoute | undefined {
  // Preflights carry no credentials: the API-set CORS rules are those of the anonymous upstream.
  if (req.method.toUpperCase() === 'OPTIONS') return (r, c, i) => preflight(r, c, i, (bucket) => c.apiConfig.cacheOf(c.anonymous.upstream)?.get(bucket) ?? Promise.resolve(undefined));
  if (req.target.startsWith(CONTROL_PREFIX)) return control;
  return undefined;
}

function routed(parsed: ParsedRequest, info: RequestInfo): ParsedRequest {
  info.operation = parsed.route.operation;
  if (LISTEN_OPERATIONS.has(parsed.route.operation)) info.openEnded = true;
  info.bucket = parsed.route.bucket;
  info.key = parsed.route.key;
  return parsed;
}

function identified(auth: Authenticated, info: RequestInfo): Authenticated {
  info.identity = auth.principal.name;
  info.bytesIn = auth.bytesIn;
  return auth;
}

/** The step of `handle` a failure came from: `own` (the gateway's own work: parsing, choosing the upstream, answering), `authenticate` (and POST forms), `authorize`, `upstream`. */
type Stage = 'own' | 'authenticate' | 'authorize' | 'upstream';

/**
 * The error to answer for a failed step, logged as what it was: authentication (and POST form)
 * failures count as such; upstream failures too (S3 5xx codes, transport codes). After
 * authentication, a body that failed verification is the real cause, whatever a reader of it
 * (the authorizer, the upstream) then threw.
 */
function stageFailure(err: unknown, stage: Stage, info: RequestInfo, auth: WatchedAuthenticated | undefined): unknown {
  if (stage === 'authenticate') {
    if (isS3Error(err)) info.authFailure = err.code;
    return err;
  }
  if (stage === 'own' || auth === undefined) return err;
  const failure = auth.failure();
  if (stage === 'upstream' && failure === undefined) info.upstreamError = isS3Error(err) ? (err.status >= 500 ? err.code : undefined) : ((err as { code?: string }).code ?? 'error');
  return failure !== undefined && isS3Error(failure) ? failure : err;
}

/**
 * A request aborted by its signal (the client hung up; the server's own timeouts abort it too and
 * answer for themselves): whatever broke on the way (the upstream request, the body stream) broke
 * because of that, so the answer is an S3 error, never an unexpected failure.
 */
function abortedAnswer(err: unknown, signal: AbortSignalLike): unknown {
  if (isS3Error(err)) return err;
  return isS3Error(signal.reason) ? signal.reason : s3Error('RequestTimeout', 'The client went away.');
}

/** Logged as a client disconnect: neither an upstream failure nor (a POST form cut short) an authentication failure. */
function clientGone(info: RequestInfo): void {
  info.clientGone = true;
  info.errorCode = 'ClientDisconnected';
  info.upstreamError = undefined;
  info.authFailure = undefined;
}

function upstreamOf(config: ConfigSnapshot, auth: Authenticated): Upstream {
  const upstream = config.upstreams[auth.principal.upstream];
  if (upstream === undefined) throw s3Error('InternalError', undefined, { details: { reason: `no upstream ${auth.principal.upstream}` } });
  return upstream;
}

/**
 * `presignedRedirect`: a presigned SigV4 GET/HEAD answered with a 307 to a presigned URL on the
 * upstream, valid as long as the client's, when the upstream can presign this request.
 */
async function redirectToUpstream(parsed: ParsedRequest, auth: Authenticated, upstream: Upstream, config: ConfigSnapshot, info: RequestInfo): Promise<GatewayResponse | undefined> {
  if (!config.presignedRedirect || auth.principal.authKind !== 'presigned-v4' || (parsed.method !== 'GET' && parsed.method !== 'HEAD')) return undefined;
  // The gateway answers these itself: the upstream's answer would be another one.
  if (GATEWAY_BUCKET_OPERATIONS.has(parsed.route.operation)) return undefined;
  const presign = capabilitiesOf(upstream).presign;
  if (presign === undefined) return undefined;
  const now = config.clock();
  const seconds = Math.max(1, Math.floor(((auth.expiresAt ?? now + 900_000) - now) / 1000));
  const location = presign(toUpstreamRequest(parsed, auth, undefined), seconds);
  return location === undefined ? undefined : { status: 307, headers: { location, 'x-amz-request-id': info.requestId, 'content-length': '0' }, info };
}

function withCors(out: GatewayResponse, parsed: ParsedRequest, config: ConfigSnapshot, loaded: LoadedBucketConfigs): GatewayResponse {
  const bucket = parsed.route.bucket;
  Object.assign(out.headers, corsHeaders(parsed, config, bucket === undefined ? undefined : loaded.get(bucket)));
  return out;
}
