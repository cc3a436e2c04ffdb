// Catalogue, router and the shared error model: everything `@s3kit/xml-shapes/operations`
// exports (named there, once), plus the XML below.
export * from './entry-operations.js';

// Typed XML bodies.
export { parseXml, buildXml, type ParseXmlOptions, type BuildXmlOptions, type XmlTextParser } from './xml.js';
export type { XmlDocument, XmlObject, XmlValue } from './fast-scan.js';
export { parseErrorXml, buildErrorXml, type ParseErrorOptions, type BuildErrorOptions, type ErrorHeaders } from './error-xml.js';
export type { XmlLimits } from './xml-guard.js';
export {
  SHAPES,
  S3_XMLNS,
  STS_XMLNS,
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
  type AccelerateConfiguration,
  type CreateBucketConfiguration,
  type ServerSideEncryptionConfiguration,
  type ObjectLockConfiguration,
  type PublicAccessBlockConfiguration,
  type PolicyStatus,
  type Retention,
  type LegalHold,
  type SelectObjectContentRequest,
  type RestoreRequest,
  type PostResponse,
  type GetObjectAttributesResponse,
  type AssumeRoleResponse,
  type AssumeRoleWithWebIdentityResponse,
  type ErrorResponse,
} from './shapes.js';
export type { Infer, InferInput, NodeSpec, StructSpec, ListSpec, LeafSpec, FieldsSpec, LeafType } from './schema.js';
