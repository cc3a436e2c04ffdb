import { S3Error, S3_ERRORS, isS3Error, s3Error } from '@s3kit/errors';

/** Turns any thrown value into the (status, code) pair an S3 server would answer with. */
export function describe(err: unknown): { status: number; code: string; message: string } {
  if (isS3Error(err)) return { status: err.status, code: err.code, message: err.message };
  return { status: S3_ERRORS.InternalError.status, code: 'InternalError', message: S3_ERRORS.InternalError.message };
}

export function demo(): Array<{ status: number; code: string; message: string }> {
  return [
    describe(new S3Error('NoSuchKey', { resource: '/photos/cat.jpg' })),
    describe(s3Error('AccessDenied', 'Request has expired', { details: { Expires: '2026-01-01T00:00:00Z' } })),
    describe(new Error('disk on fire')),
  ];
}
