import { s3Error } from '@s3kit/errors';
import type { ConfigSnapshot } from '../config/snapshot.js';
import type { BucketConfig } from '../bucket-config/documents.js';
import { corsRulesFor } from '../bucket-config/effective.js';
import type { CorsRule, GatewayRequest, GatewayResponse, ParsedRequest, RequestInfo } from '../pipeline/types.js';

/** The methods a CORS rule may allow (S3's PutBucketCors). */
const CORS_METHODS: ReadonlySet<string> = new Set(['GET', 'PUT', 'POST', 'DELETE', 'HEAD']);
/** Rules per bucket (S3's limit). */
const MAX_RULES = 100;
const VARY = 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method';
const NOT_ENABLED = 'CORSResponse: CORS is not enabled for this bucket.';

/**
 * Validates CORS rules as S3's PutBucketCors does: at most 100 rules per bucket; each with at
 * least one origin and one method; methods among GET, PUT, POST, DELETE, HEAD; at most one `*`
 * in each origin and each allowed header; `maxAgeSeconds` a non-negative integer; `id` at most
 * 255 characters.
 * @throws TypeError naming the bucket and the rule index, e.g. `cors.photos[2]: ...`.
 */
export function validateCors(cors: Readonly<Record<string, readonly CorsRule[]>>): void {
  for (const [bucket, rules] of Object.entries(cors)) {
    if (!Array.isArray(rules)) throw new TypeError(`cors.${bucket}: must be a list of rules`);
    if (rules.length > MAX_RULES) throw new TypeError(`cors.${bucket}: at most ${MAX_RULES} rules (got ${rules.length})`);
    rules.forEach((rule: CorsRule, i) => {
      const at = `cors.${bucket}[${i}]`;
      const list = (name: string, v: unknown, required: boolean): readonly string[] => {
        if (v === undefined && !required) return [];
        if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) throw new TypeError(`${at}: ${name} must be a list of strings`);
        if (required && v.length === 0) throw new TypeError(`${at}: ${name} needs at least one entry`);
        return v as string[];
      };
      if (typeof rule !== 'object' || rule === null) throw new TypeError(`${at}: must be an object`);
      for (const origin of list('allowedOrigins', rule.allowedOrigins, true)) {
        if (wildcards(origin) > 1) throw new TypeError(`${at}: AllowedOrigin "${origin}" can not have more than one wildcard.`);
      }
      for (const method of list('allowedMethods', rule.allowedMethods, true)) {
        if (!CORS_METHODS.has(method)) throw new TypeError(`${at}: Found unsupported HTTP method in CORS config. Unsupported method is ${method}`);
      }
      for (const header of list('allowedHeaders', rule.allowedHeaders, false)) {
        if (wildcards(header) > 1) throw new TypeError(`${at}: AllowedHeader "${header}" can not have more than one wildcard.`);
      }
      list('exposeHeaders', rule.exposeHeaders, false);
      const age = rule.maxAgeSeconds;
      if (age !== undefined && (!Number.isSafeInteger(age) || age < 0)) throw new TypeError(`${at}: maxAgeSeconds must be a non-negative integer (got ${String(age)})`);
      if (rule.id !== undefined && (typeof rule.id !== 'string' || rule.id.length > 255)) throw new TypeError(`${at}: id must be a string of at most 255 characters`);
    });
  }
}

/** A bucket's CORS rules: the config file's, then those set through the S3 API (none when it has none, also for names like `__proto__`). */
function rulesOf(config: Pick<ConfigSnapshot, 'cors'>, bucket: string, api: BucketConfig | undefined): readonly CorsRule[] {
  return corsRulesFor(Object.hasOwn(config.cors, bucket) ? config.cors[bucket] : undefined, api);
}

function wildcards(s: string): number {
  let n = 0;
  for (const c of s) if (c === '*') n++;
  return n;
}

/** `pattern` with at most one `*` (matching any run of characters, also none) against `value`. */
export function wildcardMatch(pattern: string, value: string): boolean {
  const star = pattern.indexOf('*');
  if (star === -1) return pattern === value;
  const head = pattern.slice(0, star);
  const tail = pattern.slice(star + 1);
  return value.length >= head.length + tail.length && value.startsWith(head) && value.endsWith(tail);
}

/** The origin pattern of `rule` that matches `origin` (case-sensitive, as origins are serialized), if any. */
function matchingOrigin(rule: CorsRule, origin: string): string | undefined {
  return rule.allowedOrigins.find((p) => wildcardMatch(p, origin));
}

/** Every requested header must match an allowed header (case-insensitive; `*` wildcards). */
function headersAllowed(rule: CorsRule, requested: readonly string[]): boolean {
  const allowed = (rule.allowedHeaders ?? []).map((h) => h.toLowerCase());
  return requested.every((h) => allowed.some((p) => wildcardMatch(p, h)));
}

/** The first rule allowing `origin` and `method` (and `requested` headers), with the matched origin pattern. */
function firstMatch(rules: readonly CorsRule[], origin: string, method: string, requested: readonly string[]): { rule: CorsRule; pattern: string } | undefined {
  for (const rule of rules) {
    const pattern = matchingOrigin(rule, origin);
    if (pattern !== undefined && rule.allowedMethods.includes(method) && headersAllowed(rule, requested)) return { rule, pattern };
  }
  return undefined;
}

