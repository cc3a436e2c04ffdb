// The undici transport and its interceptors, plus everything runtime-neutral (neutral.ts, shared with ./fetch).
export * from './neutral.js';
export { createTransport, type Transport, type TransportOptions, type TransportRequest, type TlsOptions, type ProxyOption } from './transport.js';
export { ResponseBody } from './response-body.js';
export type { RequestBody, BodySource, BodyFactory, FileBody } from './body.js';
export { observe } from './interceptors/observe.js';
export { s3Errors, type S3ErrorsOptions } from './interceptors/s3-errors.js';
export { retry, type RetryOptions } from './interceptors/retry.js';
export { sign, type SignOptions, type RequestSigning, type CredentialsProvider, type Credentials } from './interceptors/sign.js';
export {
  channels,
  type RequestMessage,
  type ResponseMessage,
  type DoneMessage,
  type RetryMessage,
  type ErrorMessage,
} from './diagnostics.js';
