import { S3Error } from '@s3kit/errors';
import { validBucketName } from './bucket-name.js';
import { OPERATION_LIST, UNMODELLED_SUBRESOURCES, type HttpMethod, type OperationName, type OperationScope, type OperationSpec } from './operations.js';
import { NullProtoObject } from './null-proto.js';
import { utf8Length } from './utf8-length.js';

/** Options for {@link createRouter} and {@link route}. */
export interface RouterOptions {
  /**
   * Host names that serve path-style requests; a host `<bucket>.<baseDomain>` is virtual-hosted
   * style. Any other host (an IP address, `localhost`, an unknown name) is path-style.
   * **Default:** `[]` (path-style only).
   */
  readonly baseDomains?: readonly string[];
  /**
   * Accept legacy us-east-1 bucket names (uppercase letters, `_`, up to 255 characters).
   * **Default:** `false` (DNS-compatible names only: 3–63 of `a-z 0-9 . -`).
   */
  readonly legacyBucketNames?: boolean;
}

/** The query: a raw query string (with or without `?`), URLSearchParams, or a record. */
export type QueryInput = string | URLSearchParams | Readonly<Record<string, string | readonly string[] | undefined>> | undefined;

/** Request headers: a Web `Headers`, or a record with lowercase names (Node's `IncomingHttpHeaders`). */
export type HeadersInput = Headers | Readonly<Record<string, string | readonly string[] | number | undefined>> | undefined;

/** What {@link route} found. */
export interface RouteResult {
  /** The operation name, e.g. `ListObjectsV2`. */
  readonly operation: OperationName;
  /** The catalogue row: IAM actions, `streamsBody`, shapes. */
  readonly spec: OperationSpec;
  /** The bucket, or `undefined` for service-level requests. */
  readonly bucket: string | undefined;
  /** The object key (percent-decoded), or `undefined` for bucket- and service-level requests. */
  readonly key: string | undefined;
  /** The decoded query parameters (first value of each key; flags such as `?acl` have value `''`). */
  readonly params: Readonly<Record<string, string>>;
  /** `virtual` when the bucket came from the Host header. */
  readonly style: 'path' | 'virtual';
}

/** A compiled router. */
export interface Router {
  /**
   * Finds the S3 operation a request addresses.
   * @throws S3Error MethodNotAllowed (405, `headers.Allow`), InvalidRequest (400),
   *   NotImplemented (501), InvalidBucketName (400), InvalidURI (400), KeyTooLongError (400),
   *   NoLoggingStatusForKey (400), RequestTorrentOfBucketError (400).
   */
  route(method: string, host: string | undefined, path: string, query?: QueryInput, headers?: HeadersInput): RouteResult;
}

interface CompiledRow {
  readonly spec: OperationSpec;
  readonly query: readonly string[];
  readonly values: readonly (readonly [string, string])[];
  readonly headers: readonly string[];
  readonly accepts: readonly string[];
}

interface MethodTable {
  /** Every row for this scope and method, most specific first. */
  readonly all: readonly CompiledRow[];
  /** Rows without identifying query keys, most specific first. */
  readonly plain: readonly CompiledRow[];
}

type ScopeTable = Partial<Record<string, MethodTable>>;

