// Removing many objects: every key (or version) under a prefix, in DeleteObjects batches.
import type { S3Client } from '@s3kit/client/node';
import { CliError } from './errors.js';

/** What {@link emptyPrefix} removes. */
export interface EmptyOptions {
  /** Every version and delete marker (else the current objects: delete markers in a versioned bucket). */
  versions: boolean;
  /** Also abort the incomplete multipart uploads under the prefix. */
  uploads?: boolean;
  /** Only this exact key (with `versions`: all versions of one object). */
  exactKey?: boolean;
  governanceBypass: boolean;
  signal: AbortSignal;
  /** Called for each entry sent for deletion. */
  onEntry?: (entry: { key: string; versionId?: string }) => void;
}

/**
 * Deletes the objects (or versions) under `prefix`; rejects with the first key S3 refused
 * (its code, e.g. `AccessDenied` for a locked version). Returns how many entries were sent.
 */
export async function emptyPrefix(s3: S3Client, bucket: string, prefix: string, options: EmptyOptions): Promise<number> {
  const { signal } = options;
  if (options.uploads) {
    for await (const u of s3.listIncompleteUploads(bucket, prefix, true, { signal })) await s3.abortMultipartUpload(bucket, u.key, u.uploadId, { signal });
  }
  let count = 0;
  async function* entries(): AsyncGenerator<{ key: string; versionId?: string }> {
    const listing = options.versions ? s3.listObjectVersions(bucket, { prefix, recursive: true, signal }) : s3.listObjects(bucket, { prefix, recursive: true, signal });
    for await (const item of listing) {
      if (!('key' in item) || (options.exactKey && item.key !== prefix)) continue;
      const entry = options.versions && item.versionId !== undefined ? { key: item.key, versionId: item.versionId } : { key: item.key };
      options.onEntry?.(entry);
      count++;
      yield entry;
    }
  }
  for await (const failed of s3.removeObjects(bucket, entries(), { signal, governanceBypass: options.governanceBypass })) {
    throw new CliError(failed.code, `${failed.key}${failed.versionId ? ` (version ${failed.versionId})` : ''}: ${failed.message}`);
  }
  return count;
}
