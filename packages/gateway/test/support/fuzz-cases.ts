import { createHash } from 'node:crypto';
import { createPresignedPost } from '@s3kit/post-policy';
import { MIN_CHUNK_SIZE, SigV2Signer, SigV4Signer, chunkedHeaders, encodeChunked, streamingPayloadHash, type ChunkedMode } from '@s3kit/sigv4';
import fc from 'fast-check';
import type { WireRequest } from './fuzz-wire.js';

// Generated requests for fuzz.test.ts. Each case is a well-signed S3 request (so it reaches
// the deep stages: authorization, the store, XML parsing, aws-chunked decoding) with
// mutations applied before signing (weird keys, headers, queries, XML: still a valid
// signature) and after it (framing, duplicated/cased/huge headers, garbled auth: the edge).

/** What the generator needs of the running gateway. */
export interface FuzzTarget {
  readonly port: number;
  readonly bucket: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** An identity allowed to read only. */
  readonly reader: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** An open multipart upload of `mp` (part 1 uploaded with `part1Etag`), never completed. */
  readonly uploadId: string;
  readonly part1Etag: string;
  /** Opens an upload of `key` whose objects carry `token`, with a part 1 of at least the minimum part size. */
  freshUpload(key: string, token: string): Promise<{ uploadId: string; part1Etag: string }>;
  /** Keys that exist before the run and that no generated request may remove. */
  readonly seeds: readonly string[];
}

const OPS = [
  'put',
  'put',
  'put',
  'get',
  'head',
  'list',
  'delete',
  'deleteObjects',
  'deleteObjects',
  'putTagging',
  'createMpu',
  'uploadPart',
  'complete',
  'listParts',
  'copy',
  'chunked',
  'chunked',
  'post',
  'post',
] as const;
export type Op = (typeof OPS)[number];

/** Raw key text after `/<bucket>/<prefix>`: latin1 characters are the bytes sent. */
const KEY_SHAPES = [
  'k',
  'a/b/c',
  '..',
  '../x',
  'x/../..',
  './x',
  'a//b',
  '//',
  '%2e%2e',
  '%2F',
  'a%2Fb',
  '%00',
  'a%00b',
  '%',
  '%zz',
  '%C3%A9',
  '\xc3\xa9',
  '\xff',
  '%FF',
  '%ED%A0%80',
  '+',
  '%20',
  'a b',
  '~',
  '?',
  '#frag',
  ';x',
  'k'.repeat(1100),
  '%41'.repeat(400),
  '\t',
  '%0D%0A',
  '\\',
  '',
  '*',
  '..%2F..%2Fseed-0',
];

const AUTHS = ['v4', 'v4', 'v4', 'v4', 'v4', 'presign', 'presign-expired', 'presign-long', 'v4-skewed', 'v2', 'v2-query', 'none', 'mixed', 'v4-other-region', 'v4-reader'] as const;
type Auth = (typeof AUTHS)[number];

/** Changes made before signing: the signature covers them. */
const PRE = [
  ['meta-utf8'],
  ['meta-huge'],
  ['meta-many'],
  ['md5-wrong'],
  ['md5-garbage'],
  ['md5-right'],
  ['crc32-wrong'],
  ['crc32-garbage'],
  ['sha256-wrong'],
  ['checksum-algorithm-only'],
  ['content-type'],
  ['tagging-garbage'],
  ['tagging-many'],
  ['sse-c'],
  ['object-lock'],
  ['range'],
  ['if-match'],
  ['if-none-match-star'],
  ['cache-control'],
  ['query-version'],
  ['query-acl'],
  ['query-part0'],
  ['query-part-huge'],
  ['query-upload-garbage'],
  ['query-max-keys'],
  ['query-list-type'],
  ['query-encoding'],
  ['query-delimiter-nul'],
  ['query-prefix-ff'],
  ['query-token'],
  ['query-dup'],
  ['query-raw-pct'],
  ['payload-hash-wrong'],
  ['payload-unsigned'],
  ['decoded-length-off'],
  ['copy-source'],
  ['directive'],
  ['expect-continue'],
  ['date-header'],
  ['security-token'],
] as const;
type Pre = { kind: (typeof PRE)[number][0]; pick: number };

/** Changes made after signing: they mostly break the request's framing or signature. */
const POST = [
  'dup-header',
  'case-header',
  'drop-header',
  'huge-header',
  'many-headers',
  'empty-header',
  'non-ascii-header',
  'nul-header',
  'cl-garbage',
  'cl-negative',
  'cl-short',
  'cl-long',
  'cl-dup',
  'cl-huge',
  'te-chunked',
  'te-chunked-bad',
  'te-chunked-truncated',
  'te-gzip',
  'te-chunked-gzip',
  'te-and-cl',
  'te-identity',
  'auth-flip',
  'auth-truncate',
  'auth-garbage',
  'auth-v2-garbage',
  'date-drop',
  'expect-odd',
  'expect-empty',
  'host-drop',
  'host-dup',
  'host-garbage',
  'method-lower',
  'method-connect',
  'method-unknown',
  'http10',
  'http2',
  'no-version',
  'absolute-form',
  'bare-lf',
  'truncate',
  'body-flip',
  'body-extra',
  'chunk-sig-flip',
  'chunk-size-garbage',
  'chunk-size-huge',
  'trailer-garbage',
  'garble-bytes',
  'huge-target',
  'bad-header-name',
  'obs-fold',
  'form-drop-field',
  'form-dup-field',
  'form-bad-boundary',
  'form-truncate',
  'form-file-first',
  'form-no-file',
  'form-huge-field',
  'form-not-multipart',
  'query-sig-flip',
  'query-expires',
] as const;
type Post = { kind: (typeof POST)[number]; pick: number };

