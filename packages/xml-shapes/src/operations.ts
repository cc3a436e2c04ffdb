/**
 * The S3 operation catalogue: one row per operation, as data. The router compiles it once
 * (router.ts); the gateway reads `actions`, `streamsBody` and `scope` from the matched row;
 * the client builds requests from `method`, `query`, `queryValues` and `headers`.
 *
 * Sources: Amazon S3 API Reference (2006-03-01 API, the 2015 operation list), the IAM
 * "Actions, resources, and condition keys for Amazon S3" page, and the MinIO client API
 * (minio-js / minio-go) for the operations it adds.
 */

/** The HTTP methods S3 routes on. */
export type HttpMethod = 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE' | 'OPTIONS';

/** What the request path addresses: the service root, a bucket, or an object in a bucket. */
export type OperationScope = 'service' | 'bucket' | 'object';

/**
 * Which resource an IAM action is evaluated against:
 * - `service`: `*` (ListBuckets);
 * - `bucket`: `arn:aws:s3:::bucket`;
 * - `object`: `arn:aws:s3:::bucket/key` of the request;
 * - `copySource`: the object named by `x-amz-copy-source`;
 * - `eachKey`: every key named in the request body (DeleteObjects), or the form's `key` field (PostObject).
 */
export type ActionResource = 'service' | 'bucket' | 'object' | 'copySource' | 'eachKey';

/** One IAM permission an operation needs. All requirements of a row apply together. */
export interface ActionRequirement {
  /** The IAM action, e.g. `s3:GetObject`. */
  readonly action: string;
  readonly resource: ActionResource;
  /**
   * The action that replaces `action` when a version is named: `?versionId` on the request
   * (resource `object`), `?versionId=` inside `x-amz-copy-source` (resource `copySource`), or
   * `<VersionId>` on a key in the body (resource `eachKey`).
   */
  readonly versioned?: string;
  /** The requirement applies only when this request header is present (lowercase name). */
  readonly ifHeader?: string;
}

/** One S3 operation. */
export interface OperationSpec {
  /** The operation name as the AWS SDKs spell it, e.g. `ListObjectsV2`. */
  readonly name: OperationName;
  readonly method: HttpMethod;
  readonly scope: OperationScope;
  /** Query keys that identify the operation (all must be present), e.g. `['uploadId']`. */
  readonly query: readonly string[];
  /** Query keys whose value also identifies it, e.g. `{ 'list-type': '2' }`. */
  readonly queryValues?: Readonly<Record<string, string>>;
  /** Request headers that identify it (lowercase), e.g. `['x-amz-copy-source']`. */
  readonly headers?: readonly string[];
  /** Query keys the operation accepts that identify other operations elsewhere (e.g. GetObject's `partNumber`). */
  readonly accepts?: readonly string[];
  /** The IAM permissions it needs (all of them). An empty list: no authorization (CORS preflight). */
  readonly actions: readonly ActionRequirement[];
  /** The request body is streamed (object data or a form upload), never buffered or parsed as XML. */
  readonly streamsBody: boolean;
  /** The response body is streamed object data (or an event stream). */
  readonly streamsResponse: boolean;
  /** Root element name of the XML request body, if any (see shapes). */
  readonly request?: string;
  /** Root element name of the XML response body, if any. */
  readonly response?: string;
  /** Where the operation comes from: the 2015 S3 API, later AWS additions MinIO clients use, or MinIO's own extension. */
  readonly origin: 's3-2015' | 's3' | 'minio';
  /**
   * For older names that share their wire request with a newer operation: the operation the
   * router returns for that request (e.g. PutBucketNotification → PutBucketNotificationConfiguration).
   * Such rows are kept for the catalogue and the client but are not routed.
   */
  readonly routedAs?: OperationName;
}

const svc = (action: string): ActionRequirement => ({ action, resource: 'service' });
const bkt = (action: string, ifHeader?: string): ActionRequirement => (ifHeader === undefined ? { action, resource: 'bucket' } : { action, resource: 'bucket', ifHeader });
const obj = (action: string, versioned?: string, ifHeader?: string): ActionRequirement => ({
  action,
  resource: 'object',
  ...(versioned === undefined ? {} : { versioned }),
  ...(ifHeader === undefined ? {} : { ifHeader }),
});