const METHOD_ORDER: readonly HttpMethod[] = ['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'OPTIONS'];

function specificity(r: CompiledRow): number {
  return r.query.length + r.values.length + r.headers.length;
}

function compileCatalogue(): {
  tables: Record<OperationScope, ScopeTable>;
  identKeys: Set<string>;
  rowsByKey: Map<string, CompiledRow[]>;
} {
  const tables: Record<OperationScope, ScopeTable> = { service: {}, bucket: {}, object: {} };
  const identKeys = new Set<string>(UNMODELLED_SUBRESOURCES);
  const rowsByKey = new Map<string, CompiledRow[]>();
  const grouped: Record<string, CompiledRow[]> = {};
  for (const spec of OPERATION_LIST) {
    if (spec.routedAs !== undefined) continue; // older name of a routed operation
    const row: CompiledRow = {
      spec,
      query: spec.query,
      values: Object.entries(spec.queryValues ?? {}),
      headers: spec.headers ?? [],
      accepts: spec.accepts ?? [],
    };
    (grouped[`${spec.scope} ${spec.method}`] ??= []).push(row);
    for (const k of spec.query) {
      identKeys.add(k);
      let list = rowsByKey.get(k);
      if (list === undefined) rowsByKey.set(k, (list = []));
      list.push(row);
    }
  }
  for (const [group, rows] of Object.entries(grouped)) {
    const [scope, method] = group.split(' ') as [OperationScope, string];
    // Stable sort: equal specificity keeps catalogue order.
    const all = rows.slice().sort((a, b) => specificity(b) - specificity(a));
    tables[scope][method] = { all, plain: all.filter((r) => r.query.length === 0) };
  }
  return { tables, identKeys, rowsByKey };
}

const COMPILED = compileCatalogue();

/**
 * Compiles the catalogue into a router (once; keep the router and reuse it).
 *
 * @example
 * const router = createRouter({ baseDomains: ['s3.example.com'] });
 * router.route('GET', 'photos.s3.example.com', '/2024/a.jpg', 'tagging', {}).operation; // 'GetObjectTagging'
 */
export function createRouter(options: RouterOptions = {}): Router {
  const bases = (options.baseDomains ?? []).map((b) => b.toLowerCase().replace(/\.$/, ''));
  const legacy = options.legacyBucketNames ?? false;
  const { tables, identKeys } = COMPILED;

  function route(method: string, host: string | undefined, path: string, query?: QueryInput, headers?: HeadersInput): RouteResult {
    // `path` may carry the query (Node's req.url).
    const qmark = path.indexOf('?');
    if (qmark !== -1) {
      if (query === undefined) query = path.slice(qmark + 1);
      path = path.slice(0, qmark);
    }
    if (path.charCodeAt(0) !== 47 /* / */) throw new S3Error('InvalidURI', { resource: path });

    const hostBucket = bucketFromHost(host, bases);
    let bucket: string | undefined;
    let keyRaw: string;
    if (hostBucket !== undefined) {
      bucket = hostBucket;
      keyRaw = path.slice(1);
    } else if (path.length === 1) {
      bucket = undefined;
      keyRaw = '';
    } else {
      const slash = path.indexOf('/', 1);
      const raw = slash === -1 ? path.slice(1) : path.slice(1, slash);
      bucket = raw.indexOf('%') === -1 ? raw : decodeOrThrow(raw, path);
      keyRaw = slash === -1 ? '' : path.slice(slash + 1);
    }
    if (bucket !== undefined && !validBucketName(bucket, legacy)) {
      throw new S3Error('InvalidBucketName', { resource: bucket, message: `The specified bucket is not valid: ${JSON.stringify(bucket)}.` });
    }
    let key: string | undefined;
    if (keyRaw.length > 0) {
      key = keyRaw.indexOf('%') === -1 ? keyRaw : decodeOrThrow(keyRaw, path);
      if (key.length > 341 && utf8Length(key) > 1024) throw new S3Error('KeyTooLongError', { resource: path });
    }
    const scope: OperationScope = bucket === undefined ? 'service' : key === undefined ? 'bucket' : 'object';

    const params = manyParams(query) ? (Object.create(null) as Record<string, string>) : new NullProtoObject<string>();
    const nIdent = readQuery(query, params, identKeys, path);

    const table = tables[scope][method];
    let found: CompiledRow | undefined;
    if (table !== undefined) {
      const rows = nIdent === 0 ? table.plain : table.all;
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]!;
        if (matches(row, params, headers)) {
          found = row;
          break;
        }
      }
    }
    if (found === undefined || (nIdent > found.query.length && nIdent > found.query.length + countPresent(found.accepts, params))) {
      throw diagnose(scope, method, path, params, identKeys, found);
    }
    return { operation: found.spec.name, spec: found.spec, bucket, key, params, style: hostBucket === undefined ? 'path' : 'virtual' };
  }

  return { route };
}

function matches(row: CompiledRow, params: Record<string, string>, headers: HeadersInput): boolean {
  const q = row.query;
  for (let i = 0; i < q.length; i++) if (params[q[i]!] === undefined) return false;
  const v = row.values;
  for (let i = 0; i < v.length; i++) if (params[v[i]![0]] !== v[i]![1]) return false;
  const h = row.headers;
  for (let i = 0; i < h.length; i++) if (!hasHeader(headers, h[i]!)) return false;
  return true;
}

