import { attr, bool, date, int, list, req, str, struct, urlStr, wrapped, type Infer, type InferInput, type LeafSpec, type StructSpec } from './schema.js';

/**
 * Every S3 XML body s3kit reads or writes, described as data (element order follows the S3 API
 * reference). Sources: Amazon S3 API Reference (2006-03-01), per operation "Request syntax" and
 * "Response syntax"; see test/fixtures/aws-docs/README.md.
 */

/** The S3 XML namespace. */
export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

const owner = struct({ ID: str(), DisplayName: str() });
const checksums = {
  ChecksumCRC32: str(),
  ChecksumCRC32C: str(),
  ChecksumCRC64NVME: str(),
  ChecksumSHA1: str(),
  ChecksumSHA256: str(),
} as const;
const tag = struct({ Key: req(str()), Value: req(str()) });
const grantee = struct({ Type: attr('xsi:type'), ID: str(), DisplayName: str(), EmailAddress: str(), URI: str() }, { 'xmlns:xsi': XSI });
const grant = struct({ Grantee: grantee, Permission: str() });
const commonPrefix = struct({ Prefix: urlStr() });
const restoreStatus = struct({ IsRestoreInProgress: bool(), RestoreExpiryDate: date() });

const listObject = struct({
  Key: req(urlStr()),
  LastModified: date(),
  ETag: str(),
  ChecksumAlgorithm: list(str()),
  ChecksumType: str(),
  Size: int(),
  Owner: owner,
  StorageClass: str(),
  RestoreStatus: restoreStatus,
});

const ListBucketResult = struct({
  Name: str(),
  Prefix: urlStr(),
  Marker: urlStr(),
  NextMarker: urlStr(),
  StartAfter: urlStr(),
  ContinuationToken: str(),
  NextContinuationToken: str(),
  KeyCount: int(),
  MaxKeys: int(),
  Delimiter: urlStr(),
  EncodingType: str(),
  IsTruncated: bool(),
  Contents: list(listObject),
  CommonPrefixes: list(commonPrefix),
});

const ListVersionsResult = struct({
  Name: str(),
  Prefix: urlStr(),
  KeyMarker: urlStr(),
  VersionIdMarker: str(),
  NextKeyMarker: urlStr(),
  NextVersionIdMarker: str(),
  MaxKeys: int(),
  Delimiter: urlStr(),
  EncodingType: str(),
  IsTruncated: bool(),
  Version: list(
    struct({
      Key: req(urlStr()),
      VersionId: str(),
      IsLatest: bool(),
      LastModified: date(),
      ETag: str(),
      ChecksumAlgorithm: list(str()),
      ChecksumType: str(),
      Size: int(),
      Owner: owner,
      StorageClass: str(),
      RestoreStatus: restoreStatus,
    }),
  ),
  DeleteMarker: list(struct({ Key: req(urlStr()), VersionId: str(), IsLatest: bool(), LastModified: date(), Owner: owner })),
  CommonPrefixes: list(commonPrefix),
});

const ListAllMyBucketsResult = struct({
  Owner: owner,
  Buckets: wrapped('Bucket', struct({ Name: str(), CreationDate: date(), BucketRegion: str() }), true),
  ContinuationToken: str(),
  Prefix: str(),
});

const InitiateMultipartUploadResult = struct({ Bucket: str(), Key: str(), UploadId: str() });

const CompleteMultipartUpload = struct({
  Part: list(struct({ PartNumber: req(int()), ETag: req(str()), ...checksums })),
});

const CompleteMultipartUploadResult = struct({ Location: str(), Bucket: str(), Key: str(), ETag: str(), ...checksums, ChecksumType: str() });

const ListPartsResult = struct({
  Bucket: str(),
  Key: str(),
  UploadId: str(),
  Initiator: owner,
  Owner: owner,
  StorageClass: str(),
  PartNumberMarker: int(),
  NextPartNumberMarker: int(),
  MaxParts: int(),
  IsTruncated: bool(),
  Part: list(struct({ PartNumber: int(), LastModified: date(), ETag: str(), Size: int(), ...checksums })),
  ChecksumAlgorithm: str(),
  ChecksumType: str(),
});

