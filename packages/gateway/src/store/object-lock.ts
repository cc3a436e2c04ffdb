import type { UpstreamRequest, UpstreamResponse } from '../upstreams/upstream.js';
import type { StoreContext } from './context.js';
import type { BucketState } from './store-core.js';
import type { ObjectVersion, Version } from './versions.js';
import { S3Error } from '@s3kit/errors';

type Headers = Readonly<Record<string, string | undefined>>;

/**
 * The lock fields a new version gets from `x-amz-object-lock-*` headers or the bucket's
 * default retention. (Stub: object lock is being built.)
 */
export function lockOnWrite(_state: BucketState, _headers: Headers, _resource: string): Pick<ObjectVersion, 'retention' | 'legalHold'> {
  return {};
}

/**
 * Refuses to remove a version that is under retention or legal hold (S3: AccessDenied).
 * (Stub: object lock is being built.)
 */
export function checkDeletable(_victim: Version | undefined, _headers: Headers, _resource: string): void {}

const notYet = async (_ctx: StoreContext, req: UpstreamRequest): Promise<UpstreamResponse> => {
  throw new S3Error('NotImplemented', { message: `${req.operation} is not implemented by the local store yet.` });
};

export const putObjectLockConfiguration = notYet;
export const getObjectLockConfiguration = notYet;
export const putObjectRetention = notYet;
export const getObjectRetention = notYet;
export const putObjectLegalHold = notYet;
export const getObjectLegalHold = notYet;