const XML_SHAPES = [
  'valid',
  'valid',
  'valid',
  'truncated',
  'unclosed',
  'not-xml',
  'empty',
  'wrong-root',
  'entity',
  'billion-laughs',
  'external-entity',
  'many',
  'huge',
  'non-utf8',
  'deep',
  'cdata',
  'char-ref-nul',
  'namespace',
  'bad-bool',
  'bad-number',
  'duplicate',
  'long-key',
] as const;
type XmlShape = (typeof XML_SHAPES)[number];

export interface FuzzCase {
  op: Op;
  key: string;
  auth: Auth;
  xml: XmlShape;
  chunkMode: ChunkedMode;
  bodySize: number;
  pre: Pre[];
  post: Post[];
}

const pick = fc.nat({ max: 1_000_000 });

/** Generated cases; mostly one or two mutations, so each case fails (or passes) for a reason. */
export const fuzzCase: fc.Arbitrary<FuzzCase> = fc.record({
  op: fc.constantFrom(...OPS),
  key: fc.oneof({ weight: 3, arbitrary: fc.constant('k') }, { weight: 2, arbitrary: fc.constantFrom(...KEY_SHAPES) }),
  auth: fc.constantFrom(...AUTHS),
  xml: fc.constantFrom(...XML_SHAPES),
  chunkMode: fc.constantFrom<ChunkedMode>('streaming', 'streaming-trailer', 'streaming-unsigned-trailer'),
  bodySize: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 65, max: 40_000 })),
  pre: fc.oneof(
    { weight: 2, arbitrary: fc.constant<Pre[]>([]) },
    { weight: 3, arbitrary: fc.array(fc.record({ kind: fc.constantFrom(...PRE.map((p) => p[0])), pick }), { minLength: 1, maxLength: 2 }) },
  ),
  post: fc.oneof({ weight: 3, arbitrary: fc.constant<Post[]>([]) }, { weight: 3, arbitrary: fc.array(fc.record({ kind: fc.constantFrom(...POST), pick }), { minLength: 1, maxLength: 2 }) }),
});

/** A built request and what the checks need to know about it. */
export interface BuiltCase {
  wire: WireRequest;
  /** Why no answer but an error is right (bad, expired or missing credentials, a reader writing), if so. */
  mustRefuse: string | undefined;
  /** HEAD: the answer has no body. */
  head: boolean;
  /** A one-line description for failure reports. */
  label: string;
}

const md5b64 = (b: Buffer | string): string => createHash('md5').update(b).digest('base64');
const sha256hex = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/** The body token: a stored object carries the number of the request that stored it. */
export function token(n: number): string {
  return `fuzz-${n}`;
}

