import { S3Error } from '@s3kit/errors';

/** The object named by an `x-amz-copy-source` header. */
export interface CopySource {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
}

/**
 * Parses `x-amz-copy-source`: `[/]bucket/key[?versionId=id]`, with the key percent-encoded.
 *
 * @throws S3Error InvalidArgument (400) when the bucket or key is missing or badly encoded.
 * @example parseCopySource('/src/a%20b.txt?versionId=3') // { bucket: 'src', key: 'a b.txt', versionId: '3' }
 */
export function parseCopySource(value: string): CopySource {
  let v = value.charCodeAt(0) === 47 ? value.slice(1) : value;
  let versionId: string | undefined;
  const q = v.indexOf('?');
  if (q !== -1) {
    const query = new URLSearchParams(v.slice(q + 1));
    versionId = query.get('versionId') ?? undefined;
    v = v.slice(0, q);
  }
  const slash = v.indexOf('/');
  const bad = (): S3Error =>
    new S3Error('InvalidArgument', {
      message: 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey',
      details: { ArgumentName: 'x-amz-copy-source', ArgumentValue: value },
    });
  if (slash <= 0 || slash === v.length - 1) throw bad();
  let bucket: string;
  let key: string;
  try {
    bucket = decodeURIComponent(v.slice(0, slash));
    key = decodeURIComponent(v.slice(slash + 1));
  } catch {
    throw bad();
  }
  return versionId === undefined ? { bucket, key } : { bucket, key, versionId };
}