/** The headers S3 answers a matched CORS request with (preflight and actual). */
function ruleHeaders(rule: CorsRule, pattern: string, origin: string): Record<string, string> {
  const wildcard = pattern === '*';
  const out: Record<string, string> = {
    'access-control-allow-origin': wildcard ? '*' : origin,
    'access-control-allow-methods': rule.allowedMethods.join(', '),
  };
  // S3 allows credentials for an echoed origin; a `*` answer cannot carry them (Fetch).
  if (!wildcard) out['access-control-allow-credentials'] = 'true';
  if (rule.exposeHeaders !== undefined && rule.exposeHeaders.length > 0) out['access-control-expose-headers'] = rule.exposeHeaders.join(', ');
  if (rule.maxAgeSeconds !== undefined) out['access-control-max-age'] = String(rule.maxAgeSeconds);
  out['vary'] = VARY;
  return out;
}

function headerOf(req: GatewayRequest, name: string): string | undefined {
  const values: string[] = [];
  if (Array.isArray(req.headers)) {
    for (const [n, v] of req.headers as readonly (readonly [string, string])[]) if (n.toLowerCase() === name) values.push(v);
  } else {
    for (const [n, v] of Object.entries(req.headers as Record<string, string | readonly string[] | undefined>)) {
      if (n.toLowerCase() !== name || v === undefined) continue;
      if (typeof v === 'string') values.push(v);
      else values.push(...v);
    }
  }
  return values.length === 0 ? undefined : values.join(',');
}

/** Bucket and key of an OPTIONS request, path-style or virtual-hosted (the gateway's base domains). */
export function preflightTarget(req: GatewayRequest, config: Pick<ConfigSnapshot, 'router'>): { bucket: string | undefined; key: string | undefined } {
  // Routed as a GET of the same URL without its query: OPTIONS addresses the resource, not a sub-resource.
  const path = req.target.split('?')[0] ?? '/';
  const r = config.router.route('GET', headerOf(req, 'host'), path);
  return { bucket: r.bucket, key: r.key };
}

/**
 * CORS preflight (`OPTIONS` on a bucket or an object, path-style or virtual-hosted), answered
 * from the bucket's rules as S3 does and never authorized:
 * - no `Origin`: 400 BadRequest "Insufficient information. Origin request header needed.";
 * - a bucket without rules: 403 AccessForbidden "CORSResponse: CORS is not enabled for this bucket.";
 * - no `Access-Control-Request-Method`: 400 BadRequest "Invalid Access-Control-Request-Method: null";
 * - no rule allowing the origin, the method and every requested header (first match wins):
 *   403 AccessForbidden "CORSResponse: This CORS request is not allowed. ..." (with `Method`
 *   and `ResourceType`);
 * - a match: 200 with `Access-Control-Allow-Origin` (the origin, or `*` for a `*` rule),
 *   `-Allow-Methods` (the rule's), `-Allow-Headers` (the requested ones, lower case),
 *   `-Expose-Headers`, `-Max-Age`, `-Allow-Credentials` (not with `*`) and `Vary`.
 * @throws S3Error BadRequest (400), AccessForbidden (403), and the router's InvalidBucketName/InvalidURI (400).
 */
export async function preflight(
  req: GatewayRequest,
  config: Pick<ConfigSnapshot, 'router' | 'cors'>,
  info: RequestInfo,
  apiConfig?: (bucket: string) => Promise<BucketConfig | undefined>,
): Promise<GatewayResponse> {
  info.operation = 'PreflightRequest';
  const origin = headerOf(req, 'origin');
  if (origin === undefined || origin === '') throw s3Error('BadRequest', 'Insufficient information. Origin request header needed.');
  const { bucket, key } = preflightTarget(req, config);
  info.bucket = bucket;
  info.key = key;
  const method = headerOf(req, 'access-control-request-method')?.trim();
  if (bucket === undefined) throw s3Error('AccessForbidden', 'CORSResponse: Bucket not found', { details: { Method: method ?? 'OPTIONS', ResourceType: 'BUCKET' } });
  const rules = rulesOf(config, bucket, await apiConfig?.(bucket));
  if (rules.length === 0) throw s3Error('AccessForbidden', NOT_ENABLED, { details: { Method: method ?? 'OPTIONS', ResourceType: 'BUCKET' } });
  if (method === undefined || method === '') throw s3Error('BadRequest', 'Invalid Access-Control-Request-Method: null');
  const requested = (headerOf(req, 'access-control-request-headers') ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== '');
  const match = firstMatch(rules, origin, method, requested);
  if (match === undefined) throw s3Error('AccessForbidden', undefined, { details: { Method: method, ResourceType: key === undefined ? 'BUCKET' : 'OBJECT' } });
  const headers = ruleHeaders(match.rule, match.pattern, origin);
  if (requested.length > 0) headers['access-control-allow-headers'] = requested.join(', ');
  headers['x-amz-request-id'] = info.requestId;
  headers['content-length'] = '0';
  return { status: 200, headers, info };
}

/**
 * The `Access-Control-*` headers (and `Vary`) an actual request's answer carries, error answers
 * included, when its `Origin` matches a rule of the bucket for its method (an
 * `Access-Control-Request-Method` header on the request decides instead, as S3 does). Request
 * headers are not checked (only preflights do). Empty when nothing matches.
 */
export function corsHeaders(parsed: ParsedRequest, config: Pick<ConfigSnapshot, 'cors'>, api?: BucketConfig): Record<string, string> {
  const origin = parsed.headers['origin'];
  const bucket = parsed.route.bucket;
  if (origin === undefined || origin === '' || bucket === undefined) return {};
  const rules = rulesOf(config, bucket, api);
  if (rules.length === 0) return {};
  const method = parsed.headers['access-control-request-method']?.trim() || parsed.method;
  const match = firstMatch(rules, origin, method, []);
  return match === undefined ? {} : ruleHeaders(match.rule, match.pattern, origin);
}
