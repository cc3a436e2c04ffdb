import type { Authenticated } from './types.js';

/** A body whose iteration failure is remembered, see {@link watchFailure}. */
export interface WatchedBody {
  readonly body: AsyncIterable<Uint8Array>;
  /** What the body's iteration threw, if it did. */
  failure(): unknown;
}

/**
 * Wraps a body that may fail while it streams (verification, a client gone): its error is the
 * client's answer, whatever the consumer (an upstream, the transport) then made of the cut-short
 * stream, so it is kept for the error boundary.
 */
export function watchFailure(body: AsyncIterable<Uint8Array>): WatchedBody {
  let failed: { err: unknown } | undefined;
  const watched = (async function* () {
    try {
      yield* body;
    } catch (err) {
      failed = { err };
      throw err;
    }
  })();
  return { body: watched, failure: () => failed?.err };
}

/** An authenticated request whose verifying body is watched. */
export interface WatchedAuthenticated extends Authenticated {
  /** What the verifying body's iteration threw, if it did. */
  failure(): unknown;
}

/** Watches the authenticated body when it verifies as it streams (a plain pass-through cannot fail verification). */
export function watchVerifiedBody(auth: Authenticated): WatchedAuthenticated {
  const watched = auth.body === undefined || !auth.verifying ? undefined : watchFailure(auth.body);
  // Every field named (no spread of `auth` per request: V8 copies a spread slowly once shapes vary).
  return {
    principal: auth.principal,
    payloadMode: auth.payloadMode,
    body: watched === undefined ? auth.body : watched.body,
    bytesIn: auth.bytesIn,
    verifying: auth.verifying,
    expiresAt: auth.expiresAt,
    queryDigests: auth.queryDigests,
    failure: watched === undefined ? noFailure : watched.failure,
  };
}

const noFailure = (): undefined => undefined;
