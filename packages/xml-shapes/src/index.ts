// Catalogue, router and the shared error model (also at `@s3kit/xml-shapes/operations`, without XML).
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
  validBucketName,
  type HeadersInput,
  type QueryInput,
  type RouteResult,
  type Router,
  type RouterOptions,
} from './router.js';
export { parseCopySource, type CopySource } from './copy-source.js';
export { S3Error, S3_ERRORS, type S3ErrorCode } from '@s3kit/errors';

// Typed XML bodies.
export { parseXml, buildXml, type ParseXmlOptions, type BuildXmlOptions } from './xml.js';
export { parseErrorXml, buildErrorXml, type ParseErrorOptions, type BuildErrorOptions, type ErrorHeaders } from './error-xml.js';
export type { XmlLimits } from './xml-guard.js';
export {
  SHAPES,
  S3_XMLNS,
  type ShapeName,
  type ShapeSpec,
  type Shape,
  type ShapeInput,
  type ListAllMyBucketsResult,
  type ListBucketResult,
  type ListVersionsResult,
  type ListPartsResult,
  type ListMultipartUploadsResult,
  type InitiateMultipartUploadResult,
  type CompleteMultipartUpload,
  type CompleteMultipartUploadResult,
  type CopyObjectResult,
  type CopyPartResult,
  type Delete,
  type DeleteResult,
  type Tagging,
  type VersioningConfiguration,
  type LifecycleConfiguration,
  type CORSConfiguration,
  type NotificationConfiguration,
  type ReplicationConfiguration,
  type AccessControlPolicy,
  type BucketLoggingStatus,
  type WebsiteConfiguration,
  type RequestPaymentConfiguration,
  type CreateBucketConfiguration,
  type ServerSideEncryptionConfiguration,
  type ObjectLockConfiguration,
  type Retention,
  type LegalHold,
  type SelectObjectContentRequest,
  type RestoreRequest,
  type PostResponse,
} from './shapes.js';
export type { Infer, InferInput, NodeSpec, StructSpec, ListSpec, LeafSpec, FieldsSpec, LeafType } from './schema.js';
