import { createHash } from 'node:crypto';
import { S3Error, isS3Error, s3Error } from '@s3kit/errors';
import { buildXml, parseCopySource, parseXml } from '@s3kit/xml-shapes';
import { asAsyncIterable, capabilitiesOf, type Upstream, type UpstreamCapabilities, type UpstreamRequest, type UpstreamResponse, type UpstreamResponseBody } from './upstream.js';

/** A client bucket served by an upstream bucket, optionally inside a key prefix of it. */
export interface BucketMapping {
  /** The bucket name clients use. */
  readonly bucket: string;
  /** The bucket on the upstream. **Default:** `bucket`. */
  readonly upstreamBucket?: string | undefined;
  /**
   * Every key lives under this prefix upstream (e.g. `'tenant-a/'`); clients never see it and
   * never see keys outside it. **Default:** `''` (none).
   */
  readonly prefix?: string | undefined;
}

interface Mapping {
  readonly bucket: string;
  readonly upstreamBucket: string;
  readonly prefix: string;
}

/**
 * Bucket-level operations a prefixed mapping still serves: they read (or, DeleteObjects, act on
 * keys, rewritten). Every other bucket-level operation would act on the whole upstream bucket,
 * other tenants' keys included, so it answers NotImplemented.
 */
const PREFIXED_BUCKET_OPS = new Set(['HeadBucket', 'GetBucketLocation', 'GetBucketVersioning', 'ListObjects', 'ListObjectsV2', 'ListObjectVersions', 'ListMultipartUploads', 'DeleteObjects']);

/** Operations whose XML response names keys or the bucket (rewritten on the way back). */
const REWRITTEN_RESPONSES = new Set(['ListObjects', 'ListObjectsV2', 'ListObjectVersions', 'ListMultipartUploads', 'ListParts', 'CreateMultipartUpload', 'CompleteMultipartUpload', 'DeleteObjects']);

/** Listing and DeleteObjects documents are small; anything bigger is not one. */
const MAX_XML_BYTES = 32 * 1024 * 1024;

/** Drops the fields that are `undefined` (the XML shapes take absent fields, not undefined ones). */
function defined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}

function hasDotSegment(key: string): boolean {
  return key.split('/').some((s) => s === '.' || s === '..');
}

function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

async function readAll(body: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array> | UpstreamResponseBody | undefined): Promise<Uint8Array> {
  if (body === undefined) return new Uint8Array(0);
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (body instanceof Uint8Array) return body;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const c of asAsyncIterable(body)) {
    size += c.length;
    if (size > MAX_XML_BYTES) throw s3Error('MaxMessageLengthExceeded', 'The XML document is larger than the gateway rewrites.');
    chunks.push(c);
  }
  return Buffer.concat(chunks, size);
}

/**
 * Wraps an upstream so that client buckets map to upstream buckets and, optionally, to a key
 * prefix inside them. Requests: the bucket renamed, keys (also in `x-amz-copy-source` and the
 * DeleteObjects body) prefixed, and listing parameters (`prefix`, `marker`, `start-after`,
 * `key-marker`) moved under the prefix. Responses: listings, multipart and DeleteObjects XML
 * parsed and rebuilt with `@s3kit/xml-shapes` (so `EncodingType=url` stays right) with the
 * prefix stripped and the client bucket named; an entry outside the prefix is never shown.
 * On a prefixed mapping, bucket-level operations other than reads, listings and DeleteObjects
 * (CreateBucket, DeleteBucket, bucket configuration) answer NotImplemented (501), and keys with
 * `.` or `..` path segments answer InvalidArgument (400), so no path normalization anywhere
 * can lead outside the prefix. MinIO's event listeners (ListenBucketNotification on a mapped
 * bucket, ListenNotification) answer NotImplemented: their records are not rewritten.
 * @throws TypeError for a duplicate client bucket or a prefix starting with `/`.
 */
