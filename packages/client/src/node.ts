// The Node entry (`@s3kit/client` under the `node` export condition, and `@s3kit/client/node`):
// everything the neutral entry exports, with the Node S3Client (undici by default, fPutObject,
// fGetObject, Readable bodies) and the Node-only credential providers in place of / beside it.
import type { ResponseBody, ResponseBodyMixin } from '@s3kit/http-transport';
import type { ObjectStream as NeutralObjectStream } from './objects.js';

export * from './index.js';
export { S3Client, type S3ClientOptions } from './node/client.js';
export { undiciTransport, type UndiciOptions } from './node/transport.js';
/** GetObject's answer; with the default (undici) transport, the body is a Node `Readable`. */
export type ObjectStream<Body extends ResponseBodyMixin = ResponseBody> = NeutralObjectStream<Body>;
// Node-only credential providers (files, processes).
export {
  sharedFileCredentials,
  defaultCredentials,
  type SharedFileOptions,
  processCredentials,
  minioConfigCredentials,
  webIdentityTokenFileCredentials,
  type DefaultCredentialsOptions,
  type ProcessOptions,
  type MinioConfigOptions,
  type WebIdentityTokenFileOptions,
} from './credentials/node.js';