const ListMultipartUploadsResult = struct({
  Bucket: str(),
  KeyMarker: urlStr(),
  UploadIdMarker: str(),
  NextKeyMarker: urlStr(),
  NextUploadIdMarker: str(),
  Delimiter: urlStr(),
  Prefix: urlStr(),
  EncodingType: str(),
  MaxUploads: int(),
  IsTruncated: bool(),
  Upload: list(
    struct({
      Key: urlStr(),
      UploadId: str(),
      Initiator: owner,
      Owner: owner,
      StorageClass: str(),
      Initiated: date(),
      ChecksumAlgorithm: str(),
      ChecksumType: str(),
    }),
  ),
  CommonPrefixes: list(commonPrefix),
});

const CopyObjectResult = struct({ LastModified: date(), ETag: str(), ...checksums, ChecksumType: str() });
const CopyPartResult = struct({ LastModified: date(), ETag: str(), ...checksums });

const Delete = struct({
  Object: list(struct({ Key: req(str()), VersionId: str(), ETag: str(), LastModifiedTime: date(), Size: int() })),
  Quiet: bool(),
});

const DeleteResult = struct({
  Deleted: list(struct({ Key: str(), VersionId: str(), DeleteMarker: bool(), DeleteMarkerVersionId: str() })),
  Error: list(struct({ Key: str(), VersionId: str(), Code: str(), Message: str() })),
});

const Tagging = struct({ TagSet: wrapped('Tag', tag, true) });

const VersioningConfiguration = struct({ Status: str(), MfaDelete: str() });

const filterAnd = struct({ Prefix: str(), Tag: list(tag), ObjectSizeGreaterThan: int(), ObjectSizeLessThan: int() });
const lifecycleFilter = struct({ Prefix: str(), Tag: tag, ObjectSizeGreaterThan: int(), ObjectSizeLessThan: int(), And: filterAnd });

const LifecycleConfiguration = struct({
  Rule: list(
    struct({
      ID: str(),
      // The 2015 form puts Prefix on the rule; the current form uses Filter. Both parse and build.
      Prefix: str(),
      Filter: lifecycleFilter,
      Status: str(),
      Transition: list(struct({ Date: date(), Days: int(), StorageClass: str() })),
      NoncurrentVersionTransition: list(struct({ NoncurrentDays: int(), StorageClass: str(), NewerNoncurrentVersions: int() })),
      Expiration: struct({ Date: date(), Days: int(), ExpiredObjectDeleteMarker: bool() }),
      NoncurrentVersionExpiration: struct({ NoncurrentDays: int(), NewerNoncurrentVersions: int() }),
      AbortIncompleteMultipartUpload: struct({ DaysAfterInitiation: int() }),
    }),
  ),
});

const CORSConfiguration = struct({
  CORSRule: list(
    struct({
      ID: str(),
      AllowedHeader: list(str()),
      AllowedMethod: list(str()),
      AllowedOrigin: list(str()),
      ExposeHeader: list(str()),
      MaxAgeSeconds: int(),
    }),
  ),
});

const notificationFilter = struct({ S3Key: struct({ FilterRule: list(struct({ Name: str(), Value: str() })) }) });
// One schema for both generations: the 2015 form has one <Event> per configuration (and
// CloudFunction + InvocationRole); the current form has several <Event>s, a <Filter> and Ids.
const NotificationConfiguration = struct({
  TopicConfiguration: list(struct({ Id: str(), Topic: str(), Event: list(str()), Filter: notificationFilter })),
  QueueConfiguration: list(struct({ Id: str(), Queue: str(), Event: list(str()), Filter: notificationFilter })),
  CloudFunctionConfiguration: list(struct({ Id: str(), CloudFunction: str(), InvocationRole: str(), Event: list(str()), Filter: notificationFilter })),
  EventBridgeConfiguration: struct({}),
});

const statusOnly = struct({ Status: str() });
const ReplicationConfiguration = struct({
  Role: str(),
  Rule: list(
    struct({
      ID: str(),
      Priority: int(),
      Prefix: str(),
      Filter: struct({ Prefix: str(), Tag: tag, And: struct({ Prefix: str(), Tag: list(tag) }) }),
      Status: str(),
      SourceSelectionCriteria: struct({ SseKmsEncryptedObjects: statusOnly, ReplicaModifications: statusOnly }),
      ExistingObjectReplication: statusOnly,
      Destination: struct({
        Bucket: str(),
        Account: str(),
        StorageClass: str(),
        AccessControlTranslation: struct({ Owner: str() }),
        EncryptionConfiguration: struct({ ReplicaKmsKeyID: str() }),
        ReplicationTime: struct({ Status: str(), Time: struct({ Minutes: int() }) }),
        Metrics: struct({ Status: str(), EventThreshold: struct({ Minutes: int() }) }),
      }),
      DeleteMarkerReplication: statusOnly,
    }),
  ),
});