/** Builds case number `n` (`n` is its token). */
export async function buildCase(t: FuzzTarget, c: FuzzCase, n: number): Promise<BuiltCase> {
  const host = `127.0.0.1:${t.port}`;
  const tok = token(n);
  const body0 = Buffer.from(`${tok}:`.padEnd(Math.max(c.bodySize, tok.length + 1), 'x'));
  let method = 'PUT';
  let path = `/${t.bucket}/w${n}-${c.key}`;
  let query = '';
  let body: Buffer = body0;
  const headers: Record<string, string> = { 'x-amz-meta-fuzz': tok };
  let head = false;
  let payloadHash: string | undefined;
  let chunked: ChunkedMode | undefined;
  let formBoundary: string | undefined;
  switch (c.op) {
    case 'put':
      break;
    case 'get':
    case 'head':
      method = c.op.toUpperCase();
      head = c.op === 'head';
      path = c.key === 'k' ? `/${t.bucket}/${t.seeds[n % t.seeds.length]}` : `/${t.bucket}/${c.key}`;
      body = Buffer.alloc(0);
      break;
    case 'list':
      method = 'GET';
      path = `/${t.bucket}`;
      query = 'list-type=2';
      body = Buffer.alloc(0);
      break;
    case 'delete':
      method = 'DELETE';
      path = `/${t.bucket}/d${n}-${c.key}`;
      body = Buffer.alloc(0);
      break;
    case 'deleteObjects':
      method = 'POST';
      path = `/${t.bucket}`;
      query = 'delete';
      body = xmlBody('Delete', c.xml, n);
      headers['content-md5'] = md5b64(body);
      break;
    case 'putTagging':
      path = `/${t.bucket}/${t.seeds[n % t.seeds.length]}`;
      query = 'tagging';
      body = xmlBody('Tagging', c.xml, n);
      break;
    case 'createMpu':
      method = 'POST';
      query = 'uploads';
      body = Buffer.alloc(0);
      break;
    case 'uploadPart':
      path = `/${t.bucket}/mp`;
      query = `partNumber=${2 + (n % 3)}&uploadId=${t.uploadId}`;
      break;
    case 'complete': {
      const up = await t.freshUpload(`mp-${n}`, tok);
      method = 'POST';
      path = `/${t.bucket}/mp-${n}`;
      query = `uploadId=${up.uploadId}`;
      body = xmlBody('CompleteMultipartUpload', c.xml, n, up.part1Etag);
      break;
    }
    case 'listParts':
      method = 'GET';
      path = `/${t.bucket}/mp`;
      query = `uploadId=${t.uploadId}`;
      body = Buffer.alloc(0);
      break;
    case 'copy':
      headers['x-amz-copy-source'] = `/${t.bucket}/${t.seeds[n % t.seeds.length]}`;
      headers['x-amz-metadata-directive'] = 'REPLACE';
      body = Buffer.alloc(0);
      break;
    case 'chunked':
      chunked = c.chunkMode;
      break;
    case 'post': {
      method = 'POST';
      path = `/${t.bucket}`;
      formBoundary = `----fuzz${n}`;
      break;
    }
  }

  // Mutations the signature covers.
  for (const p of c.pre) {
    const r = applyPre(p, { headers, body, n });
    if (r.query !== undefined) query = query === '' ? r.query : `${query}&${r.query}`;
    if (r.payloadHash !== undefined) payloadHash = r.payloadHash;
    if (r.body !== undefined) body = r.body;
  }

  // The POST form: a policy signed for this key and token, then the multipart body.
  if (formBoundary !== undefined) {
    const post = createPresignedPost({
      bucket: t.bucket,
      key: `p${n}-${c.key}`,
      credentials: t.credentials,
      endpoint: `http://${host}`,
      forcePathStyle: true,
      fields: { 'x-amz-meta-fuzz': tok },
      conditions: [{ 'x-amz-meta-fuzz': tok }, ['content-length-range', 0, 30_000]],
      expiresIn: c.auth === 'presign-expired' ? 1 : 600,
      now: c.auth === 'presign-expired' ? Date.now() - 3_600_000 : Date.now(),
    });
    const fields = Object.entries(post.fields);
    body = formBody(formBoundary, fields, body0, c.post);
    return {
      wire: finishWire(
        {
          method,
          target: `${path}${query === '' ? '' : `?${query}`}`,
          version: 'HTTP/1.1',
          headers: [
            ['host', host],
            ['content-type', `multipart/form-data; boundary=${formBoundary}`],
            ['content-length', String(body.length)],
          ],
          body,
        },
        c.post,
      ),
      mustRefuse: c.auth === 'presign-expired' ? 'an expired policy' : undefined,
      head,
      label: `${c.op} form ${JSON.stringify(c.key)} post=${c.post.map((p) => p.kind).join(',')}`,
    };
  }

  if (chunked !== undefined) {
    const h = chunkedHeaders(body.length, { mode: chunked, chunkSize: MIN_CHUNK_SIZE });
    Object.assign(headers, h);
    payloadHash = streamingPayloadHash(chunked);
  }
  if (body.length > 0 || method === 'PUT' || method === 'POST') headers['content-length'] ??= String(body.length);
  const target = `${path}${query === '' ? '' : `?${query}`}`;
  const signed = sign(t, c.auth, { method, target, headers, body, payloadHash });
  if (chunked !== undefined && signed.seed !== undefined) {
    const parts: Buffer[] = [];
    for await (const piece of encodeChunked([body], signed.seed, { mode: chunked, chunkSize: MIN_CHUNK_SIZE })) parts.push(Buffer.from(piece));
    body = Buffer.concat(parts);
  } else if (chunked !== undefined) {
    // No signature to chain chunks from (anonymous, SigV2): frame them unsigned.
    body = Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]);
  }
  if (chunked !== undefined) signed.headers = signed.headers.map(([k, v]) => (k === 'content-length' ? [k, String(body.length)] : [k, v]));
  const wire = finishWire({ method, target: signed.target, version: 'HTTP/1.1', headers: signed.headers, body }, c.post);
  return {
    wire,
    mustRefuse: mustRefuse(c),
    head,
    label: `${c.op} ${c.auth} key=${JSON.stringify(c.key)} xml=${c.xml} body=${c.bodySize}${chunked === undefined ? '' : ` ${chunked}`} pre=${c.pre.map((p) => p.kind).join(',')} post=${c.post.map((p) => p.kind).join(',')}`,
  };
}

const WRITES: ReadonlySet<Op> = new Set(['put', 'delete', 'putTagging', 'createMpu', 'uploadPart', 'complete', 'copy', 'chunked']);

function mustRefuse(c: FuzzCase): string | undefined {
  const post = new Set(c.post.map((p) => p.kind));
  // An anonymous DeleteObjects is 200 with AccessDenied per key, as in S3 (the keys are denied, not the request).
  if (c.auth === 'none' && c.op !== 'deleteObjects') return 'no credentials (no anonymous access configured)';
  if (c.auth === 'presign-expired') return 'an expired presigned URL';
  if (c.auth === 'presign-long') return 'X-Amz-Expires past a week';
  if (c.auth === 'v4-skewed') return 'a signing time an hour old';
  if (c.auth === 'v4-other-region') return 'another region';
  if (c.auth === 'mixed') return 'two authentication mechanisms';
  if (c.auth === 'v4-reader' && WRITES.has(c.op)) return 'a read-only identity writing';
  for (const k of ['auth-flip', 'auth-truncate', 'auth-garbage', 'auth-v2-garbage'] as const) if (post.has(k)) return `a garbled Authorization header (${k})`;
  if (post.has('query-sig-flip') && (c.auth === 'presign' || c.auth === 'v2-query')) return 'a garbled query signature';
  return undefined;
}

