import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PolicyValidationError, parsePolicy, trustProxy } from '@s3kit/gateway';
import { OPERATIONS } from '@s3kit/xml-shapes/operations';
import { parse as parseYaml } from 'yaml';
import { ConfigError, Problems } from './config-errors.js';
import { isObj, Reader } from './config-reader.js';
import { expandEnv, secretOf } from './secrets.js';
import { readCaFile, readUpstreamCredentials, type UpstreamCredentialsConfig } from './upstream-credentials.js';

export { ConfigError } from './config-errors.js';

export type Access = 'read' | 'write' | 'readwrite';
export interface AllowRuleConfig {
  bucket: string;
  access: Access;
}
/**
 * A gateway identity. `allow` is the shorthand allow-list (translated into an identity policy by
 * the gateway), `policies` are AWS JSON identity policies; at least one of them is given.
 */
export interface IdentityConfig {
  name?: string;
  accessKeyId: string;
  secretAccessKey: string;
  upstream?: string;
  account?: string;
  allow?: AllowRuleConfig[];
  policies?: unknown[];
}
/** One CORS rule of a bucket (S3's CORSRule), passed to the gateway's `cors` option. */
export interface CorsRuleConfig {
  id?: string;
  allowedOrigins: string[];
  allowedMethods: string[];
  allowedHeaders?: string[];
  exposeHeaders?: string[];
  maxAgeSeconds?: number;
}
/** A client bucket served by an upstream bucket, optionally inside a key prefix of it. */
export interface BucketMappingConfig {
  bucket: string;
  upstreamBucket?: string;
  prefix?: string;
}
export interface LocalUpstreamConfig {
  type: 'local';
  dir: string;
  fsync: boolean;
  bucketMappings: BucketMappingConfig[];
}
export interface S3UpstreamConfig {
  type: 's3';
  endpoint: string;
  region: string;
  addressing: 'path' | 'virtual';
  /** Fixed keys (inline, from files or `${ENV}`) or one of `@s3kit/client`'s providers. */
  credentials: UpstreamCredentialsConfig;
  /** Extra trusted CA certificates (PEM text of `caFile`) for an `https` endpoint. */
  ca: string | undefined;
  buckets: Record<string, string>;
  /**
   * What the upstream accepts; `unsupported`: catalogue operations answered NotImplemented without
   * forwarding; `minioExtensions`: MinIO's own operations (ListenBucketNotification) are forwarded.
   */
  profile: { checksumHeaders: boolean; signPayloadHash: boolean; trailers: boolean; unsupported: string[]; minioExtensions: boolean };
  bucketMappings: BucketMappingConfig[];
  /** System bucket (and key prefix) for bucket policies, CORS and public access blocks set through the S3 API. */
  configStore: { bucket: string; prefix: string } | undefined;
}
export type UpstreamConfig = LocalUpstreamConfig | S3UpstreamConfig;
/** A webhook target of the embedded store's bucket notifications (see `notifications`). */
export interface WebhookTargetConfig {
  arn: string;
  endpoint: string;
  authToken?: string;
  headers?: Record<string, string>;
  maxQueued: number;
  concurrency: number;
  timeoutMs: number;
  retry: { baseMs: number; maxMs: number };
}
/** PEM files of the S3 listener's certificate, its private key and an optional CA chain (absolute paths). */
export interface TlsConfig {
  cert: string;
  key: string;
  ca?: string;
}

export type LogFormat = 'json' | 'pretty';