/** Canned-ACL and grant headers: setting any of them also needs the Put*Acl action. */
const ACL_HEADERS = ['x-amz-acl', 'x-amz-grant-full-control', 'x-amz-grant-read', 'x-amz-grant-read-acp', 'x-amz-grant-write', 'x-amz-grant-write-acp'];

/** Extra permissions PutObject-like requests need when they also set tags, ACLs or lock state. */
const putObjectExtras: readonly ActionRequirement[] = [
  obj('s3:PutObjectTagging', undefined, 'x-amz-tagging'),
  ...ACL_HEADERS.map((h) => obj('s3:PutObjectAcl', undefined, h)),
  obj('s3:PutObjectRetention', undefined, 'x-amz-object-lock-mode'),
  obj('s3:PutObjectLegalHold', undefined, 'x-amz-object-lock-legal-hold'),
];

/** A catalogue row as written below (defaults filled in by toSpec). */
interface Row {
  readonly method: HttpMethod;
  readonly scope: OperationScope;
  readonly query?: readonly string[];
  readonly queryValues?: Readonly<Record<string, string>>;
  readonly headers?: readonly string[];
  readonly accepts?: readonly string[];
  readonly actions: readonly ActionRequirement[];
  readonly streamsBody?: boolean;
  readonly streamsResponse?: boolean;
  readonly request?: string;
  readonly response?: string;
  readonly origin?: OperationSpec['origin'];
  readonly routedAs?: string;
}

