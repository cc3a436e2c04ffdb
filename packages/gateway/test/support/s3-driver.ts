// One way to send an S3 request and read its answer, over either the store's handle() or the
// gateway's handle() (signed, errors as XML), so a test runs the same steps through both.
import { isS3Error } from '@s3kit/errors';
import { SigV4Signer } from '@s3kit/sigv4';
import type { Gateway, LocalStore, UpstreamResponse } from '../../src/index.js';
import { ADMIN } from './gateway-server.js';

export interface DriverRequest {
  readonly op: string;
  readonly method: string;
  readonly key?: string | undefined;
  /** In this order on the wire; '' sends the bare name (`?versions`). */
  readonly query?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface DriverResponse {
  readonly status: number;
  /** Lowercase names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The S3 error code, for an error. */
  readonly code?: string | undefined;
}

export type Send = (req: DriverRequest) => Promise<DriverResponse>;

async function text(b: UpstreamResponse['body']): Promise<string> {
  if (b === undefined) return '';
  if (typeof b === 'string') return b;
  if (b instanceof Uint8Array) return Buffer.from(b).toString('utf8');
  const chunks: Buffer[] = [];
  for await (const c of b) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks).toString('utf8');
}

function lower(h: Readonly<Record<string, string | readonly string[] | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k.toLowerCase()] = String(v);
  return out;
}

function once(body: string | undefined): AsyncIterable<Uint8Array> | undefined {
  if (body === undefined) return undefined;
  const buf = Buffer.from(body);
  return (async function* () {
    yield buf;
  })();
}

/** Requests straight to the store (S3Errors become error responses). */
export function storeDriver(store: LocalStore, bucket: string): Send {
  return async (r) => {
    const headers = { ...r.headers, ...(r.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(r.body)) }) };
    try {
      const res = await store.handle({ method: r.method, operation: r.op, bucket, key: r.key, query: { ...r.query }, headers, body: once(r.body) });
      return { status: res.status, headers: lower(res.headers), body: await text(res.body) };
    } catch (err) {
      if (!isS3Error(err)) throw err;
      return { status: err.status, headers: lower(err.headers), body: '', code: err.code };
    }
  };
}

const signer = new SigV4Signer({ credentials: ADMIN, region: 'us-east-1' });

/** The request target of `r`: path-style, the key's segments percent-encoded. */
export function target(bucket: string, r: DriverRequest): string {
  const path = `/${bucket}` + (r.key === undefined ? '' : `/${r.key.split('/').map(encodeURIComponent).join('/')}`);
  const q = Object.entries(r.query ?? {}).map(([k, v]) => (v === '' ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`));
  return q.length === 0 ? path : `${path}?${q.join('&')}`;
}

/** Signed requests through the gateway's handle() (no server, no sockets). */
export function gatewayDriver(gateway: Gateway, bucket: string): Send {
  return async (r) => {
    const t = target(bucket, r);
    const length = r.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(r.body)) };
    const s = signer.sign({ method: r.method, url: `http://gw.test${t}`, headers: { ...r.headers, ...length }, body: r.body ?? '' });
    const res = await gateway.handle({ method: r.method, target: t, headers: Object.entries(s.headers), body: once(r.body) });
    const body = await text(res.body);
    const code = res.status >= 300 ? /<Code>([^<]+)<\/Code>/.exec(body)?.[1] : undefined;
    return { status: res.status, headers: lower(res.headers), body, code };
  };
}
