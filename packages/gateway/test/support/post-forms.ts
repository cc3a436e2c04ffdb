import { request as httpRequest } from 'node:http';
import { encodeMultipart, type MultipartPart } from '@s3kit/test-utils';
import type { Upstream } from '../../src/index.js';

/** An S3 answer as a test reads it. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** `<Code>` of an error body. */
  code: string | undefined;
}

function answer(status: number, headers: Record<string, string>, body: string): Answer {
  return { status, headers, body, code: /<Code>([^<]+)<\/Code>/.exec(body)?.[1] };
}

/** A browser-style form: the fields in order, then `file` (a real FormData, serialized by fetch). */
export function formData(fields: Iterable<readonly [string, string]> | Readonly<Record<string, string>>, file: Blob | string, filename = 'file.txt', type = 'application/octet-stream'): FormData {
  const fd = new FormData();
  const entries = Symbol.iterator in Object(fields) ? (fields as Iterable<readonly [string, string]>) : Object.entries(fields as Record<string, string>);
  for (const [n, v] of entries) fd.append(n, v);
  fd.append('file', typeof file === 'string' ? new File([file], filename, { type }) : new File([file], filename, { type: file.type || type }));
  return fd;
}

/** POSTs a form with fetch (redirects not followed). */
export async function postForm(url: string, form: FormData, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', body: form, redirect: 'manual', headers });
  const h: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    h[k] = v;
  });
  return answer(res.status, h, await res.text());
}

/** POSTs multipart parts encoded byte for byte (for forms a browser would not build), optionally cut short. */
export function postRaw(port: number, path: string, parts: readonly MultipartPart[] | { body: Uint8Array; contentType: string }, headers: Record<string, string> = {}): Promise<Answer> {
  const { body, contentType } = Array.isArray(parts) ? encodeMultipart(parts as readonly MultipartPart[]) : (parts as { body: Uint8Array; contentType: string });
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path, headers: { 'content-type': contentType, 'content-length': String(body.length), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const h: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h[k] = Array.isArray(v) ? v.join(', ') : v;
        resolve(answer(res.statusCode ?? 0, h, Buffer.concat(chunks).toString('utf8')));
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The object's headers as the upstream stores them, or undefined when it is not there. */
export async function upstreamHead(up: Upstream, bucket: string, key: string): Promise<Record<string, string> | undefined> {
  try {
    const res = await up.handle({ method: 'HEAD', operation: 'HeadObject', bucket, key, query: {}, headers: {} });
    return res.headers;
  } catch (e) {
    if ((e as { status?: number }).status === 404) return undefined;
    throw e;
  }
}

/** The object's bytes on the upstream, or undefined. */
export async function upstreamBytes(up: Upstream, bucket: string, key: string): Promise<Buffer | undefined> {
  try {
    const res = await up.handle({ method: 'GET', operation: 'GetObject', bucket, key, query: {}, headers: {} });
    const b = res.body;
    if (b === undefined) return Buffer.alloc(0);
    if (typeof b === 'string' || b instanceof Uint8Array) return Buffer.from(b);
    const chunks: Buffer[] = [];
    for await (const c of b) chunks.push(Buffer.from(c));
    return Buffer.concat(chunks);
  } catch (e) {
    if ((e as { status?: number }).status === 404) return undefined;
    throw e;
  }
}

/** Every key in the upstream bucket (first 1000). */
export async function upstreamKeys(up: Upstream, bucket: string): Promise<string[]> {
  const res = await up.handle({ method: 'GET', operation: 'ListObjectsV2', bucket, query: { 'list-type': '2' }, headers: {} });
  let xml = '';
  const b = res.body;
  if (typeof b === 'string') xml = b;
  else if (b instanceof Uint8Array) xml = Buffer.from(b).toString('utf8');
  else if (b !== undefined) {
    const chunks: Buffer[] = [];
    for await (const c of b) chunks.push(Buffer.from(c));
    xml = Buffer.concat(chunks).toString('utf8');
  }
  return [...xml.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) =>
    m[1]!
      .replace(/&amp;/g, '&')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'"),
  );
}

/** Deletes every key in the upstream bucket. */
export async function emptyBucket(up: Upstream, bucket: string): Promise<void> {
  for (const key of await upstreamKeys(up, bucket)) await up.handle({ method: 'DELETE', operation: 'DeleteObject', bucket, key, query: {}, headers: {} });
}