/* The rows, grouped by scope. `origin` defaults to 's3-2015'. Keep this object as the single source. */
const ROWS = {
  // ---- service ----
  ListBuckets: { method: 'GET', scope: 'service', actions: [svc('s3:ListAllMyBuckets')], response: 'ListAllMyBucketsResult' },
  // MinIO extension: GET /?events=… streams the JSON event records of every bucket.
  ListenNotification: {
    method: 'GET',
    scope: 'service',
    query: ['events'],
    origin: 'minio',
    streamsResponse: true,
    actions: [svc('s3:ListenNotification')],
  },

  // ---- bucket ----
  CreateBucket: {
    method: 'PUT',
    scope: 'bucket',
    request: 'CreateBucketConfiguration',
    actions: [
      bkt('s3:CreateBucket'),
      ...ACL_HEADERS.map((h) => bkt('s3:PutBucketAcl', h)),
      // Object Lock on a new bucket also turns versioning on; the ownership header sets OwnershipControls.
      bkt('s3:PutBucketObjectLockConfiguration', 'x-amz-bucket-object-lock-enabled'),
      bkt('s3:PutBucketVersioning', 'x-amz-bucket-object-lock-enabled'),
      bkt('s3:PutBucketOwnershipControls', 'x-amz-object-ownership'),
    ],
  },
  DeleteBucket: { method: 'DELETE', scope: 'bucket', actions: [bkt('s3:DeleteBucket')] },
  HeadBucket: { method: 'HEAD', scope: 'bucket', actions: [bkt('s3:ListBucket')] },
  ListObjects: { method: 'GET', scope: 'bucket', accepts: ['list-type'], actions: [bkt('s3:ListBucket')], response: 'ListBucketResult' },
  ListObjectsV2: {
    method: 'GET',
    scope: 'bucket',
    query: ['list-type'],
    queryValues: { 'list-type': '2' },
    origin: 's3',
    actions: [bkt('s3:ListBucket')],
    response: 'ListBucketResult',
  },
  ListObjectVersions: { method: 'GET', scope: 'bucket', query: ['versions'], actions: [bkt('s3:ListBucketVersions')], response: 'ListVersionsResult' },
  ListMultipartUploads: {
    method: 'GET',
    scope: 'bucket',
    query: ['uploads'],
    actions: [bkt('s3:ListBucketMultipartUploads')],
    response: 'ListMultipartUploadsResult',
  },
  GetBucketLocation: { method: 'GET', scope: 'bucket', query: ['location'], actions: [bkt('s3:GetBucketLocation')], response: 'LocationConstraint' },
  GetBucketAcl: { method: 'GET', scope: 'bucket', query: ['acl'], actions: [bkt('s3:GetBucketAcl')], response: 'AccessControlPolicy' },
  PutBucketAcl: { method: 'PUT', scope: 'bucket', query: ['acl'], actions: [bkt('s3:PutBucketAcl')], request: 'AccessControlPolicy' },
  GetBucketOwnershipControls: {
    method: 'GET',
    scope: 'bucket',
    query: ['ownershipControls'],
    origin: 's3',
    actions: [bkt('s3:GetBucketOwnershipControls')],
    response: 'OwnershipControls',
  },
  PutBucketOwnershipControls: {
    method: 'PUT',
    scope: 'bucket',
    query: ['ownershipControls'],
    origin: 's3',
    actions: [bkt('s3:PutBucketOwnershipControls')],
    request: 'OwnershipControls',
  },
  // DeleteBucketOwnershipControls is authorized by the Put action (IAM has no delete action for it).
  DeleteBucketOwnershipControls: { method: 'DELETE', scope: 'bucket', query: ['ownershipControls'], origin: 's3', actions: [bkt('s3:PutBucketOwnershipControls')] },
  GetBucketCors: { method: 'GET', scope: 'bucket', query: ['cors'], actions: [bkt('s3:GetBucketCORS')], response: 'CORSConfiguration' },
  PutBucketCors: { method: 'PUT', scope: 'bucket', query: ['cors'], actions: [bkt('s3:PutBucketCORS')], request: 'CORSConfiguration' },
  // DeleteBucketCors is authorized by the Put action (IAM has no s3:DeleteBucketCORS).
  DeleteBucketCors: { method: 'DELETE', scope: 'bucket', query: ['cors'], actions: [bkt('s3:PutBucketCORS')] },
  GetBucketLifecycle: {
    method: 'GET',
    scope: 'bucket',
    query: ['lifecycle'],
    actions: [bkt('s3:GetLifecycleConfiguration')],
    response: 'LifecycleConfiguration',
    routedAs: 'GetBucketLifecycleConfiguration',
  },
  PutBucketLifecycle: {
    method: 'PUT',
    scope: 'bucket',
    query: ['lifecycle'],
    actions: [bkt('s3:PutLifecycleConfiguration')],
    request: 'LifecycleConfiguration',
    routedAs: 'PutBucketLifecycleConfiguration',
  },
  GetBucketLifecycleConfiguration: {
    method: 'GET',
    scope: 'bucket',
    query: ['lifecycle'],
    origin: 's3',
    actions: [bkt('s3:GetLifecycleConfiguration')],
    response: 'LifecycleConfiguration',
  },
  PutBucketLifecycleConfiguration: {
    method: 'PUT',
    scope: 'bucket',
    query: ['lifecycle'],
    origin: 's3',
    actions: [bkt('s3:PutLifecycleConfiguration')],
    request: 'LifecycleConfiguration',
  },
  DeleteBucketLifecycle: { method: 'DELETE', scope: 'bucket', query: ['lifecycle'], actions: [bkt('s3:PutLifecycleConfiguration')] },
  GetBucketPolicy: { method: 'GET', scope: 'bucket', query: ['policy'], actions: [bkt('s3:GetBucketPolicy')] },
  PutBucketPolicy: { method: 'PUT', scope: 'bucket', query: ['policy'], actions: [bkt('s3:PutBucketPolicy')] },
  DeleteBucketPolicy: { method: 'DELETE', scope: 'bucket', query: ['policy'], actions: [bkt('s3:DeleteBucketPolicy')] },
  GetBucketPolicyStatus: {
    method: 'GET',
    scope: 'bucket',
    query: ['policyStatus'],
    origin: 's3',
    actions: [bkt('s3:GetBucketPolicyStatus')],
    response: 'PolicyStatus',
  },
  GetPublicAccessBlock: {
    method: 'GET',
    scope: 'bucket',
    query: ['publicAccessBlock'],
    origin: 's3',
    actions: [bkt('s3:GetBucketPublicAccessBlock')],
    response: 'PublicAccessBlockConfiguration',
  },
  PutPublicAccessBlock: {
    method: 'PUT',
    scope: 'bucket',
    query: ['publicAccessBlock'],
    origin: 's3',
    actions: [bkt('s3:PutBucketPublicAccessBlock')],
    request: 'PublicAccessBlockConfiguration',
  },
  // DeletePublicAccessBlock is authorized by the Put action (IAM has no s3:DeleteBucketPublicAccessBlock).
  DeletePublicAccessBlock: { method: 'DELETE', scope: 'bucket', query: ['publicAccessBlock'], origin: 's3', actions: [bkt('s3:PutBucketPublicAccessBlock')] },
  GetBucketLogging: { method: 'GET', scope: 'bucket', query: ['logging'], actions: [bkt('s3:GetBucketLogging')], response: 'BucketLoggingStatus' },
  PutBucketLogging: { method: 'PUT', scope: 'bucket', query: ['logging'], actions: [bkt('s3:PutBucketLogging')], request: 'BucketLoggingStatus' },
  GetBucketNotification: {
    method: 'GET',
    scope: 'bucket',
    query: ['notification'],
    actions: [bkt('s3:GetBucketNotification')],
    response: 'NotificationConfiguration',
    routedAs: 'GetBucketNotificationConfiguration',
  },
  PutBucketNotification: {
    method: 'PUT',
    scope: 'bucket',
    query: ['notification'],
    actions: [bkt('s3:PutBucketNotification')],
    request: 'NotificationConfiguration',
    routedAs: 'PutBucketNotificationConfiguration',
  },
  GetBucketNotificationConfiguration: {
    method: 'GET',
    scope: 'bucket',
    query: ['notification'],
    origin: 's3',
    actions: [bkt('s3:GetBucketNotification')],
    response: 'NotificationConfiguration',
  },
  PutBucketNotificationConfiguration: {
    method: 'PUT',
    scope: 'bucket',
    query: ['notification'],
    origin: 's3',
    actions: [bkt('s3:PutBucketNotification')],
    request: 'NotificationConfiguration',
  },
  GetBucketReplication: {
    method: 'GET',
    scope: 'bucket',
    query: ['replication'],
    actions: [bkt('s3:GetReplicationConfiguration')],
    response: 'ReplicationConfiguration',
  },
  // AWS also checks iam:PassRole on the configuration's Role; that is outside S3 authorization.
  PutBucketReplication: {
    method: 'PUT',
    scope: 'bucket',
    query: ['replication'],
    actions: [bkt('s3:PutReplicationConfiguration')],
    request: 'ReplicationConfiguration',
  },
  DeleteBucketReplication: { method: 'DELETE', scope: 'bucket', query: ['replication'], actions: [bkt('s3:PutReplicationConfiguration')] },
  GetBucketTagging: { method: 'GET', scope: 'bucket', query: ['tagging'], actions: [bkt('s3:GetBucketTagging')], response: 'Tagging' },
  PutBucketTagging: { method: 'PUT', scope: 'bucket', query: ['tagging'], actions: [bkt('s3:PutBucketTagging')], request: 'Tagging' },
  DeleteBucketTagging: { method: 'DELETE', scope: 'bucket', query: ['tagging'], actions: [bkt('s3:PutBucketTagging')] },
  GetBucketRequestPayment: {
    method: 'GET',
    scope: 'bucket',
    query: ['requestPayment'],
    actions: [bkt('s3:GetBucketRequestPayment')],
    response: 'RequestPaymentConfiguration',
  },
  PutBucketRequestPayment: {
    method: 'PUT',
    scope: 'bucket',
    query: ['requestPayment'],
    actions: [bkt('s3:PutBucketRequestPayment')],
    request: 'RequestPaymentConfiguration',
  },
  GetBucketAccelerateConfiguration: {
    method: 'GET',
    scope: 'bucket',
    query: ['accelerate'],
    origin: 's3',
    actions: [bkt('s3:GetAccelerateConfiguration')],
    response: 'AccelerateConfiguration',
  },
  PutBucketAccelerateConfiguration: {
    method: 'PUT',
    scope: 'bucket',
    query: ['accelerate'],
    origin: 's3',
    actions: [bkt('s3:PutAccelerateConfiguration')],
    request: 'AccelerateConfiguration',
  },
  GetBucketVersioning: { method: 'GET', scope: 'bucket', query: ['versioning'], actions: [bkt('s3:GetBucketVersioning')], response: 'VersioningConfiguration' },
  PutBucketVersioning: { method: 'PUT', scope: 'bucket', query: ['versioning'], actions: [bkt('s3:PutBucketVersioning')], request: 'VersioningConfiguration' },
  GetBucketWebsite: { method: 'GET', scope: 'bucket', query: ['website'], actions: [bkt('s3:GetBucketWebsite')], response: 'WebsiteConfiguration' },
  PutBucketWebsite: { method: 'PUT', scope: 'bucket', query: ['website'], actions: [bkt('s3:PutBucketWebsite')], request: 'WebsiteConfiguration' },
  DeleteBucketWebsite: { method: 'DELETE', scope: 'bucket', query: ['website'], actions: [bkt('s3:DeleteBucketWebsite')] },
  DeleteObjects: {
    method: 'POST',
    scope: 'bucket',
    query: ['delete'],
    request: 'Delete',
    response: 'DeleteResult',
    actions: [
      { action: 's3:DeleteObject', resource: 'eachKey', versioned: 's3:DeleteObjectVersion' },
      { action: 's3:BypassGovernanceRetention', resource: 'eachKey', ifHeader: 'x-amz-bypass-governance-retention' },
    ],
  },
  // Browser-based upload (multipart/form-data). The key comes from the form, so the action is per form key.
  PostObject: {
    method: 'POST',
    scope: 'bucket',
    streamsBody: true,
    response: 'PostResponse',
    actions: [{ action: 's3:PutObject', resource: 'eachKey' }],
  },
  GetBucketEncryption: {
    method: 'GET',
    scope: 'bucket',
    query: ['encryption'],
    origin: 's3',
    actions: [bkt('s3:GetEncryptionConfiguration')],
    response: 'ServerSideEncryptionConfiguration',
  },
  PutBucketEncryption: {
    method: 'PUT',
    scope: 'bucket',
    query: ['encryption'],
    origin: 's3',
    actions: [bkt('s3:PutEncryptionConfiguration')],
    request: 'ServerSideEncryptionConfiguration',
  },
  DeleteBucketEncryption: { method: 'DELETE', scope: 'bucket', query: ['encryption'], origin: 's3', actions: [bkt('s3:PutEncryptionConfiguration')] },
  GetObjectLockConfiguration: {
    method: 'GET',
    scope: 'bucket',
    query: ['object-lock'],
    origin: 's3',
    actions: [bkt('s3:GetBucketObjectLockConfiguration')],
    response: 'ObjectLockConfiguration',
  },
  PutObjectLockConfiguration: {
    method: 'PUT',
    scope: 'bucket',
    query: ['object-lock'],
    origin: 's3',
    actions: [bkt('s3:PutBucketObjectLockConfiguration')],
    request: 'ObjectLockConfiguration',
  },
  // MinIO extension: GET /bucket?events=s3:ObjectCreated:*&prefix=&suffix= streams JSON event records.
  ListenBucketNotification: {
    method: 'GET',
    scope: 'bucket',
    query: ['events'],
    origin: 'minio',
    streamsResponse: true,
    actions: [bkt('s3:ListenBucketNotification')],
  },

  // ---- object ----
  GetObject: {
    method: 'GET',
    scope: 'object',
    accepts: ['partNumber'],
    streamsResponse: true,
    actions: [obj('s3:GetObject', 's3:GetObjectVersion')],
  },
  HeadObject: { method: 'HEAD', scope: 'object', accepts: ['partNumber'], actions: [obj('s3:GetObject', 's3:GetObjectVersion')] },
  PutObject: { method: 'PUT', scope: 'object', streamsBody: true, actions: [obj('s3:PutObject'), ...putObjectExtras] },
  CopyObject: {
    method: 'PUT',
    scope: 'object',
    headers: ['x-amz-copy-source'],
    response: 'CopyObjectResult',
    actions: [{ action: 's3:GetObject', resource: 'copySource', versioned: 's3:GetObjectVersion' }, obj('s3:PutObject'), ...putObjectExtras],
  },
  DeleteObject: {
    method: 'DELETE',
    scope: 'object',
    actions: [obj('s3:DeleteObject', 's3:DeleteObjectVersion'), obj('s3:BypassGovernanceRetention', undefined, 'x-amz-bypass-governance-retention')],
  },
  GetObjectAcl: { method: 'GET', scope: 'object', query: ['acl'], actions: [obj('s3:GetObjectAcl', 's3:GetObjectVersionAcl')], response: 'AccessControlPolicy' },
  PutObjectAcl: { method: 'PUT', scope: 'object', query: ['acl'], actions: [obj('s3:PutObjectAcl', 's3:PutObjectVersionAcl')], request: 'AccessControlPolicy' },
  GetObjectTorrent: {
    method: 'GET',
    scope: 'object',
    query: ['torrent'],
    streamsResponse: true,
    actions: [obj('s3:GetObjectTorrent', 's3:GetObjectVersionTorrent')],
  },
  RestoreObject: { method: 'POST', scope: 'object', query: ['restore'], actions: [obj('s3:RestoreObject')], request: 'RestoreRequest' },
  // CORS preflight: answered from the bucket's CORS configuration, never authorized.
  OptionsObject: { method: 'OPTIONS', scope: 'object', actions: [] },
  CreateMultipartUpload: {
    method: 'POST',
    scope: 'object',
    query: ['uploads'],
    response: 'InitiateMultipartUploadResult',
    actions: [obj('s3:PutObject'), ...putObjectExtras],
  },
  UploadPart: { method: 'PUT', scope: 'object', query: ['partNumber', 'uploadId'], streamsBody: true, actions: [obj('s3:PutObject')] },
  UploadPartCopy: {
    method: 'PUT',
    scope: 'object',
    query: ['partNumber', 'uploadId'],
    headers: ['x-amz-copy-source'],
    response: 'CopyPartResult',
    actions: [{ action: 's3:GetObject', resource: 'copySource', versioned: 's3:GetObjectVersion' }, obj('s3:PutObject')],
  },
  CompleteMultipartUpload: {
    method: 'POST',
    scope: 'object',
    query: ['uploadId'],
    request: 'CompleteMultipartUpload',
    response: 'CompleteMultipartUploadResult',
    actions: [obj('s3:PutObject')],
  },
  AbortMultipartUpload: { method: 'DELETE', scope: 'object', query: ['uploadId'], actions: [obj('s3:AbortMultipartUpload')] },
  ListParts: { method: 'GET', scope: 'object', query: ['uploadId'], actions: [obj('s3:ListMultipartUploadParts')], response: 'ListPartsResult' },
  GetObjectTagging: {
    method: 'GET',
    scope: 'object',
    query: ['tagging'],
    origin: 's3',
    actions: [obj('s3:GetObjectTagging', 's3:GetObjectVersionTagging')],
    response: 'Tagging',
  },
  PutObjectTagging: {
    method: 'PUT',
    scope: 'object',
    query: ['tagging'],
    origin: 's3',
    actions: [obj('s3:PutObjectTagging', 's3:PutObjectVersionTagging')],
    request: 'Tagging',
  },
  DeleteObjectTagging: {
    method: 'DELETE',
    scope: 'object',
    query: ['tagging'],
    origin: 's3',
    actions: [obj('s3:DeleteObjectTagging', 's3:DeleteObjectVersionTagging')],
  },
  GetObjectRetention: { method: 'GET', scope: 'object', query: ['retention'], origin: 's3', actions: [obj('s3:GetObjectRetention')], response: 'Retention' },
  PutObjectRetention: {
    method: 'PUT',
    scope: 'object',
    query: ['retention'],
    origin: 's3',
    request: 'Retention',
    actions: [obj('s3:PutObjectRetention'), obj('s3:BypassGovernanceRetention', undefined, 'x-amz-bypass-governance-retention')],
  },
  GetObjectLegalHold: { method: 'GET', scope: 'object', query: ['legal-hold'], origin: 's3', actions: [obj('s3:GetObjectLegalHold')], response: 'LegalHold' },
  GetObjectAttributes: {
    method: 'GET',
    scope: 'object',
    query: ['attributes'],
    origin: 's3',
    actions: [obj('s3:GetObjectAttributes', 's3:GetObjectVersionAttributes')],
    response: 'GetObjectAttributesResponse',
  },
  PutObjectLegalHold: { method: 'PUT', scope: 'object', query: ['legal-hold'], origin: 's3', actions: [obj('s3:PutObjectLegalHold')], request: 'LegalHold' },
  SelectObjectContent: {
    method: 'POST',
    scope: 'object',
    query: ['select', 'select-type'],
    queryValues: { 'select-type': '2' },
    origin: 's3',
    streamsResponse: true,
    actions: [obj('s3:GetObject')],
    request: 'SelectObjectContentRequest',
  },
} as const satisfies Record<string, Row>;

