import { NullProtoObject } from './null-proto.js';
import { decodeEntities, malformed } from './xml-text.js';

/**
 * A parsed element in the object form fast-xml-parser produces: a leaf without attributes is
 * its text; otherwise an object of children (repeated names become arrays), attributes as
 * `@_name`, and text as `#text`. Objects have no prototype.
 */
export type XmlValue = string | XmlObject;
export interface XmlObject {
  [name: string]: XmlValue | XmlValue[] | undefined;
}

/** The root element of a document. */
export interface XmlDocument {
  readonly name: string;
  readonly value: XmlValue;
}

interface Frame {
  name: string;
  obj: XmlObject | undefined;
  text: string;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!isSpace(s.charCodeAt(i))) return false;
  return true;
}

function isNameChar(c: number): boolean {
  // Letters, digits and . - _ : and everything non-ASCII; this is looser than XML's Name rule but
  // excludes every delimiter, which is what keeps the scan unambiguous.
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 95 || c === 58 || c >= 128;
}

function addChild(parent: Frame, name: string, value: XmlValue): void {
  const obj = (parent.obj ??= new NullProtoObject<XmlValue | XmlValue[] | undefined>());
  const prev = obj[name];
  if (prev === undefined) obj[name] = value;
  else if (Array.isArray(prev)) prev.push(value);
  else obj[name] = [prev, value];
}

/**
 * A strict, single-pass XML scanner for the subset S3 uses: elements, attributes, text, the five
 * entities and character references, CDATA, comments and processing instructions. A DOCTYPE
 * (and so any entity declaration) is rejected; text is never trimmed. This is the tuned path for
 * large list responses; it is checked against fast-xml-parser by a differential property test.
 *
 * @throws S3Error MalformedXML
 */
export function scanXml(xml: string, maxDepth: number): XmlDocument {
  const len = xml.length;
  const stack: Frame[] = [];
  let root: XmlDocument | undefined;
  // Tag names, predicted: S3 lists repeat one element structure, so the start tag after a given
  // start tag is usually the same as last time. A hit reuses that name string instead of slicing
  // a fresh one, and a reused (internalized) name makes the element's keyed property store cheap.
  const after = new Map<string, string>();
  let prev = '';
  let i = 0;
  while (i < len) {
    const lt = xml.indexOf('<', i);
    const end = lt === -1 ? len : lt;
    if (end > i) {
      const top = stack[stack.length - 1];
      const raw = xml.slice(i, end);
      if (top === undefined) {
        if (!isBlank(raw)) throw malformed('text outside the root element');
      } else {
        top.text += raw.indexOf('&') === -1 ? raw : decodeEntities(raw);
      }
    }
    if (lt === -1) break;
    const c = xml.charCodeAt(lt + 1);
    if (c === 47 /* / */) {
      const gt = xml.indexOf('>', lt + 2);
      if (gt === -1) throw malformed('an unterminated end tag');
      let nameEnd = gt;
      while (nameEnd > lt + 2 && isSpace(xml.charCodeAt(nameEnd - 1))) nameEnd--;
      const top = stack.pop();
      // Compared in place: no string for the end tag's name.
      if (top === undefined || nameEnd - (lt + 2) !== top.name.length || !xml.startsWith(top.name, lt + 2)) {
        throw malformed(`an unexpected end tag </${xml.slice(lt + 2, nameEnd)}>`);
      }
      close(top);
      i = gt + 1;
    } else if (c === 33 /* ! */) {
      if (xml.startsWith('<!--', lt)) {
        const e = xml.indexOf('-->', lt + 4);
        if (e === -1) throw malformed('an unterminated comment');
        i = e + 3;
      } else if (xml.startsWith('<![CDATA[', lt)) {
        const top = stack[stack.length - 1];
        if (top === undefined) throw malformed('CDATA outside the root element');
        const e = xml.indexOf(']]>', lt + 9);
        if (e === -1) throw malformed('an unterminated CDATA section');
        top.text += xml.slice(lt + 9, e);
        i = e + 3;
      } else {
        throw malformed('document type declarations are not allowed');
      }
    } else if (c === 63 /* ? */) {
      const e = xml.indexOf('?>', lt + 2);
      if (e === -1) throw malformed('an unterminated processing instruction');
      i = e + 2;
    } else {
      // Start tag.
      let j = lt + 1;
      let name = after.get(prev);
      if (name !== undefined && xml.startsWith(name, j) && !isNameChar(xml.charCodeAt(j + name.length))) j += name.length;
      else {
        while (j < len && isNameChar(xml.charCodeAt(j))) j++;
        if (j === lt + 1) throw malformed('a tag without a name');
        name = xml.slice(lt + 1, j);
        after.set(prev, name);
      }
      prev = name;
      if (stack.length === 0 && root !== undefined) throw malformed('more than one root element');
      if (stack.length >= maxDepth) throw malformed(`elements nested deeper than ${maxDepth}`);
      const frame: Frame = { name, obj: undefined, text: '' };
      let selfClosing = false;
      for (;;) {
        const sp = j;
        while (j < len && isSpace(xml.charCodeAt(j))) j++;
        const d = xml.charCodeAt(j);
        if (d === 62 /* > */) {
          j++;
          break;
        }
        if (d === 47 /* / */ && xml.charCodeAt(j + 1) === 62) {
          selfClosing = true;
          j += 2;
          break;
        }
        if (j === sp || j >= len) throw malformed(`a malformed start tag <${name}>`);
        const an = j;
        while (j < len && isNameChar(xml.charCodeAt(j))) j++;
        if (j === an) throw malformed(`a malformed attribute in <${name}>`);
        const attr = xml.slice(an, j);
        while (j < len && isSpace(xml.charCodeAt(j))) j++;
        if (xml.charCodeAt(j) !== 61 /* = */) throw malformed(`attribute ${attr} without a value`);
        j++;
        while (j < len && isSpace(xml.charCodeAt(j))) j++;
        const q = xml.charCodeAt(j);
        if (q !== 34 && q !== 39) throw malformed(`an unquoted value for attribute ${attr}`);
        const close = xml.indexOf(q === 34 ? '"' : "'", j + 1);
        if (close === -1) throw malformed(`an unterminated value for attribute ${attr}`);
        const rawValue = xml.slice(j + 1, close);
        if (rawValue.indexOf('<') !== -1) throw malformed(`'<' in the value of attribute ${attr}`);
        const obj = (frame.obj ??= new NullProtoObject<XmlValue | XmlValue[] | undefined>());
        const key = '@_' + attr;
        if (obj[key] !== undefined) throw malformed(`a repeated attribute ${attr}`);
        obj[key] = decodeEntities(rawValue);
        j = close + 1;
      }
      if (selfClosing) close(frame);
      else stack.push(frame);
      i = j;
    }
  }
  if (stack.length > 0) throw malformed(`an unclosed element <${stack[stack.length - 1]!.name}>`);
  if (root === undefined) throw malformed('no root element');
  return root;

  function close(frame: Frame): void {
    let value: XmlValue;
    if (frame.obj === undefined) value = frame.text;
    else {
      value = frame.obj;
      if (frame.text.length > 0 && !isBlank(frame.text)) value['#text'] = frame.text;
      else if (frame.text.length > 0 && !hasElementChild(value)) value['#text'] = frame.text;
    }
    const parent = stack[stack.length - 1];
    if (parent === undefined) root = { name: frame.name, value };
    else addChild(parent, frame.name, value);
  }
}

function hasElementChild(obj: XmlObject): boolean {
  for (const k in obj) if (k.charCodeAt(0) !== 64 /* @ */) return true;
  return false;
}
