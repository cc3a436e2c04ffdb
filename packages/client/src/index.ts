export {
  S3Client,
  type S3ClientOptions,
  type ChecksumMode,
  type RequestOptions,
  type MakeBucketOptions,
  type BucketItem,
  type GetObjectOptions,
  type ObjectStream,
  type StatObjectOptions,
  type PutObjectOptions,
  type UploadProgress,
  type UploadedObject,
  type CopySource,
  type CopyConditions,
  type CopyObjectOptions,
  type CopiedObject,
  type ComposeSource,
  type ComposeObjectOptions,
  type RemoveObjectOptions,
  type RemoveObjectsError,
  type ListObjectsOptions,
  type ListVersionsOptions,
  type ListUploadsOptions,
  type ObjectItem,
  type PrefixItem,
  type IncompleteUpload,
  type PartInfo,
  type UploadPartOptions,
  type UploadPartCopyOptions,
  type PresignOptions,
} from './client.js';
export {
  staticCredentials,
  envCredentials,
  sharedFileCredentials,
  refreshingCredentials,
  chainCredentials,
  defaultCredentials,
  CredentialsProviderError,
  type Credentials,
  type ExpiringCredentials,
  type CredentialsProvider,
  type SharedFileOptions,
  type RefreshingOptions,
} from './credentials.js';
export { type ObjectStat, type ObjectWriteOptions, type ServerSideEncryption, type Retention } from './headers.js';
export { type PutData } from './parts.js';
export { PostPolicy } from '@s3kit/post-policy';
// issue 15, argument parity (objects/upload options)
export type { ReadObjectOptions } from './objects.js';
export type { ChecksumAlgorithm, ChecksumLocation } from './checksum.js';
