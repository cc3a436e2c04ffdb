import { isS3Error, s3Error, type S3Error } from '@s3kit/errors';
import type { AbortSignalLike } from '@s3kit/http-transport';
import { verifyPost, type VerifiedPost } from '@s3kit/post-policy';
import { uriEncode } from '@s3kit/sigv4';
import { parseXml } from '@s3kit/xml-shapes';
import { OPERATIONS } from '@s3kit/xml-shapes/operations';
import { authorize } from '../authorize/decide.js';
import { forgetChangedAcl } from '../acl-grants/cache.js';
import { anonymousPrincipal, principalOf } from '../authorize/principal.js';
import type { ConfigSnapshot } from '../config/snapshot.js';
import { watchFailure } from '../pipeline/body-watch.js';
import { ownerAccountOf, upstreamOwner } from '../accounts/ownership.js';
import { forward } from '../pipeline/forward.js';
import { headerRecord } from '../pipeline/parse.js';
import { toUpstreamRequest } from '../pipeline/resign.js';
import { requesterOf } from './listen.js';
import type { GatewayResponse, ParsedRequest, Principal, RequestInfo } from '../pipeline/types.js';
import { capabilitiesOf, type UpstreamBody, type UpstreamResponse } from '../upstreams/upstream.js';
import { corsHeaders } from './cors.js';
import { formBodyStream, heldFile } from './post-body.js';
import { spool, type Spooled } from './post-spool.js';

const DAY_MS = 86_400_000;

function invalidCredential(message: string, credential: string | undefined, region?: string): S3Error {
  return s3Error('InvalidArgument', message, {
    details: { ArgumentName: 'x-amz-credential', ArgumentValue: credential ?? '', ...(region === undefined ? {} : { Region: region }) },
  });
}

/** `yyyymmdd` → ms at 00:00 UTC, or undefined when it is not a real date. */
function scopeDay(date: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(date);
  if (m === null) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d ? t : undefined;
}

/**
 * What `verifyPost` leaves to the server (its README, "Limits"): a SigV4 form's credential scope
 * must name this gateway's region and `s3`, its date must be a real day equal to the date of
 * `x-amz-date`, and not in the future. S3 answers a wrong region in a POST form with
 * InvalidArgument (400) "the region 'x' is wrong; expecting 'y'" and the Region element.
 * @throws S3Error InvalidArgument (400).
 */
export function checkScope(verified: Pick<VerifiedPost, 'identity' | 'fields'>, region: string, now: number): void {
  const scope = verified.identity?.scope;
  if (verified.identity?.signatureVersion !== 'v4' || scope === undefined) return;
  const credential = verified.fields.get('x-amz-credential');
  if (scope.region !== region) throw invalidCredential(`the region '${scope.region}' is wrong; expecting '${region}'`, credential, region);
  if (scope.service !== 's3') {
    throw invalidCredential(`Error parsing the X-Amz-Credential parameter; incorrect service '${scope.service}'. This endpoint belongs to 's3'.`, credential);
  }
  const day = scopeDay(scope.date);
  if (day === undefined) throw invalidCredential(`Error parsing the X-Amz-Credential parameter; invalid date '${scope.date}'.`, credential);
  const amzDate = verified.fields.get('x-amz-date');
  if (amzDate === undefined) {
    throw s3Error('InvalidArgument', "Bucket POST must contain a field named 'x-amz-date'.  If it is specified, please check the order of the fields.", {
      details: { ArgumentName: 'x-amz-date' },
    });
  }
  if (!/^\d{8}T\d{6}Z$/.test(amzDate) || scopeDay(amzDate.slice(0, 8)) === undefined) {
    throw s3Error('InvalidArgument', `Invalid x-amz-date: '${amzDate}'.`, { details: { ArgumentName: 'x-amz-date', ArgumentValue: amzDate } });
  }
  if (amzDate.slice(0, 8) !== scope.date) throw invalidCredential('Invalid credential date. Date is not the same as X-Amz-Date.', credential);
  // A scope dated after tomorrow (any time zone's today) was not signed by a sane clock.
  if (day > now + DAY_MS) throw invalidCredential(`Invalid credential date '${scope.date}': it is in the future.`, credential);
}

/** S3's `tagging` form field is a `<Tagging>` document; a PUT carries it as `x-amz-tagging` (URL-encoded pairs). */
function taggingHeader(value: string): string {
  if (!value.trimStart().startsWith('<')) return value;
  const doc = parseXml('Tagging', value);
  return (doc.TagSet ?? []).map((t) => `${encodeURIComponent(t.Key)}=${encodeURIComponent(t.Value)}`).join('&');
}

/**
 * A form field's text as a header value holds it: the UTF-8 bytes, one code unit each (as Node
 * hands over a header a client sent), so upstreams store and give back the UTF-8 bytes, as S3 does.
 */
function asWireBytes(text: string): string {
  return /[^\x00-\x7f]/.test(text) ? Buffer.from(text, 'utf8').toString('latin1') : text;
}

