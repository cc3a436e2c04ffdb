import type { PostPolicy, PresignedPostPolicy } from '@s3kit/post-policy';
import type { ResponseBodyMixin } from '@s3kit/http-transport/fetch';
import { RequestCore, type RequestOptions, type S3ClientOptions } from './core.js';
import { fetchTransport, type ClientBody, type TransportFactory } from './transport.js';
import type { Endpoint } from './endpoint.js';
import type { ObjectStat, ObjectWriteOptions } from './headers.js';
import type { PutData } from './parts.js';
import * as bucketOps from './buckets.js';
import * as bucketConfigOps from './bucket-config.js';
import type {
  LifecycleConfig,
  LifecycleConfigInput,
  NotificationConfig,
  NotificationConfigInput,
  ObjectLockConfig,
  ReplicationConfig,
  ReplicationConfigInput,
  SSEConfig,
  Tags,
  VersioningConfig,
} from './bucket-config.js';
import * as aclOps from './acl.js';
import * as settingsOps from './bucket-settings.js';
import type { AccessControlPolicy, AclInput, ObjectAclOptions } from './acl.js';
import type { AccelerateStatus, CorsRule, LoggingConfig, ObjectOwnership, PublicAccessBlockConfig, RequestPayer, WebsiteConfig } from './bucket-settings.js';
import * as notificationOps from './notifications.js';
import type { ListenBucketNotificationOptions, NotificationRecord } from './notifications.js';
import * as listingOps from './listing.js';
import * as objectOps from './objects.js';
import * as objectConfigOps from './object-config.js';
import * as presignOps from './presign.js';
import * as uploadOps from './upload.js';
import type { BucketItem, MakeBucketOptions } from './buckets.js';
import type { IncompleteUpload, ListObjectsOptions, ListUploadsOptions, ListVersionsOptions, ObjectItem, PrefixItem } from './listing.js';
import type {
  ComposeObjectOptions,
  ComposeSource,
  CopiedObject,
  CopyObjectOptions,
  CopySource,
  GetObjectOptions,
  ObjectStream,
  RemoveObjectOptions,
  RemoveObjectsError,
  StatObjectOptions,
} from './objects.js';
import type { DeleteObjectEntry, DeleteObjectsOptions, DeleteObjectsResult } from './objects.js';
import type { GetObjectAttributesOptions, ObjectAttributes, ObjectVersionOptions, RestoreRequest, SetObjectRetentionOptions } from './object-config.js';
import type { Retention } from './headers.js';
import type { PresignOptions } from './presign.js';
import type { PartInfo, PutObjectOptions, UploadedObject, UploadPartCopyOptions, UploadPartOptions } from './upload.js';
import * as selectOps from './select.js';
import type { SelectOptions, SelectRequest, SelectResults } from './select.js';
import * as ticketOps from './upload-ticket.js';
import type { CreateUploadTicketOptions, TicketUpload, UploadTicket, UploadWithTicketOptions } from './upload-ticket.js';
import type { FormFileData } from './form-data.js';

