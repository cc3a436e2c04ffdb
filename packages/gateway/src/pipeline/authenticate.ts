import { s3Error } from '@s3kit/errors';
import { classifyAuth, verifyV2, type VerifiedRequest } from '@s3kit/sigv4';
import { anonymousPrincipal, principalOf } from '../authorize/principal.js';
import type { ConfigSnapshot } from '../config/snapshot.js';
import { checksumChecked, chunkedDecoded, counted, holdBackLast, lengthCheckedHeld, sha256Checked } from './body.js';
import type { Authenticated, ParsedRequest, Principal } from './types.js';

/** What the authenticate stage reads of the request's configuration snapshot. */
export type AuthenticateConfig = Pick<ConfigSnapshot, 'verifier' | 'identities' | 'anonymous' | 'clock' | 'maxSkewMs'>;

function hasBody(parsed: ParsedRequest): boolean {
  if (parsed.method === 'GET' || parsed.method === 'HEAD') return false;
  const len = parsed.headers['content-length'];
  return parsed.headers['transfer-encoding'] !== undefined || (len !== undefined && len !== '0');
}

/**
 * Stage 2: who sent the request, in S3's fixed order (header SigV4, presigned SigV4, SigV2
 * header/query, anonymous), and the body to forward, verified while it streams by the payload
 * mode the signature covers: hex SHA-256, UNSIGNED-PAYLOAD, signed aws-chunked (each chunk
 * checked before its bytes go on), and the trailer modes (checksum verified). The last piece of
 * a verified body is held back until every check passed.
 * @throws S3Error SignatureDoesNotMatch, InvalidAccessKeyId, AccessDenied, RequestTimeTooSkewed,
 *   AuthorizationHeaderMalformed, AuthorizationQueryParametersError, InvalidArgument, NotImplemented (POST forms).
 */
export async function authenticate(parsed: ParsedRequest, body: AsyncIterable<Uint8Array> | undefined, config: AuthenticateConfig): Promise<Authenticated> {
  let bytes = 0;
  const bytesIn = (): number => bytes;
  const onBytes = (n: number): void => {
    bytes += n;
  };
  const present = body !== undefined && hasBody(parsed) ? body : undefined;
  const raw = present === undefined ? undefined : counted(present, onBytes);
  const kind = classifyAuth({ method: parsed.method, url: parsed.target, headers: parsed.headerPairs });
  switch (kind) {
    case 'header-v4':
    case 'presigned-v4': {
      const verified = await config.verifier.verify({ method: parsed.method, url: parsed.target, headers: parsed.headerPairs });
      const identity = config.identities.get(verified.accessKeyId);
      if (identity === undefined) throw s3Error('InvalidAccessKeyId');
      const vbody = verifiedBody(parsed, present, raw, verified, onBytes);
      const principal: Principal = { ...principalOf(kind, identity), signedAt: verified.signedAt };
      return { principal, payloadMode: verified.payloadMode, body: vbody, bytesIn, verifying: vbody !== present, expiresAt: verified.expiresAt };
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
          // The router already told path-style from virtual-hosted: only the latter puts the bucket in the Host.
          ...(parsed.route.style === 'virtual' && parsed.route.bucket !== undefined ? { bucket: parsed.route.bucket } : {}),
        },
      );
      const identity = config.identities.get(verified.accessKeyId);
      if (identity === undefined) throw s3Error('InvalidAccessKeyId');
      const pbody = plainBody(parsed, present, onBytes);
      // Header SigV2 signs its Date (or x-amz-date); query SigV2 carries only the expiry (no signedAt).
      const principal: Principal = { ...principalOf(kind, identity), signedAt: verified.signedAt };
      return { principal, payloadMode: 'unsigned', body: pbody, bytesIn, verifying: pbody !== present };
    }
    case 'anonymous': {
      // Unsigned requests are authorized like any other: by bucket policies (Principal "*") and
      // the `anonymous` allow-list shorthand; with neither, the authorize stage denies them.
      const principal = anonymousPrincipal(config.anonymous);
      const abody = plainBody(parsed, present, onBytes);
      return { principal, payloadMode: 'unsigned', body: abody, bytesIn, verifying: abody !== present };
    }
    case 'post':
      throw s3Error('NotImplemented', 'Browser POST uploads are not supported by this gateway yet.');
    default:
      throw s3Error('InvalidArgument', 'Unsupported or ambiguous authorization (more than one mechanism, or an unknown one).');
  }
}

function plainBody(parsed: ParsedRequest, body: AsyncIterable<Uint8Array> | undefined, onBytes: (n: number) => void): AsyncIterable<Uint8Array> | undefined {
  if (body === undefined) return undefined;
  const len = parsed.headers['content-length'];
  const checked = checksumChecked(body, parsed.headers);
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
  onBytes: (n: number) => void,
): AsyncIterable<Uint8Array> | undefined {
  if (raw === undefined) return undefined;
  switch (verified.payloadMode) {
    case 'unsigned':
      return plainBody(parsed, body, onBytes);
    case 'sha256':
      return holdBackLast(checksumChecked(sha256Checked(raw, verified.payloadHash), parsed.headers));
    default:
      // Trailer checksums are verified by the decoder; a checksum header sent up front is checked here.
      return holdBackLast(checksumChecked(chunkedDecoded(raw, verified, parsed.headers['x-amz-decoded-content-length'], parsed.headers['x-amz-trailer']), parsed.headers));
  }
}
