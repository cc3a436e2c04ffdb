import { s3Error } from '@s3kit/errors';
import { EMPTY_SHA256, classifyAuth, verifyV2, type SigV4Verifier, type VerifiedRequest } from '@s3kit/sigv4';
import { anonymousPrincipal, principalOf } from '../authorize/principal.js';
import type { ConfigSnapshot } from '../config/snapshot.js';
import { chunkedDecoded, counted, holdBackLast, lengthCheckedHeld, sha256Checked } from './body.js';
import { checkEmptyDigests, digestChecked, expectedDigests, queryDigests, type ExpectedDigest } from './digests.js';
import type { Authenticated, ParsedRequest, Principal } from './types.js';

/** What the authenticate stage reads of the request's configuration snapshot. */
export type AuthenticateConfig = Pick<ConfigSnapshot, 'verifier' | 'identities' | 'anonymous' | 'clock' | 'maxSkewMs'>;

/** The request frames a body (chunked, or a non-zero Content-Length). */
function declaresBody(parsed: ParsedRequest): boolean {
  const len = parsed.headers['content-length'];
  return parsed.headers['transfer-encoding'] !== undefined || (len !== undefined && len !== '0');
}

/** A body to read and forward: GET and HEAD bodies never are. */
function hasBody(parsed: ParsedRequest): boolean {
  return parsed.method !== 'GET' && parsed.method !== 'HEAD' && declaresBody(parsed);
}

/**
 * A request that carries no body at all is checked against what was signed for it, as S3 does:
 * a hex SHA-256 must be the empty body's (else a captured signed PUT replayed without its body
 * would store nothing over the object), an aws-chunked mode needs at least its final chunk, and
 * the digests must be the empty body's. A GET or HEAD whose body the gateway drops is left alone.
 * @throws S3Error XAmzContentSHA256Mismatch (400); IncompleteBody (400) for `STREAMING-*` with
 *   `Content-Length: 0`, MissingContentLength (411) without any; BadDigest (400).
 */
function checkNoBody(parsed: ParsedRequest, verifier: SigV4Verifier, verified: VerifiedRequest | undefined, digests: readonly ExpectedDigest[]): void {
  if (declaresBody(parsed)) return;
  switch (verified?.payloadMode) {
    case undefined:
    case 'unsigned':
      break;
    case 'sha256':
      // The empty body's own hash needs no hashing to match it.
      if (verified.payloadHash !== EMPTY_SHA256) verifier.checkPayload(verified, new Uint8Array());
      break;
    default:
      if (parsed.headers['content-length'] === undefined) throw s3Error('MissingContentLength');
      throw s3Error('IncompleteBody', 'The request body terminated unexpectedly');
  }
  // Digests bind a body that is sent (PUT, POST); other requests have none to bind.
  if (parsed.method === 'PUT' || parsed.method === 'POST') checkEmptyDigests(digests);
}

/**
 * Stage 2: who sent the request, in S3's fixed order (header SigV4, presigned SigV4, SigV2
 * header/query, anonymous), and the body to forward, verified while it streams by the payload
 * mode the signature covers: hex SHA-256, UNSIGNED-PAYLOAD, signed aws-chunked (each chunk
 * checked before its bytes go on), and the trailer modes (checksum verified). The last piece of
 * a verified body is held back until every check passed.
 * Digests (`x-amz-checksum-*`, and `Content-MD5` in a signed query) are verified as it streams;
 * a request without a body is checked against what was signed for it (see checkNoBody).
 * @throws S3Error SignatureDoesNotMatch, InvalidAccessKeyId, AccessDenied, RequestTimeTooSkewed,
 *   AuthorizationHeaderMalformed, AuthorizationQueryParametersError, InvalidArgument, NotImplemented (POST forms),
 *   XAmzContentSHA256Mismatch, IncompleteBody, MissingContentLength, InvalidDigest, BadDigest (bodiless requests).
 */