export type { ChecksumMode, RequestOptions, S3ClientOptions } from './core.js';
export type { BucketItem, MakeBucketOptions } from './buckets.js';
export type {
  LifecycleConfig,
  LifecycleConfigInput,
  LifecycleRule,
  NotificationConfig,
  NotificationConfigInput,
  ObjectLockConfig,
  ReplicationConfig,
  ReplicationConfigInput,
  ReplicationRule,
  SSEConfig,
  SSERule,
  Tags,
  VersioningConfig,
} from './bucket-config.js';
export type { AccessControlPolicy, AclGrants, AclInput, CannedAcl, Grant, Grantee, ObjectAclOptions, Owner, Permission } from './acl.js';
export type {
  AccelerateStatus,
  CorsRule,
  LoggingConfig,
  ObjectOwnership,
  PublicAccessBlockConfig,
  RequestPayer,
  RoutingRule,
  WebsiteConfig,
  WebsiteRedirect,
} from './bucket-settings.js';
export type { IncompleteUpload, ListObjectsOptions, ListUploadsOptions, ListVersionsOptions, ObjectItem, PrefixItem } from './listing.js';
export type {
  ComposeObjectOptions,
  ComposeSource,
  CopiedObject,
  CopyConditions,
  CopyObjectOptions,
  CopySource,
  GetObjectOptions,
  ObjectStream,
  RemoveObjectOptions,
  RemoveObjectsError,
  StatObjectOptions,
} from './objects.js';
export type { DeletedObject, DeleteObjectEntry, DeleteObjectsOptions, DeleteObjectsResult } from './objects.js';
export type {
  GetObjectAttributesOptions,
  ObjectAttributeName,
  ObjectAttributePart,
  ObjectAttributes,
  ObjectChecksums,
  ObjectVersionOptions,
  RestoreRequest,
  SetObjectRetentionOptions,
} from './object-config.js';
export type { PresignOptions } from './presign.js';
export type { PartInfo, PutObjectOptions, UploadedObject, UploadPartCopyOptions, UploadPartOptions, UploadProgress } from './upload.js';
export type { SelectInputSerialization, SelectOptions, SelectOutputSerialization, SelectRequest, SelectResults, SelectStats } from './select.js';
export type { CreateUploadTicketOptions, TicketUpload, UploadTicket, UploadTicketScope, UploadWithTicketOptions, UploadWithTicketProgress } from './upload-ticket.js';
export type { FormFileData } from './form-data.js';

/**
 * A thin S3 client with the MinIO-client API. Works against AWS S3 and S3-compatible servers.
 * Every method rejects with `S3Error` (`@s3kit/errors`) or a `TransportError` (`@s3kit/http-transport`).
 *
 * The face only: the requests live in one module per concern (`buckets.ts`, `listing.ts`,
 * `objects.ts`, `upload.ts`, `presign.ts`) over the request core (`core.ts`).
 *
 * Runtime-neutral: this class runs on the fetch transport in browsers, Workers, Deno, Bun and
 * Node. The Node entry (`@s3kit/client` under the `node` condition, or `@s3kit/client/node`)
 * exports a subclass of the same name (node/client.ts) that defaults to undici and adds
 * `fPutObject`/`fGetObject`. `Body` is the transport's response body type (`getObject`).
 */
export class S3Client<Body extends ResponseBodyMixin = ResponseBodyMixin> {
  readonly endpoint: Endpoint;
  readonly #core: RequestCore;

  constructor(options: S3ClientOptions<Body>) {
    this.#core = new RequestCore(options, (new.target as typeof S3Client).defaultTransport);
    this.endpoint = this.#core.endpoint;
  }

  /** The transport for a `transport` options object (or none): fetch here; the Node entry's subclass answers undici. */
  protected static defaultTransport(options: object): TransportFactory {
    return fetchTransport(options);
  }

  /** The request core, for subclasses' methods (the Node entry's file methods). */
  protected get core(): RequestCore {
    return this.#core;
  }

  /** Closes the connection pools (waits for requests in flight). */
  close(): Promise<void> {
    return this.#core.close();
  }

  // ---------------------------------------------------------------- buckets