/** Every operation name in the catalogue. */
export type OperationName = keyof typeof ROWS;

function toSpec(name: OperationName, row: Row): OperationSpec {
  return Object.freeze({
    ...(row as Omit<Row, 'routedAs'> & { routedAs?: OperationName }),
    name,
    query: row.query ?? [],
    streamsBody: row.streamsBody ?? false,
    streamsResponse: row.streamsResponse ?? false,
    origin: row.origin ?? 's3-2015',
  });
}

/** The catalogue keyed by operation name. */
export const OPERATIONS: Readonly<Record<OperationName, OperationSpec>> = Object.freeze(
  Object.fromEntries(Object.entries(ROWS).map(([name, row]) => [name, toSpec(name as OperationName, row as Row)])) as Record<OperationName, OperationSpec>,
);

/** The catalogue as a list, in declaration order. */
export const OPERATION_LIST: readonly OperationSpec[] = Object.freeze(Object.values(OPERATIONS));

/**
 * Sub-resources S3 defines that s3kit does not model. The router answers them with
 * NotImplemented (501) instead of letting them fall through to a plain GET/PUT of the bucket or
 * object, which would authorize the wrong action.
 */
export const UNMODELLED_SUBRESOURCES: readonly string[] = Object.freeze(['analytics', 'intelligent-tiering', 'inventory', 'metadataTable', 'metrics', 'renameObject', 'session']);