const AccessControlPolicy = struct({ Owner: owner, AccessControlList: wrapped('Grant', grant, true) });

const OwnershipControls = struct({ Rule: list(struct({ ObjectOwnership: str() })) });

const BucketLoggingStatus = struct({
  LoggingEnabled: struct({
    TargetBucket: str(),
    TargetPrefix: str(),
    TargetGrants: wrapped('Grant', grant),
    // Since 2023: how log object keys are made (one of the two).
    TargetObjectKeyFormat: struct({ SimplePrefix: struct({}), PartitionedPrefix: struct({ PartitionDateSource: str() }) }),
  }),
});

const WebsiteConfiguration = struct({
  RedirectAllRequestsTo: struct({ HostName: str(), Protocol: str() }),
  IndexDocument: struct({ Suffix: str() }),
  ErrorDocument: struct({ Key: str() }),
  RoutingRules: wrapped(
    'RoutingRule',
    struct({
      Condition: struct({ KeyPrefixEquals: str(), HttpErrorCodeReturnedEquals: str() }),
      Redirect: struct({ Protocol: str(), HostName: str(), ReplaceKeyPrefixWith: str(), ReplaceKeyWith: str(), HttpRedirectCode: str() }),
    }),
  ),
});

const RequestPaymentConfiguration = struct({ Payer: str() });

const AccelerateConfiguration = struct({ Status: str() });

const CreateBucketConfiguration = struct({
  LocationConstraint: str(),
  Location: struct({ Type: str(), Name: str() }),
  Bucket: struct({ DataRedundancy: str(), Type: str() }),
});

const ServerSideEncryptionConfiguration = struct({
  Rule: list(
    struct({
      ApplyServerSideEncryptionByDefault: struct({ SSEAlgorithm: str(), KMSMasterKeyID: str() }),
      BucketKeyEnabled: bool(),
    }),
  ),
});

const ObjectLockConfiguration = struct({
  ObjectLockEnabled: str(),
  Rule: struct({ DefaultRetention: struct({ Mode: str(), Days: int(), Years: int() }) }),
});

// PutPublicAccessBlock / GetPublicAccessBlock (bucket level) and GetBucketPolicyStatus.
const PublicAccessBlockConfiguration = struct({ BlockPublicAcls: bool(), IgnorePublicAcls: bool(), BlockPublicPolicy: bool(), RestrictPublicBuckets: bool() });
const PolicyStatus = struct({ IsPublic: bool() });

const Retention = struct({ Mode: str(), RetainUntilDate: date() });
const LegalHold = struct({ Status: str() });

const csvInput = struct({
  FileHeaderInfo: str(),
  Comments: str(),
  QuoteEscapeCharacter: str(),
  RecordDelimiter: str(),
  FieldDelimiter: str(),
  QuoteCharacter: str(),
  AllowQuotedRecordDelimiter: bool(),
});
const SelectObjectContentRequest = struct({
  Expression: str(),
  ExpressionType: str(),
  RequestProgress: struct({ Enabled: bool() }),
  InputSerialization: struct({ CompressionType: str(), CSV: csvInput, JSON: struct({ Type: str() }), Parquet: struct({}) }),
  OutputSerialization: struct({
    CSV: struct({ QuoteFields: str(), QuoteEscapeCharacter: str(), RecordDelimiter: str(), FieldDelimiter: str(), QuoteCharacter: str() }),
    JSON: struct({ RecordDelimiter: str() }),
  }),
  ScanRange: struct({ Start: int(), End: int() }),
});

const RestoreRequest = struct({
  Days: int(),
  GlacierJobParameters: struct({ Tier: str() }),
  Type: str(),
  Tier: str(),
  Description: str(),
});

