import { scanXml, type XmlDocument } from './fast-scan.js';
import { readRoot, writeStruct } from './schema.js';
import { S3_XMLNS, SHAPES, type Shape, type ShapeInput, type ShapeName, type ShapeSpec } from './shapes.js';
import { bodyText, DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, type XmlLimits } from './xml-guard.js';
import { errorFromDocument } from './error-xml.js';
import { escapeText, malformed } from './xml-text.js';

/** Options for {@link parseXml}. */
export interface ParseXmlOptions extends XmlLimits {
  /**
   * Which parser reads the text: the tuned scanner (`'auto'` and `'fast'`), or a parser passed
   * in, such as `fxpParser` from `@s3kit/xml-shapes/fxp` (fast-xml-parser, which only that entry
   * brings into a bundle). **Default:** `'auto'`.
   */
  readonly parser?: 'auto' | 'fast' | XmlTextParser;
}

/**
 * Reads XML text into its root element, in fast-xml-parser's object form ({@link XmlDocument}),
 * nesting no deeper than `maxDepth`.
 * @throws S3Error MalformedXML
 */
export type XmlTextParser = (xml: string, maxDepth: number) => XmlDocument;

/** Options for {@link buildXml}. */
export interface BuildXmlOptions {
  /** Start with `<?xml version="1.0" encoding="UTF-8"?>`. **Default:** `true`. */
  readonly declaration?: boolean;
  /**
   * The order of the items of the root's flat lists named here, one name per item, written
   * together where the first of those lists sits: e.g. `['Version', 'DeleteMarker', 'Version']`
   * for a ListVersionsResult, whose versions and delete markers S3 lists as they happened.
   * Every item of the named lists must be named once. **Default:** each list whole, in schema order.
   */
  readonly interleave?: readonly string[];
}

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** Parses text into the root element, with the limits applied and DTDs rejected. */
export function parseDocument(body: string | Uint8Array, parser: XmlTextParser, options: XmlLimits = {}): XmlDocument {
  return parser(bodyText(body, options.maxBytes ?? DEFAULT_MAX_BYTES), options.maxDepth ?? DEFAULT_MAX_DEPTH);
}

/**
 * Parses an S3 XML body into its typed shape. Lists are always arrays; numbers, booleans and
 * dates are typed; text is never trimmed; `EncodingType=url` fields are decoded.
 *
 * A body whose root is `<Error>` (S3 can answer CompleteMultipartUpload and CopyObject with
 * 200 and an error body) is thrown as the S3Error it describes.
 *
 * @throws S3Error MalformedXML (400) for anything malformed, a DTD, too-deep nesting or a wrong
 *   root element; MaxMessageLengthExceeded (400) over `maxBytes`; the parsed error for `<Error>`.
 * @example parseXml('Tagging', body).TagSet[0]?.Key
 */
export function parseXml<N extends ShapeName>(shape: N, body: string | Uint8Array, options: ParseXmlOptions = {}): Shape<N> {
  const spec: ShapeSpec = SHAPES[shape];
  const doc = parseDocument(body, typeof options.parser === 'function' ? options.parser : scanXml, options);
  if (doc.name !== shape) {
    if (doc.name === 'Error') throw errorFromDocument(doc);
    throw malformed(`expected <${shape}>, found <${doc.name}>`);
  }
  return readRoot(spec.node, doc.value, shape) as Shape<N>;
}

/**
 * Builds the XML body for a shape, as S3 writes it: the S3 namespace on the root (not on
 * Error and PostResponse), elements in schema order, text escaped but never trimmed, dates as
 * ISO 8601 with milliseconds, URL-encoded fields when `EncodingType` is `url`.
 *
 * @throws TypeError when a value has the wrong type or a required field is missing.
 * @example buildXml('Tagging', { TagSet: [{ Key: 'k', Value: ' ' }] })
 */
export function buildXml<N extends ShapeName>(shape: N, value: ShapeInput<N>, options: BuildXmlOptions = {}): string {
  const spec: ShapeSpec = SHAPES[shape];
  const ns = spec.xmlns === false ? '' : ` xmlns="${spec.xmlns === true ? S3_XMLNS : spec.xmlns}"`;
  const head = options.declaration === false ? '' : DECLARATION;
  if (spec.node.t !== 'struct') {
    if (typeof value !== 'string') throw new TypeError(`${shape} must be a string`);
    return `${head}<${shape}${ns}>${escapeText(value)}</${shape}>`;
  }
  const v = value as Record<string, unknown>;
  const url = 'EncodingType' in spec.node.fields && typeof v['EncodingType'] === 'string' && v['EncodingType'].toLowerCase() === 'url';
  const out: string[] = [head];
  writeStruct(out, shape, spec.node, value, url, ns, options.interleave);
  return out.join('');
}
