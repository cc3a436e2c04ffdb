/**
 * The S3 error table: every wire code s3kit raises or parses, with its HTTP status and
 * S3's default message. This is the only table in the repo; every package reports
 * failures with these codes. A code without a status does not compile.
 *
 * Source: Amazon S3 API Reference, "Error responses" (list of error codes).
 */
import * as AUTH_ERRORS from './auth-errors.js';
import type { S3ErrorSpec } from './s3-error-base.js';

export type { S3ErrorSpec };

export const S3_ERRORS = {
  // Raised by request authentication (SigV4/SigV2, aws-chunked, POST forms): kept in their own
  // module, one export each, so a signer's bundle carries only the codes it raises.
  ...AUTH_ERRORS,
  AccessControlListNotSupported: { status: 400, message: 'The bucket does not allow ACLs.' },
  AccessForbidden: {
    status: 403,
    message:
      "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
  },
  AccessPointAlreadyOwnedByYou: { status: 409, message: 'An access point with an identical name already exists in your account.' },
  AccountProblem: { status: 403, message: 'There is a problem with your AWS account that prevents the operation from completing successfully.' },
  AllAccessDisabled: { status: 403, message: 'All access to this Amazon S3 resource has been disabled.' },
  AmbiguousGrantByEmailAddress: { status: 400, message: 'The email address you provided is associated with more than one account.' },
  BadRequest: { status: 400, message: 'Bad Request' },
  BucketAlreadyExists: { status: 409, message: 'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Select a different name and try again.' },
  BucketAlreadyOwnedByYou: { status: 409, message: 'The bucket that you tried to create already exists, and you own it.' },
  BucketNotEmpty: { status: 409, message: 'The bucket that you tried to delete is not empty.' },
  ConditionalRequestConflict: { status: 409, message: 'A conflicting conditional operation is currently in progress against this resource. Try again.' },
  CredentialsNotSupported: { status: 400, message: 'This request does not support credentials.' },
  CrossLocationLoggingProhibited: { status: 403, message: 'Cross-Region logging is not allowed.' },
  ExpiredToken: { status: 400, message: 'The provided token has expired.' },
  IllegalLocationConstraintException: { status: 400, message: 'The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.' },
  IllegalVersioningConfigurationException: { status: 400, message: 'The versioning configuration specified in the request is invalid.' },
  InlineDataTooLarge: { status: 400, message: 'The inline data exceeds the maximum allowed size.' },
  InternalError: { status: 500, message: 'We encountered an internal error. Please try again.' },
  InvalidBucketAclWithObjectOwnership: { status: 400, message: "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting" },
  InvalidBucketName: { status: 400, message: 'The specified bucket is not valid.' },
  InvalidBucketState: { status: 409, message: 'The request is not valid for the current state of the bucket.' },
  InvalidDigest: { status: 400, message: 'The Content-MD5 or checksum value that you specified is not valid.' },
  InvalidEncryptionAlgorithmError: { status: 400, message: 'The encryption request that you specified is not valid. The valid value is AES256.' },
  InvalidLocationConstraint: { status: 400, message: 'The specified location constraint is not valid.' },
  InvalidObjectState: { status: 403, message: 'The operation is not valid for the current state of the object.' },
  InvalidPart: { status: 400, message: "One or more of the specified parts could not be found. The part might not have been uploaded, or the specified ETag might not have matched the part's ETag." },
  InvalidPartNumber: { status: 416, message: 'The requested partnumber is not satisfiable' },
  InvalidPartOrder: { status: 400, message: 'The list of parts was not in ascending order. The parts list must be specified in order by part number.' },
  InvalidPayer: { status: 403, message: 'All access to this object has been disabled.' },
  InvalidRange: { status: 416, message: 'The requested range cannot be satisfied.' },
  InvalidRetentionPeriod: { status: 400, message: 'Default retention period must be a positive integer value.' },
  InvalidSecurity: { status: 403, message: 'The provided security credentials are not valid.' },
  InvalidStorageClass: { status: 400, message: 'The storage class that you specified is not valid.' },
  InvalidTag: { status: 400, message: 'The tag provided was not a valid tag.' },
  InvalidTargetBucketForLogging: {
    status: 400,
    message: 'The target bucket for logging either does not exist, is not owned by you, or does not have the appropriate grants for the log-delivery group.',
  },
  InvalidURI: { status: 400, message: "The specified URI couldn't be parsed." },
  KeyTooLongError: { status: 400, message: 'Your key is too long.' },
  MalformedACLError: { status: 400, message: 'The ACL that you provided was not well formed or did not validate against our published schema.' },
  MalformedPolicy: { status: 400, message: 'Policy has invalid resource.' },
  MalformedXML: { status: 400, message: 'The XML you provided was not well-formed or did not validate against our published schema.' },
  MaxMessageLengthExceeded: { status: 400, message: 'Your request was too big.' },
  MetadataTooLarge: { status: 400, message: 'Your metadata headers exceed the maximum allowed metadata size.' },
  MethodNotAllowed: { status: 405, message: 'The specified method is not allowed against this resource.' },
  MissingContentLength: { status: 411, message: 'You must provide the Content-Length HTTP header.' },
  MissingRequestBodyError: { status: 400, message: 'Request Body is empty.' },
  MissingSecurityElement: { status: 400, message: 'The SOAP 1.1 request is missing a security element.' },
  NoLoggingStatusForKey: { status: 400, message: 'There is no such thing as a logging status subresource for a key.' },
  NoSuchBucket: { status: 404, message: 'The specified bucket does not exist.' },
  NoSuchBucketPolicy: { status: 404, message: 'The specified bucket does not have a bucket policy.' },
  NoSuchCORSConfiguration: { status: 404, message: 'The CORS configuration does not exist.' },
  NoSuchPublicAccessBlockConfiguration: { status: 404, message: 'The public access block configuration was not found' },
  NoSuchKey: { status: 404, message: 'The specified key does not exist.' },
  NoSuchLifecycleConfiguration: { status: 404, message: 'The lifecycle configuration does not exist.' },
  NoSuchObjectLockConfiguration: { status: 404, message: 'The specified object does not have an ObjectLock configuration.' },
  NoSuchTagSet: { status: 404, message: 'The TagSet does not exist.' },
  NoSuchUpload: { status: 404, message: 'The specified upload does not exist. The upload ID might not be valid, or the upload might have been aborted or completed.' },
  NoSuchVersion: { status: 404, message: 'The specified version does not exist.' },
  NoSuchWebsiteConfiguration: { status: 404, message: 'The specified bucket does not have a website configuration.' },
  NotImplemented: { status: 501, message: 'A header you provided implies functionality that is not implemented.' },
  NotModified: { status: 304, message: 'Not Modified' },
  NotSignedUp: { status: 403, message: 'Your account is not signed up for the Amazon S3 service.' },
  ObjectLockConfigurationNotFoundError: { status: 404, message: 'Object Lock configuration does not exist for this bucket.' },
  OperationAborted: { status: 409, message: 'A conflicting conditional operation is currently in progress against this resource. Try again.' },
  OwnershipControlsNotFoundError: { status: 404, message: 'The bucket ownership controls were not found.' },
  PermanentRedirect: { status: 301, message: 'The bucket that you are attempting to access must be addressed using the specified endpoint. Send all future requests to this endpoint.' },
  PreconditionFailed: { status: 412, message: 'At least one of the preconditions that you specified did not hold.' },
  Redirect: { status: 307, message: 'Temporary redirect.' },
  ReplicationConfigurationNotFoundError: { status: 404, message: 'The replication configuration was not found.' },
  RequestHeaderSectionTooLarge: { status: 400, message: 'Your request header section exceeds the maximum allowed size.' },
  RequestTimeout: { status: 400, message: 'Your socket connection to the server was not read from or written to within the timeout period.' },
  RequestTorrentOfBucketError: { status: 400, message: 'Requesting the torrent file of a bucket is not permitted.' },
  RestoreAlreadyInProgress: { status: 409, message: 'Object restore is already in progress.' },
  ServerSideEncryptionConfigurationNotFoundError: { status: 404, message: 'The server-side encryption configuration was not found.' },
  ServiceUnavailable: { status: 503, message: 'Service is unable to handle request.' },
  SlowDown: { status: 503, message: 'Please reduce your request rate.' },
  TemporaryRedirect: { status: 307, message: 'You are being redirected to the bucket while DNS updates.' },
  TokenRefreshRequired: { status: 400, message: 'The provided token must be refreshed.' },
  TooManyBuckets: { status: 400, message: 'You have attempted to create more buckets than allowed.' },
  UnexpectedContent: { status: 400, message: 'This request does not support content.' },
  UnresolvableGrantByEmailAddress: { status: 400, message: 'The email address you provided does not match any account on record.' },
  InvalidContentEncoding: { status: 400, message: 'Unsupported Content-Encoding.' },
} as const satisfies Record<string, S3ErrorSpec>;

/** Every S3 wire error code s3kit knows. */
export type S3ErrorCode = keyof typeof S3_ERRORS;

/** True when `code` is one of the codes in {@link S3_ERRORS}. */
export function isS3ErrorCode(code: string): code is S3ErrorCode {
  return Object.hasOwn(S3_ERRORS, code);
}
