export { createTransport, type Transport, type TransportOptions, type TransportRequest, type TlsOptions, type ProxyOption } from './transport.js';
export { type TransportResponse, type ResponseBodyMixin } from './types.js';
export { ResponseBody } from './response-body.js';
export { type RequestBody, type BodySource, type BodyFactory, type FileBody } from './body.js';
export { observe } from './interceptors/observe.js';
export { s3Errors, type S3ErrorsOptions } from './interceptors/s3-errors.js';
export { retry, type RetryOptions } from './interceptors/retry.js';
export { sign, type SignOptions, type RequestSigning, type PayloadSigning, type CredentialsProvider, type Credentials } from './interceptors/sign.js';
export { s3ErrorFromResponse } from './s3-error-response.js';
export { isRetryable } from './retry-policy.js';
export {
  channels,
  type RequestMessage,
  type ResponseMessage,
  type DoneMessage,
  type RetryMessage,
  type ErrorMessage,
} from './diagnostics.js';
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
