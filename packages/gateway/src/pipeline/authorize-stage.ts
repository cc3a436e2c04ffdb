import { isS3Error, s3Error } from '@s3kit/errors';
import type { AbortSignalLike } from '@s3kit/http-transport';
import { EXCHANGE_ABORT, type AbortableRequest } from './abort.js';
import type { Upstream, UpstreamResponse } from '../upstreams/upstream.js';
import { forward } from './forward.js';
import { authorize, authorizeEachKey, policiesMention, requestTagContext, type AuthorizeConfig } from '../authorize/decide.js';
import type { PolicyContext } from '../authorize/context.js';
import { accessDeniedErrors, withDeleteErrors } from '../authorize/delete-result.js';
import { bufferedBody, checkDeleteDigests, parseDeleteBody, readDeleteBody, rewriteDeleteBody, MAX_TAGGING_BODY_BYTES } from '../authorize/delete-body.js';
import type { AnswerDenied, Authenticated, Authorized, DeniedKeys, Forward, ParsedRequest } from './types.js';

/**
 * DeleteObjects as AWS authorizes it: each key on its own. The client's `Content-MD5` is checked
 * first (BadDigest). All allowed: the very bytes read are forwarded. Some denied: a `<Delete>` of
 * the allowed keys only, with its own length and digests (a digest is then required, since no
 * upstream will see the client's). All denied: nothing is forwarded.
 */
async function authorizeDelete(parsed: ParsedRequest, auth: Authenticated, config: AuthorizeConfig): Promise<Authorized> {
  const bytes = await readDeleteBody(auth.body);
  const body = parseDeleteBody(bytes);
  const deniedIndexes = await authorizeEachKey(parsed, auth.principal, config, body.keys);
  // A Content-MD5 is checked here even when the bytes go on as sent: an upstream wrapper may
  // rewrite the body with a fresh digest (mapBuckets' key prefix), so the client's must hold first.
  checkDeleteDigests(bytes, parsed.headers, deniedIndexes.length > 0);
  if (deniedIndexes.length === 0) return { forward: true, body: bufferedBody(bytes) };
  const denied: DeniedKeys = { errors: accessDeniedErrors(deniedIndexes.map((i) => body.keys[i]!)), keys: body.keys };
  if (deniedIndexes.length === body.keys.length) return { forward: false, denied };
  const skip = new Set(deniedIndexes);
  const rewritten = rewriteDeleteBody(
    body,
    body.keys.flatMap((_, i) => (skip.has(i) ? [] : [i])),
    parsed.headers,
    auth.payloadMode,
  );
  return { forward: true, body: bufferedBody(rewritten.bytes), headers: rewritten.headers, denied };
}

/**
 * Stage 3 as the pipeline runs it: reads what the policies need from a small body (the keys of a
 * DeleteObjects `<Delete>`, up to 2 MiB; the tags of a PutObjectTagging `<Tagging>` when a policy
 * mentions `s3:RequestObjectTag`, up to 64 KiB), authorizes every permission the request needs,
 * and returns what to forward. DeleteObjects is decided per key (see {@link Authorized}): denied
 * keys become `AccessDenied` entries of the DeleteResult, not a refusal of the request.
 * @throws S3Error AccessDenied (403), MalformedXML (400), MaxMessageLengthExceeded (400),
 *   InvalidRequest/InvalidDigest/BadDigest (400) for a DeleteObjects body not forwarded as sent,
 *   or the body's verification error.
 */
export async function authorizeRequest(parsed: ParsedRequest, auth: Authenticated, config: AuthorizeConfig): Promise<Authorized> {
  const { operation, bucket } = parsed.route;
  if (operation === 'DeleteObjects') return authorizeDelete(parsed, auth, config);
  let extra: PolicyContext | undefined;
  let body: AsyncIterable<Uint8Array> | undefined;
  if (operation === 'PutObjectTagging' && policiesMention(config.policies, auth.principal, bucket, 's3:requestobjecttag', config.bucketConfigs)) {
    // s3:RequestObjectTag/<k> of PutObjectTagging comes from its <Tagging> body: read only when a policy asks.
    const bytes = await readDeleteBody(auth.body, MAX_TAGGING_BODY_BYTES);
    extra = requestTagContext(bytes);
    body = bufferedBody(bytes);
  }
  await authorize(parsed, auth.principal, config, undefined, extra);
  return { forward: true, body: body ?? auth.body };
}

/** The re-sign stage's upstream request with the body (and headers) the authorize stage chose. */
export function withAuthorizedBody(req: AbortableRequest, authorized: Forward): AbortableRequest {
  if (authorized.headers === undefined) return authorized.body === req.body ? req : { ...req, body: authorized.body };
  const headers = { ...req.headers };
  for (const [name, value] of Object.entries(authorized.headers)) {
    if (value === undefined) delete headers[name];
    else headers[name] = value;
  }
  return { ...req, body: authorized.body, headers };
}

/**
 * The answer to report: the upstream's, with the denied DeleteObjects keys added to its
 * DeleteResult; for a request with nothing forwarded, the DeleteResult of the denied keys alone.
 */
export async function withDenied(upstream: UpstreamResponse | undefined, authorized: Authorized): Promise<UpstreamResponse> {
  if (authorized.denied === undefined) {
    if (upstream === undefined) throw new TypeError('withDenied: no upstream answer and no denied keys');
    return upstream;
  }
  return withDeleteErrors(upstream, authorized.denied.errors, authorized.denied.keys);
}

/**
 * When every DeleteObjects key is denied nothing is forwarded, but S3 answers a missing bucket
 * with NoSuchBucket before it looks at keys: ask the upstream (HeadBucket) first.
 * @throws S3Error NoSuchBucket (404), or the upstream's error.
 */
export async function bucketMustExist(upstream: Upstream, bucket: string, signal: AbortSignalLike | undefined): Promise<void> {
  try {
    const res = await forward(upstream, { method: 'HEAD', operation: 'HeadBucket', bucket, query: {}, headers: {}, [EXCHANGE_ABORT]: signal });
    const b = res.body as { destroy?: () => void } | undefined;
    b?.destroy?.();
  } catch (err) {
    // A HEAD answer has no body, so a remote upstream's 404 arrives without its S3 code.
    if (isS3Error(err) && err.status === 404) throw s3Error('NoSuchBucket', undefined, { resource: bucket });
    throw err;
  }
}

/**
 * Every DeleteObjects key denied: nothing is forwarded; once the bucket is known to exist, the
 * answer is a DeleteResult of the denials alone.
 * @throws S3Error NoSuchBucket (404), or the upstream's error.
 */
export async function answerAllDenied(upstream: Upstream, parsed: ParsedRequest, authorized: AnswerDenied, signal: AbortSignalLike | undefined): Promise<UpstreamResponse> {
  await bucketMustExist(upstream, parsed.route.bucket!, signal);
  return withDeleteErrors(undefined, authorized.denied.errors, authorized.denied.keys);
}
