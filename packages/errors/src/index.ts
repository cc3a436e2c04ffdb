export { S3_ERRORS, isS3ErrorCode, type S3ErrorCode, type S3ErrorSpec } from './table.js';
export { S3Error, s3Error, isS3Error, type S3ErrorInit } from './s3-error.js';
export { s3ErrorOf, type S3ErrorEntry } from './s3-error-base.js';
export * from './auth-errors.js';