/** The validated program configuration. */
export interface GatewayConfig {
  listen: { host: string; port: number };
  /** Serve S3 over HTTPS with these files (re-read on SIGHUP); undefined: plain HTTP. */
  tls: TlsConfig | undefined;
  /**
   * Addresses/CIDRs (or `loopback`) of trusted reverse proxies: only their `X-Forwarded-For/Proto/Host`
   * count (client address, scheme, host). Empty: the headers are ignored.
   */
  trustProxy: string[];
  /**
   * Metrics, /healthz, /readyz and /explain; port 0 picks a free one, `null` disables. With a
   * `token` (inline or `tokenFile`), every endpoint but /healthz needs `Authorization: Bearer <token>`.
   */
  admin: { host: string; port: number; token?: string | undefined } | null;
  region: string;
  baseDomains: string[];
  /** Answer presigned GET/HEAD with a 307 to an upstream presigned URL (remote S3 upstreams). */
  presignedRedirect: boolean;
  /** `format`: JSON lines (default) or `pretty` (one human line per request; colours on a TTY). */
  log: { level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent'; format: LogFormat };
  limits: {
    maxHeaderSize: number;
    requestTimeoutMs: number;
    headersTimeoutMs: number;
    /** Longest wait for the next body bytes, and the grace period of `minBodyBytesPerSecond`. */
    bodyTimeoutMs: number;
    minBodyBytesPerSecond: number;
    maxConcurrentRequests: number;
    /** Share (0–1) of `maxConcurrentRequests` unsigned requests (anonymous, POST forms) may hold. */
    maxUnauthenticatedShare: number;
    shutdownTimeoutMs: number;
  };
  identities: IdentityConfig[];
  anonymous: { allow: AllowRuleConfig[]; upstream?: string } | undefined;
  /** Bucket policies by client bucket name (from `buckets.<name>.policy`), validated. */
  bucketPolicies: Record<string, unknown>;
  /** CORS rules by client bucket name (from `buckets.<name>.cors`). */
  cors: Record<string, CorsRuleConfig[]>;
  /** Bucket policies, CORS and public access blocks through the S3 API: writes on/off, staleness bound across gateways. */
  bucketConfig: { writes: boolean; maxStalenessMs: number };
  upstreams: Record<string, UpstreamConfig>;
  /** Webhook targets by ARN, given to every local upstream (each queues in its own `dir`). */
  notifications: { targets: WebhookTargetConfig[] };
  /** Where the config came from (file path, or `defaults`). */
  source: string;
  /** True when the identities are the generated development keys. */
  devKeys: boolean;
  /**
   * The browser upload page at `/_s3kit/upload` and its same-origin ticket route, which issues
   * upload tickets for `identity` (by name or access key id) to anyone who can reach the page.
   * On by default in development mode only.
   */
  uploadPage: { enabled: boolean; identity: string | undefined; bucket: string | undefined };
}

/** `profile.unsupported`: a list of S3 operation names of the @s3kit/xml-shapes catalogue. */
function unsupportedOperations(p: Reader): string[] {
  return p.each('unsupported', (v, i) => {
    if (typeof v !== 'string' || !Object.hasOwn(OPERATIONS, v)) p.fail(`unsupported[${i}]`, `must be an S3 operation name such as DeleteBucketEncryption (got ${JSON.stringify(v)})`);
    return v;
  });
}

const TOP = [
  'listen',
  'tls',
  'trustProxy',
  'admin',
  'region',
  'baseDomains',
  'log',
  'limits',
  'identities',
  'anonymous',
  'upstreams',
  'presignedRedirect',
  'uploadPage',
  'buckets',
  'bucketConfig',
  'notifications',
];

/**
 * A policy document (an object, or JSON text) validated with the gateway's parser; every problem
 * is reported with its place, e.g. `identities[0].policies[1].Statement[2].Effect: must be …`.
 */
function policyDoc(r: Reader, field: string, v: unknown, kind: 'identity' | 'bucket', bucket?: string): unknown {
  try {
    parsePolicy(v, { kind, ...(bucket === undefined ? {} : { bucket }) });
  } catch (err) {
    if (!(err instanceof PolicyValidationError)) throw err;
    // "Statement[2].Effect: must be …" → "<field>.Statement[2].Effect: must be …"; "Policy: …" → "<field>: …".
    const placed = err.problems.map((p) => {
      const at = p.indexOf(': ');
      const where = at < 0 ? 'Policy' : p.slice(0, at);
      return { field: where === 'Policy' ? field : `${field}.${where}`, message: at < 0 ? p : p.slice(at + 2) };
    });
    const [first, ...rest] = placed;
    const more = rest.length === 0 ? '' : ` (and ${rest.length} more: ${rest.map((q) => `${r.where(q.field)}: ${q.message}`).join('; ')})`;
    r.fail(first!.field, `${first!.message}${more}`);
  }
  return v;
}

function corsRules(r: Reader, field: string): CorsRuleConfig[] {
  const methods = ['GET', 'PUT', 'POST', 'DELETE', 'HEAD'] as const;
  return r.each(field, (v, i) => {
    const c = r.item(field, i, v, ['id', 'allowedOrigins', 'allowedMethods', 'allowedHeaders', 'exposeHeaders', 'maxAgeSeconds']);
    const strings = (name: string, required: boolean): string[] | undefined => {
      const list = c.list(name, required);
      if (required && list.length === 0) c.fail(name, 'needs at least one entry');
      list.forEach((s, j) => {
        if (typeof s !== 'string' || s === '') c.report(`${name}[${j}]`, `must be a non-empty string (got ${JSON.stringify(s)})`);
      });
      return c.raw()[name] === undefined ? undefined : (list as string[]);
    };
    const allowedOrigins = strings('allowedOrigins', true)!;
    const allowedMethods = strings('allowedMethods', true)!;
    allowedMethods.forEach((m, j) => {
      if (!(methods as readonly string[]).includes(m)) c.report(`allowedMethods[${j}]`, `must be one of ${methods.join(', ')} (got ${JSON.stringify(m)})`);
    });
    const allowedHeaders = strings('allowedHeaders', false);
    const exposeHeaders = strings('exposeHeaders', false);
    const id = c.optStr('id');
    const maxAge = c.raw()['maxAgeSeconds'] === undefined ? undefined : c.int('maxAgeSeconds', 0, 0);
    return {
      ...(id === undefined ? {} : { id }),
      allowedOrigins,
      allowedMethods,
      ...(allowedHeaders === undefined ? {} : { allowedHeaders }),
      ...(exposeHeaders === undefined ? {} : { exposeHeaders }),
      ...(maxAge === undefined ? {} : { maxAgeSeconds: maxAge }),
    };
  });
}

function bucketsConfig(r: Reader): { bucketPolicies: Record<string, unknown>; cors: Record<string, CorsRuleConfig[]> } {
  const bucketPolicies: Record<string, unknown> = {};
  const cors: Record<string, CorsRuleConfig[]> = {};
  for (const [name, v] of Object.entries(r.record('buckets'))) {
    if (!isObj(v)) {
      r.report(`buckets.${name}`, 'must be an object with policy and/or cors');
      continue;
    }
    const b = r.child(`buckets.${name}`, v, ['policy', 'cors']);
    if (v['policy'] !== undefined) r.guard(() => (bucketPolicies[name] = policyDoc(b, 'policy', v['policy'], 'bucket', name)), undefined);
    if (v['cors'] !== undefined) cors[name] = corsRules(b, 'cors');
  }
  return { bucketPolicies, cors };
}

function allowList(r: Reader, field: string): AllowRuleConfig[] {
  return r.each(
    field,
    (v, i) => {
      const a = r.item(field, i, v, ['bucket', 'access']);
      return { bucket: a.str('bucket'), access: a.oneOf('access', ['read', 'write', 'readwrite'] as const) };
    },
    true,
  );
}

function tlsConfig(r: Reader, baseDir: string): TlsConfig | undefined {
  const t = r.obj_('tls', ['cert', 'key', 'ca']);
  if (t === undefined) return undefined;
  const ca = t.optStr('ca');
  return { cert: resolve(baseDir, t.str('cert')), key: resolve(baseDir, t.str('key')), ...(ca === undefined ? {} : { ca: resolve(baseDir, ca) }) };
}

/** Checks trusted proxy entries with the gateway's own parser (the one the listener uses). */
function proxyList(entries: readonly unknown[], report: (field: string, msg: string) => void, field: string): string[] {
  return entries.flatMap((v, i) => {
    let valid = typeof v === 'string' && v.trim() !== '';
    try {
      if (valid) trustProxy([v as string]);
    } catch {
      valid = false;
    }
    if (!valid) report(`${field}[${i}]`, `must be an address, a CIDR or loopback (got ${JSON.stringify(v)})`);
    return valid ? [(v as string).trim()] : [];
  });
}

function bucketMappings(r: Reader): BucketMappingConfig[] {
  const seen = new Set<string>();
  return r.each('bucketMappings', (v, i) => {
    const m = r.item('bucketMappings', i, v, ['bucket', 'upstreamBucket', 'prefix']);
    const bucket = m.str('bucket');
    if (seen.has(bucket)) m.fail('bucket', `${bucket} is mapped twice`);
    seen.add(bucket);
    const upstreamBucket = m.optStr('upstreamBucket');
    const prefix = m.optStr('prefix');
    if (prefix?.startsWith('/')) m.fail('prefix', 'must not start with "/"');
    return { bucket, ...(upstreamBucket === undefined ? {} : { upstreamBucket }), ...(prefix === undefined ? {} : { prefix }) };
  });
}

const ARN = /^arn:(aws(-cn|-us-gov)?:(sqs|sns|lambda):[a-z0-9-]+:\d{12}|minio:sqs::[^:\s]+):\S+$/;

/** `notifications.targets`: webhook targets of the embedded store, by unique ARN. */
function webhookTargets(r: Reader): WebhookTargetConfig[] {
  const n = r.obj_('notifications', ['targets']);
  if (n === undefined) return [];
  const seen = new Set<string>();
  return n.each('targets', (v, i) => {
    const t = n.item('targets', i, v, ['arn', 'endpoint', 'authToken', 'headers', 'maxQueued', 'concurrency', 'timeoutMs', 'retry']);
    const arn = t.str('arn');
    if (!ARN.test(arn)) t.fail('arn', `must be an SQS, SNS or Lambda ARN (arn:aws:sqs:REGION:ACCOUNT:NAME) or MinIO's arn:minio:sqs::ID:webhook (got ${JSON.stringify(arn)})`);
    if (seen.has(arn)) t.fail('arn', `${arn} is given twice`);
    seen.add(arn);
    const endpoint = t.str('endpoint');
    if (!/^https?:\/\/[^/]+/.test(endpoint)) t.fail('endpoint', `must be an http(s) URL (got ${JSON.stringify(endpoint)})`);
    const headers: Record<string, string> = {};
    for (const [k, h] of Object.entries(t.record('headers'))) {
      if (typeof h !== 'string') t.report(`headers.${k}`, 'must be a string');
      else headers[k] = h;
    }
    const retry = t.obj_('retry', ['baseMs', 'maxMs']);
    const authToken = t.optStr('authToken');
    return {
      arn,
      endpoint,
      ...(authToken === undefined ? {} : { authToken }),
      ...(Object.keys(headers).length === 0 ? {} : { headers }),
      maxQueued: t.int('maxQueued', 100_000, 1),
      concurrency: t.int('concurrency', 8, 1, 1024),
      timeoutMs: t.int('timeoutMs', 10_000, 1),
      retry: { baseMs: retry?.int('baseMs', 500, 1) ?? 500, maxMs: retry?.int('maxMs', 60_000, 1) ?? 60_000 },
    };
  });
}

/**
 * Validates a parsed config document (from JSON or YAML), with `${NAME}` references to `env`
 * expanded and secret files (`secretAccessKeyFile`…) read relative to `baseDir`.
 * @throws ConfigError naming the file and the field of every problem, e.g. `gw.yaml: identities[0].allow[1].access: must be one of …`.
 */
export function validateConfig(parsed: unknown, src: string, baseDir = process.cwd(), env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const problems = new Problems(src);
  const doc = expandEnv(parsed, env, problems);
  if (!isObj(doc)) throw new ConfigError(`${src}: the document must be an object`);
  const r = new Reader(problems, '', doc, TOP);
  // A problem no item caught stops the reading; it is reported with the others.
  const config = problems.guard(() => readConfig(r, doc, src, baseDir), undefined);
  problems.throwIfAny();
  return config!;
}

function readConfig(r: Reader, doc: Record<string, unknown>, src: string, baseDir: string): GatewayConfig {
  const listen = r.obj_('listen', ['host', 'port']);
  const adminRaw = doc['admin'];
  let admin: GatewayConfig['admin'];
  if (adminRaw === null || adminRaw === false) admin = null;
  else {
    const a = r.obj_('admin', ['host', 'port', 'token', 'tokenFile']);
    const token = a === undefined ? undefined : adminToken(a, baseDir);
    admin = { host: a?.str('host', '127.0.0.1') ?? '127.0.0.1', port: a?.int('port', 9001, 0, 65535) ?? 9001, ...(token === undefined ? {} : { token }) };
  }
  const log = r.obj_('log', ['level', 'format']);
  const limits = r.obj_('limits', [
    'maxHeaderSize',
    'requestTimeoutMs',
    'headersTimeoutMs',
    'bodyTimeoutMs',
    'minBodyBytesPerSecond',
    'maxConcurrentRequests',
    'maxUnauthenticatedShare',
    'shutdownTimeoutMs',
  ]);
  const upstreams: Record<string, UpstreamConfig> = {};
  const upRaw = r.record('upstreams');
  if (Object.keys(upRaw).length === 0) r.report('upstreams', 'at least one upstream is needed (e.g. default: { type: local, dir: ./.data })');
  // Upstreams that fail still count as named (identities naming them get no second complaint).
  const named = new Set(Object.keys(upRaw));
  for (const [name, v] of Object.entries(upRaw)) {
    if (!isObj(v)) {
      r.report(`upstreams.${name}`, 'must be an object');
      continue;
    }
    const type = v['type'];
    if (type === 'local') {
      const u = r.child(`upstreams.${name}`, v, ['type', 'dir', 'fsync', 'bucketMappings']);
      upstreams[name] = { type: 'local', dir: resolve(baseDir, u.str('dir')), fsync: u.bool('fsync', true), bucketMappings: bucketMappings(u) };
    } else if (type === 's3') {
      const u = r.child(`upstreams.${name}`, v, ['type', 'endpoint', 'region', 'addressing', 'credentials', 'caFile', 'buckets', 'profile', 'bucketMappings', 'configStore']);
      const endpoint = u.str('endpoint');
      if (!/^https?:\/\/[^/]+\/?$/.test(endpoint)) u.report('endpoint', `must be http(s)://host[:port] (got ${JSON.stringify(endpoint)})`);
      const credentials = u.guard(() => readUpstreamCredentials(u, baseDir), { accessKeyId: '', secretAccessKey: '' });
      const ca = readCaFile(u, baseDir);
      if (ca !== undefined && !endpoint.startsWith('https:')) u.report('caFile', 'only for an https endpoint');
      const p = u.obj_('profile', ['checksumHeaders', 'signPayloadHash', 'trailers', 'unsupported', 'minioExtensions']);
      const buckets: Record<string, string> = {};
      for (const [k, b] of Object.entries(u.record('buckets'))) {
        if (typeof b !== 'string') u.report(`buckets.${k}`, 'must be a bucket name');
        else buckets[k] = b;
      }
      upstreams[name] = {
        type: 's3',
        endpoint,
        region: u.str('region', 'us-east-1'),
        addressing: u.oneOf('addressing', ['path', 'virtual'] as const, 'path'),
        credentials,
        ca,
        buckets,
        profile: {
          checksumHeaders: p?.bool('checksumHeaders', true) ?? true,
          signPayloadHash: p?.bool('signPayloadHash', true) ?? true,
          trailers: p?.bool('trailers', false) ?? false,
          unsupported: p === undefined ? [] : unsupportedOperations(p),
          minioExtensions: p?.bool('minioExtensions', false) ?? false,
        },
        bucketMappings: bucketMappings(u),
        configStore: u.guard(() => configStoreOf(u), undefined),
      };
    } else r.report(`upstreams.${name}.type`, `must be local or s3 (got ${JSON.stringify(type)})`);
  }
  const identities = parseIdentities(r, named, baseDir);
  const notifications = { targets: webhookTargets(r) };
  const { bucketPolicies, cors } = bucketsConfig(r);
  const bc = r.obj_('bucketConfig', ['writes', 'maxStalenessMs']);
  const bucketConfig = { writes: bc?.bool('writes', true) ?? true, maxStalenessMs: bc?.int('maxStalenessMs', 5000, 0) ?? 5000 };
  const anon = r.obj_('anonymous', ['allow', 'upstream']);
  const anonymous = anon === undefined ? undefined : { allow: allowList(anon, 'allow'), ...(anon.optStr('upstream') ? { upstream: anon.optStr('upstream')! } : {}) };
  const baseDomains = r.each('baseDomains', (d, i) => {
    if (typeof d !== 'string' || d === '') return r.fail(`baseDomains[${i}]`, 'must be a host name');
    return d.toLowerCase();
  });
  const page = r.obj_('uploadPage', ['enabled', 'identity', 'bucket']);
  const uploadPage = { enabled: page?.bool('enabled', true) ?? false, identity: page?.optStr('identity'), bucket: page?.optStr('bucket') };
  if (uploadPage.enabled && uploadPage.identity !== undefined && !identities.some((i) => i.name === uploadPage.identity || i.accessKeyId === uploadPage.identity)) {
    page!.report('identity', `no identity named ${JSON.stringify(uploadPage.identity)}`);
  }
  return {
    listen: { host: listen?.str('host', '127.0.0.1') ?? '127.0.0.1', port: listen?.int('port', 9000, 0, 65535) ?? 9000 },
    tls: tlsConfig(r, baseDir),
    trustProxy: proxyList(r.list('trustProxy'), (f, m) => r.report(f, m), 'trustProxy'),
    admin,
    region: r.str('region', 'us-east-1'),
    baseDomains,
    presignedRedirect: r.bool('presignedRedirect', false),
    log: { level: log?.oneOf('level', ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const, 'info') ?? 'info', format: log?.oneOf('format', LOG_FORMATS, 'json') ?? 'json' },
    limits: {
      maxHeaderSize: limits?.int('maxHeaderSize', 16 * 1024, 1024, 1024 * 1024) ?? 16 * 1024,
      requestTimeoutMs: limits?.int('requestTimeoutMs', 15 * 60_000, 0) ?? 15 * 60_000,
      headersTimeoutMs: limits?.int('headersTimeoutMs', 60_000, 1) ?? 60_000,
      bodyTimeoutMs: limits?.int('bodyTimeoutMs', 20_000, 1) ?? 20_000,
      minBodyBytesPerSecond: limits?.int('minBodyBytesPerSecond', 1024, 0) ?? 1024,
      maxConcurrentRequests: limits?.int('maxConcurrentRequests', 1024, 1) ?? 1024,
      maxUnauthenticatedShare: limits?.num('maxUnauthenticatedShare', 0.5, 0, 1) ?? 0.5,
      shutdownTimeoutMs: limits?.int('shutdownTimeoutMs', 30_000, 0) ?? 30_000,
    },
    identities,
    anonymous,
    bucketPolicies,
    cors,
    bucketConfig,
    upstreams,
    notifications,
    source: src,
    devKeys: false,
    uploadPage,
  };
}

const LOG_FORMATS = ['json', 'pretty'] as const;

/** `admin.token` or `admin.tokenFile` (its content without the trailing newline); at least 16 characters. */
function adminToken(a: Reader, baseDir: string): string | undefined {
  const token = secretOf(a, 'token', baseDir, false);
  if (token !== undefined && token !== '' && (token.length < 16 || /\s/.test(token))) a.report(a.has('tokenFile') ? 'tokenFile' : 'token', 'must be at least 16 characters without spaces');
  return token;
}

/** `upstreams.<name>.configStore: { bucket, prefix }` of an S3 upstream. */
function configStoreOf(u: Reader): { bucket: string; prefix: string } | undefined {
  const c = u.obj_('configStore', ['bucket', 'prefix']);
  if (c === undefined) return undefined;
  const bucket = c.str('bucket');
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) c.fail('bucket', `must be a bucket name (got ${JSON.stringify(bucket)})`);
  return { bucket, prefix: c.optStr('prefix') ?? '' };
}

