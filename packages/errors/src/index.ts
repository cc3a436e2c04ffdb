export { S3_ERRORS, isS3ErrorCode, type S3ErrorCode, type S3ErrorSpec } from './table.js';
export { S3Error, s3Error, isS3Error, type S3ErrorInit } from './s3-error.js';