/**
 * The PutObject the form asks for, as a parsed request: the resolved key and the object headers
 * from the form (content-*, cache-control, expires, x-amz-meta-*, x-amz-acl, storage class,
 * tagging, checksums, SSE, website redirect). It is what authorization and the upstream see.
 */
export function putRequestOf(parsed: ParsedRequest, verified: Pick<VerifiedPost, 'bucket' | 'key' | 'headers'>): ParsedRequest {
  const headers = headerRecord();
  for (const [name, value] of Object.entries(verified.headers)) headers[name] = asWireBytes(name === 'x-amz-tagging' ? taggingHeader(value) : value);
  const host = parsed.headers['host'];
  const headerPairs: [string, string][] = Object.entries(headers);
  if (host !== undefined) headerPairs.unshift(['host', host]);
  return {
    ...parsed,
    method: 'PUT',
    target: `/${uriEncode(verified.bucket)}/${uriEncode(verified.key, true)}`,
    headerPairs,
    headers: host === undefined ? headers : { host, ...headers },
    route: { operation: 'PutObject', spec: OPERATIONS.PutObject, bucket: verified.bucket, key: verified.key, params: {}, style: 'path' },
    resource: `/${verified.bucket}/${verified.key}`,
  };
}

/** Reads and drops an upstream answer's body (a PUT's is empty or a short document). */
async function discard(body: UpstreamResponse['body']): Promise<void> {
  if (body === undefined || typeof body === 'string' || body instanceof Uint8Array) return;
  for await (const _ of body) {
    // drop
  }
}

/**
 * The request URL as the client addressed it (for the PostResponse Location). Scheme and forwarded
 * host come from the GatewayRequest, where only a trusted proxy's `X-Forwarded-*` may set them.
 */
function requestUrl(parsed: ParsedRequest): string {
  const proto = parsed.secure === true ? 'https' : 'http';
  return `${proto}://${parsed.host ?? parsed.headers['host'] ?? 'localhost'}${parsed.target.split('?')[0]}`;
}

/**
 * Browser POST Object (`POST /bucket`, virtual-hosted `POST /`, multipart/form-data):
 *
 * 1. `verifyPost` (@s3kit/post-policy) parses the fields before the file and checks the policy
 *    (expiration against the gateway clock), its SigV4 or SigV2 signature with the gateway
 *    identity's secret, every condition and field coverage; then the SigV4 scope is checked
 *    against the gateway region ({@link checkScope}).
 * 2. The PutObject the form asks for is authorized for the signer (`authKind` `post`) BEFORE any
 *    file byte goes upstream.
 * 3. The file streams to the upstream as a re-signed PUT of unknown length; the last piece is
 *    held back until content-length-range, the declared checksum and the form's end passed, so
 *    a failing check (or a client that goes away) aborts the PUT and nothing is stored.
 * 4. The answer is S3's: 303 to `success_action_redirect`, or `success_action_status` 200/201
 *    (PostResponse XML)/204, with ETag, Location and x-amz-version-id.
 *
 * A form without `policy` and signature is anonymous (`verifyPost`'s `allowAnonymous`: no policy
 * conditions) and is authorized for the anonymous principal (bucket policies, `anonymous` allow-list).
 * A signed form calls `onAuthenticated` once its signer is known (the server's slot stops counting
 * as unsigned).
 * @throws S3Error the post-policy codes (400/403), InvalidArgument (scope), InvalidAccessKeyId,
 *   AccessDenied (authorization), and the upstream's errors.
 */
export async function postObject(
  parsed: ParsedRequest,
  body: UpstreamBody | undefined,
  config: ConfigSnapshot,
  info: RequestInfo,
  signal: AbortSignalLike | undefined,
  onAuthenticated?: (() => void) | undefined,
): Promise<GatewayResponse> {
  const bucket = parsed.route.bucket;
  if (bucket === undefined) throw s3Error('MethodNotAllowed');
  const stream = formBodyStream(body);
  const verified = await verifyPost(
    { headers: parsed.headers, body: stream, url: requestUrl(parsed) },
    {
      bucket,
      now: () => config.clock(),
      getCredentials: (id) => {
        const identity = config.identities.get(id);
        return identity === undefined ? undefined : { secretAccessKey: identity.secretAccessKey };
      },
      // A form without policy and signature is anonymous: authorization below decides.
      allowAnonymous: true,
    },
  );
  let principal: Principal;
  let put: ParsedRequest;
  try {
    info.key = verified.key;
    if (verified.identity === undefined) {
      principal = anonymousPrincipal(config.anonymous);
    } else {
      checkScope(verified, config.region, config.clock());
      const identity = config.identities.get(verified.identity.accessKeyId);
      if (identity === undefined) throw s3Error('InvalidAccessKeyId');
      onAuthenticated?.();
      // s3:signatureversion of a form: the auth kind 'post' does not tell V4 from V2.
      principal = principalOf('post', identity, undefined, verified.identity.signatureVersion === 'v4' ? 'AWS4-HMAC-SHA256' : 'AWS');
    }
    info.identity = principal.name;
    put = putRequestOf(parsed, verified);
    // The S3 API's bucket policy applies to forms too (anonymous forms: Principal "*").
    const bucketConfigs = await config.apiConfig.load(principal.upstream, [bucket]);
    await authorize(put, principal, { ...config, bucketConfigs });
  } catch (err) {
    await verified.file.cancel(err).catch(() => {});
    throw err;
  }
  let bytes = 0;
  info.bytesIn = () => bytes;
  const upload = await store(
    parsed,
    put,
    principal,
    heldFile(verified.file, (n) => (bytes += n)),
    () => bytes,
    config,
    info,
    signal,
  ).finally(() =>
    // The form's `acl` field set the new object's ACL: this gateway sees it at once.
    forgetChangedAcl(config.aclGrants.cacheOf(principal.upstream), 'PostObject', bucket, put.route.key, undefined),
  );
  const answer = verified.success({ etag: upload.etag });
  const headers: Record<string, string> = {};
  answer.headers.forEach((v, k) => {
    headers[k] = v;
  });
  return respondStored(parsed, config, info, upload, answer.status, headers, answer.status === 201 ? await answer.text() : '');
}

