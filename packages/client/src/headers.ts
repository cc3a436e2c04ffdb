import { md5 } from '@noble/hashes/legacy.js';
import { toBase64, utf8 } from '@s3kit/sigv4';
import { nodeBuiltin } from './runtime.js';

/** Server-side encryption: SSE-S3, SSE-KMS, or SSE-C (customer key, 32 bytes). */
export type ServerSideEncryption = { type: 'SSE-S3' } | { type: 'SSE-KMS'; keyId?: string; context?: Record<string, string> } | { type: 'SSE-C'; key: Uint8Array };

export interface Retention {
  mode: 'GOVERNANCE' | 'COMPLIANCE';
  retainUntilDate: Date;
}

/** Headers written with a new object (PutObject, CreateMultipartUpload, CopyObject with REPLACE). */
export interface ObjectWriteOptions {
  /** User metadata, sent as `x-amz-meta-<name>` (names are lower-cased). */
  metadata?: Record<string, string>;
  /** **Default:** `application/octet-stream` for PutObject. */
  contentType?: string;
  contentEncoding?: string;
  contentDisposition?: string;
  contentLanguage?: string;
  cacheControl?: string;
  expires?: Date;
  storageClass?: string;
  /** Object tags (`x-amz-tagging`). */
  tags?: Record<string, string>;
  sse?: ServerSideEncryption;
  retention?: Retention;
  legalHold?: boolean;
  /** Any other request headers (e.g. `x-amz-acl`); lower-case names. */
  headers?: Record<string, string>;
}

/** `node:crypto` when the runtime has it (native MD5 of whole parts), found without an import. */
const nodeCrypto = nodeBuiltin<{ createHash(alg: 'md5'): { update(d: string | Uint8Array): { digest(enc: 'base64'): string } } }>('node:crypto');

/** Base64 MD5 (`Content-MD5`, SSE-C key digests): native on Node, Bun and Deno, `@noble/hashes` elsewhere. */
export function md5Base64(data: string | Uint8Array): string {
  if (nodeCrypto) return nodeCrypto.createHash('md5').update(data).digest('base64');
  return toBase64(md5(typeof data === 'string' ? utf8(data) : data));
}

/** `x-amz-server-side-encryption*` headers; `copySource` gives the SSE-C headers for the copy source. */
export function sseHeaders(sse: ServerSideEncryption | undefined, out: Record<string, string>, copySource = false): void {
  if (!sse) return;
  if (sse.type === 'SSE-C') {
    if (!(sse.key instanceof Uint8Array) || sse.key.byteLength !== 32) throw new TypeError('SSE-C key must be 32 bytes');
    const p = copySource ? 'x-amz-copy-source-server-side-encryption-customer-' : 'x-amz-server-side-encryption-customer-';
    out[`${p}algorithm`] = 'AES256';
    out[`${p}key`] = toBase64(sse.key);
    out[`${p}key-md5`] = md5Base64(sse.key);
    return;
  }
  if (copySource) return;
  if (sse.type === 'SSE-S3') out['x-amz-server-side-encryption'] = 'AES256';
  else {
    out['x-amz-server-side-encryption'] = 'aws:kms';
    if (sse.keyId) out['x-amz-server-side-encryption-aws-kms-key-id'] = sse.keyId;
    if (sse.context) out['x-amz-server-side-encryption-context'] = toBase64(utf8(JSON.stringify(sse.context)));
  }
}

export function encodeTags(tags: Record<string, string>): string {
  return new URLSearchParams(Object.entries(tags)).toString().replace(/\+/g, '%20');
}

/** Request headers for a new object. */
export function writeHeaders(o: ObjectWriteOptions | undefined, out: Record<string, string> = {}): Record<string, string> {
  if (!o) return out;
  if (o.metadata) {
    for (const [k, v] of Object.entries(o.metadata)) {
      const name = k.toLowerCase();
      out[name.startsWith('x-amz-meta-') ? name : `x-amz-meta-${name}`] = v;
    }
  }
  if (o.contentType) out['content-type'] = o.contentType;
  if (o.contentEncoding) out['content-encoding'] = o.contentEncoding;
  if (o.contentDisposition) out['content-disposition'] = o.contentDisposition;
  if (o.contentLanguage) out['content-language'] = o.contentLanguage;
  if (o.cacheControl) out['cache-control'] = o.cacheControl;
  if (o.expires) out['expires'] = o.expires.toUTCString();
  if (o.storageClass) out['x-amz-storage-class'] = o.storageClass;
  if (o.tags && Object.keys(o.tags).length > 0) out['x-amz-tagging'] = encodeTags(o.tags);
  sseHeaders(o.sse, out);
  if (o.retention) {
    out['x-amz-object-lock-mode'] = o.retention.mode;
    out['x-amz-object-lock-retain-until-date'] = o.retention.retainUntilDate.toISOString();
  }
  if (o.legalHold !== undefined) out['x-amz-object-lock-legal-hold'] = o.legalHold ? 'ON' : 'OFF';
  if (o.headers) for (const [k, v] of Object.entries(o.headers)) out[k.toLowerCase()] = v;
  return out;
}

/** What HEAD/GET say about an object. */
export interface ObjectStat {
  size: number;
  /** Without quotes. */
  etag: string;
  lastModified: Date | undefined;
  contentType: string | undefined;
  versionId: string | undefined;
  /** User metadata: `x-amz-meta-*` headers, names without the prefix. */
  metadata: Record<string, string>;
  /** Stored checksums (`x-amz-checksum-*`, base64) by algorithm; empty when the server keeps none. */
  checksums: Partial<Record<'crc32' | 'crc32c' | 'crc64nvme' | 'sha1' | 'sha256', string>>;
  /** `x-amz-checksum-type` (`FULL_OBJECT` or `COMPOSITE`), when the server says. */
  checksumType: string | undefined;
  /** Every response header (lower-case names). */
  headers: Record<string, string>;
}

export function unquote(etag: string | undefined): string {
  if (!etag) return '';
  // Fast path (listings call this per entry): a plain quoted ETag.
  if (etag.length >= 2 && etag.charCodeAt(0) === 34 && etag.charCodeAt(etag.length - 1) === 34 && etag.indexOf('"', 1) === etag.length - 1 && etag.indexOf('&') === -1) return etag.slice(1, -1);
  return etag
    .replace(/^(W\/)?"/, '')
    .replace(/"$/, '')
    .replace(/^&quot;|&quot;$/g, '');
}

export function statFromHeaders(h: Record<string, string>, sizeFromRange = false): ObjectStat {
  const metadata: Record<string, string> = {};
  const checksums: ObjectStat['checksums'] = {};
  for (const [k, v] of Object.entries(h)) {
    if (k.startsWith('x-amz-meta-')) metadata[k.slice(11)] = v;
    else if (k.startsWith('x-amz-checksum-') && k !== 'x-amz-checksum-type') checksums[k.slice(15) as keyof ObjectStat['checksums']] = v;
  }
  let size = Number(h['content-length'] ?? 0);
  if (sizeFromRange && h['content-range']) {
    const total = /\/(\d+)$/.exec(h['content-range']);
    if (total) size = Number(total[1]);
  }
  const lm = h['last-modified'];
  return {
    size,
    etag: unquote(h['etag']),
    lastModified: lm ? new Date(lm) : undefined,
    contentType: h['content-type'],
    versionId: h['x-amz-version-id'],
    metadata,
    checksums,
    checksumType: h['x-amz-checksum-type'],
    headers: h,
  };
}
