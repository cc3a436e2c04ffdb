// The runtime-neutral public API both entries export (`.` and `./fetch`): response shapes,
// S3 error parsing, the retry predicate and the transport errors.
export type { TransportResponse, ResponseBodyMixin, PayloadSigning, AbortSignalLike } from './types.js';
export { s3ErrorFromResponse } from './s3-error-response.js';
export { isRetryable } from './retry-policy.js';
export {
  TransportError,
  TransportTimeoutError,
  TransportAbortedError,
  TransportConnectError,
  TransportSocketError,
  TransportBodyMismatchError,
  TransportNotReplayableError,
  TransportProxyError,
  TransportRequestError,
  isTransportError,
  type TransportErrorCode,
  type TimeoutPhase,
} from './errors.js';