interface PreState {
  headers: Record<string, string>;
  body: Buffer;
  n: number;
}

function applyPre(p: Pre, s: PreState): { query?: string; payloadHash?: string; body?: Buffer } {
  const h = s.headers;
  switch (p.kind) {
    case 'meta-utf8':
      h['x-amz-meta-name'] = Buffer.from(['héllo wörld', '日本語', '😀', 'a\u0085b'][p.pick % 4]!, 'utf8').toString('latin1');
      return {};
    case 'meta-huge':
      h['x-amz-meta-big'] = 'm'.repeat(3000 + (p.pick % 9000));
      return {};
    case 'meta-many':
      for (let i = 0; i < 60 + (p.pick % 200); i++) h[`x-amz-meta-m${i}`] = 'v'.repeat(20);
      return {};
    case 'md5-wrong':
      h['content-md5'] = md5b64('something else');
      return {};
    case 'md5-garbage':
      h['content-md5'] = ['!!!', '', 'AAAA', 'x'.repeat(100)][p.pick % 4]!;
      return {};
    case 'md5-right':
      h['content-md5'] = md5b64(s.body);
      return {};
    case 'crc32-wrong':
      h['x-amz-checksum-crc32'] = 'AAAAAA==';
      return {};
    case 'crc32-garbage':
      h['x-amz-checksum-crc32'] = ['%%%', '', 'AAAAAAAAAAAA', 'zz=='][p.pick % 4]!;
      return {};
    case 'sha256-wrong':
      h['x-amz-checksum-sha256'] = createHash('sha256').update('other').digest('base64');
      return {};
    case 'checksum-algorithm-only':
      h['x-amz-sdk-checksum-algorithm'] = ['CRC32', 'SHA1', 'MD5', 'nope'][p.pick % 4]!;
      return {};
    case 'content-type':
      h['content-type'] = ['', 'text/plain; charset=\xff', 'a'.repeat(5000), 'multipart/form-data', '\x01'][p.pick % 5]!;
      return {};
    case 'tagging-garbage':
      h['x-amz-tagging'] = ['a=b&c', '%%%', '=x', 'k=%ZZ', '&&&', 'a=1&a=2'][p.pick % 6]!;
      return {};
    case 'tagging-many':
      h['x-amz-tagging'] = Array.from({ length: 11 + (p.pick % 5) }, (_, i) => `t${i}=v`).join('&');
      return {};
    case 'sse-c':
      h['x-amz-server-side-encryption-customer-algorithm'] = 'AES256';
      return {};
    case 'object-lock':
      h['x-amz-object-lock-mode'] = 'GOVERNANCE';
      return {};
    case 'range':
      h['range'] = ['bytes=0-3', 'bytes=5-1', 'bytes=-0', 'bytes=x-y', 'bytes=0-3,5-7', 'bytes=99999-', 'items=0-1', ''][p.pick % 8]!;
      return {};
    case 'if-match':
      h['if-match'] = ['"nope"', '*', '', 'garbage'][p.pick % 4]!;
      return {};
    case 'if-none-match-star':
      h['if-none-match'] = '*';
      return {};
    case 'cache-control':
      h['cache-control'] = 'no-cache\x7f';
      return {};
    case 'query-version':
      return { query: ['versionId=1', 'versionId=null', 'versionId=', 'versionId=%00'][p.pick % 4]! };
    case 'query-acl':
      return { query: ['acl', 'policy', 'cors', 'lifecycle', 'website', 'torrent', 'restore', 'select&select-type=2'][p.pick % 8]! };
    case 'query-part0':
      return { query: 'partNumber=0' };
    case 'query-part-huge':
      return { query: ['partNumber=10001', 'partNumber=99999999999999999999', 'partNumber=-1', 'partNumber=1.5'][p.pick % 4]! };
    case 'query-upload-garbage':
      return { query: ['uploadId=zz', 'uploadId=', 'uploadId=../../etc', `uploadId=${'0'.repeat(32)}`][p.pick % 4]! };
    case 'query-max-keys':
      return { query: ['max-keys=-1', 'max-keys=abc', 'max-keys=99999999999999999999', 'max-keys=0', 'max-uploads=x', 'max-parts=-5'][p.pick % 6]! };
    case 'query-list-type':
      return { query: ['list-type=3', 'list-type=', 'list-type=1'][p.pick % 3]! };
    case 'query-encoding':
      return { query: ['encoding-type=url', 'encoding-type=xml', 'encoding-type='][p.pick % 3]! };
    case 'query-delimiter-nul':
      return { query: ['delimiter=%00', 'delimiter=%FF', 'delimiter=' + 'd'.repeat(2000)][p.pick % 3]! };
    case 'query-prefix-ff':
      return { query: ['prefix=%FF', 'prefix=%ED%A0%80', 'prefix=%C3', 'start-after=%FF'][p.pick % 4]! };
    case 'query-token':
      return { query: ['continuation-token=!!!', 'continuation-token=', 'continuation-token=' + 'A'.repeat(3000), 'marker=%00'][p.pick % 4]! };
    case 'query-dup':
      return { query: ['x=1&x=2', 'list-type=2&list-type=2', 'uploads&uploads', 'tagging&tagging'][p.pick % 4]! };
    case 'query-raw-pct':
      return { query: ['a=%', 'a=%zz', '%=1', 'a=%C3%28'][p.pick % 4]! };
    case 'payload-hash-wrong':
      return { payloadHash: sha256hex(`not ${s.n}`) };
    case 'payload-unsigned':
      return { payloadHash: ['UNSIGNED-PAYLOAD', 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'garbage', ''][p.pick % 5]! };
    case 'decoded-length-off':
      h['x-amz-decoded-content-length'] = String(s.body.length + ((p.pick % 3) - 1 || 1));
      return {};
    case 'copy-source':
      h['x-amz-copy-source'] = ['fuzz/seed-0', '/fuzz/nope', '/other-bucket/x', '%', '/fuzz/seed-0?versionId=x', '/fuzz/seed-0?versionId=null', '', '/fuzz/%FF', '/fuzz/../seed-0'][p.pick % 9]!;
      return {};
    case 'directive':
      h['x-amz-metadata-directive'] = ['COPY', 'REPLACE', 'garbage', ''][p.pick % 4]!;
      return {};
    case 'expect-continue':
      h['expect'] = '100-continue';
      return {};
    case 'date-header':
      h['date'] = ['Thu, 01 Jan 1970 00:00:00 GMT', 'garbage', '', new Date().toUTCString()][p.pick % 4]!;
      return {};
    case 'security-token':
      h['x-amz-security-token'] = 'FwoGZXIvYXdzEBYaD';
      return {};
  }
}