export function mapBuckets(upstream: Upstream, mappings: readonly BucketMapping[]): Upstream {
  const byBucket = new Map<string, Mapping>();
  for (const m of mappings) {
    if (byBucket.has(m.bucket)) throw new TypeError(`bucket mappings: ${m.bucket} is mapped twice`);
    const prefix = m.prefix ?? '';
    if (prefix.startsWith('/')) throw new TypeError(`bucket mappings: the prefix of ${m.bucket} must not start with "/"`);
    byBucket.set(m.bucket, { bucket: m.bucket, upstreamBucket: m.upstreamBucket ?? m.bucket, prefix });
  }
  const inner = capabilitiesOf(upstream);
  return {
    capabilities: {
      acceptsUnknownLength: inner.acceptsUnknownLength,
      presign: inner.presign === undefined ? undefined : mappedPresign(inner.presign, byBucket),
      // Documents are named by client bucket: the gateway's configuration is in client terms.
      configStore: inner.configStore,
    },
    async handle(req: UpstreamRequest): Promise<UpstreamResponse> {
      const m = req.bucket === undefined ? undefined : byBucket.get(req.bucket);
      // Event records name the upstream bucket and keys, and ListenNotification every upstream bucket: not rewritten.
      if ((m !== undefined && req.operation === 'ListenBucketNotification') || req.operation === 'ListenNotification') {
        throw s3Error('NotImplemented', `${req.operation} is not available through bucket mappings.`, { resource: `/${req.bucket ?? ''}` });
      }
      const out = await mapRequest(req, m, byBucket);
      let res: UpstreamResponse;
      try {
        res = await upstream.handle(out);
      } catch (err) {
        throw m === undefined ? err : clientError(err, m);
      }
      if (req.operation === 'ListBuckets' && res.body !== undefined) return listBuckets(res, byBucket);
      if (m === undefined || !REWRITTEN_RESPONSES.has(req.operation) || res.body === undefined || req.method === 'HEAD') return res;
      return mapResponse(req.operation, res, m);
    },
  };
}

/**
 * Presigning through the mappings: the URL names the upstream bucket and prefixed key. Requests
 * whose answer the mapping rewrites (listings, multipart and DeleteObjects documents,
 * ListBuckets) or that act on a whole prefixed bucket are not presigned (`undefined`): the
 * gateway serves them itself.
 */
function mappedPresign(presign: NonNullable<UpstreamCapabilities['presign']>, byBucket: ReadonlyMap<string, Mapping>): UpstreamCapabilities['presign'] {
  return (req, expiresIn) => {
    if (req.operation === 'ListBuckets' || REWRITTEN_RESPONSES.has(req.operation)) return undefined;
    const m = req.bucket === undefined ? undefined : byBucket.get(req.bucket);
    if (m === undefined) return presign(req, expiresIn);
    if (m.prefix !== '' && req.key === undefined) return undefined;
    const key = req.key === undefined ? undefined : checkKey(req.key, m, `/${m.bucket}/${req.key}`);
    return presign({ ...req, bucket: m.upstreamBucket, key }, expiresIn);
  };
}

/**
 * An upstream error in client terms: `<Resource>` left to the gateway (the client's path), and
 * `Key` / `BucketName` details without the prefix and with the client bucket, so error bodies
 * do not name the upstream bucket or the prefix.
 */
function clientError(err: unknown, m: Mapping): unknown {
  if (!isS3Error(err)) return err;
  const details: Record<string, string> = { ...err.details };
  if (details['Key'] !== undefined) details['Key'] = details['Key'].startsWith(m.prefix) ? details['Key'].slice(m.prefix.length) : '';
  if (details['BucketName'] !== undefined) details['BucketName'] = m.bucket;
  return new S3Error(err.code, {
    message: err.message,
    status: err.status,
    details,
    headers: { ...err.headers },
    cause: err,
    ...(err.requestId === undefined ? {} : { requestId: err.requestId }),
    ...(err.hostId === undefined ? {} : { hostId: err.hostId }),
  });
}

function checkKey(key: string, m: Mapping, resource: string): string {
  if (m.prefix !== '' && hasDotSegment(key)) {
    throw s3Error('InvalidArgument', 'Keys with "." or ".." path segments are not accepted in this bucket.', { resource });
  }
  return m.prefix + key;
}