function countPresent(keys: readonly string[], params: Record<string, string>): number {
  let n = 0;
  for (let i = 0; i < keys.length; i++) if (params[keys[i]!] !== undefined) n++;
  return n;
}

function hasHeader(headers: HeadersInput, name: string): boolean {
  if (headers === undefined) return false;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) !== null;
  return (headers as Record<string, unknown>)[name] !== undefined;
}

/** Slow path: explains why no row (or a row with leftover sub-resources) matched. */
function diagnose(scope: OperationScope, method: string, resource: string, params: Record<string, string>, identKeys: Set<string>, found: CompiledRow | undefined): S3Error {
  const present = Object.keys(params).filter((k) => identKeys.has(k));
  const unconsumed = present.filter((k) => found === undefined || (!found.query.includes(k) && !found.accepts.includes(k)));
  for (const k of unconsumed) {
    if (UNMODELLED_SUBRESOURCES.includes(k)) {
      return new S3Error('NotImplemented', { resource, message: `The ?${k} sub-resource is not implemented.` });
    }
  }
  const { rowsByKey, tables } = COMPILED;
  for (const k of unconsumed) {
    const rows = rowsByKey.get(k) ?? [];
    const here = rows.filter((r) => r.spec.scope === scope);
    if (here.some((r) => r.spec.method === method)) {
      const r = here.find((x) => x.spec.method === method)!;
      const valued = new Map(r.values);
      const missing = r.query.filter((q) => params[q] === undefined || (valued.has(q) && params[q] !== valued.get(q))).map((q) => (valued.has(q) ? `?${q}=${valued.get(q)}` : `?${q}`));
      return new S3Error('InvalidRequest', {
        resource,
        message:
          missing.length > 0
            ? `${r.spec.name} needs ${missing.join(' and ')}.`
            : `The sub-resource ?${k} cannot be combined with ${present
                .filter((p) => p !== k)
                .map((p) => `?${p}`)
                .join(', ')}.`,
      });
    }
    if (here.length > 0)
      return methodNotAllowed(
        resource,
        here.map((r) => r.spec.method),
      );
    if (k === 'logging' && scope === 'object') return new S3Error('NoLoggingStatusForKey', { resource });
    if (k === 'torrent' && scope === 'bucket') return new S3Error('RequestTorrentOfBucketError', { resource });
    const where = rows[0]?.spec.scope ?? 'bucket';
    return new S3Error('InvalidRequest', { resource, message: `The ?${k} sub-resource applies to a ${where}, not to a ${scope === 'service' ? 'service request' : scope}.` });
  }
  const allowed = Object.entries(tables[scope])
    .filter(([, t]) => t !== undefined && t.plain.length > 0)
    .map(([m]) => m as HttpMethod);
  return methodNotAllowed(resource, allowed);
}

function methodNotAllowed(resource: string, methods: readonly HttpMethod[]): S3Error {
  const allow = METHOD_ORDER.filter((m) => methods.includes(m)).join(', ');
  return new S3Error('MethodNotAllowed', { resource, headers: { Allow: allow } });
}

/** Parses the query into `params` and returns how many identifying sub-resource keys it holds. */
function readQuery(query: QueryInput, params: Record<string, string>, identKeys: Set<string>, resource: string): number {
  let n = 0;
  if (query === undefined || query === '') return 0;
  if (typeof query === 'string') {
    const q = query;
    let i = q.charCodeAt(0) === 63 /* ? */ ? 1 : 0;
    const len = q.length;
    while (i < len) {
      let amp = q.indexOf('&', i);
      if (amp === -1) amp = len;
      if (amp > i) {
        const eq = q.indexOf('=', i);
        let k: string;
        let v: string;
        if (eq === -1 || eq > amp) {
          k = decodeQueryPart(q.slice(i, amp), resource);
          v = '';
        } else {
          k = decodeQueryPart(q.slice(i, eq), resource);
          v = decodeQueryPart(q.slice(eq + 1, amp), resource);
        }
        if (params[k] === undefined) {
          params[k] = v;
          if (identKeys.has(k)) n++;
        }
      }
      i = amp + 1;
    }
    return n;
  }
  if (query instanceof URLSearchParams) {
    for (const [k, v] of query) {
      if (params[k] === undefined) {
        params[k] = v;
        if (identKeys.has(k)) n++;
      }
    }
    return n;
  }
  for (const k in query) {
    const v = query[k];
    if (v === undefined) continue;
    const first = typeof v === 'string' ? v : v[0];
    if (first === undefined || params[k] !== undefined) continue;
    params[k] = first;
    if (identKeys.has(k)) n++;
  }
  return n;
}