// GetObjectAttributes: the API reference calls it GetObjectAttributesOutput, but S3 writes
// <GetObjectAttributesResponse xmlns="…"> on the wire (what the SDKs read: they ignore the root name).
const GetObjectAttributesResponse = struct({
  ETag: str(),
  Checksum: struct({ ...checksums, ChecksumType: str() }),
  ObjectParts: struct({
    PartsCount: int(),
    PartNumberMarker: int(),
    NextPartNumberMarker: int(),
    MaxParts: int(),
    IsTruncated: bool(),
    Part: list(struct({ PartNumber: int(), Size: int(), ...checksums })),
  }),
  StorageClass: str(),
  ObjectSize: int(),
});

const PostResponse = struct({ Location: str(), Bucket: str(), Key: str(), ETag: str() });

// STS (2011-06-15) query API responses that @s3kit/client's credential providers read:
// AssumeRole, AssumeRoleWithWebIdentity (AWS STS and MinIO's STS) and STS's ErrorResponse.
/** The STS XML namespace. */
export const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const stsCredentials = struct({ AccessKeyId: req(str()), SecretAccessKey: req(str()), SessionToken: str(), Expiration: date() });
const assumedRoleUser = struct({ AssumedRoleId: str(), Arn: str() });
const responseMetadata = struct({ RequestId: str() });
const AssumeRoleResponse = struct({
  AssumeRoleResult: req(struct({ Credentials: req(stsCredentials), AssumedRoleUser: assumedRoleUser, PackedPolicySize: int(), SourceIdentity: str() })),
  ResponseMetadata: responseMetadata,
});
const AssumeRoleWithWebIdentityResponse = struct({
  AssumeRoleWithWebIdentityResult: req(
    struct({
      SubjectFromWebIdentityToken: str(),
      Audience: str(),
      Credentials: req(stsCredentials),
      SourceIdentity: str(),
      AssumedRoleUser: assumedRoleUser,
      PackedPolicySize: int(),
      Provider: str(),
    }),
  ),
  ResponseMetadata: responseMetadata,
});
const ErrorResponse = struct({ Error: req(struct({ Type: str(), Code: req(str()), Message: str() })), RequestId: str() });

const ErrorShape = struct({ Code: req(str()), Message: str(), Resource: str(), RequestId: str(), HostId: str() });

const LocationConstraint: LeafSpec<'string'> = { t: 'string' };

/** How one root element is parsed and built. */
export interface ShapeSpec {
  /** The schema of the root element. */
  readonly node: StructSpec | LeafSpec;
  /**
   * Emit `xmlns="http://s3.amazonaws.com/doc/2006-03-01/"` on the root (S3 does for all but Error
   * and PostResponse), or this namespace (STS responses).
   */
  readonly xmlns: boolean | string;
}

const fast = <N extends StructSpec | LeafSpec>(node: N, xmlns: boolean | string = true) => ({ node, xmlns }) as const;

/** Every S3 XML root element, keyed by element name. */
export const SHAPES = {
  ListAllMyBucketsResult: fast(ListAllMyBucketsResult),
  ListBucketResult: fast(ListBucketResult),
  ListVersionsResult: fast(ListVersionsResult),
  ListPartsResult: fast(ListPartsResult),
  ListMultipartUploadsResult: fast(ListMultipartUploadsResult),
  InitiateMultipartUploadResult: fast(InitiateMultipartUploadResult),
  CompleteMultipartUpload: fast(CompleteMultipartUpload),
  CompleteMultipartUploadResult: fast(CompleteMultipartUploadResult),
  CopyObjectResult: fast(CopyObjectResult),
  CopyPartResult: fast(CopyPartResult),
  Delete: fast(Delete),
  DeleteResult: fast(DeleteResult),
  Tagging: fast(Tagging),
  VersioningConfiguration: fast(VersioningConfiguration),
  LifecycleConfiguration: fast(LifecycleConfiguration),
  CORSConfiguration: fast(CORSConfiguration),
  NotificationConfiguration: fast(NotificationConfiguration),
  ReplicationConfiguration: fast(ReplicationConfiguration),
  AccessControlPolicy: fast(AccessControlPolicy),
  OwnershipControls: fast(OwnershipControls),
  BucketLoggingStatus: fast(BucketLoggingStatus),
  WebsiteConfiguration: fast(WebsiteConfiguration),
  RequestPaymentConfiguration: fast(RequestPaymentConfiguration),
  AccelerateConfiguration: fast(AccelerateConfiguration),
  LocationConstraint: fast(LocationConstraint),
  CreateBucketConfiguration: fast(CreateBucketConfiguration),
  ServerSideEncryptionConfiguration: fast(ServerSideEncryptionConfiguration),
  ObjectLockConfiguration: fast(ObjectLockConfiguration),
  PublicAccessBlockConfiguration: fast(PublicAccessBlockConfiguration),
  PolicyStatus: fast(PolicyStatus),
  Retention: fast(Retention),
  LegalHold: fast(LegalHold),
  SelectObjectContentRequest: fast(SelectObjectContentRequest),
  RestoreRequest: fast(RestoreRequest),
  GetObjectAttributesResponse: fast(GetObjectAttributesResponse),
  PostResponse: fast(PostResponse, false),
  Error: fast(ErrorShape, false),
  AssumeRoleResponse: fast(AssumeRoleResponse, STS_XMLNS),
  AssumeRoleWithWebIdentityResponse: fast(AssumeRoleWithWebIdentityResponse, STS_XMLNS),
  ErrorResponse: fast(ErrorResponse, STS_XMLNS),
} as const satisfies Record<string, ShapeSpec>;

