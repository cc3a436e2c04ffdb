import type { XmlObject, XmlValue } from './fast-scan.js';
import { escapeAttr, escapeText, malformed } from './xml-text.js';

/**
 * The schema language for S3 XML bodies. A shape is data: the same description drives the
 * parser (XML → typed object), the builder (typed object → XML) and the TypeScript types
 * (`Infer<typeof spec>`). Property names are the XML element names.
 */
export type LeafType = 'string' | 'int' | 'bool' | 'date';

export interface LeafSpec<T extends LeafType = LeafType> {
  readonly t: T;
  /** Required: parsing fails with MalformedXML when missing; the TS property is not optional. */
  readonly req?: boolean;
  /** URL-encoded when the document says `<EncodingType>url</EncodingType>`. */
  readonly url?: boolean;
  /** Read from / written to this attribute of the parent element instead of a child element. */
  readonly attr?: string;
}

export interface StructSpec<F extends FieldsSpec = FieldsSpec> {
  readonly t: 'struct';
  readonly fields: F;
  readonly req?: boolean;
  /** Constant attributes written on the element (namespace declarations). */
  readonly xmlAttrs?: Readonly<Record<string, string>>;
}

export interface ListSpec<I extends NodeSpec = NodeSpec> {
  readonly t: 'list';
  readonly of: I;
  /** Wrapped list: the field is a wrapper element holding items named `wrap` (`<TagSet><Tag/>…`). Flat otherwise. */
  readonly wrap?: string;
  /** Write the wrapper even when the list is empty (S3 requires `<TagSet/>` in Tagging). */
  readonly always?: boolean;
}

export type NodeSpec = LeafSpec | StructSpec | ListSpec;
export interface FieldsSpec {
  readonly [name: string]: NodeSpec;
}

type IsReq<N> = N extends { t: 'list' } ? true : N extends { req: true } ? true : false;
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The TypeScript type a schema node describes. Lists are always arrays; other fields are optional unless `req`. */
export type Infer<N> = N extends { t: 'string' }
  ? string
  : N extends { t: 'int' }
    ? number
    : N extends { t: 'bool' }
      ? boolean
      : N extends { t: 'date' }
        ? Date
        : N extends ListSpec<infer I>
          ? Infer<I>[]
          : N extends StructSpec<infer F>
            ? Simplify<
                { -readonly [K in keyof F as IsReq<F[K]> extends true ? K : never]: Infer<F[K]> } & {
                  -readonly [K in keyof F as IsReq<F[K]> extends true ? never : K]?: Infer<F[K]>;
                }
              >
            : never;

type IsReqIn<N> = N extends { req: true } ? true : false;

/** What the builder accepts for a schema node: like {@link Infer}, but lists may be omitted. */
export type InferInput<N> = N extends { t: 'string' }
  ? string
  : N extends { t: 'int' }
    ? number
    : N extends { t: 'bool' }
      ? boolean
      : N extends { t: 'date' }
        ? Date
        : N extends ListSpec<infer I>
          ? readonly InferInput<I>[]
          : N extends StructSpec<infer F>
            ? Simplify<
                { readonly [K in keyof F as IsReqIn<F[K]> extends true ? K : never]: InferInput<F[K]> } & {
                  readonly [K in keyof F as IsReqIn<F[K]> extends true ? never : K]?: InferInput<F[K]>;
                }
              >
            : never;

// ---- builders (each returns a literal type so Infer can read it) ----
export const str = (): { readonly t: 'string' } => ({ t: 'string' });
export const urlStr = (): { readonly t: 'string'; readonly url: true } => ({ t: 'string', url: true });
export const int = (): { readonly t: 'int' } => ({ t: 'int' });
export const bool = (): { readonly t: 'bool' } => ({ t: 'bool' });
export const date = (): { readonly t: 'date' } => ({ t: 'date' });
export const attr = (name: string): { readonly t: 'string'; readonly attr: string } => ({ t: 'string', attr: name });
export const req = <N extends NodeSpec>(n: N): N & { readonly req: true } => ({ ...n, req: true });
export const struct = <const F extends FieldsSpec>(fields: F, xmlAttrs?: Record<string, string>): StructSpec<F> =>
  xmlAttrs === undefined ? { t: 'struct', fields } : { t: 'struct', fields, xmlAttrs };
export const list = <N extends NodeSpec>(of: N): ListSpec<N> => ({ t: 'list', of });
export const wrapped = <N extends NodeSpec>(item: string, of: N, always = false): ListSpec<N> => (always ? { t: 'list', of, wrap: item, always } : { t: 'list', of, wrap: item });

// ---- reading ----

interface ReadCtx {
  url: boolean;
  path: string;
}

function asArray(v: XmlValue | XmlValue[] | undefined): XmlValue[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function leafText(v: XmlValue | XmlValue[], path: string): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) throw malformed(`<${path}> appears more than once`);
  for (const k in v) {
    if (k !== '#text' && k.charCodeAt(0) !== 64 /* @ */) throw malformed(`<${path}> must hold text, not elements`);
  }
  const t = v['#text'];
  return typeof t === 'string' ? t : '';
}