/** Above this many query parameters `params` is a dictionary (see {@link manyParams}). */
const MAX_FAST_PARAMS = 32;

/**
 * More query parameters than any S3 request has: `params` is then a dictionary, since in a
 * fast-mode record every name not seen before costs a new hidden class, which unknown names must
 * not multiply.
 */
function manyParams(query: QueryInput): boolean {
  if (query === undefined || query === '') return false;
  if (typeof query === 'string') {
    let amps = 0;
    for (let i = query.indexOf('&'); i !== -1; i = query.indexOf('&', i + 1)) if (++amps >= MAX_FAST_PARAMS) return true;
    return false;
  }
  if (query instanceof URLSearchParams) return query.size > MAX_FAST_PARAMS;
  let keys = 0;
  for (const _ in query) if (++keys > MAX_FAST_PARAMS) return true;
  return false;
}

function decodeQueryPart(s: string, resource: string): string {
  const hasPlus = s.indexOf('+') !== -1;
  if (!hasPlus && s.indexOf('%') === -1) return s;
  return decodeOrThrow(hasPlus ? s.replace(/\+/g, ' ') : s, resource);
}

function decodeOrThrow(s: string, resource: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new S3Error('InvalidURI', { resource });
  }
}

/** The bucket named by a virtual-hosted-style Host header, or undefined for path-style. */
function bucketFromHost(host: string | undefined, bases: readonly string[]): string | undefined {
  if (host === undefined || host.length === 0 || bases.length === 0) return undefined;
  let end = host.length;
  if (host.charCodeAt(0) === 91 /* [ */) return undefined; // IPv6 literal: path-style
  const colon = host.lastIndexOf(':');
  if (colon !== -1) end = colon;
  if (host.charCodeAt(end - 1) === 46 /* . */) end--; // FQDN with trailing dot
  let lower = false;
  for (let i = 0; i < end; i++) {
    const c = host.charCodeAt(i);
    if (c >= 65 && c <= 90) {
      lower = true;
      break;
    }
  }
  const h = lower ? host.slice(0, end).toLowerCase() : end === host.length ? host : host.slice(0, end);
  for (let i = 0; i < bases.length; i++) {
    const b = bases[i]!;
    const cut = h.length - b.length - 1;
    if (cut > 0 && h.charCodeAt(cut) === 46 && h.endsWith(b)) return h.slice(0, cut);
  }
  return undefined;
}

const routers = new WeakMap<RouterOptions, Router>();
let defaultRouter: Router | undefined;

/**
 * Finds the S3 operation a request addresses: `{ operation, spec, bucket, key, params, style }`.
 * Compiles (and caches, per options object) a router; hot paths should keep one from
 * {@link createRouter}.
 *
 * @param method HTTP method, uppercase.
 * @param host The Host header (port allowed), or undefined.
 * @param path The raw (still percent-encoded) request path; may include `?query`.
 * @param query The query, if not in `path`.
 * @param headers Request headers (only identifying ones such as `x-amz-copy-source` are read).
 * @throws S3Error see {@link Router.route}.
 * @example route('PUT', 'localhost:9000', '/b/k', 'partNumber=1&uploadId=x', {}).operation // 'UploadPart'
 */
export function route(method: string, host: string | undefined, path: string, query?: QueryInput, headers?: HeadersInput, options?: RouterOptions): RouteResult {
  let r: Router | undefined;
  if (options === undefined) r = defaultRouter ??= createRouter();
  else {
    r = routers.get(options);
    if (r === undefined) routers.set(options, (r = createRouter(options)));
  }
  return r.route(method, host, path, query, headers);
}
