import type { PostPolicy, PresignedPostPolicy } from '@s3kit/post-policy';
import type { RequestBody } from '@s3kit/http-transport';
import { RequestCore, type RequestOptions, type S3ClientOptions } from './core.js';
import type { Endpoint } from './endpoint.js';
import type { ObjectStat, ObjectWriteOptions } from './headers.js';
import type { PutData } from './parts.js';
import * as bucketOps from './buckets.js';
// ACLs and bucket settings (issue 15)
import * as aclOps from './acl.js';
import * as settingsOps from './bucket-settings.js';
import type { AccessControlPolicy, AclInput, ObjectAclOptions } from './acl.js';
import type { AccelerateStatus, CorsRule, LoggingConfig, ObjectOwnership, PublicAccessBlockConfig, RequestPayer, WebsiteConfig } from './bucket-settings.js';
import * as listingOps from './listing.js';
import * as objectOps from './objects.js';
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
import type { PresignOptions } from './presign.js';
import type { PartInfo, PutObjectOptions, UploadedObject, UploadPartCopyOptions, UploadPartOptions } from './upload.js';

export type { ChecksumMode, RequestOptions, S3ClientOptions } from './core.js';
export type { BucketItem, MakeBucketOptions } from './buckets.js';
// ACLs and bucket settings (issue 15)
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
export type { PresignOptions } from './presign.js';
export type { PartInfo, PutObjectOptions, UploadedObject, UploadPartCopyOptions, UploadPartOptions, UploadProgress } from './upload.js';

/**
 * A thin S3 client with the MinIO-client API. Works against AWS S3 and S3-compatible servers.
 * Every method rejects with `S3Error` (`@s3kit/errors`) or a `TransportError` (`@s3kit/http-transport`).
 *
 * The face only: the requests live in one module per concern (`buckets.ts`, `listing.ts`,
 * `objects.ts`, `upload.ts`, `presign.ts`) over the request core (`core.ts`).
 */
export class S3Client {
  readonly endpoint: Endpoint;
  readonly #core: RequestCore;

  constructor(options: S3ClientOptions) {
    this.#core = new RequestCore(options);
    this.endpoint = this.#core.endpoint;
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
  getObject(bucket: string, key: string, options: GetObjectOptions = {}): Promise<ObjectStream> {
    return objectOps.getObject(this.#core, bucket, key, options);
  }

  /**
   * Downloads to `filePath` through a temporary file in the same directory, renamed on success:
   * an interrupted download never leaves a partial file at `filePath`.
   */
  fGetObject(bucket: string, key: string, filePath: string, options: GetObjectOptions = {}): Promise<ObjectStat> {
    return objectOps.fGetObject(this.#core, bucket, key, filePath, options);
  }

  // ---------------------------------------------------------------- upload (putObject, fPutObject, multipart low level)

  /**
   * PutObject, or a multipart upload when the data is larger than one part: parts are uploaded
   * `concurrency` at a time (the source is read only as fast as they go), each retried by the
   * transport; on failure or abort the upload is aborted, so nothing is left behind.
   */
  putObject(bucket: string, key: string, data: PutData, options: PutObjectOptions = {}): Promise<UploadedObject> {
    return uploadOps.putObject(this.#core, bucket, key, data, options);
  }

  /** putObject from a file; parts are read from the file by range (no buffering), so retries re-read them. */
  fPutObject(bucket: string, key: string, filePath: string, options: Omit<PutObjectOptions, 'size'> = {}): Promise<UploadedObject> {
    return uploadOps.fPutObject(this.#core, bucket, key, filePath, options);
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
  removeObjects(
    bucket: string,
    objects: Iterable<string | { key: string; versionId?: string }> | AsyncIterable<string | { key: string; versionId?: string }>,
    options: RemoveObjectOptions = {},
  ): AsyncGenerator<RemoveObjectsError> {
    return objectOps.removeObjects(this.#core, bucket, objects, options);
  }

  // ---------------------------------------------------------------- upload (putObject, fPutObject, multipart low level)

  /** CreateMultipartUpload; resolves to the upload id. */
  createMultipartUpload(bucket: string, key: string, options: ObjectWriteOptions & RequestOptions = {}): Promise<string> {
    return uploadOps.createMultipartUpload(this.#core, bucket, key, options);
  }

  /** UploadPart. A stream body needs `size`. */
  uploadPart(bucket: string, key: string, uploadId: string, partNumber: number, body: RequestBody, options: UploadPartOptions = {}): Promise<PartInfo> {
    return uploadOps.uploadPart(this.#core, bucket, key, uploadId, partNumber, body, options);
  }

  /** UploadPartCopy (optionally a byte range of the source). */
  uploadPartCopy(bucket: string, key: string, uploadId: string, partNumber: number, source: CopySource, options: UploadPartCopyOptions = {}): Promise<PartInfo> {
    return uploadOps.uploadPartCopy(this.#core, bucket, key, uploadId, partNumber, source, options);
  }

  /** CompleteMultipartUpload (parts sorted by number). */
  completeMultipartUpload(bucket: string, key: string, uploadId: string, parts: PartInfo[], options: RequestOptions = {}): Promise<UploadedObject> {
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
}
