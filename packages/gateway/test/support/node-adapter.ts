import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { S3Error, isS3Error } from '@s3kit/errors';
import { buildErrorXml } from '@s3kit/xml-shapes';
import { route } from '@s3kit/xml-shapes/operations';
import type { Upstream, UpstreamBody } from '../../src/index.js';
import { decodeAwsChunked } from './aws-chunked.js';

/**
 * A test-only `node:http` listener in front of an upstream: path-style routing with
 * @s3kit/xml-shapes, NO authentication (the gateway authenticates), aws-chunked framing
 * removed. Real S3 clients can be pointed at it with any credentials.
 */
export function toNodeListener(store: Upstream, opts: { onRequest?: (headers: Record<string, string>) => void } = {}): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (opts.onRequest) opts.onRequest({ ...(req.headers as Record<string, string>) });
    void serve(store, req, res);
  };
}

async function serve(store: Upstream, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  const ac = new AbortController();
  req.on('close', () => {
    if (!req.complete) ac.abort();
  });
  res.on('close', () => {
    if (!res.writableFinished) ac.abort();
  });
  const method = req.method ?? 'GET';
  let resource = req.url ?? '/';
  try {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
    const r = route(method, headers['host'], req.url ?? '/', undefined, headers);
    resource = r.bucket === undefined ? '/' : `/${r.bucket}${r.key === undefined ? '' : `/${r.key}`}`;
    let body: UpstreamBody | undefined = method === 'GET' || method === 'HEAD' ? undefined : req;
    const encodings = (headers['content-encoding'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (body !== undefined && (encodings.includes('aws-chunked') || (headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-'))) {
      body = decodeAwsChunked(req);
      const rest = encodings.filter((e) => e !== 'aws-chunked');
      if (rest.length > 0) headers['content-encoding'] = rest.join(',');
      else delete headers['content-encoding'];
      delete headers['content-length'];
    }
    const out = await store.handle({
      method,
      operation: r.operation,
      bucket: r.bucket,
      key: r.key,
      query: r.params,
      headers,
      body,
      signal: ac.signal,
    });
    res.writeHead(out.status, { ...out.headers, 'x-amz-request-id': requestId });
    const b = out.body;
    if (b === undefined || method === 'HEAD') {
      res.end();
      if (b !== undefined && typeof b !== 'string' && !(b instanceof Uint8Array)) (b as unknown as Readable).destroy?.();
    } else if (typeof b === 'string' || b instanceof Uint8Array) res.end(b);
    else await pipeline(Readable.from(b), res);
  } catch (err) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const e = isS3Error(err) ? err : new S3Error('InternalError', { cause: err });
    if (!isS3Error(err)) console.error(err);
    const xml = buildErrorXml(e, { requestId, resource: e.resource ?? resource });
    const noBody = method === 'HEAD' || e.status === 304;
    res.writeHead(e.status, {
      ...e.headers,
      'x-amz-request-id': requestId,
      ...(noBody ? {} : { 'content-type': 'application/xml', 'content-length': String(Buffer.byteLength(xml)) }),
    });
    res.end(noBody ? undefined : xml);
    // Drain what the client still sends, so it sees the error instead of a reset.
    if (!req.complete) req.resume();
  }
}