/** Inputs to {@link requiredActions} that only the caller knows. */
export interface ActionContext {
  /** The request names a version (`?versionId=` on the request). */
  readonly versionId?: string | undefined;
  /** `x-amz-copy-source` names a version (`?versionId=` inside the header value). */
  readonly copySourceVersionId?: string | undefined;
  /** Returns true when the request has this header (lowercase name). */
  readonly hasHeader?: (name: string) => boolean;
}

/** A resolved permission: the action to check and the resource kind to check it against. */
export interface ResolvedAction {
  readonly action: string;
  readonly resource: ActionResource;
}

/**
 * The IAM actions a request for `op` needs, with version-specific and header-dependent
 * requirements resolved. `eachKey` requirements keep their base action; the caller expands them
 * per key (using `versioned` for keys with a VersionId).
 *
 * @example requiredActions(OPERATIONS.GetObject, { versionId: 'v1' }) // [{ action: 's3:GetObjectVersion', resource: 'object' }]
 */
export function requiredActions(op: OperationSpec, ctx: ActionContext = {}): ResolvedAction[] {
  const out: ResolvedAction[] = [];
  for (const req of op.actions) {
    if (req.ifHeader !== undefined && !(ctx.hasHeader?.(req.ifHeader) ?? false)) continue;
    let action = req.action;
    if (req.versioned !== undefined) {
      if (req.resource === 'object' && ctx.versionId !== undefined) action = req.versioned;
      else if (req.resource === 'copySource' && ctx.copySourceVersionId !== undefined) action = req.versioned;
    }
    // Several headers can imply the same permission (x-amz-acl and x-amz-grant-read): list it once.
    if (!out.some((o) => o.action === action && o.resource === req.resource)) out.push({ action, resource: req.resource });
  }
  return out;
}
