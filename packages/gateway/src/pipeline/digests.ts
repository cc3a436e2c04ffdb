import { createHash } from 'node:crypto';
import { s3Error } from '@s3kit/errors';
import { CHECKSUM_ALGORITHMS, checksumAlgorithmOf, checksumHeaderName, createChecksum, type ChecksumAlgorithm } from '@s3kit/sigv4';

/** One digest a request body must match, base64 as S3 writes it. */
export interface ExpectedDigest {
  readonly algorithm: ChecksumAlgorithm | 'md5';
  readonly expected: string;
}

/** `Content-MD5` and `x-amz-checksum-*`, by lowercase name: the digests a query can carry. */
function digestName(name: string): string | undefined {
  // Most query names (X-Amz-Signature, versionId, ...) are neither: told apart by length and first letter first.
  if (name.length < 11) return undefined;
  const first = name.charCodeAt(0) | 0x20;
  if (first >= 0x61 && first <= 0x7a && first !== 0x63 && first !== 0x78) return undefined; // a letter but c, x
  const lower = name.toLowerCase();
  if (lower === 'content-md5') return lower;
  return checksumAlgorithmOf(lower) === undefined ? undefined : lower;
}

/** True for a query parameter that is a body digest (moved to a header upstream, never forwarded as a parameter). */
export function isDigestParam(name: string): boolean {
  return digestName(name) !== undefined;
}

/**
 * The body digests a request carries in its query (presigned URLs: `@aws-sdk/s3-request-presigner`
 * hoists `x-amz-checksum-*` there, and a signed query may hold `Content-MD5`), by lowercase
 * header name. They bind the body exactly as the same headers do.
 */
export function queryDigests(params: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in params) {
    const header = digestName(name);
    if (header !== undefined) out[header] ??= params[name]!.trim();
  }
  return out;
}

/** Each algorithm with its header name, made once (every request looks all five up). */
const CHECKSUM_HEADERS = CHECKSUM_ALGORITHMS.map((a) => [a, checksumHeaderName(a)] as const);

/**
 * What the body must match: every `x-amz-checksum-*` header (all five algorithms: the gateway
 * checks them itself because upstreams differ, RGW ignoring them), and every digest of the query,
 * `Content-MD5` included (a header `Content-MD5` is checked by the upstream as before).
 * @throws S3Error InvalidDigest (400) for a query `Content-MD5` that is not 16 bytes of base64.
 */
export function expectedDigests(headers: Readonly<Record<string, string>>, fromQuery: Readonly<Record<string, string>>): ExpectedDigest[] {
  const out: ExpectedDigest[] = [];
  for (const [algorithm, name] of CHECKSUM_HEADERS) {
    const header = headers[name];
    if (header !== undefined) out.push({ algorithm, expected: header.trim() });
    const query = fromQuery[name];
    if (query !== undefined && query !== header?.trim()) out.push({ algorithm, expected: query });
  }
  const md5 = fromQuery['content-md5'];
  if (md5 !== undefined) {
    const raw = Buffer.from(md5, 'base64');
    if (raw.length !== 16 || raw.toString('base64') !== md5) throw s3Error('InvalidDigest');
    out.push({ algorithm: 'md5', expected: md5 });
  }
  return out;
}

function mismatch(d: ExpectedDigest, actual: string): Error {
  return d.algorithm === 'md5'
    ? s3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.', { details: { ExpectedDigest: d.expected, CalculatedDigest: actual } })
    : s3Error('BadDigest', `The ${d.algorithm.toUpperCase()} you specified did not match the calculated checksum.`);
}

interface Running {
  readonly digest: ExpectedDigest;
  update(chunk: Uint8Array): void;
  base64(): string;
}

function start(d: ExpectedDigest): Running {
  if (d.algorithm === 'md5') {
    const h = createHash('md5');
    return { digest: d, update: (c) => h.update(c), base64: () => h.digest('base64') };
  }
  const sum = createChecksum(d.algorithm);
  return { digest: d, update: (c) => sum.update(c), base64: () => sum.digestBase64() };
}

/**
 * Verifies `digests` while the body streams: BadDigest at the end. Returns `source` itself when
 * there is nothing to check.
 */
export function digestChecked(source: AsyncIterable<Uint8Array>, digests: readonly ExpectedDigest[]): AsyncIterable<Uint8Array> {
  if (digests.length === 0) return source;
  return (async function* () {
    const running = digests.map(start);
    for await (const chunk of source) {
      for (const r of running) r.update(chunk);
      yield chunk;
    }
    for (const r of running) {
      const actual = r.base64();
      if (actual !== r.digest.expected) throw mismatch(r.digest, actual);
    }
  })();
}

/** Checks `digests` against an empty body (a request that carries none). @throws S3Error BadDigest (400). */
export function checkEmptyDigests(digests: readonly ExpectedDigest[]): void {
  for (const d of digests) {
    const actual = start(d).base64();
    if (actual !== d.expected) throw mismatch(d, actual);
  }
}
