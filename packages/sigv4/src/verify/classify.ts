import { ALGORITHM } from '../constants.js';
import { uriDecode } from '../encoding.js';
import { toHeaderMap, type HeaderInput, type HeaderMap } from '../headers.js';
import { eachQueryPiece } from '../query-pieces.js';
import { splitUrl } from '../url.js';

/** How a request authenticates, in the gateway's fixed order. */
export type AuthKind = 'header-v4' | 'presigned-v4' | 'header-v2' | 'presigned-v2' | 'post' | 'anonymous' | 'unsupported';

/** What verification needs from an incoming request. */
export interface VerifyRequestInput {
  method: string;
  /**
   * The request target exactly as received (`/bucket/key?x=1`) or an absolute URL. The path is
   * taken as sent on the wire: do not decode or normalize it first.
   */
  url: string | URL;
  /**
   * The headers as received. Pass repeated headers as repeated pairs (e.g. pairs built from
   * Node's `rawHeaders`) so they join with `,` as SigV4 does; `Headers` and Node's
   * `req.headers` join some repeated headers with `, ` instead.
   */
  headers: HeaderInput;
  /**
   * The body, only for services other than S3 that sign the body hash without sending
   * `x-amz-content-sha256`. S3 requests never need it.
   */
  body?: string | Uint8Array | undefined;
}

/** Query parameter names (decoded) of a raw query string; values are not decoded. */
export function queryNames(rawQuery: string): Set<string> {
  const names = new Set<string>();
  eachQueryPiece(rawQuery, (name) => void names.add(name.includes('%') || name.includes('+') ? uriDecode(name, true) : name));
  return names;
}

/** Which query-auth families a query parameter name belongs to: 1 = SigV4, 2 = SigV2, 0 = none. */
export function queryAuthFamily(name: string): 0 | 1 | 2 {
  switch (name) {
    case 'X-Amz-Algorithm':
    case 'X-Amz-Credential':
    case 'X-Amz-Signature':
      return 1;
    case 'AWSAccessKeyId':
    case 'Signature':
      return 2;
    default:
      return 0;
  }
}

/** @internal Classification from already split parts (`families`: bit 1 SigV4 query, bit 2 SigV2 query). */
export function classifyParts(method: string, headers: HeaderMap, families: number): AuthKind {
  const auth = headers.get('authorization');
  const v4Query = (families & 1) !== 0;
  const v2Query = (families & 2) !== 0;
  if (auth !== undefined) {
    if (v4Query || v2Query) return 'unsupported';
    const a = auth.trimStart();
    if (a.startsWith(ALGORITHM) && (a.charCodeAt(ALGORITHM.length) === 32 || a.charCodeAt(ALGORITHM.length) === 9)) return 'header-v4';
    if (a.startsWith('AWS ')) return 'header-v2';
    return 'unsupported';
  }
  if (v4Query && v2Query) return 'unsupported';
  if (v4Query) return 'presigned-v4';
  if (v2Query) return 'presigned-v2';
  if (method.toUpperCase() === 'POST') {
    const type = headers.get('content-type');
    if (type?.trimStart().toLowerCase().startsWith('multipart/form-data')) return 'post';
  }
  return 'anonymous';
}

/**
 * Cheap classification of how a request authenticates (no crypto, no credential lookup):
 * `Authorization: AWS4-HMAC-SHA256 …` → `header-v4`; `Authorization: AWS …` → `header-v2`;
 * `X-Amz-Algorithm`/`X-Amz-Credential`/`X-Amz-Signature` in the query → `presigned-v4`;
 * `AWSAccessKeyId`/`Signature` in the query → `presigned-v2`; a multipart/form-data POST
 * without either → `post` (browser form upload); nothing → `anonymous`. `unsupported` is a
 * foreign Authorization scheme or more than one mechanism at once: `verify()` answers those
 * with the S3 error.
 */
export function classifyAuth(request: Pick<VerifyRequestInput, 'method' | 'url' | 'headers'>): AuthKind {
  const url = splitUrl(request.url);
  let families = 0;
  for (const name of queryNames(url.query)) families |= queryAuthFamily(name);
  return classifyParts(request.method, toHeaderMap(request.headers), families);
}
