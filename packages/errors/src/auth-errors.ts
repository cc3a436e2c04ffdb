/**
 * The codes request authentication raises (SigV4 and SigV2 signing and verification,
 * aws-chunked bodies, POST policy forms), one export each: with {@link s3ErrorOf} a bundle
 * carries only the codes it uses, not the whole {@link S3_ERRORS} table (which spreads these in).
 * Same source as the table: Amazon S3 API Reference, "Error responses".
 */

export const AccessDenied = { code: 'AccessDenied', status: 403, message: 'Access Denied' } as const;
export const AuthorizationHeaderMalformed = { code: 'AuthorizationHeaderMalformed', status: 400, message: 'The authorization header you provided is invalid.' } as const;
export const AuthorizationQueryParametersError = { code: 'AuthorizationQueryParametersError', status: 400, message: 'The authorization query parameters you provided are invalid.' } as const;
export const BadDigest = { code: 'BadDigest', status: 400, message: 'The Content-MD5 or checksum value that you specified did not match what the server received.' } as const;
export const EntityTooLarge = { code: 'EntityTooLarge', status: 400, message: 'Your proposed upload exceeds the maximum allowed object size.' } as const;
export const EntityTooSmall = { code: 'EntityTooSmall', status: 400, message: 'Your proposed upload is smaller than the minimum allowed object size.' } as const;
export const IncompleteBody = { code: 'IncompleteBody', status: 400, message: 'You did not provide the number of bytes specified by the Content-Length HTTP header.' } as const;
export const IncorrectNumberOfFilesInPostRequest = { code: 'IncorrectNumberOfFilesInPostRequest', status: 400, message: 'POST requires exactly one file upload per request.' } as const;
export const InvalidAccessKeyId = { code: 'InvalidAccessKeyId', status: 403, message: 'The AWS access key ID that you provided does not exist in our records.' } as const;
export const InvalidArgument = { code: 'InvalidArgument', status: 400, message: 'Invalid Argument' } as const;
export const InvalidChunkSizeError = { code: 'InvalidChunkSizeError', status: 403, message: 'Only the last chunk is allowed to have a size less than 8192 bytes' } as const;
export const InvalidPolicyDocument = { code: 'InvalidPolicyDocument', status: 400, message: 'The content of the form does not meet the conditions specified in the policy document.' } as const;
export const InvalidRequest = { code: 'InvalidRequest', status: 400, message: 'Invalid Request' } as const;
export const InvalidToken = { code: 'InvalidToken', status: 400, message: 'The provided token is malformed or otherwise not valid.' } as const;
export const MalformedPOSTRequest = { code: 'MalformedPOSTRequest', status: 400, message: 'The body of your POST request is not well-formed multipart/form-data.' } as const;
export const MalformedTrailerError = {
  code: 'MalformedTrailerError',
  status: 400,
  message: 'The request contained trailing data that was not well-formed or did not conform to our published schema.',
} as const;
export const MaxPostPreDataLengthExceededError = { code: 'MaxPostPreDataLengthExceededError', status: 400, message: 'Your POST request fields preceding the upload file were too large.' } as const;
export const MissingSecurityHeader = { code: 'MissingSecurityHeader', status: 400, message: 'Your request is missing a required header.' } as const;
export const RequestIsNotMultiPartContent = { code: 'RequestIsNotMultiPartContent', status: 400, message: 'Bucket POST must be of the enclosure-type multipart/form-data.' } as const;
export const RequestTimeTooSkewed = { code: 'RequestTimeTooSkewed', status: 403, message: "The difference between the request time and the server's time is too large." } as const;
export const SignatureDoesNotMatch = {
  code: 'SignatureDoesNotMatch',
  status: 403,
  message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
} as const;
export const UserKeyMustBeSpecified = { code: 'UserKeyMustBeSpecified', status: 400, message: 'The bucket POST request must contain the specified field name.' } as const;
export const XAmzContentSHA256Mismatch = { code: 'XAmzContentSHA256Mismatch', status: 400, message: "The provided 'x-amz-content-sha256' header does not match what was computed." } as const;