function parseIdentities(r: Reader, upstreams: ReadonlySet<string>, baseDir: string): IdentityConfig[] {
  const seen = new Set<string>();
  return r.each(
    'identities',
    (v, i) => {
      const id = r.item('identities', i, v, ['name', 'accessKeyId', 'secretAccessKey', 'secretAccessKeyFile', 'upstream', 'account', 'allow', 'policies']);
      const accessKeyId = id.str('accessKeyId');
      if (seen.has(accessKeyId)) id.report('accessKeyId', `duplicate access key ${accessKeyId}`);
      seen.add(accessKeyId);
      const upstream = id.optStr('upstream');
      if (upstream === undefined && !upstreams.has('default')) id.report('upstream', 'missing, and there is no upstream named "default"');
      if (upstream !== undefined && !upstreams.has(upstream)) id.report('upstream', `no upstream named ${JSON.stringify(upstream)}`);
      const name = id.optStr('name');
      // Identities without an account share the default one (see the gateway README's "Accounts").
      const account = id.optStr('account');
      if (account !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(account)) id.report('account', "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
      const raw = id.raw();
      const policies = raw['policies'] === undefined ? undefined : id.each('policies', (doc, j) => policyDoc(id, `policies[${j}]`, doc, 'identity'));
      // The allow shorthand is required unless the identity has policies.
      const allow = raw['allow'] !== undefined || policies === undefined ? allowList(id, 'allow') : undefined;
      return {
        ...(name ? { name } : {}),
        accessKeyId,
        secretAccessKey: secretOf(id, 'secretAccessKey', baseDir, true),
        ...(upstream ? { upstream } : {}),
        ...(account === undefined ? {} : { account }),
        ...(allow === undefined ? {} : { allow }),
        ...(policies === undefined ? {} : { policies }),
      };
    },
    true,
  );
}

/** Reads and validates a JSON or YAML file (by extension; YAML otherwise, which also reads JSON). */
export function loadConfigFile(file: string): GatewayConfig {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let doc: unknown;
  try {
    doc = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { prettyErrors: true });
  } catch (err) {
    // The parser's first line names the place (`… at line 2, column 6:`); a code excerpt follows.
    throw new ConfigError(`${file}: not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]!.replace(/:$/, '')}`);
  }
  return validateConfig(doc, file, resolve(path, '..'));
}

