import { S3Error } from '@s3kit/errors';
import { malformed } from './xml-text.js';

/** Limits applied before and while parsing any XML body. */
export interface XmlLimits {
  /** Largest body accepted, in bytes (UTF-16 code units for a string). **Default:** 16 MiB. */
  readonly maxBytes?: number;
  /** Deepest element nesting accepted. **Default:** 32 (the deepest S3 shape nests 7). */
  readonly maxDepth?: number;
}

export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 32;

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Turns a body into a string within the size limit. Invalid UTF-8 is MalformedXML; a body over
 * the limit is MaxMessageLengthExceeded (400).
 */
export function bodyText(body: string | Uint8Array, maxBytes: number): string {
  if (body.length > maxBytes) {
    throw new S3Error('MaxMessageLengthExceeded', { message: `Your request was too big: the XML body is limited to ${maxBytes} bytes.` });
  }
  if (typeof body === 'string') return body.charCodeAt(0) === 0xfeff ? body.slice(1) : body;
  try {
    return decoder.decode(body);
  } catch (e) {
    throw malformed('the body is not valid UTF-8', e);
  }
}

/**
 * Rejects document type declarations (and with them every entity declaration), so no entity
 * is ever expanded. Run before handing text to a general-purpose parser.
 */
export function rejectDoctype(xml: string): void {
  if (/<!(?:DOCTYPE|ENTITY|ELEMENT|ATTLIST)/i.test(xml)) throw malformed('document type declarations are not allowed');
}