interface SignInput {
  method: string;
  target: string;
  headers: Record<string, string>;
  body: Buffer;
  payloadHash: string | undefined;
}

interface Signed {
  target: string;
  headers: [string, string][];
  /** The seed for aws-chunked chunk signatures, when the request was SigV4 header-signed. */
  seed?: Parameters<typeof encodeChunked>[1];
}

function sign(t: FuzzTarget, auth: Auth, r: SignInput): Signed {
  const host = `127.0.0.1:${t.port}`;
  const url = `http://${host}${r.target}`;
  const v4 = (region = 'us-east-1', date?: number) => new SigV4Signer({ credentials: t.credentials, region, headerEncoding: 'latin1', ...(date === undefined ? {} : { clock: () => date }) });
  const pairs = (h: Record<string, string>): [string, string][] => Object.entries(h);
  const hashed = r.payloadHash === undefined ? { body: r.body } : { payloadHash: r.payloadHash };
  try {
    switch (auth) {
      case 'v4-reader': {
        const s = new SigV4Signer({ credentials: t.reader, region: 'us-east-1', headerEncoding: 'latin1' }).sign({ method: r.method, url, headers: { ...r.headers, host }, ...hashed });
        return { target: r.target, headers: pairs(s.headers), seed: s };
      }
      case 'v4':
      case 'v4-skewed':
      case 'v4-other-region':
      case 'mixed': {
        const s = v4(auth === 'v4-other-region' ? 'eu-west-1' : 'us-east-1', auth === 'v4-skewed' ? Date.now() - 3_600_000 : undefined).sign({
          method: r.method,
          url,
          headers: { ...r.headers, host },
          ...hashed,
        });
        let target = r.target;
        if (auth === 'mixed') {
          const p = v4().presign({ method: r.method, url, headers: { host }, expiresIn: 600 });
          target = p.url.slice(`http://${host}`.length);
        }
        return { target, headers: pairs(s.headers), seed: s };
      }
      case 'presign':
      case 'presign-expired':
      case 'presign-long': {
        const signer = v4('us-east-1', auth === 'presign-expired' ? Date.now() - 7_200_000 : undefined);
        const p = signer.presign({ method: r.method, url, headers: { ...r.headers, host }, expiresIn: auth === 'presign-long' ? 604800 : 600, ...hashed });
        const target = p.url.slice(`http://${host}`.length);
        // x-amz-* headers went into the query; the others are sent as they are.
        const plain = Object.fromEntries(Object.entries(r.headers).filter(([k]) => !k.startsWith('x-amz-')));
        return { target: auth === 'presign-long' ? target.replace('X-Amz-Expires=604800', 'X-Amz-Expires=604801') : target, headers: pairs({ ...plain, ...p.headers, host }) };
      }
      case 'v2':
      case 'v2-query': {
        const s2 = new SigV2Signer({ credentials: t.credentials });
        const s = auth === 'v2' ? s2.sign({ method: r.method, url, headers: { ...r.headers, host } }) : s2.presign({ method: r.method, url, headers: { ...r.headers, host }, expiresIn: 600 });
        return { target: s.url.slice(`http://${host}`.length), headers: pairs({ ...r.headers, ...s.headers, host }) };
      }
      case 'none':
        return { target: r.target, headers: pairs({ ...r.headers, host }) };
    }
  } catch {
    // The signer refuses some inputs (e.g. a malformed target): send it unsigned then.
    return { target: r.target, headers: pairs({ ...r.headers, host }) };
  }
}