async function mapRequest(req: UpstreamRequest, m: Mapping | undefined, byBucket: ReadonlyMap<string, Mapping>): Promise<UpstreamRequest> {
  const resource = `/${req.bucket ?? ''}${req.key === undefined ? '' : `/${req.key}`}`;
  const headers: Record<string, string | undefined> = { ...req.headers };
  const copySource = headers['x-amz-copy-source'];
  if (copySource !== undefined) {
    const src = parseCopySource(copySource);
    const sm = byBucket.get(src.bucket);
    if (sm !== undefined) {
      const key = checkKey(src.key, sm, `/${src.bucket}/${src.key}`);
      headers['x-amz-copy-source'] = `/${encodeURIComponent(sm.upstreamBucket)}/${encodeKey(key)}${src.versionId === undefined ? '' : `?versionId=${encodeURIComponent(src.versionId)}`}`;
    }
  }
  if (m === undefined) return copySource === undefined ? req : { ...req, headers };
  if (m.prefix !== '' && req.key === undefined && req.bucket !== undefined && !PREFIXED_BUCKET_OPS.has(req.operation)) {
    throw s3Error('NotImplemented', `${req.operation} is not available on bucket "${m.bucket}": it is a key prefix of an upstream bucket, not a bucket of its own.`, {
      resource,
    });
  }
  const query: Record<string, string> = { ...req.query };
  let body = req.body;
  if (m.prefix !== '') {
    const P = m.prefix;
    switch (req.operation) {
      // Markers always start after the prefix itself: an upstream object named exactly like the
      // prefix would be an empty key to the client (and an empty marker restarts a listing).
      case 'ListObjects':
        query['prefix'] = P + (query['prefix'] ?? '');
        query['marker'] = P + (query['marker'] ?? '');
        break;
      case 'ListObjectsV2':
        query['prefix'] = P + (query['prefix'] ?? '');
        query['start-after'] = P + (query['start-after'] ?? '');
        break;
      case 'ListObjectVersions':
      case 'ListMultipartUploads':
        query['prefix'] = P + (query['prefix'] ?? '');
        if (query['key-marker'] !== undefined && query['key-marker'] !== '') query['key-marker'] = P + query['key-marker'];
        else if (query['version-id-marker'] === undefined && query['upload-id-marker'] === undefined) query['key-marker'] = P;
        break;
      case 'DeleteObjects': {
        const doc = parseXml('Delete', await readAll(req.body));
        const xml = buildXml('Delete', { ...doc, Object: (doc.Object ?? []).map((o) => ({ ...o, Key: checkKey(o.Key, m, `/${m.bucket}/${o.Key}`) })) });
        const bytes = Buffer.from(xml, 'utf8');
        body = (async function* () {
          yield bytes;
        })();
        // The body changed: its digests are recomputed (the client's were verified by the gateway).
        for (const name of Object.keys(headers)) {
          if (name.startsWith('x-amz-checksum-') || name === 'x-amz-sdk-checksum-algorithm' || name === 'x-amz-content-sha256' || name === 'x-s3kit-trailer') delete headers[name];
        }
        headers['content-md5'] = createHash('md5').update(bytes).digest('base64');
        headers['content-length'] = String(bytes.length);
        break;
      }
      default:
        break;
    }
  }
  return {
    ...req,
    bucket: m.upstreamBucket,
    key: req.key === undefined ? undefined : checkKey(req.key, m, resource),
    query,
    headers,
    body,
  };
}

/**
 * ListBuckets in client terms: every mapped client bucket whose upstream bucket exists (with
 * its creation date) instead of the upstream buckets the mappings point at.
 */
async function listBuckets(res: UpstreamResponse, byBucket: ReadonlyMap<string, Mapping>): Promise<UpstreamResponse> {
  const d = parseXml('ListAllMyBucketsResult', await readAll(res.body));
  const upstream = d.Buckets ?? [];
  const targets = new Set([...byBucket.values()].map((m) => m.upstreamBucket));
  const byName = new Map(upstream.map((b) => [b.Name, b]));
  const out = upstream.filter((b) => b.Name === undefined || !targets.has(b.Name));
  for (const m of byBucket.values()) {
    const real = byName.get(m.upstreamBucket);
    if (real !== undefined && !out.some((b) => b.Name === m.bucket)) out.push({ ...real, Name: m.bucket });
  }
  out.sort((a, b) => ((a.Name ?? '') < (b.Name ?? '') ? -1 : (a.Name ?? '') > (b.Name ?? '') ? 1 : 0));
  const xml = buildXml('ListAllMyBucketsResult', { ...d, Buckets: out });
  const headers = { ...res.headers };
  headers['content-length'] = String(Buffer.byteLength(xml));
  return { ...res, headers, body: xml };
}