function readLeaf(spec: LeafSpec, text: string, ctx: ReadCtx, path: string): unknown {
  switch (spec.t) {
    case 'string':
      // Most keys need no decoding: no '%' and no '+' leaves the text as it is.
      if (spec.url === true && ctx.url && (text.indexOf('%') !== -1 || text.indexOf('+') !== -1)) {
        try {
          return decodeURIComponent(text.indexOf('+') === -1 ? text : text.replace(/\+/g, ' '));
        } catch (e) {
          throw malformed(`<${path}> is not valid URL encoding`, e);
        }
      }
      return text;
    case 'int': {
      const n = /^-?[0-9]{1,16}$/.test(text) ? Number(text) : NaN;
      if (!Number.isSafeInteger(n)) throw malformed(`<${path}> must be an integer`);
      return n;
    }
    case 'bool': {
      if (text === 'true' || text === 'TRUE' || text === 'True') return true;
      if (text === 'false' || text === 'FALSE' || text === 'False') return false;
      throw malformed(`<${path}> must be true or false`);
    }
    case 'date': {
      // Fast path for S3's own form (2026-12-06T14:00:00.000Z): Date.parse reads it as UTC.
      const n = text.length;
      if (n >= 20 && text.charCodeAt(n - 1) === 90 /* Z */ && text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45 && text.charCodeAt(10) === 84 /* T */) {
        const fast = Date.parse(text);
        if (!Number.isNaN(fast)) return new Date(fast);
      }
      // S3 times are UTC; some documents (the CopyObject example) omit the zone, which
      // Date.parse would read as local time.
      const zoned = /(?:Z|[+-][0-9]{2}:?[0-9]{2})$/i.test(text) || !text.includes('T') ? text : text + 'Z';
      const ms = /^[0-9]{4}-[0-9]{2}-[0-9]{2}/.test(text) ? Date.parse(zoned) : NaN;
      if (Number.isNaN(ms)) throw malformed(`<${path}> must be an ISO 8601 date`);
      return new Date(ms);
    }
  }
}

function readNode(spec: NodeSpec, v: XmlValue, ctx: ReadCtx, path: string): unknown {
  if (spec.t === 'struct') return readStruct(spec, v, ctx, path);
  if (spec.t === 'list') throw malformed(`<${path}> nests a list directly`);
  return readLeaf(spec, leafText(v, path), ctx, path);
}

/** Reads a struct from its parsed element. Unknown elements are ignored (forward compatibility). */
export function readStruct(spec: StructSpec, v: XmlValue, ctx: ReadCtx, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // An element with only text (usually whitespace, or empty) has no fields.
  const obj: XmlObject = typeof v === 'string' ? {} : v;
  const fields = spec.fields;
  for (const name in fields) {
    const f = fields[name]!;
    if (f.t === 'list') {
      let items: XmlValue[];
      if (f.wrap !== undefined) {
        const wrapper = obj[name];
        if (wrapper === undefined || typeof wrapper === 'string') items = [];
        else if (Array.isArray(wrapper)) throw malformed(`<${name}> appears more than once`);
        else items = asArray(wrapper[f.wrap]);
      } else items = asArray(obj[name]);
      const arr = new Array<unknown>(items.length);
      const itemPath = f.wrap ?? name;
      for (let i = 0; i < items.length; i++) arr[i] = readNode(f.of, items[i]!, ctx, itemPath);
      out[name] = arr;
      continue;
    }
    if (f.t !== 'struct' && f.attr !== undefined) {
      const a = obj['@_' + f.attr];
      if (typeof a === 'string') out[name] = readLeaf(f, a, ctx, `${path}@${f.attr}`);
      else if (f.req === true) throw malformed(`<${path}> needs the ${f.attr} attribute`);
      continue;
    }
    const raw = obj[name];
    if (raw === undefined) {
      if (f.req === true) throw malformed(`<${path}> needs a <${name}> element`);
      continue;
    }
    if (Array.isArray(raw)) throw malformed(`<${name}> appears more than once in <${path}>`);
    out[name] = readNode(f, raw, ctx, name);
  }
  return out;
}

/** Reads a root element's value with its schema. */
export function readRoot(spec: StructSpec | LeafSpec, v: XmlValue, rootName: string): unknown {
  if (spec.t !== 'struct') return readLeaf(spec, leafText(v, rootName), { url: false, path: rootName }, rootName);
  let url = false;
  if (typeof v !== 'string' && 'EncodingType' in spec.fields) {
    const enc = v['EncodingType'];
    url = typeof enc === 'string' && enc.toLowerCase() === 'url';
  }
  return readStruct(spec, v, { url, path: rootName }, rootName);
}

// ---- writing ----

