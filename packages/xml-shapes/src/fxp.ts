// `@s3kit/xml-shapes/fxp`: fast-xml-parser as an opt-in parser for parseXml (the default
// scanner never imports it, so bundles without this entry carry no fast-xml-parser).
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { XmlDocument, XmlObject, XmlValue } from './fast-scan.js';
import type { XmlTextParser } from './xml.js';
import { rejectDoctype } from './xml-guard.js';
import { malformed } from './xml-text.js';

// The S3 options for fast-xml-parser: values are data, so nothing is trimmed or converted
// (a key that is a single space stays one space, "007" stays a string); lists are normalized by
// the schema walker, not by `isArray`; only the five XML entities and character references are
// decoded. fast-xml-parser 5.12 accepts `htmlEntities` as an entity table (its types say
// boolean): giving exactly the XML set turns numeric references on without adding HTML names
// such as &nbsp;. Pinned version; src/xml.test.ts checks both behaviours.
const XML_ENTITY_TABLE = { amp: '&', apos: "'", gt: '>', lt: '<', quot: '"' } as unknown as boolean;
const OPTIONS = {
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
  htmlEntities: XML_ENTITY_TABLE,
} as const;

const parsers = new Map<number, XMLParser>();

function parserFor(maxDepth: number): XMLParser {
  let p = parsers.get(maxDepth);
  if (p === undefined) {
    p = new XMLParser({ ...OPTIONS, maxNestedTags: maxDepth });
    parsers.set(maxDepth, p);
  }
  return p;
}

/**
 * fast-xml-parser 5.12 as a parser for `parseXml(shape, body, { parser: fxpParser })`: DTDs are
 * rejected and well-formedness validated first (the parser alone accepts unclosed tags).
 *
 * @throws S3Error MalformedXML
 */
export const fxpParser: XmlTextParser = (xml: string, maxDepth: number): XmlDocument => {
  rejectDoctype(xml);
  rejectUnknownEntities(xml);
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw malformed(valid.err.msg);
  let obj: Record<string, unknown>;
  try {
    obj = parserFor(maxDepth).parse(xml) as Record<string, unknown>;
  } catch (e) {
    throw malformed(e instanceof Error ? e.message : 'the parser failed', e);
  }
  const names = Object.keys(obj);
  if (names.length !== 1) throw malformed(names.length === 0 ? 'no root element' : 'more than one root element');
  const name = names[0]!;
  const value = obj[name];
  if (Array.isArray(value)) throw malformed('more than one root element');
  return { name, value: value as XmlValue | XmlObject };
};

/** fast-xml-parser leaves undefined entities (`&nbsp;`) as literal text; XML makes them an error. */
function rejectUnknownEntities(xml: string): void {
  if (xml.indexOf('&') === -1) return;
  const outsideCdata = xml.indexOf('<![CDATA[') === -1 ? xml : xml.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '');
  if (/&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)/.test(outsideCdata)) throw malformed('an undefined or unterminated entity reference');
}
