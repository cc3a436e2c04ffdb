// TODO(xml-shapes): replace these local helpers with the @s3kit/xml-shapes builders and parsers
// (and buildErrorXml) once that package exports them; the shapes here follow the S3 API docs.
import { S3Error } from '@s3kit/errors';

export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** One element: a name and a text value, nested children, or `undefined` (omitted). */
export type XmlChild = readonly [name: string, value: string | number | boolean | readonly XmlChild[] | undefined];

/** Escapes text for element content, keeping CR/LF/TAB and control characters through XML parsers. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"'\u0000-\u001f]/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      case "'":
        return '&apos;';
      default:
        return `&#x${c.charCodeAt(0).toString(16).toUpperCase()};`;
    }
  });
}

function render(children: readonly XmlChild[], out: string[]): void {
  for (const [name, value] of children) {
    if (value === undefined) continue;
    if (typeof value === 'object') {
      out.push(`<${name}>`);
      render(value, out);
      out.push(`</${name}>`);
    } else {
      out.push(`<${name}>${escapeXml(String(value))}</${name}>`);
    }
  }
}

/** A complete S3 XML document with the S3 namespace on the root. */
export function xmlDocument(root: string, children: readonly XmlChild[]): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>', `<${root} xmlns="${S3_XMLNS}">`];
  render(children, out);
  out.push(`</${root}>`);
  return out.join('');
}

/** A parsed element. */
export interface XmlElement {
  readonly name: string;
  readonly children: XmlElement[];
  text: string;
}

const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function malformed(): S3Error {
  return new S3Error('MalformedXML');
}

function decodeEntities(s: string): string {
  if (s.indexOf('&') === -1) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);|&/g, (m, ent: string | undefined) => {
    if (ent === undefined) throw malformed();
    if (ent.startsWith('#x')) return String.fromCodePoint(parseInt(ent.slice(2), 16));
    if (ent.startsWith('#')) return String.fromCodePoint(parseInt(ent.slice(1), 10));
    const v = ENTITIES[ent];
    if (v === undefined) throw malformed();
    return v;
  });
}

/**
 * Parses a small XML request body (Delete, CompleteMultipartUpload, Tagging,
 * CreateBucketConfiguration) into elements. Namespace prefixes are dropped, attributes
 * ignored; DOCTYPE is refused (no entity expansion).
 * @throws S3Error MalformedXML (400)
 */
export function parseXml(src: string): XmlElement {
  let i = 0;
  const n = src.length;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  if (src.charCodeAt(0) === 0xfeff) i = 1;
  while (i < n) {
    const lt = src.indexOf('<', i);
    const text = src.slice(i, lt === -1 ? n : lt);
    if (stack.length > 0) stack[stack.length - 1]!.text += decodeEntities(text);
    else if (text.trim() !== '') throw malformed();
    if (lt === -1) break;
    if (src.startsWith('<?', lt)) {
      const e = src.indexOf('?>', lt);
      if (e === -1) throw malformed();
      i = e + 2;
    } else if (src.startsWith('<!--', lt)) {
      const e = src.indexOf('-->', lt);
      if (e === -1) throw malformed();
      i = e + 3;
    } else if (src.startsWith('<![CDATA[', lt)) {
      const e = src.indexOf(']]>', lt);
      if (e === -1 || stack.length === 0) throw malformed();
      stack[stack.length - 1]!.text += src.slice(lt + 9, e);
      i = e + 3;
    } else if (src.startsWith('<!', lt)) {
      throw malformed(); // DOCTYPE and friends
    } else {
      const gt = src.indexOf('>', lt);
      if (gt === -1) throw malformed();
      let tag = src.slice(lt + 1, gt);
      if (tag.startsWith('/')) {
        const name = localName(tag.slice(1).trim());
        const top = stack.pop();
        if (top === undefined || top.name !== name) throw malformed();
        if (stack.length === 0) root = top;
      } else {
        const selfClosing = tag.endsWith('/');
        if (selfClosing) tag = tag.slice(0, -1);
        const m = /^\s*([^\s/>]+)/.exec(tag);
        if (m === null) throw malformed();
        if (root !== undefined) throw malformed(); // a second root
        const el: XmlElement = { name: localName(m[1]!), children: [], text: '' };
        if (stack.length > 0) stack[stack.length - 1]!.children.push(el);
        if (selfClosing) {
          if (stack.length === 0) root = el;
        } else stack.push(el);
      }
      i = gt + 1;
    }
  }
  if (root === undefined || stack.length > 0) throw malformed();
  return root;
}

function localName(qname: string): string {
  const c = qname.indexOf(':');
  return c === -1 ? qname : qname.slice(c + 1);
}

export function childElements(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}

export function childText(el: XmlElement, name: string): string | undefined {
  return el.children.find((c) => c.name === name)?.text;
}
