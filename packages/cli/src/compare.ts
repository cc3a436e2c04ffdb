// What `mirror` copies: entries missing from the target, or different by size and modification
// time (default) or by content (`--compare etag`: S3's ETag, computed for local files).
import { etagMatches } from './etag.js';

/** A file or object on one side of a mirror. */
export interface Entry {
  size: number;
  /** Modification time (files) or LastModified (objects), ms. */
  mtimeMs: number;
  /** The object's ETag (objects). */
  etag?: string | undefined;
  /** The file's path (files). */
  path?: string;
}

/** `size-mtime` (default): size differs or the source is newer; `etag`: size or content differs. */
export type CompareMode = 'size-mtime' | 'etag';

/** The `--compare` values. */
export const COMPARE_MODES: readonly CompareMode[] = ['size-mtime', 'etag'];

/**
 * True when `src` must be copied over `dst`. With `etag`, a file is compared with an object's
 * ETag as S3 computes it (MD5, or multipart with `partSizes` or the size the ETag's part count
 * implies); two objects by their ETags.
 */
export async function needsCopy(src: Entry, dst: Entry | undefined, mode: CompareMode, partSizes: number[], signal?: AbortSignal): Promise<boolean> {
  if (!dst || dst.size !== src.size) return true;
  // Whole seconds: HTTP dates (a downloaded file's time) have no milliseconds, listings do.
  if (mode === 'size-mtime') return Math.floor(src.mtimeMs / 1000) > Math.floor(dst.mtimeMs / 1000);
  const file = src.path ?? dst.path;
  const etag = src.etag ?? dst.etag;
  if (file === undefined) return src.etag !== dst.etag;
  if (etag === undefined) return true;
  return !(await etagMatches(file, src.size, etag, partSizes, signal));
}
