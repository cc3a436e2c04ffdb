// `@s3kit/xml-shapes/operations`: the catalogue and the router, without the XML parser.
export {
  OPERATIONS,
  OPERATION_LIST,
  UNMODELLED_SUBRESOURCES,
  requiredActions,
  type ActionContext,
  type ActionRequirement,
  type ActionResource,
  type HttpMethod,
  type OperationName,
  type OperationScope,
  type OperationSpec,
  type ResolvedAction,
} from './operations.js';
export {
  createRouter,
  route,
  type HeadersInput,
  type QueryInput,
  type RouteResult,
  type Router,
  type RouterOptions,
} from './router.js';
export { validBucketName } from './bucket-name.js';
export { parseCopySource, type CopySource } from './copy-source.js';
export { utf8Length } from './utf8-length.js';
export { S3Error, S3_ERRORS, type S3ErrorCode } from '@s3kit/errors';
