import { loadS3Vector } from '@s3kit/test-utils';
import { isS3Error, type S3Error } from '@s3kit/errors';
import { SigV4Signer, type SignedRequest } from '../src/index.js';

export interface StreamingVector {
  inputs: {
    credentials: { access_key_id: string; secret_access_key: string; session_token: string | null };
    region: string;
    service: string;
    amz_date: string;
    request?: { method: string; url: string; headers_as_sent?: Array<[string, string]> };
    object?: { byte: string; repeat: number };
    chunk_size?: number;
    signed_headers?: string[];
    payload_hash?: string;
    trailers?: Array<[string, string]>;
    previous_signature?: string;
    data_utf8?: string;
  };
  expected: Record<string, unknown> & {
    seed_signature?: string;
    chunks?: Array<{ data: { byte: string; repeat: number }; signature: string; chunk_header_line: string; string_to_sign: string }>;
    trailer?: { canonical_trailers: string; string_to_sign: string; signature: string };
  };
}

export const vector = (name: string): StreamingVector => loadS3Vector<StreamingVector>(name);

export function amzDateMs(amzDate: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate)!;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}

export function signerFor(v: StreamingVector): SigV4Signer {
  const c = v.inputs.credentials;
  return new SigV4Signer({
    credentials: { accessKeyId: c.access_key_id, secretAccessKey: c.secret_access_key },
    region: v.inputs.region,
    service: v.inputs.service,
    clock: () => amzDateMs(v.inputs.amz_date),
  });
}

/** Signs the vector's seed request with exactly its signed headers. */
export function signSeed(v: StreamingVector): SignedRequest {
  const req = v.inputs.request!;
  const signed = new Set(v.inputs.signed_headers ?? []);
  const headers = (req.headers_as_sent ?? []).filter(([n]) => signed.has(n.toLowerCase()));
  return signerFor(v).sign({ method: req.method, url: req.url, headers, payloadHash: v.inputs.payload_hash });
}

export function bytesOf(byte: string, repeat: number): Uint8Array {
  return new Uint8Array(repeat).fill(byte.charCodeAt(0));
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
export const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

/** Splits `data` into pieces at the given cut points. */
export function splitAt(data: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < data.length))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of points) {
    out.push(data.slice(prev, c));
    prev = c;
  }
  out.push(data.slice(prev));
  return out;
}

/** Runs pieces through a TransformStream; returns the output and the error (if any). */
export async function runTransform(ts: TransformStream<Uint8Array, Uint8Array>, pieces: readonly Uint8Array[]): Promise<{ out: Uint8Array; error: unknown }> {
  const source = new ReadableStream<Uint8Array>({
    start(c) {
      for (const p of pieces) c.enqueue(p);
      c.close();
    },
  });
  const got: Uint8Array[] = [];
  let error: unknown;
  try {
    const reader = source.pipeThrough(ts).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      got.push(value);
    }
  } catch (e) {
    error = e;
  }
  return { out: concat(got), error };
}

export function expectS3(error: unknown): S3Error {
  if (!isS3Error(error)) throw new Error(`expected an S3Error, got ${String(error)}`);
  return error;
}