function xmlBody(root: 'Delete' | 'Tagging' | 'CompleteMultipartUpload', shape: XmlShape, n: number, etag = '"x"'): Buffer {
  const item = (i: number): string =>
    root === 'Delete'
      ? `<Object><Key>d${n}-${i}</Key></Object>`
      : root === 'Tagging'
        ? `<Tag><Key>k${i}</Key><Value>v${n}</Value></Tag>`
        : `<Part><PartNumber>${i + 1}</PartNumber><ETag>${i === 0 ? etag : '"nope"'}</ETag></Part>`;
  const wrap = (inner: string): string =>
    root === 'Tagging' ? `<Tagging><TagSet>${inner}</TagSet></Tagging>` : root === 'Delete' ? `<Delete>${inner}</Delete>` : `<CompleteMultipartUpload>${inner}</CompleteMultipartUpload>`;
  const decl = '<?xml version="1.0" encoding="UTF-8"?>';
  switch (shape) {
    case 'valid':
      return Buffer.from(decl + wrap(item(0)));
    case 'truncated':
      return Buffer.from((decl + wrap(item(0) + item(1))).slice(0, 60));
    case 'unclosed':
      return Buffer.from(wrap(item(0)).replace(/<\/[A-Za-z]+>$/, ''));
    case 'not-xml':
      return Buffer.from('{"Objects":[]}');
    case 'empty':
      return Buffer.alloc(0);
    case 'wrong-root':
      return Buffer.from(`<Nope>${item(0)}</Nope>`);
    case 'entity':
      return Buffer.from(`<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e "d${n}-ent">]>${wrap(item(0).replace(`d${n}-0`, '&e;'))}`);
    case 'billion-laughs':
      return Buffer.from(
        `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">]>${wrap(item(0).replace(/>([^<]*)</, '>&f;<'))}`,
      );
    case 'external-entity':
      return Buffer.from(`<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>${wrap(item(0).replace(/>([^<]*)</, '>&e;<'))}`);
    case 'many':
      return Buffer.from(wrap(Array.from({ length: 1001 }, (_, i) => item(i)).join('')));
    case 'huge':
      return Buffer.from(wrap(item(0) + `<!--${'x'.repeat(5 * 1024 * 1024)}-->`));
    case 'non-utf8':
      return Buffer.concat([Buffer.from(wrap(item(0)).slice(0, 30)), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from(wrap(item(0)).slice(30))]);
    case 'deep':
      return Buffer.from(`${'<a>'.repeat(20_000)}${'</a>'.repeat(20_000)}`);
    case 'cdata':
      return Buffer.from(wrap(item(0).replace(/>([^<]*)</, '><![CDATA[$1]]><')));
    case 'char-ref-nul':
      return Buffer.from(wrap(item(0).replace(/>([^<]*)</, '>a&#0;&#xD800;b<')));
    case 'namespace':
      return Buffer.from(wrap(item(0)).replace(/^<([A-Za-z]+)>/, '<$1 xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'));
    case 'bad-bool':
      return Buffer.from(root === 'Delete' ? `<Delete><Quiet>maybe</Quiet>${item(0)}</Delete>` : wrap(item(0)).replace('</', 'x</'));
    case 'bad-number':
      return Buffer.from(wrap(item(0)).replace(/<PartNumber>\d+/, '<PartNumber>1e3'));
    case 'duplicate':
      return Buffer.from(wrap(item(0) + item(0)));
    case 'long-key':
      return Buffer.from(wrap(item(0).replace(/<Key>[^<]*/, `<Key>${'k'.repeat(2000)}`)));
  }
}

