import { S3Error } from '@s3kit/errors';
import { CHECKSUM_ALGORITHMS, checksumHeaderName } from '@s3kit/sigv4';
import { checkValue, parseAlgorithm, s3Name, xmlName, type S3ChecksumAlgorithm } from './checksums.js';
import type { StoreCore } from './store-core.js';
import type { ObjectMeta } from './versions.js';

type Headers = Readonly<Record<string, string | undefined>>;

/** The checksum a multipart upload was created with. */
export interface UploadChecksum {
  readonly algorithm: S3ChecksumAlgorithm;
  readonly type: 'FULL_OBJECT' | 'COMPOSITE';
}

function invalid(resource: string, message: string): S3Error {
  return new S3Error('InvalidRequest', { resource, message });
}

/**
 * CreateMultipartUpload's `x-amz-checksum-algorithm` and `x-amz-checksum-type`, as S3 takes them:
 * the type defaults to COMPOSITE, except for CRC64NVME which is FULL_OBJECT only; FULL_OBJECT
 * is for the CRCs only (a SHA of the whole object cannot be made from the parts' SHAs).
 * @throws S3Error InvalidRequest (400)
 */
export function uploadChecksum(headers: Headers, resource: string): UploadChecksum | undefined {
  const a = headers['x-amz-checksum-algorithm'];
  const t = headers['x-amz-checksum-type'];
  if (a === undefined) {
    if (t !== undefined) throw invalid(resource, 'The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.');
    return undefined;
  }
  const algorithm = s3Name(parseAlgorithm(a, 'x-amz-checksum-algorithm'));
  const type = t === undefined ? (algorithm === 'CRC64NVME' ? 'FULL_OBJECT' : 'COMPOSITE') : t.trim().toUpperCase();
  if (type !== 'FULL_OBJECT' && type !== 'COMPOSITE') throw invalid(resource, 'Value for x-amz-checksum-type header is invalid.');
  if ((type === 'FULL_OBJECT' && algorithm.startsWith('SHA')) || (type === 'COMPOSITE' && algorithm === 'CRC64NVME')) {
    throw invalid(resource, `The ${type} checksum type cannot be used with the ${algorithm.toLowerCase()} checksum algorithm.`);
  }
  return { algorithm, type };
}

/**
 * The whole-object checksum a CompleteMultipartUpload states in `x-amz-checksum-<alg>` for a
 * FULL_OBJECT upload (checked against the concatenated data). A COMPOSITE value (`…-N`) is not
 * checked; another algorithm than the upload's, or another type, is refused.
 * @throws S3Error InvalidRequest (400)
 */
export function expectedObjectChecksum(headers: Headers, sum: UploadChecksum | undefined, resource: string): string | undefined {
  const type = headers['x-amz-checksum-type'];
  if (type !== undefined && type.trim().toUpperCase() !== (sum?.type ?? '')) {
    throw invalid(resource, `The upload was created using the ${sum?.type ?? 'null'} checksum mode. The complete request must use the same checksum mode.`);
  }
  for (const a of CHECKSUM_ALGORITHMS) {
    const v = headers[checksumHeaderName(a)];
    if (v === undefined) continue;
    if (sum === undefined || s3Name(a) !== sum.algorithm) {
      throw invalid(resource, `The upload was created using the ${sum?.algorithm.toLowerCase() ?? 'null'} checksum algorithm. The complete request must use the same checksum algorithm.`);
    }
    if (sum.type === 'FULL_OBJECT') return checkValue(a, v);
  }
  return undefined;
}

/**
 * What is wrong with the checksum elements of one `<Part>` of a CompleteMultipartUpload, given
 * the part's stored checksum: `mismatch` (S3's InvalidPart) for another value or another
 * algorithm than the upload's; `missing` for none in a COMPOSITE upload, which S3 refuses (the
 * composite checksum is built from the listed ones).
 */
export function listedChecksumProblem(listed: Readonly<Record<string, unknown>>, stored: string | undefined, sum: UploadChecksum | undefined): 'mismatch' | 'missing' | undefined {
  if (sum === undefined) return undefined;
  const other = CHECKSUM_ALGORITHMS.map(s3Name).some((a) => a !== sum.algorithm && listed[xmlName(a)] !== undefined);
  const named = listed[xmlName(sum.algorithm)];
  if (other || (typeof named === 'string' && named.trim() !== stored)) return 'mismatch';
  return named === undefined && sum.type === 'COMPOSITE' ? 'missing' : undefined;
}

/** S3's answer to a COMPOSITE upload's Complete without a part's checksum: InvalidRequest (400). */
export function missingPartChecksum(sum: UploadChecksum, partNumber: number, resource: string): S3Error {
  return invalid(
    resource,
    `The upload was created using a ${sum.algorithm.toLowerCase()} checksum. The complete request must include the checksum for each part. It was missing for part ${partNumber} in the request.`,
  );
}

/**
 * The version that CompleteMultipartUpload of `uploadId` made, if the key still has it: a
 * repeated Complete answers with it instead of NoSuchUpload (the id is stored in the version
 * in the same commit, so it is found exactly when the completion happened).
 */
export async function completedUpload(core: StoreCore, bucket: string, key: string, uploadId: string | undefined): Promise<ObjectMeta | undefined> {
  if (uploadId === undefined || uploadId === '') return undefined;
  const record = await core.readRecord(bucket, key);
  const v = record?.versions.find((x) => x.deleteMarker !== true && x.uploadId === uploadId);
  return v === undefined || v.deleteMarker === true ? undefined : { ...v, key };
}