/**
 * The zero-config development setup: the embedded store in `dataDir` and one admin identity
 * whose keys are generated once and kept in `<dataDir>/dev-keys.json`.
 */
export function devConfig(dataDir: string): GatewayConfig {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const keysFile = join(dir, 'dev-keys.json');
  let keys: { accessKeyId: string; secretAccessKey: string };
  if (existsSync(keysFile)) keys = JSON.parse(readFileSync(keysFile, 'utf8')) as typeof keys;
  else {
    keys = { accessKeyId: `S3KIT${randomBytes(8).toString('hex').toUpperCase()}`.slice(0, 20), secretAccessKey: randomBytes(30).toString('base64url') };
    writeFileSync(keysFile, JSON.stringify(keys, null, 2) + '\n', { mode: 0o600 });
  }
  const cfg = validateConfig(
    {
      identities: [{ name: 'dev', ...keys, allow: [{ bucket: '*', access: 'readwrite' }] }],
      upstreams: { default: { type: 'local', dir: join(dir, 'store') } },
    },
    'defaults',
  );
  return { ...cfg, devKeys: true, uploadPage: { enabled: true, identity: 'dev', bucket: undefined } };
}

/** Flags and environment that override the file (flags win over env). */
export interface Overrides {
  host?: string | undefined;
  port?: number | undefined;
  adminPort?: number | undefined;
  logLevel?: string | undefined;
  logFormat?: string | undefined;
  tlsCert?: string | undefined;
  tlsKey?: string | undefined;
  tlsCa?: string | undefined;
  /** Comma-separated trusted proxies (replaces the file's list). */
  trustProxy?: string | undefined;
}

