import { isS3Error, s3Error } from '@s3kit/errors';
import { buildXml, parseXml, type DeleteResult, type ShapeInput } from '@s3kit/xml-shapes';
import type { UpstreamResponse } from '../upstreams/upstream.js';
import type { BodyKey, DeleteError } from '../pipeline/types.js';
import { readCapped } from '../pipeline/body.js';

/** Largest upstream DeleteResult read to add the denied keys (1000 results of 1 KiB keys fit many times over). */
const MAX_DELETE_RESULT_BYTES = 16 * 1024 * 1024;

/**
 * The `<Error>` entries of keys the policies denied, as AWS writes them in a DeleteResult:
 * `<Error><Key>k</Key><VersionId>v</VersionId><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`.
 */
export function accessDeniedErrors(keys: readonly BodyKey[]): DeleteError[] {
  return keys.map((k) => ({ Key: k.key, ...(k.versionId === undefined ? {} : { VersionId: k.versionId }), Code: 'AccessDenied', Message: 'Access Denied' }));
}

function xmlResponse(result: ShapeInput<'DeleteResult'>, headers: Record<string, string>): UpstreamResponse {
  const xml = new TextEncoder().encode(buildXml('DeleteResult', result));
  return { status: 200, headers: { ...headers, 'content-type': 'application/xml', 'content-length': String(xml.length) }, body: xml };
}

/**
 * The DeleteResult the client gets when some of its keys were denied: the upstream's answer for
 * the keys it was sent, with an `<Error>` per denied key added (in Quiet mode too: S3 lists errors
 * there). With no upstream answer (every key denied), a DeleteResult of those errors alone.
 * Errors appear in the order of the request's keys; `Deleted` entries as the upstream wrote them.
 * @param order The request's keys, to order the errors.
 * @throws S3Error InternalError (500) when the upstream's answer is not a DeleteResult.
 */
export async function withDeleteErrors(upstream: UpstreamResponse | undefined, denied: readonly DeleteError[], order: readonly BodyKey[]): Promise<UpstreamResponse> {
  if (upstream === undefined) return xmlResponse({ Error: [...denied] }, {});
  let result: DeleteResult;
  try {
    const bytes = await readCapped(upstream.body, MAX_DELETE_RESULT_BYTES, () =>
      s3Error('InternalError', undefined, { details: { reason: `upstream DeleteResult over ${MAX_DELETE_RESULT_BYTES} bytes` } }),
    );
    // An upstream that answers a Quiet request with nothing deleted in error may send no body at all.
    result = /^\s*$/.test(new TextDecoder().decode(bytes)) ? { Deleted: [], Error: [] } : parseXml('DeleteResult', bytes);
  } catch (err) {
    if (isS3Error(err) && err.code === 'InternalError') throw err;
    throw s3Error('InternalError', undefined, { cause: err, details: { reason: 'upstream DeleteObjects answer is not a DeleteResult' } });
  }
  const rank = new Map<string, number>();
  order.forEach((k, i) => {
    const id = `${k.key}\n${k.versionId ?? ''}`;
    if (!rank.has(id)) rank.set(id, i);
  });
  const at = (e: DeleteError): number => rank.get(`${e.Key ?? ''}\n${e.VersionId ?? ''}`) ?? order.length;
  const errors = [...(result.Error ?? []), ...denied].sort((a, b) => at(a) - at(b));
  const headers = { ...upstream.headers };
  // The body changed: no digest of the upstream's bytes may stay.
  delete headers['content-md5'];
  delete headers['etag'];
  for (const name of Object.keys(headers)) if (name.startsWith('x-amz-checksum-')) delete headers[name];
  return xmlResponse({ ...result, Error: errors }, headers);
}