/** The name of an S3 XML root element. */
export type ShapeName = keyof typeof SHAPES;

/** The typed value of a root element, e.g. `Shape<'ListBucketResult'>`. */
export type Shape<N extends ShapeName> = Infer<(typeof SHAPES)[N]['node']>;

/** What {@link buildXml} accepts for a root element: the same as {@link Shape}, but lists may be omitted. */
export type ShapeInput<N extends ShapeName> = InferInput<(typeof SHAPES)[N]['node']>;

export type ListAllMyBucketsResult = Shape<'ListAllMyBucketsResult'>;
export type ListBucketResult = Shape<'ListBucketResult'>;
export type ListVersionsResult = Shape<'ListVersionsResult'>;
export type ListPartsResult = Shape<'ListPartsResult'>;
export type ListMultipartUploadsResult = Shape<'ListMultipartUploadsResult'>;
export type InitiateMultipartUploadResult = Shape<'InitiateMultipartUploadResult'>;
export type CompleteMultipartUpload = Shape<'CompleteMultipartUpload'>;
export type CompleteMultipartUploadResult = Shape<'CompleteMultipartUploadResult'>;
export type CopyObjectResult = Shape<'CopyObjectResult'>;
export type CopyPartResult = Shape<'CopyPartResult'>;
export type Delete = Shape<'Delete'>;
export type DeleteResult = Shape<'DeleteResult'>;
export type Tagging = Shape<'Tagging'>;
export type VersioningConfiguration = Shape<'VersioningConfiguration'>;
export type LifecycleConfiguration = Shape<'LifecycleConfiguration'>;
export type CORSConfiguration = Shape<'CORSConfiguration'>;
export type NotificationConfiguration = Shape<'NotificationConfiguration'>;
export type ReplicationConfiguration = Shape<'ReplicationConfiguration'>;
export type AccessControlPolicy = Shape<'AccessControlPolicy'>;
export type OwnershipControls = Shape<'OwnershipControls'>;
export type BucketLoggingStatus = Shape<'BucketLoggingStatus'>;
export type WebsiteConfiguration = Shape<'WebsiteConfiguration'>;
export type RequestPaymentConfiguration = Shape<'RequestPaymentConfiguration'>;
export type AccelerateConfiguration = Shape<'AccelerateConfiguration'>;
export type CreateBucketConfiguration = Shape<'CreateBucketConfiguration'>;
export type ServerSideEncryptionConfiguration = Shape<'ServerSideEncryptionConfiguration'>;
export type ObjectLockConfiguration = Shape<'ObjectLockConfiguration'>;
export type PublicAccessBlockConfiguration = Shape<'PublicAccessBlockConfiguration'>;
export type PolicyStatus = Shape<'PolicyStatus'>;
export type Retention = Shape<'Retention'>;
export type LegalHold = Shape<'LegalHold'>;
export type SelectObjectContentRequest = Shape<'SelectObjectContentRequest'>;
export type RestoreRequest = Shape<'RestoreRequest'>;
export type GetObjectAttributesResponse = Shape<'GetObjectAttributesResponse'>;
export type PostResponse = Shape<'PostResponse'>;
export type AssumeRoleResponse = Shape<'AssumeRoleResponse'>;
export type AssumeRoleWithWebIdentityResponse = Shape<'AssumeRoleWithWebIdentityResponse'>;
export type ErrorResponse = Shape<'ErrorResponse'>;
