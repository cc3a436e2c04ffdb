import { authorize, policiesMention, requestTagContext, type AuthorizeDeps, type BodyKey } from './authorize.js';
import type { PolicyContext } from './policy-context.js';
import { bufferedBody, deleteKeys, readDeleteBody, MAX_TAGGING_BODY_BYTES } from './policy-delete.js';
import type { Authenticated, ParsedRequest } from './types.js';

/** What the authorize stage needs: the policy configuration, and where a body's verification failure goes. */
export interface AuthorizeStageDeps extends AuthorizeDeps {
  /**
   * Told the error a verifying body threw (chunk signature, checksum, length): that error is the
   * client's answer, whatever the upstream said after its body was cut short.
   */
  readonly onBodyError: (err: unknown) => void;
}

/** The authorize stage's result: the request may go on, with this body. */
export interface Authorized {
  /**
   * The body to forward: the bytes read to authorize (DeleteObjects, PutObjectTagging when a
   * policy reads its tags), else the verified stream (reporting its failure), else the client's.
   */
  readonly body: AsyncIterable<Uint8Array> | undefined;
}

/** Records the error a body iteration threw, so the client hears it rather than the transport's wrapper. */
function watched(body: AsyncIterable<Uint8Array>, onError: (err: unknown) => void): AsyncGenerator<Uint8Array> {
  return (async function* () {
    try {
      yield* body;
    } catch (err) {
      onError(err);
      throw err;
    }
  })();
}

/** The authenticated body, watched when it verifies as it streams. */
function reported(auth: Authenticated, deps: AuthorizeStageDeps): AsyncIterable<Uint8Array> | undefined {
  return auth.body === undefined || !auth.verifying ? auth.body : watched(auth.body, deps.onBodyError);
}

/**
 * Stage 3 as the pipeline runs it: reads what the policies need from a small body (the keys of a
 * DeleteObjects `<Delete>`, up to 2 MiB; the tags of a PutObjectTagging `<Tagging>` when a policy
 * mentions `s3:RequestObjectTag`, up to 64 KiB), authorizes every permission the request needs,
 * and returns the body to forward (the very bytes read, when it read them).
 * @throws S3Error AccessDenied (403), MalformedXML (400), MaxMessageLengthExceeded (400), or the
 *   body's verification error (also told to `deps.onBodyError`).
 */
export async function authorizeRequest(parsed: ParsedRequest, auth: Authenticated, deps: AuthorizeStageDeps): Promise<Authorized> {
  const { operation, bucket } = parsed.route;
  let keys: BodyKey[] | undefined;
  let extra: PolicyContext | undefined;
  let body: AsyncIterable<Uint8Array> | undefined;
  if (operation === 'DeleteObjects') {
    // DeleteObjects needs s3:DeleteObject on every key of its (small, verified) body: read it
    // up to a cap, authorize each key, then forward the very same bytes.
    const bytes = await readDeleteBody(reported(auth, deps));
    keys = deleteKeys(bytes);
    body = bufferedBody(bytes);
  } else if (operation === 'PutObjectTagging' && policiesMention(deps.state, auth.principal, bucket, 's3:requestobjecttag')) {
    // s3:RequestObjectTag/<k> of PutObjectTagging comes from its <Tagging> body: read only when a policy asks.
    const bytes = await readDeleteBody(reported(auth, deps), MAX_TAGGING_BODY_BYTES);
    extra = requestTagContext(bytes);
    body = bufferedBody(bytes);
  }
  await authorize(parsed, auth.principal, deps, keys, extra);
  return { body: body ?? reported(auth, deps) };
}