export async function authenticate(parsed: ParsedRequest, body: AsyncIterable<Uint8Array> | undefined, config: AuthenticateConfig): Promise<Authenticated> {
  let bytes = 0;
  const bytesIn = (): number => bytes;
  const onBytes = (n: number): void => {
    bytes += n;
  };
  const present = body !== undefined && hasBody(parsed) ? body : undefined;
  const raw = present === undefined ? undefined : counted(present, onBytes);
  // The lowercase record (repeats joined with `,`, as SigV4 joins them): read without a lookup per header.
  const kind = classifyAuth({ method: parsed.method, url: parsed.target, headers: parsed.headers });
  const fromQuery = queryDigests(parsed.route.params);
  const digests = (): ExpectedDigest[] => expectedDigests(bodyDigestHeaders(parsed), fromQuery);
  // Digests found in the query travel on as headers (toUpstreamRequest).
  const queryDigestsFound = Object.keys(fromQuery).length === 0 ? undefined : fromQuery;
  switch (kind) {
    case 'header-v4':
    case 'presigned-v4': {
      const verified = await config.verifier.verify({ method: parsed.method, url: parsed.target, headers: parsed.headers });
      const identity = config.identities.get(verified.accessKeyId);
      if (identity === undefined) throw s3Error('InvalidAccessKeyId');
      const expected = digests();
      if (present === undefined) checkNoBody(parsed, config.verifier, verified, expected);
      const vbody = verifiedBody(parsed, present, raw, verified, expected, onBytes);
      const principal = principalOf(kind, identity, verified.signedAt);
      return authenticated(principal, verified.payloadMode, vbody, bytesIn, vbody !== present, verified.expiresAt, queryDigestsFound);
    }
    case 'header-v2':
    case 'presigned-v2': {
      const verified = await verifyV2(
        { method: parsed.method, url: parsed.target, headers: parsed.headerPairs },
        {
          getCredentials: (id) => {
            const identity = config.identities.get(id);
            return identity === undefined ? undefined : { accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey };
          },
          clock: config.clock,
          maxSkewMs: config.maxSkewMs,
          // Header values as Node holds them: the bytes the client signed.
          headerEncoding: 'latin1',
          // The router already told path-style from virtual-hosted: only the latter puts the bucket in the Host.
          ...(parsed.route.style === 'virtual' && parsed.route.bucket !== undefined ? { bucket: parsed.route.bucket } : {}),
        },
      );
      const identity = config.identities.get(verified.accessKeyId);
      if (identity === undefined) throw s3Error('InvalidAccessKeyId');
      const expected = digests();
      if (present === undefined) checkNoBody(parsed, config.verifier, undefined, expected);
      const pbody = plainBody(parsed, present, expected, onBytes);
      // Header SigV2 signs its Date (or x-amz-date); query SigV2 carries only the expiry (no signedAt).
      const principal = principalOf(kind, identity, verified.signedAt);
      return authenticated(principal, 'unsigned', pbody, bytesIn, pbody !== present, undefined, queryDigestsFound);
    }
    case 'anonymous': {
      // Unsigned requests are authorized like any other: by bucket policies (Principal "*") and
      // the `anonymous` allow-list shorthand; with neither, the authorize stage denies them.
      const principal = anonymousPrincipal(config.anonymous);
      const expected = digests();
      if (present === undefined) checkNoBody(parsed, config.verifier, undefined, expected);
      const abody = plainBody(parsed, present, expected, onBytes);
      return authenticated(principal, 'unsigned', abody, bytesIn, abody !== present, undefined, queryDigestsFound);
    }
    case 'post':
      throw s3Error('NotImplemented', 'Browser POST uploads are not supported by this gateway yet.');
    default:
      throw s3Error('InvalidArgument', 'Unsupported or ambiguous authorization (more than one mechanism, or an unknown one).');
  }
}

/** One shape for every outcome (no spread per request). */
function authenticated(
  principal: Principal,
  payloadMode: Authenticated['payloadMode'],
  body: AsyncIterable<Uint8Array> | undefined,
  bytesIn: () => number,
  verifying: boolean,
  expiresAt: number | undefined,
  queryDigests: Readonly<Record<string, string>> | undefined,
): Authenticated {
  return { principal, payloadMode, body, bytesIn, verifying, expiresAt, queryDigests };
}

/**
 * The headers whose digests bind the body. On CompleteMultipartUpload `x-amz-checksum-*` is the
 * whole object's checksum (FULL_OBJECT uploads), not the XML body's: the upstream checks it.
 */
function bodyDigestHeaders(parsed: ParsedRequest): Readonly<Record<string, string>> {
  if (parsed.route.operation !== 'CompleteMultipartUpload') return parsed.headers;
  return Object.fromEntries(Object.entries(parsed.headers).filter(([name]) => !name.startsWith('x-amz-checksum-')));
}

function plainBody(parsed: ParsedRequest, body: AsyncIterable<Uint8Array> | undefined, digests: readonly ExpectedDigest[], onBytes: (n: number) => void): AsyncIterable<Uint8Array> | undefined {
  if (body === undefined) return undefined;
  const len = parsed.headers['content-length'];
  const checked = digestChecked(body, digests);
  if (checked === body && len !== undefined) {
    // Nothing to verify but the length, which the HTTP parser enforces: a client that stops
    // early errors the stream, so the upstream request is aborted short. The client's stream
    // goes on as it is (no per-chunk async hops); its length is what it carried.
    onBytes(Number(len));
    return body;
  }
  return len === undefined ? holdBackLast(counted(checked, onBytes)) : lengthCheckedHeld(checked, Number(len), onBytes);
}

function verifiedBody(
  parsed: ParsedRequest,
  body: AsyncIterable<Uint8Array> | undefined,
  raw: AsyncIterable<Uint8Array> | undefined,
  verified: VerifiedRequest,
  digests: readonly ExpectedDigest[],
  onBytes: (n: number) => void,
): AsyncIterable<Uint8Array> | undefined {
  if (raw === undefined) return undefined;
  switch (verified.payloadMode) {
    case 'unsigned':
      return plainBody(parsed, body, digests, onBytes);
    case 'sha256':
      return holdBackLast(digestChecked(sha256Checked(raw, verified.payloadHash), digests));
    default:
      // Trailer checksums are verified by the decoder; a checksum sent up front is checked here.
      return holdBackLast(digestChecked(chunkedDecoded(raw, verified, parsed.headers['x-amz-decoded-content-length'], parsed.headers['x-amz-trailer']), digests));
  }
}