  /** The region requests for `bucket` are signed for: the client's, else discovered once and cached. */
  getBucketRegion(bucket: string, options: RequestOptions = {}): Promise<string> {
    return bucketOps.getBucketRegion(this.#core, bucket, options);
  }

  /** CreateBucket. */
  makeBucket(bucket: string, options: MakeBucketOptions = {}): Promise<void> {
    return bucketOps.makeBucket(this.#core, bucket, options);
  }

  /** ListBuckets. */
  listBuckets(options: RequestOptions = {}): Promise<BucketItem[]> {
    return bucketOps.listBuckets(this.#core, options);
  }

  /** HeadBucket: `true` if it exists and is accessible, `false` on 404; other errors reject. */
  bucketExists(bucket: string, options: RequestOptions = {}): Promise<boolean> {
    return bucketOps.bucketExists(this.#core, bucket, options);
  }

  /** DeleteBucket (must be empty). */
  removeBucket(bucket: string, options: RequestOptions = {}): Promise<void> {
    return bucketOps.removeBucket(this.#core, bucket, options);
  }

  // ---------------------------------------------------------------- bucket configuration

  /** GetBucketVersioning (`status: 'Off'` when never enabled). */
  getBucketVersioning(bucket: string, options: RequestOptions = {}): Promise<VersioningConfig> {
    return bucketConfigOps.getBucketVersioning(this.#core, bucket, options);
  }

  /** PutBucketVersioning. */
  setBucketVersioning(bucket: string, config: VersioningConfig, options: RequestOptions = {}): Promise<void> {
    return bucketConfigOps.setBucketVersioning(this.#core, bucket, config, options);
  }

  /** GetBucketReplication (`ReplicationConfigurationNotFoundError` when none). */
  getBucketReplication(bucket: string, options: RequestOptions = {}): Promise<ReplicationConfig> {
    return bucketConfigOps.getBucketReplication(this.#core, bucket, options);
  }

  /** PutBucketReplication. */
  setBucketReplication(bucket: string, config: ReplicationConfigInput, options: RequestOptions = {}): Promise<void> {
    return bucketConfigOps.setBucketReplication(this.#core, bucket, config, options);
  }

  /** DeleteBucketReplication. */
  deleteBucketReplication(bucket: string, options: RequestOptions = {}): Promise<void> {
    return bucketConfigOps.deleteBucketReplication(this.#core, bucket, options);
  }

  /** GetBucketLifecycleConfiguration (`NoSuchLifecycleConfiguration` when none). */
  getBucketLifecycle(bucket: string, options: RequestOptions = {}): Promise<LifecycleConfig> {
    return bucketConfigOps.getBucketLifecycle(this.#core, bucket, options);
  }

  /** PutBucketLifecycleConfiguration. */
  setBucketLifecycle(bucket: string, config: LifecycleConfigInput, options: RequestOptions = {}): Promise<void> {
    return bucketConfigOps.setBucketLifecycle(this.#core, bucket, config, options);
  }

  /** DeleteBucketLifecycle. */
  deleteBucketLifecycle(bucket: string, options: RequestOptions = {}): Promise<void> {
    return bucketConfigOps.deleteBucketLifecycle(this.#core, bucket, options);
  }

  /** GetBucketTagging (`NoSuchTagSet` when none). */
  getBucketTags(bucket: string, options: RequestOptions = {}): Promise<Tags> {
    return bucketConfigOps.getBucketTags(this.#core, bucket, options);
  }

  /** PutBucketTagging. */
  setBucketTags(bucket: string, tags: Tags | Map<string, string>, options: RequestOptions = {}): Promise<void> {
    return bucketConfigOps.setBucketTags(this.#core, bucket, tags, options);
  }

  /** DeleteBucketTagging. */
  deleteBucketTags(bucket: string, options: RequestOptions = {}): Promise<void> {
    return bucketConfigOps.deleteBucketTags(this.#core, bucket, options);
  }

  /** GetBucketPolicy: the JSON text (`NoSuchBucketPolicy` when none). */
  getBucketPolicy(bucket: string, options: RequestOptions = {}): Promise<string> {
    return bucketConfigOps.getBucketPolicy(this.#core, bucket, options);
  }

  /** PutBucketPolicy. */
  setBucketPolicy(bucket: string, policy: string | object, options: RequestOptions = {}): Promise<void> {
    return bucketConfigOps.setBucketPolicy(this.#core, bucket, policy, options);
  }

  /** DeleteBucketPolicy. */
  deleteBucketPolicy(bucket: string, options: RequestOptions = {}): Promise<void> {
    return bucketConfigOps.deleteBucketPolicy(this.#core, bucket, options);
  }

  /** GetBucketNotificationConfiguration. */
  getBucketNotification(bucket: string, options: RequestOptions = {}): Promise<NotificationConfig> {
    return bucketConfigOps.getBucketNotification(this.#core, bucket, options);
  }

  /** PutBucketNotificationConfiguration. */
  setBucketNotification(bucket: string, config: NotificationConfigInput, options: RequestOptions = {}): Promise<void> {
    return bucketConfigOps.setBucketNotification(this.#core, bucket, config, options);
  }

  /** Removes every notification configuration (an empty PutBucketNotificationConfiguration). */
  deleteBucketNotification(bucket: string, options: RequestOptions = {}): Promise<void> {
    return bucketConfigOps.deleteBucketNotification(this.#core, bucket, options);
  }

  /** MinIO's ListenBucketNotification: the bucket's event records as they happen (see notifications.ts). */
  listenBucketNotification(bucket: string, options: ListenBucketNotificationOptions = {}): AsyncGenerator<NotificationRecord, void, undefined> {
    return notificationOps.listenBucketNotification(this.#core, bucket, options);
  }

  /** GetBucketEncryption (`ServerSideEncryptionConfigurationNotFoundError` when none). */
  getBucketEncryption(bucket: string, options: RequestOptions = {}): Promise<SSEConfig> {
    return bucketConfigOps.getBucketEncryption(this.#core, bucket, options);
  }

  /** PutBucketEncryption. */
  setBucketEncryption(bucket: string, config: SSEConfig, options: RequestOptions = {}): Promise<void> {
    return bucketConfigOps.setBucketEncryption(this.#core, bucket, config, options);
  }

  /** DeleteBucketEncryption. */
  deleteBucketEncryption(bucket: string, options: RequestOptions = {}): Promise<void> {
    return bucketConfigOps.deleteBucketEncryption(this.#core, bucket, options);
  }

  /** GetObjectLockConfiguration (`ObjectLockConfigurationNotFoundError` when none). */
  getObjectLockConfig(bucket: string, options: RequestOptions = {}): Promise<ObjectLockConfig> {
    return bucketConfigOps.getObjectLockConfig(this.#core, bucket, options);
  }

  /** PutObjectLockConfiguration (default retention). */
  setObjectLockConfig(bucket: string, config: Omit<ObjectLockConfig, 'enabled'>, options: RequestOptions = {}): Promise<void> {
    return bucketConfigOps.setObjectLockConfig(this.#core, bucket, config, options);
  }

  /** Removes the default retention (object lock stays enabled). */
  deleteObjectLockConfig(bucket: string, options: RequestOptions = {}): Promise<void> {
    return bucketConfigOps.deleteObjectLockConfig(this.#core, bucket, options);
  }

  // ---------------------------------------------------------------- ACLs and bucket settings (acl.ts, bucket-settings.ts)

  /** GetBucketAcl. */
  getBucketAcl(bucket: string, options: RequestOptions = {}): Promise<AccessControlPolicy> {
    return aclOps.getBucketAcl(this.#core, bucket, options);
  }

  /** PutBucketAcl: a canned ACL, `{ grants }` (x-amz-grant-* headers) or a full `AccessControlPolicy`. */
  setBucketAcl(bucket: string, acl: AclInput, options: RequestOptions = {}): Promise<void> {
    return aclOps.setBucketAcl(this.#core, bucket, acl, options);
  }

  /** GetObjectAcl (of `versionId` when given). */
  getObjectAcl(bucket: string, key: string, options: ObjectAclOptions = {}): Promise<AccessControlPolicy> {
    return aclOps.getObjectAcl(this.#core, bucket, key, options);
  }

  /** PutObjectAcl (of `versionId` when given): a canned ACL, `{ grants }` or a full `AccessControlPolicy`. */
  setObjectAcl(bucket: string, key: string, acl: AclInput, options: ObjectAclOptions = {}): Promise<void> {
    return aclOps.setObjectAcl(this.#core, bucket, key, acl, options);
  }

  /** GetBucketCors; rejects with `NoSuchCORSConfiguration` when none is set. */
  getBucketCors(bucket: string, options: RequestOptions = {}): Promise<CorsRule[]> {
    return settingsOps.getBucketCors(this.#core, bucket, options);
  }

  /** PutBucketCors (replaces every rule). */
  setBucketCors(bucket: string, rules: CorsRule[], options: RequestOptions = {}): Promise<void> {
    return settingsOps.setBucketCors(this.#core, bucket, rules, options);
  }

  /** DeleteBucketCors. */
  deleteBucketCors(bucket: string, options: RequestOptions = {}): Promise<void> {
    return settingsOps.deleteBucketCors(this.#core, bucket, options);
  }

  /** GetBucketWebsite; rejects with `NoSuchWebsiteConfiguration` when none is set. */
  getBucketWebsite(bucket: string, options: RequestOptions = {}): Promise<WebsiteConfig> {
    return settingsOps.getBucketWebsite(this.#core, bucket, options);
  }

  /** PutBucketWebsite. */
  setBucketWebsite(bucket: string, config: WebsiteConfig, options: RequestOptions = {}): Promise<void> {
    return settingsOps.setBucketWebsite(this.#core, bucket, config, options);
  }

  /** DeleteBucketWebsite. */
  deleteBucketWebsite(bucket: string, options: RequestOptions = {}): Promise<void> {
    return settingsOps.deleteBucketWebsite(this.#core, bucket, options);
  }

  /** GetBucketLogging: the target, or `undefined` when logging is off. */
  getBucketLogging(bucket: string, options: RequestOptions = {}): Promise<LoggingConfig | undefined> {
    return settingsOps.getBucketLogging(this.#core, bucket, options);
  }

  /** PutBucketLogging: on to `config`, or off with `undefined`. */
  setBucketLogging(bucket: string, config: LoggingConfig | undefined, options: RequestOptions = {}): Promise<void> {
    return settingsOps.setBucketLogging(this.#core, bucket, config, options);
  }

  /** GetBucketRequestPayment. */
  getBucketRequestPayment(bucket: string, options: RequestOptions = {}): Promise<RequestPayer> {
    return settingsOps.getBucketRequestPayment(this.#core, bucket, options);
  }

  /** PutBucketRequestPayment. */
  setBucketRequestPayment(bucket: string, payer: RequestPayer, options: RequestOptions = {}): Promise<void> {
    return settingsOps.setBucketRequestPayment(this.#core, bucket, payer, options);
  }

  /** GetBucketAccelerateConfiguration: the status, or `undefined` when never set. */
  getBucketAccelerate(bucket: string, options: RequestOptions = {}): Promise<AccelerateStatus | undefined> {
    return settingsOps.getBucketAccelerate(this.#core, bucket, options);
  }

  /** PutBucketAccelerateConfiguration. */
  setBucketAccelerate(bucket: string, status: AccelerateStatus, options: RequestOptions = {}): Promise<void> {
    return settingsOps.setBucketAccelerate(this.#core, bucket, status, options);
  }

  /** GetBucketOwnershipControls; rejects with `OwnershipControlsNotFoundError` when none is set. */
  getBucketOwnershipControls(bucket: string, options: RequestOptions = {}): Promise<ObjectOwnership> {
    return settingsOps.getBucketOwnershipControls(this.#core, bucket, options);
  }

  /** PutBucketOwnershipControls. */
  setBucketOwnershipControls(bucket: string, ownership: ObjectOwnership, options: RequestOptions = {}): Promise<void> {
    return settingsOps.setBucketOwnershipControls(this.#core, bucket, ownership, options);
  }

  /** DeleteBucketOwnershipControls. */
  deleteBucketOwnershipControls(bucket: string, options: RequestOptions = {}): Promise<void> {
    return settingsOps.deleteBucketOwnershipControls(this.#core, bucket, options);
  }

  /** GetPublicAccessBlock; rejects with `NoSuchPublicAccessBlockConfiguration` when none is set. */
  getPublicAccessBlock(bucket: string, options: RequestOptions = {}): Promise<Required<PublicAccessBlockConfig>> {
    return settingsOps.getPublicAccessBlock(this.#core, bucket, options);
  }

  /** PutPublicAccessBlock (switches left out are `false`). */
  setPublicAccessBlock(bucket: string, config: PublicAccessBlockConfig, options: RequestOptions = {}): Promise<void> {
    return settingsOps.setPublicAccessBlock(this.#core, bucket, config, options);
  }

  /** DeletePublicAccessBlock. */
  deletePublicAccessBlock(bucket: string, options: RequestOptions = {}): Promise<void> {
    return settingsOps.deletePublicAccessBlock(this.#core, bucket, options);
  }

  /** GetBucketPolicyStatus; rejects with `NoSuchBucketPolicy` without a policy. */
  getBucketPolicyStatus(bucket: string, options: RequestOptions = {}): Promise<{ isPublic: boolean }> {
    return settingsOps.getBucketPolicyStatus(this.#core, bucket, options);
  }

  // ---------------------------------------------------------------- listing

  /**
   * Lists objects (and, when not recursive, common prefixes), paging transparently.
   * `includeVersion` lists versions and delete markers instead.
   */
  listObjects(bucket: string, options: ListObjectsOptions = {}): AsyncGenerator<ObjectItem | PrefixItem> {
    return listingOps.listObjects(this.#core, bucket, options);
  }

  /** ListObjectVersions: versions and delete markers (and prefixes when not recursive), paging transparently. */
  listObjectVersions(bucket: string, options: ListVersionsOptions = {}): AsyncGenerator<ObjectItem | PrefixItem> {
    return listingOps.listObjectVersions(this.#core, bucket, options);
  }

  /** ListMultipartUploads, paging transparently. */
  listMultipartUploads(bucket: string, options: ListUploadsOptions = {}): AsyncGenerator<IncompleteUpload | PrefixItem> {
    return listingOps.listMultipartUploads(this.#core, bucket, options);
  }

  /** MinIO's listIncompleteUploads: the uploads under `prefix` (recursive by default). */
  listIncompleteUploads(bucket: string, prefix = '', recursive = true, options: RequestOptions = {}): AsyncGenerator<IncompleteUpload> {
    return listingOps.listIncompleteUploads(this.#core, bucket, prefix, recursive, options);
  }

  /** ListParts of one upload, paging transparently. */
  listParts(bucket: string, key: string, uploadId: string, options: RequestOptions = {}): AsyncGenerator<PartInfo> {
    return listingOps.listParts(this.#core, bucket, key, uploadId, options);
  }

  // ---------------------------------------------------------------- objects

  /** HeadObject. */
  statObject(bucket: string, key: string, options: StatObjectOptions = {}): Promise<ObjectStat> {
    return objectOps.statObject(this.#core, bucket, key, options);
  }

  /** GetObject: a stream of the object (or the range `offset`..`offset+length-1`) with its metadata. */
  getObject(bucket: string, key: string, options: GetObjectOptions = {}): Promise<ObjectStream<Body>> {
    return objectOps.getObject(this.#core, bucket, key, options) as Promise<ObjectStream<Body>>;
  }

  // ---------------------------------------------------------------- object configuration (object-config.ts)

  /** GetObjectTagging: the object's tags (`{}` when none). */
  getObjectTags(bucket: string, key: string, options: ObjectVersionOptions = {}): Promise<Record<string, string>> {
    return objectConfigOps.getObjectTags(this.#core, bucket, key, options);
  }
  /** PutObjectTagging: replaces the object's tags. */
  setObjectTags(bucket: string, key: string, tags: Record<string, string>, options: ObjectVersionOptions = {}): Promise<void> {
    return objectConfigOps.setObjectTags(this.#core, bucket, key, tags, options);
  }
  /** DeleteObjectTagging. */
  deleteObjectTags(bucket: string, key: string, options: ObjectVersionOptions = {}): Promise<void> {
    return objectConfigOps.deleteObjectTags(this.#core, bucket, key, options);
  }
  /** PutObjectLegalHold `ON`. */
  enableObjectLegalHold(bucket: string, key: string, options: ObjectVersionOptions = {}): Promise<void> {
    return objectConfigOps.enableObjectLegalHold(this.#core, bucket, key, options);
  }
  /** PutObjectLegalHold `OFF`. */
  disableObjectLegalHold(bucket: string, key: string, options: ObjectVersionOptions = {}): Promise<void> {
    return objectConfigOps.disableObjectLegalHold(this.#core, bucket, key, options);
  }
  /** GetObjectLegalHold: `true` when `ON` (`false` when OFF or never set). */
  isObjectLegalHoldEnabled(bucket: string, key: string, options: ObjectVersionOptions = {}): Promise<boolean> {
    return objectConfigOps.isObjectLegalHoldEnabled(this.#core, bucket, key, options);
  }
  /** GetObjectRetention (`undefined` when the version has none). */
  getObjectRetention(bucket: string, key: string, options: ObjectVersionOptions = {}): Promise<Retention | undefined> {
    return objectConfigOps.getObjectRetention(this.#core, bucket, key, options);
  }
  /** PutObjectRetention (`governanceBypass` to shorten a GOVERNANCE retention). */
  setObjectRetention(bucket: string, key: string, retention: Retention, options: SetObjectRetentionOptions = {}): Promise<void> {
    return objectConfigOps.setObjectRetention(this.#core, bucket, key, retention, options);
  }
  /** PutObjectRetention with an empty `<Retention/>`: removes a GOVERNANCE retention (with `governanceBypass`). */
  clearObjectRetention(bucket: string, key: string, options: SetObjectRetentionOptions = {}): Promise<void> {
    return objectConfigOps.clearObjectRetention(this.#core, bucket, key, options);
  }
  /** GetObjectAttributes: ETag, checksum, parts, storage class, size. */
  getObjectAttributes(bucket: string, key: string, options: GetObjectAttributesOptions = {}): Promise<ObjectAttributes> {
    return objectConfigOps.getObjectAttributes(this.#core, bucket, key, options);
  }
  /** RestoreObject (archived objects). */
  restoreObject(bucket: string, key: string, request: RestoreRequest = {}, options: ObjectVersionOptions = {}): Promise<void> {
    return objectConfigOps.restoreObject(this.#core, bucket, key, request, options);
  }

  // ---------------------------------------------------------------- upload (putObject, multipart low level; fPutObject: node/client.ts)

  /**
   * PutObject, or a multipart upload when the data is larger than one part: parts are uploaded
   * `concurrency` at a time (the source is read only as fast as they go), each retried by the
   * transport; on failure or abort the upload is aborted, so nothing is left behind.
   */
  putObject(bucket: string, key: string, data: PutData, options: PutObjectOptions = {}): Promise<UploadedObject> {
    return uploadOps.putObject(this.#core, bucket, key, data, options);
  }

  // ---------------------------------------------------------------- objects

  /** CopyObject (server-side, up to 5 GiB; use composeObject for larger). */
  copyObject(bucket: string, key: string, source: CopySource, options: CopyObjectOptions = {}): Promise<CopiedObject> {
    return objectOps.copyObject(this.#core, bucket, key, source, options);
  }

  /**
   * Builds one object from parts of others with UploadPartCopy (ranges allowed), `concurrency`
   * copies at a time. Every source but the last must be at least 5 MiB (S3's minimum part).
   */
  composeObject(bucket: string, key: string, sources: ComposeSource[], options: ComposeObjectOptions = {}): Promise<UploadedObject> {
    return objectOps.composeObject(this.#core, bucket, key, sources, options);
  }

  /** DeleteObject (S3 answers 204 for a missing key too). */
  removeObject(bucket: string, key: string, options: RemoveObjectOptions = {}): Promise<void> {
    return objectOps.removeObject(this.#core, bucket, key, options);
  }

  /**
   * DeleteObjects in batches of 1000 (quiet mode, `Content-MD5` as S3 requires); yields one
   * entry per key S3 could not delete. Request failures reject the iteration.
   */
  removeObjects(bucket: string, objects: Iterable<string | DeleteObjectEntry> | AsyncIterable<string | DeleteObjectEntry>, options: RemoveObjectOptions = {}): AsyncGenerator<RemoveObjectsError> {
    return objectOps.removeObjects(this.#core, bucket, objects, options);
  }

  /** DeleteObjects, one request of up to 1000 keys: versions, per-key `etag` conditions, `quiet`; what was and was not deleted. */
  deleteObjects(bucket: string, objects: Array<string | DeleteObjectEntry>, options: DeleteObjectsOptions = {}): Promise<DeleteObjectsResult> {
    return objectOps.deleteObjects(this.#core, bucket, objects, options);
  }

  // ---------------------------------------------------------------- upload (putObject, multipart low level; fPutObject: node/client.ts)

  /** CreateMultipartUpload; resolves to the upload id. */
  createMultipartUpload(bucket: string, key: string, options: ObjectWriteOptions & RequestOptions = {}): Promise<string> {
    return uploadOps.createMultipartUpload(this.#core, bucket, key, options);
  }

  /** UploadPart. A stream body needs `size`. */
  uploadPart(bucket: string, key: string, uploadId: string, partNumber: number, body: ClientBody, options: UploadPartOptions = {}): Promise<PartInfo> {
    return uploadOps.uploadPart(this.#core, bucket, key, uploadId, partNumber, body, options);
  }

  /** UploadPartCopy (optionally a byte range of the source). */
  uploadPartCopy(bucket: string, key: string, uploadId: string, partNumber: number, source: CopySource, options: UploadPartCopyOptions = {}): Promise<PartInfo> {
    return uploadOps.uploadPartCopy(this.#core, bucket, key, uploadId, partNumber, source, options);
  }

  /** CompleteMultipartUpload (parts sorted by number); `headers` may carry `if-none-match: *` / `if-match`. */
  completeMultipartUpload(bucket: string, key: string, uploadId: string, parts: PartInfo[], options: RequestOptions & { headers?: Record<string, string> } = {}): Promise<UploadedObject> {
    return uploadOps.completeMultipartUpload(this.#core, bucket, key, uploadId, parts, options);
  }

  /** AbortMultipartUpload. */
  abortMultipartUpload(bucket: string, key: string, uploadId: string, options: RequestOptions = {}): Promise<void> {
    return uploadOps.abortMultipartUpload(this.#core, bucket, key, uploadId, options);
  }

  // ---------------------------------------------------------------- presigned

  /** A presigned URL for any method (SigV4 query auth). */
  getPresignedUrl(method: string, bucket: string, key: string | undefined, options: PresignOptions = {}): Promise<string> {
    return presignOps.getPresignedUrl(this.#core, method, bucket, key, options);
  }

  /** A presigned GET URL; `query` may carry `response-content-type` and friends. */
  presignedGetObject(bucket: string, key: string, options: PresignOptions = {}): Promise<string> {
    return presignOps.presignedGetObject(this.#core, bucket, key, options);
  }

  /** A presigned PUT URL. */
  presignedPutObject(bucket: string, key: string, options: PresignOptions = {}): Promise<string> {
    return presignOps.presignedPutObject(this.#core, bucket, key, options);
  }

  /** Signs a `PostPolicy` (`@s3kit/post-policy`) for a browser form upload: `{ postURL, formData }`. */
  presignedPostPolicy(policy: PostPolicy, options: RequestOptions = {}): Promise<PresignedPostPolicy> {
    return presignOps.presignedPostPolicy(this.#core, policy, options);
  }

  // ---------------------------------------------------------------- upload tickets (upload-ticket.ts; an s3kit gateway's route)

  /** An s3kit gateway's upload ticket (`POST /_s3kit/upload-tickets`): a presigned form bound to one file; `scope: 'SESSION'` + `sessionId` for a session's file. */
  createUploadTicket(options: CreateUploadTicketOptions): Promise<UploadTicket> {
    return ticketOps.createUploadTicket(this.#core, options);
  }

  /** Posts `data` to a ticket's form, streamed, with progress; the stored key, ETag and version id. */
  uploadWithTicket(ticket: Pick<UploadTicket, 'presignedUrl' | 'presignedUrlFields'>, data: FormFileData, options: UploadWithTicketOptions = {}): Promise<TicketUpload> {
    return ticketOps.uploadWithTicket(this.#core, ticket, data, options);
  }

  // ---------------------------------------------------------------- S3 Select (select.ts)

  /** SelectObjectContent: the records `request.expression` selects, streamed as output-format bytes, with `stats` and `progress`. */
  selectObjectContent(bucket: string, key: string, request: SelectRequest, options: SelectOptions = {}): Promise<SelectResults> {
    return selectOps.selectObjectContent(this.#core, bucket, key, request, options);
  }
}