/**
 * `EncodingType=url` as S3 writes it (form encoding of the UTF-8 bytes, like Java's
 * URLEncoder): letters, digits, `.`, `-`, `_`, `*` and `/` stay as they are (S3 keeps the
 * path separator readable), a space becomes `+`, everything else `%XX`. The reader decodes
 * both this and plain percent-encoding (`%20`, `%2F`).
 */
function urlEncode(s: string): string {
  return encodeURIComponent(s).replace(/%2F|%20|[!'()~]/g, (m) => (m === '%2F' ? '/' : m === '%20' ? '+' : `%${m.charCodeAt(0).toString(16).toUpperCase()}`));
}

function leafString(spec: LeafSpec, v: unknown, url: boolean, name: string): string {
  switch (spec.t) {
    case 'string':
      if (typeof v !== 'string') throw new TypeError(`${name} must be a string`);
      return spec.url === true && url ? urlEncode(v) : v;
    case 'int':
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new TypeError(`${name} must be an integer`);
      return String(v);
    case 'bool':
      if (typeof v !== 'boolean') throw new TypeError(`${name} must be a boolean`);
      return v ? 'true' : 'false';
    case 'date':
      if (!(v instanceof Date) || Number.isNaN(v.getTime())) throw new TypeError(`${name} must be a valid Date`);
      return v.toISOString();
  }
}

function writeNode(out: string[], name: string, spec: NodeSpec, v: unknown, url: boolean): void {
  if (spec.t === 'struct') writeStruct(out, name, spec, v, url, '');
  else if (spec.t === 'list') throw new TypeError(`${name}: a list cannot hold lists`);
  else out.push('<', name, '>', escapeText(leafString(spec, v, url, name)), '</', name, '>');
}

/**
 * Writes `<name attrs>fields</name>` into `out`. `interleave` (one field name per item) is the
 * order in which the items of the flat lists it names are written, together at the place of
 * the first of them: S3 interleaves `Version` and `DeleteMarker` in ListVersionsResult.
 */
export function writeStruct(out: string[], name: string, spec: StructSpec, value: unknown, url: boolean, rootAttrs: string, interleave?: readonly string[]): void {
  if (typeof value !== 'object' || value === null) throw new TypeError(`${name} must be an object`);
  const v = value as Record<string, unknown>;
  let attrs = rootAttrs;
  if (spec.xmlAttrs !== undefined) for (const a in spec.xmlAttrs) attrs += ` ${a}="${escapeAttr(spec.xmlAttrs[a]!)}"`;
  const fields = spec.fields;
  for (const fname in fields) {
    const f = fields[fname]!;
    if (f.t !== 'struct' && f.t !== 'list' && f.attr !== undefined && v[fname] !== undefined) {
      attrs += ` ${f.attr}="${escapeAttr(leafString(f, v[fname], url, fname))}"`;
    }
  }
  out.push('<', name, attrs, '>');
  const together = interleave === undefined ? undefined : new Set(interleave);
  let interleaved = false;
  for (const fname in fields) {
    const f = fields[fname]!;
    const fv = v[fname];
    if (together?.has(fname) === true) {
      if (!interleaved) writeInterleaved(out, fields, v, interleave!, url);
      interleaved = true;
      continue;
    }
    if (f.t === 'list') {
      if (fv === undefined) {
        if (f.wrap !== undefined && f.always === true) out.push('<', fname, '></', fname, '>');
        continue;
      }
      if (!Array.isArray(fv)) throw new TypeError(`${fname} must be an array`);
      if (f.wrap !== undefined) {
        if (fv.length === 0 && f.always !== true) continue;
        out.push('<', fname, '>');
        for (const item of fv) writeNode(out, f.wrap, f.of, item, url);
        out.push('</', fname, '>');
      } else {
        for (const item of fv) writeNode(out, fname, f.of, item, url);
      }
      continue;
    }
    if (fv === undefined) {
      if (f.req === true) throw new TypeError(`${name}.${fname} is required`);
      continue;
    }
    if (f.t !== 'struct' && f.attr !== undefined) continue;
    writeNode(out, fname, f, fv, url);
  }
  out.push('</', name, '>');
}

/** Writes the items of several flat lists in the order `order` names them. */
function writeInterleaved(out: string[], fields: FieldsSpec, v: Record<string, unknown>, order: readonly string[], url: boolean): void {
  const next = new Map<string, number>();
  for (const fname of order) {
    const f = fields[fname];
    if (f === undefined || f.t !== 'list' || f.wrap !== undefined) throw new TypeError(`interleave: ${fname} is not a flat list`);
    const items = v[fname] ?? [];
    if (!Array.isArray(items)) throw new TypeError(`${fname} must be an array`);
    const i = next.get(fname) ?? 0;
    if (i >= items.length) throw new TypeError(`interleave names more ${fname} items than there are`);
    next.set(fname, i + 1);
    writeNode(out, fname, f.of, items[i], url);
  }
  for (const [fname, n] of next) {
    if (((v[fname] as unknown[] | undefined) ?? []).length !== n) throw new TypeError(`interleave names fewer ${fname} items than there are`);
  }
}
