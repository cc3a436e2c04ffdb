import { S3Error, isS3Error } from '@s3kit/errors';
import { parseXml, type Shape, type ShapeName } from '@s3kit/xml-shapes';

export { buildXml } from '@s3kit/xml-shapes';

/** The content type of every XML response. */
export const XML_HEADERS: Readonly<Record<string, string>> = { 'content-type': 'application/xml' };

/**
 * Parses a request body with the @s3kit/xml-shapes schema. A client cannot make the store
 * raise an arbitrary error by sending an `<Error>` document: anything but the expected root
 * is MalformedXML.
 * @throws S3Error MalformedXML (400), MaxMessageLengthExceeded (400)
 */
export function parseRequestXml<N extends ShapeName>(shape: N, body: Uint8Array, maxBytes: number): Shape<N> {
  try {
    return parseXml(shape, body, { maxBytes });
  } catch (err) {
    if (isS3Error(err) && (err.code === 'MalformedXML' || err.code === 'MaxMessageLengthExceeded')) throw err;
    throw new S3Error('MalformedXML', { cause: err });
  }
}
