import { S3ServiceException } from '@aws-sdk/client-s3';

/** An AWS SDK v3 call's S3 error: its code, HTTP status and response headers. */
export interface SdkFailure {
  code: string;
  status: number | undefined;
  headers: Record<string, string>;
}

/** Awaits a call that must fail with an S3 error and returns it; anything else throws. */
export async function sdkFailure(p: Promise<unknown>): Promise<SdkFailure> {
  try {
    await p;
  } catch (e) {
    if (e instanceof S3ServiceException) {
      const headers = ((e as { $response?: { headers?: Record<string, string> } }).$response?.headers ?? {}) as Record<string, string>;
      return { code: e.name, status: e.$metadata.httpStatusCode, headers };
    }
    throw e;
  }
  throw new Error('expected the call to fail');
}

/** The code and HTTP status of the S3 error a call that must fail rejects with. */
export async function sdkError(p: Promise<unknown>): Promise<{ code: string; status: number | undefined }> {
  const { code, status } = await sdkFailure(p);
  return { code, status };
}