/** Applies overrides, validating them like file fields. */
export function applyOverrides(cfg: GatewayConfig, o: Overrides): GatewayConfig {
  const out = { ...cfg, listen: { ...cfg.listen }, log: { ...cfg.log } };
  if (o.host !== undefined) out.listen.host = o.host;
  if (o.port !== undefined) {
    if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) throw new ConfigError(`--port: must be an integer from 0 to 65535`);
    out.listen.port = o.port;
  }
  if (o.adminPort !== undefined) {
    if (!Number.isInteger(o.adminPort) || o.adminPort < -1 || o.adminPort > 65535) throw new ConfigError(`--admin-port: must be an integer from 0 to 65535, or -1 to disable`);
    out.admin = o.adminPort === -1 ? null : { ...cfg.admin, host: cfg.admin?.host ?? out.listen.host, port: o.adminPort };
  }
  if (o.logLevel !== undefined) {
    const levels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
    if (!levels.includes(o.logLevel)) throw new ConfigError(`--log-level: must be one of ${levels.join(', ')}`);
    out.log.level = o.logLevel as GatewayConfig['log']['level'];
  }
  if (o.logFormat !== undefined) {
    if (!(LOG_FORMATS as readonly string[]).includes(o.logFormat)) throw new ConfigError(`--log-format: must be one of ${LOG_FORMATS.join(', ')}`);
    out.log.format = o.logFormat as LogFormat;
  }
  if (o.tlsCert !== undefined || o.tlsKey !== undefined || o.tlsCa !== undefined) {
    const cert = o.tlsCert ?? cfg.tls?.cert;
    const key = o.tlsKey ?? cfg.tls?.key;
    if (cert === undefined || key === undefined) throw new ConfigError('--tls-cert and --tls-key: both are needed for TLS');
    const ca = o.tlsCa ?? cfg.tls?.ca;
    out.tls = { cert: resolve(cert), key: resolve(key), ...(ca === undefined ? {} : { ca: resolve(ca) }) };
  }
  if (o.trustProxy !== undefined) {
    const entries = o.trustProxy
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e !== '');
    out.trustProxy = proxyList(
      entries,
      (_f, m) => {
        throw new ConfigError(`--trust-proxy: ${m}`);
      },
      'trustProxy',
    );
  }
  return out;
}