interface Stored {
  readonly etag: string;
  readonly versionId: string | undefined;
}

/**
 * Sends the (held-back) file to the principal's upstream as the PUT `put`: streamed to an
 * upstream that takes an unknown length, else spooled first. The file's own failure
 * (EntityTooLarge, BadDigest, a truncated form, a client gone) is the answer, whatever the
 * upstream then said about its aborted PUT.
 */
async function store(
  parsed: ParsedRequest,
  put: ParsedRequest,
  principal: Principal,
  source: AsyncIterable<Uint8Array>,
  bytesIn: () => number,
  config: ConfigSnapshot,
  info: RequestInfo,
  signal: AbortSignalLike | undefined,
): Promise<Stored> {
  const upstream = config.upstreams[principal.upstream];
  if (upstream === undefined) {
    await (source as AsyncGenerator<Uint8Array>).return?.(undefined);
    throw s3Error('InternalError', undefined, { details: { reason: `no upstream ${principal.upstream}` } });
  }
  const watched = watchFailure(source);
  const file = watched.body;
  let upRes: UpstreamResponse;
  let spooled: Spooled | undefined;
  try {
    let upBody: AsyncIterable<Uint8Array> = file;
    if (!capabilitiesOf(upstream).acceptsUnknownLength) {
      // A remote S3 needs the length up front: read (and so verify) the whole file first.
      const hint = Number(parsed.headers['content-length']);
      spooled = await spool(file, Number.isFinite(hint) ? hint : undefined);
      put = { ...put, headers: { ...put.headers, 'content-length': String(spooled.length) } };
      upBody = spooled.body();
    }
    const auth = { principal, payloadMode: 'unsigned' as const, body: upBody, bytesIn, verifying: true };
    // The store shows (and writes into the object's ACL) the bucket's owning account, loaded at authorization.
    const bucket = put.route.bucket;
    const owner = bucket === undefined ? undefined : upstreamOwner(ownerAccountOf(config.apiConfig.peek(principal.upstream, bucket).get(bucket)));
    const request = { ...toUpstreamRequest(put, auth, signal), requester: { ...requesterOf(principal, parsed, info), via: 'Post' as const } };
    upRes = await forward(upstream, owner === undefined ? request : { ...request, owner });
  } catch (err) {
    const fileError = watched.failure();
    if (fileError !== undefined && isS3Error(fileError)) throw fileError;
    if (fileError === undefined && isS3Error(err)) info.upstreamError = err.status >= 500 ? err.code : undefined;
    throw err;
  } finally {
    await spooled?.release();
  }
  const fileError = watched.failure();
  if (fileError !== undefined) throw fileError;
  await discard(upRes.body);
  return { etag: upRes.headers['etag'] ?? '', versionId: upRes.headers['x-amz-version-id'] };
}

/** The client's answer once stored: S3's success answer plus version id, request id and CORS headers. */
function respondStored(parsed: ParsedRequest, config: ConfigSnapshot, info: RequestInfo, upload: Stored, status: number, answerHeaders: Record<string, string>, text: string): GatewayResponse {
  const headers: Record<string, string> = { ...answerHeaders };
  if (upload.versionId !== undefined) headers['x-amz-version-id'] = upload.versionId;
  headers['x-amz-request-id'] = info.requestId;
  headers['content-length'] = String(Buffer.byteLength(text));
  // The API-set rules as cached for the anonymous upstream (the principal's are read by authorization).
  const bucket = parsed.route.bucket;
  Object.assign(headers, corsHeaders(parsed, config, bucket === undefined ? undefined : config.apiConfig.peek(config.anonymous.upstream, bucket).get(bucket)));
  return { status, headers, body: text === '' ? undefined : text, info };
}