function formBody(boundary: string, fields: [string, string][], file: Buffer, post: readonly Post[]): Buffer {
  const list = [...fields];
  const kinds = new Set(post.map((p) => p.kind));
  const sel = post.find((p) => p.kind.startsWith('form-'))?.pick ?? 0;
  if (kinds.has('form-drop-field')) list.splice(sel % list.length, 1);
  if (kinds.has('form-dup-field')) list.push(list[sel % list.length]!);
  if (kinds.has('form-huge-field')) list.push(['x-amz-meta-big', 'b'.repeat(30_000)]);
  const part = (name: string, value: string | Buffer, filename?: string): Buffer =>
    Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${filename === undefined ? '' : `; filename="${filename}"`}\r\n${filename === undefined ? '' : 'Content-Type: application/octet-stream\r\n'}\r\n`,
        'latin1',
      ),
      typeof value === 'string' ? Buffer.from(value, 'latin1') : value,
      Buffer.from('\r\n'),
    ]);
  const filePart = part('file', file, ['f.txt', 'C:\\a\\\xc3\xa9.txt', '', '../x'][sel % 4]);
  const parts = list.map(([k, v]) => part(k, v));
  if (!kinds.has('form-no-file')) {
    if (kinds.has('form-file-first')) parts.unshift(filePart);
    else parts.push(filePart);
  }
  let out = Buffer.concat([...parts, Buffer.from(`--${kinds.has('form-bad-boundary') ? 'wrong' : boundary}--\r\n`)]);
  if (kinds.has('form-truncate')) out = out.subarray(0, Math.floor(out.length * ((sel % 90) / 100)));
  return out;
}

/** Mutations after signing: on the wire request itself. */
function finishWire(w: WireRequest, post: readonly Post[]): WireRequest {
  for (const p of post) mutateWire(w, p);
  return w;
}

function mutateWire(w: WireRequest, p: Post): void {
  const hs = w.headers;
  const at = hs.length === 0 ? 0 : p.pick % hs.length;
  const setCl = (v: string): void => {
    const i = hs.findIndex(([k]) => k.toLowerCase() === 'content-length');
    if (i === -1) hs.push(['content-length', v]);
    else hs[i] = [hs[i]![0], v];
  };
  const dropNamed = (name: string): void => {
    for (let i = hs.length - 1; i >= 0; i--) if (hs[i]![0].toLowerCase() === name) hs.splice(i, 1);
  };
  const chunkedBody = (b: Buffer): Buffer => Buffer.concat([Buffer.from(b.length === 0 ? '' : `${b.length.toString(16)}\r\n`), b, Buffer.from(b.length === 0 ? '0\r\n\r\n' : '\r\n0\r\n\r\n')]);
  switch (p.kind) {
    case 'dup-header':
      if (hs.length > 0) hs.push([hs[at]![0], hs[at]![1]]);
      return;
    case 'case-header':
      if (hs.length > 0) hs[at] = [hs[at]![0].toUpperCase(), hs[at]![1]];
      return;
    case 'drop-header':
      if (hs.length > 0) hs.splice(at, 1);
      return;
    case 'huge-header':
      hs.push(['x-fuzz-huge', 'h'.repeat(17_000 + (p.pick % 50_000))]);
      return;
    case 'many-headers':
      for (let i = 0; i < 2100; i++) hs.push([`x-f${i}`, 'v']);
      return;
    case 'empty-header':
      if (hs.length > 0) hs[at] = [hs[at]![0], ''];
      return;
    case 'non-ascii-header':
      if (hs.length > 0) hs[at] = [hs[at]![0], `${hs[at]![1]}\xff\x80`];
      return;
    case 'nul-header':
      if (hs.length > 0) hs[at] = [hs[at]![0], `a\x00b`];
      return;
    case 'cl-garbage':
      setCl(['abc', '1e3', ' ', '0x10', '+5'][p.pick % 5]!);
      return;
    case 'cl-negative':
      setCl('-1');
      return;
    case 'cl-short':
      setCl(String(Math.max(0, w.body.length - 1 - (p.pick % 10))));
      return;
    case 'cl-long':
      setCl(String(w.body.length + 1 + (p.pick % 1000)));
      return;
    case 'cl-dup':
      hs.push(['content-length', String(w.body.length + 1)]);
      return;
    case 'cl-huge':
      setCl(['99999999999999999999', String(6 * 1024 ** 3), '9007199254740993'][p.pick % 3]!);
      return;
    case 'te-chunked':
      dropNamed('content-length');
      hs.push(['transfer-encoding', 'chunked']);
      w.body = chunkedBody(w.body);
      return;
    case 'te-chunked-bad':
      dropNamed('content-length');
      hs.push(['transfer-encoding', 'chunked']);
      w.body = Buffer.concat([Buffer.from(['zz', '-1', 'fffffffffffffffff', '1;ext=\x01', ''][p.pick % 5]! + '\r\n'), w.body, Buffer.from('\r\n0\r\n\r\n')]);
      return;
    case 'te-chunked-truncated':
      dropNamed('content-length');
      hs.push(['transfer-encoding', 'chunked']);
      w.body = chunkedBody(w.body).subarray(0, Math.max(1, w.body.length));
      return;
    case 'te-gzip':
      dropNamed('content-length');
      hs.push(['transfer-encoding', 'gzip']);
      return;
    case 'te-chunked-gzip':
      dropNamed('content-length');
      hs.push(['transfer-encoding', ['chunked, gzip', 'gzip, chunked', 'Chunked', ' chunked', 'chunked, chunked'][p.pick % 5]!]);
      w.body = chunkedBody(w.body);
      return;
    case 'te-and-cl':
      hs.push(['transfer-encoding', 'chunked']);
      w.body = chunkedBody(w.body);
      return;
    case 'te-identity':
      hs.push(['transfer-encoding', 'identity']);
      return;
    case 'auth-flip':
    case 'auth-truncate':
    case 'auth-garbage':
    case 'auth-v2-garbage': {
      const i = hs.findIndex(([k]) => k.toLowerCase() === 'authorization');
      const v = i === -1 ? '' : hs[i]![1];
      const nv =
        p.kind === 'auth-flip'
          ? v.slice(0, -1) + (v.endsWith('0') ? '1' : '0')
          : p.kind === 'auth-truncate'
            ? v.slice(0, p.pick % Math.max(1, v.length))
            : p.kind === 'auth-garbage'
              ? ['AWS4-HMAC-SHA256', 'Bearer x', 'AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders=host, Signature=zz', 'AWS4-HMAC-SHA256 Credential=, SignedHeaders=, Signature=', '\xff'][
                  p.pick % 5
                ]!
              : ['AWS AKIAGATEWAYADMIN0001:', 'AWS :sig', 'AWS x', 'AWS AKIAGATEWAYADMIN0001:!!!'][p.pick % 4]!;
      if (i === -1) hs.push(['authorization', nv]);
      else hs[i] = [hs[i]![0], nv];
      return;
    }
    case 'date-drop':
      dropNamed('x-amz-date');
      dropNamed('date');
      return;
    case 'expect-odd':
      hs.push(['expect', ['100-Continue', 'foo', '100-continue, bar', '200-ok'][p.pick % 4]!]);
      return;
    case 'expect-empty':
      hs.push(['expect', '']);
      return;
    case 'host-drop':
      dropNamed('host');
      return;
    case 'host-dup':
      hs.push(['host', 'evil.example']);
      return;
    case 'host-garbage': {
      dropNamed('host');
      hs.push(['host', ['', 'a b', '[::1', 'fuzz.127.0.0.1', '\xff', 'x'.repeat(300)][p.pick % 6]!]);
      return;
    }
    case 'method-lower':
      w.method = w.method.toLowerCase();
      return;
    case 'method-connect':
      w.method = 'CONNECT';
      return;
    case 'method-unknown':
      w.method = ['FOO', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'M-SEARCH'][p.pick % 6]!;
      return;
    case 'http10':
      w.version = 'HTTP/1.0';
      return;
    case 'http2':
      w.version = ['HTTP/2.0', 'HTTP/1.2', 'HTTP/9', 'http/1.1'][p.pick % 4]!;
      return;
    case 'no-version':
      w.version = '';
      return;
    case 'absolute-form':
      w.target = `http://127.0.0.1${w.target}`;
      return;
    case 'bare-lf':
      w.eol = '\n';
      return;
    case 'truncate': {
      // Cut the whole request somewhere: applied by the sender through a shorter body or head.
      const cut = p.pick % (w.body.length + 1);
      w.body = w.body.subarray(0, cut);
      return;
    }
    case 'body-flip':
      if (w.body.length > 0) {
        const b = Buffer.from(w.body);
        b[p.pick % b.length]! ^= 0x20;
        w.body = b;
      }
      return;
    case 'body-extra':
      w.body = Buffer.concat([w.body, Buffer.from('GET / HTTP/1.1\r\nhost: x\r\n\r\n')]);
      return;
    case 'chunk-sig-flip': {
      const s = w.body.toString('latin1');
      const i = s.indexOf('chunk-signature=');
      if (i !== -1) w.body = Buffer.from(s.slice(0, i + 20) + (s[i + 20] === 'a' ? 'b' : 'a') + s.slice(i + 21), 'latin1');
      return;
    }
    case 'chunk-size-garbage':
      w.body = Buffer.from(w.body.toString('latin1').replace(/^[0-9a-fA-F]+/, ['zz', '-1', '', ' 10', '0x10'][p.pick % 5]!), 'latin1');
      return;
    case 'chunk-size-huge':
      w.body = Buffer.from(w.body.toString('latin1').replace(/^[0-9a-fA-F]+/, ['ffffffff', 'fffffffffffffffffff', '7fffffff'][p.pick % 3]!), 'latin1');
      return;
    case 'trailer-garbage': {
      const s = w.body.toString('latin1');
      w.body = Buffer.from(
        s.replace(/x-amz-checksum-[a-z0-9]+:[^\r\n]*/, ['x-amz-checksum-crc32:AAAAAA==', 'x-amz-checksum-crc32:%%', 'nope', 'x-amz-checksum-sha1:' + 'A'.repeat(28)][p.pick % 4]!),
        'latin1',
      );
      return;
    }
    case 'query-sig-flip':
      w.target = w.target.replace(/(X-Amz-Signature=[0-9a-f]*)[0-9a-f]/, (_, a: string) => `${a}g`).replace(/Signature=([^&]+)/, (m, v: string) => (m.startsWith('X-Amz') ? m : `Signature=x${v}`));
      return;
    case 'query-expires':
      w.target = w.target.replace(/X-Amz-Expires=\d+/, `X-Amz-Expires=${['0', '-1', '604801', 'abc', '99999999999999999999'][p.pick % 5]!}`).replace(/Expires=\d+/, 'Expires=1');
      return;
    case 'garble-bytes': {
      const bytes = [0x00, 0x0a, 0x0d, 0x20, 0x3a, 0x7f, 0x80, 0xff, 0x25, 0x3f];
      w.garble = Array.from({ length: 1 + (p.pick % 4) }, (_, i) => ({ at: (p.pick * (i + 7)) >>> 0, byte: bytes[(p.pick >> i) % bytes.length]! }));
      return;
    }
    case 'huge-target':
      w.target += `${w.target.includes('?') ? '&' : '?'}x=${'t'.repeat(17_000 + (p.pick % 10_000))}`;
      return;
    case 'bad-header-name':
      hs.push([['x bad', 'x:y', '', 'x\x01', 'é'][p.pick % 5]!, 'v']);
      return;
    case 'obs-fold':
      if (hs.length > 0) hs[at] = [hs[at]![0], `${hs[at]![1]}\r\n\tfolded`];
      return;
    case 'form-drop-field':
    case 'form-dup-field':
    case 'form-bad-boundary':
    case 'form-truncate':
    case 'form-file-first':
    case 'form-no-file':
    case 'form-huge-field':
      return; // applied by formBody
    case 'form-not-multipart': {
      const i = hs.findIndex(([k]) => k.toLowerCase() === 'content-type');
      if (i === -1) hs.push(['content-type', 'application/x-www-form-urlencoded']);
      else hs[i] = [hs[i]![0], ['application/x-www-form-urlencoded', 'multipart/form-data', 'multipart/form-data; boundary=', `multipart/form-data; boundary=${'b'.repeat(200)}`][p.pick % 4]!];
      return;
    }
  }
}