async function mapResponse(operation: string, res: UpstreamResponse, m: Mapping): Promise<UpstreamResponse> {
  const P = m.prefix;
  const strip = (v: string | undefined): string | undefined => (v === undefined ? undefined : v.startsWith(P) ? v.slice(P.length) : undefined);
  /** Markers the gateway set to the prefix itself read back as absent. */
  const marker = (v: string | undefined): string | undefined => (strip(v) === '' ? undefined : strip(v));
  /** A key the client may see: under the prefix and not the prefix itself (an empty key). */
  const inside = (v: string | undefined): boolean => v?.startsWith(P) === true && v.length > P.length;
  const prefixes = (list: readonly { Prefix?: string | undefined }[] | undefined) => list?.filter((c) => inside(c.Prefix)).map((c) => ({ ...c, Prefix: strip(c.Prefix)! }));
  const text = await readAll(res.body);
  let xml: string;
  switch (operation) {
    case 'ListObjects':
    case 'ListObjectsV2': {
      const d = parseXml('ListBucketResult', text);
      const contents = d.Contents?.filter((c) => inside(c.Key)).map((c) => ({ ...c, Key: strip(c.Key)! }));
      const commonPrefixes = prefixes(d.CommonPrefixes);
      xml = buildXml(
        'ListBucketResult',
        defined({
          ...d,
          Name: m.bucket,
          Prefix: strip(d.Prefix),
          Marker: marker(d.Marker),
          NextMarker: marker(d.NextMarker),
          StartAfter: marker(d.StartAfter),
          Contents: contents,
          CommonPrefixes: commonPrefixes,
          ...(d.KeyCount === undefined ? {} : { KeyCount: (contents?.length ?? 0) + (commonPrefixes?.length ?? 0) }),
        }),
      );
      break;
    }
    case 'ListObjectVersions': {
      const d = parseXml('ListVersionsResult', text);
      xml = buildXml(
        'ListVersionsResult',
        defined({
          ...d,
          Name: m.bucket,
          Prefix: strip(d.Prefix),
          KeyMarker: marker(d.KeyMarker),
          NextKeyMarker: marker(d.NextKeyMarker),
          Version: d.Version?.filter((v) => inside(v.Key)).map((v) => ({ ...v, Key: strip(v.Key)! })),
          DeleteMarker: d.DeleteMarker?.filter((v) => inside(v.Key)).map((v) => ({ ...v, Key: strip(v.Key)! })),
          CommonPrefixes: prefixes(d.CommonPrefixes),
        }),
      );
      break;
    }
    case 'ListMultipartUploads': {
      const d = parseXml('ListMultipartUploadsResult', text);
      xml = buildXml(
        'ListMultipartUploadsResult',
        defined({
          ...d,
          Bucket: m.bucket,
          Prefix: strip(d.Prefix),
          KeyMarker: marker(d.KeyMarker),
          NextKeyMarker: marker(d.NextKeyMarker),
          Upload: d.Upload?.filter((u) => inside(u.Key)).map((u) => ({ ...u, Key: strip(u.Key)! })),
          CommonPrefixes: prefixes(d.CommonPrefixes),
        }),
      );
      break;
    }
    case 'ListParts': {
      const d = parseXml('ListPartsResult', text);
      xml = buildXml('ListPartsResult', defined({ ...d, Bucket: m.bucket, Key: strip(d.Key) }));
      break;
    }
    case 'CreateMultipartUpload': {
      const d = parseXml('InitiateMultipartUploadResult', text);
      xml = buildXml('InitiateMultipartUploadResult', defined({ ...d, Bucket: m.bucket, Key: strip(d.Key) }));
      break;
    }
    case 'CompleteMultipartUpload': {
      // Location names the upstream's URL: left out rather than leaked.
      const d = parseXml('CompleteMultipartUploadResult', text);
      xml = buildXml('CompleteMultipartUploadResult', defined({ ...d, Location: undefined, Bucket: m.bucket, Key: strip(d.Key) }));
      break;
    }
    default: {
      const d = parseXml('DeleteResult', text);
      xml = buildXml('DeleteResult', {
        ...d,
        Deleted: d.Deleted?.map((x) => defined({ ...x, Key: strip(x.Key) })),
        Error: d.Error?.map((x) => defined({ ...x, Key: strip(x.Key) })),
      });
    }
  }
  const headers = { ...res.headers };
  delete headers['content-md5'];
  headers['content-length'] = String(Buffer.byteLength(xml));
  return { ...res, headers, body: xml };
}
