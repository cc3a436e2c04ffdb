import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { isS3Error } from '@s3kit/errors';
import { flipByte } from '@s3kit/test-utils';
import { SigV4Signer, SigV4Verifier, UNSIGNABLE_HEADERS, uriEncode, type SignedRequest } from '../src/index.js';

// @smithy/signature-v4 (what AWS SDK for JavaScript v3 signs with) is the oracle: for random
// S3 requests both must produce the same signature, and our verifier must accept every request
// we sign and refuse every single-byte tampering of it.

const REGION = 'us-east-1';
const HOSTS = ['examplebucket.s3.amazonaws.com', 's3.us-east-1.amazonaws.com', 'localhost:9000', '127.0.0.1:8080'];
const RUNS = 400;

type Pair = [string, string];

interface Case {
  method: string;
  host: string;
  bucket: string;
  key: string;
  query: Array<{ key: string; value: string; encoder: number; bare: boolean }>;
  headers: Pair[];
  body: string | undefined;
  date: Date;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string | undefined;
}

// Characters that matter to S3 signing: reserved, percent, plus, tilde, slash, unicode, astral.
const special = fc.constantFrom(' ', '+', '~', '/', '%', '=', '&', '?', '#', '!', '*', "'", '(', ')', ':', '@', '$', ',', ';', 'é', 'ß', '中', '😀', '\u00a0');
const ascii = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 });
const text = (minLength: number, maxLength: number) => fc.string({ unit: fc.oneof(special, ascii), minLength, maxLength });

// A key: segments joined by '/', so empty segments give '//' and edge slashes.
const objectKey = fc.array(fc.oneof(text(0, 6), fc.constantFrom('.', '..', '')), { minLength: 1, maxLength: 5 }).map((s) => s.join('/'));

const queryKey = text(1, 6).filter((k) => !/^x-amz-/i.test(k));
const queryItem = fc.record({ key: queryKey, value: text(0, 6), encoder: fc.integer({ min: 0, max: 2 }), bare: fc.boolean() });
// Repeated keys: draw a few keys, then several items that reuse them.
const query = fc
  .array(queryItem, { maxLength: 6 })
  .chain((items) =>
    items.length === 0
      ? fc.constant(items)
      : fc
          .array(fc.record({ from: fc.integer({ min: 0, max: items.length - 1 }), value: text(0, 4) }), { maxLength: 3 })
          .map((dups) => [...items, ...dups.map((d) => ({ ...items[d.from]!, value: d.value }))]),
  );

const RESERVED_HEADERS = new Set(['authorization', 'date', 'host', 'x-amz-date', 'x-amz-content-sha256', 'x-amz-security-token', 'expect']);
const headerName = fc
  .tuple(fc.constantFrom('x-amz-meta-', 'x-amz-', 'x-', 'content-', ''), fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/))
  .map(([p, n]) => p + n)
  .filter((n) => !RESERVED_HEADERS.has(n) && !UNSIGNABLE_HEADERS.has(n) && !/^(proxy-|sec-)/.test(n));
// Printable ASCII with runs of spaces, tabs and folded lines; no leading/trailing space for
// repeated headers (servers strip it per field line).
const headerValue = fc
  .array(fc.oneof({ weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 6 }) }, fc.constantFrom(' ', '  ', '\t', '\n  ', ' \t ')), { minLength: 1, maxLength: 5 })
  .map((parts) => parts.join(''))
  .filter((v) => v.trim() !== '');
const recase = (name: string, mask: number) => Array.from(name, (c, i) => ((mask >> (i % 16)) & 1 && !name.startsWith('x-amz-') ? c.toUpperCase() : c)).join('');
const headers = fc.array(fc.record({ name: headerName, value: headerValue, mask: fc.nat(0xffff), dup: fc.boolean() }), { maxLength: 5 }).map((items) => {
  const out: Pair[] = [];
  for (const it of items) {
    out.push([recase(it.name, it.mask), it.value]);
    // Duplicate name (possibly in another case): both values are sent.
    if (it.dup) out.push([recase(it.name, ~it.mask), it.value.trim().split('').reverse().join('').trim() || 'v']);
  }
  return out;
});

const arbCase: fc.Arbitrary<Case> = fc.record({
  method: fc.oneof(fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS'), fc.stringMatching(/^[A-Z]{3,8}$/)),
  host: fc.constantFrom(...HOSTS),
  bucket: fc.stringMatching(/^[a-z0-9][a-z0-9.-]{1,10}[a-z0-9]$/),
  key: objectKey,
  query,
  headers,
  body: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
  date: fc.integer({ min: Date.UTC(2000, 0, 1) / 1000, max: Date.UTC(2099, 11, 31) / 1000 }).map((s) => new Date(s * 1000)),
  accessKeyId: fc.stringMatching(/^AKIA[A-Z0-9]{16}$/),
  secretAccessKey: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 40 }),
  sessionToken: fc.option(fc.stringMatching(/^[A-Za-z0-9+/=]{8,40}$/), { nil: undefined }),
});

/** Percent-encodes the way a client may: SigV4 encoding, encodeURIComponent, or lowercase hex. */
function encode(s: string, encoder: number): string {
  if (encoder === 1) return encodeURIComponent(s);
  const e = uriEncode(s);
  return encoder === 2 ? e.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()) : e;
}

/** The request target a real client sends: each key segment encoded once, the query encoded. */
function wirePath(c: Case): string {
  return `/${c.bucket}/${uriEncode(c.key, true)}`;
}
function wireQuery(c: Case): string {
  return c.query.map((q) => (q.bare && q.value === '' ? encode(q.key, q.encoder) : `${encode(q.key, q.encoder)}=${encode(q.value, q.encoder)}`)).join('&');
}
function wireTarget(c: Case): string {
  const q = wireQuery(c);
  return q === '' ? wirePath(c) : `${wirePath(c)}?${q}`;
}

/** Smithy's inputs: decoded query object (repeated keys → arrays), headers object. */
type SmithyRequest = ConstructorParameters<typeof HttpRequest>[0];

async function oracle(
  op: 'sign' | 'presign',
  c: Case,
  request: SmithyRequest,
  options: { expiresIn?: number; unhoistableHeaders?: Set<string>; unsignableHeaders?: Set<string> },
): Promise<HttpRequest> {
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: c.accessKeyId,
      secretAccessKey: c.secretAccessKey,
      ...(c.sessionToken === undefined ? {} : { sessionToken: c.sessionToken }),
    },
    region: REGION,
    service: 's3',
    sha256: Sha256,
    uriEscapePath: false, // S3: the path is signed as sent (already encoded once), no normalization
  });
  const req = new HttpRequest(request);
  const signed = op === 'sign' ? await signer.sign(req, { signingDate: c.date }) : await signer.presign(req, { ...options, signingDate: c.date });
  return signed as HttpRequest;
}

function smithyRequest(c: Case, extraHeaders: Record<string, string> = {}): SmithyRequest {
  const q: Record<string, string | string[]> = {};
  for (const { key, value } of c.query) {
    const prev = q[key];
    q[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  // Repeated header names are one field with comma-joined values (RFC 9110), case-insensitively.
  const h: Record<string, string> = { host: c.host };
  const seen = new Map<string, string>();
  for (const [name, value] of c.headers) {
    const lower = name.toLowerCase();
    const first = seen.get(lower);
    if (first === undefined) {
      seen.set(lower, name);
      h[name] = value;
    } else h[first] = `${h[first]},${value}`;
  }
  return {
    method: c.method,
    protocol: 'https:',
    hostname: c.host.split(':')[0]!,
    path: wirePath(c),
    query: q,
    headers: { ...h, ...extraHeaders },
    body: c.body,
  };
}

function ours(c: Case): SigV4Signer {
  return new SigV4Signer({
    credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken },
    region: REGION,
    clock: () => c.date.getTime(),
  });
}

function verifierFor(c: Case, now = c.date.getTime()): SigV4Verifier {
  return new SigV4Verifier({
    getCredentials: (ak) => (ak === c.accessKeyId ? { secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken } : undefined),
    region: REGION,
    clock: () => now,
  });
}

function signOurs(c: Case): SignedRequest {
  return ours(c).sign({ method: c.method, url: `https://${c.host}${wireTarget(c)}`, headers: [['host', c.host], ...c.headers], body: c.body });
}

function presignOurs(c: Case, expiresIn: number): SignedRequest {
  return ours(c).presign({ method: c.method, url: `https://${c.host}${wireTarget(c)}`, headers: [['host', c.host], ...c.headers], expiresIn });
}

/** The request as the server receives it after our header signing: the original pairs plus what the signer added. */
function receivedHeaders(c: Case, s: SignedRequest): Pair[] {
  const added = Object.entries(s.headers).filter(([n]) => !c.headers.some(([m]) => m.toLowerCase() === n));
  return [...c.headers, ...added];
}

type Tamper = { part: 'method' | 'target' | 'header' | 'signature'; pick: number; at: number };
const tamper = fc.record({ part: fc.constantFrom('method', 'target', 'header', 'signature'), pick: fc.nat(), at: fc.nat() }) as fc.Arbitrary<Tamper>;

function applyTamper(req: { method: string; url: string; headers: Pair[] }, signedNames: readonly string[], t: Tamper, presigned: boolean) {
  const { method, url, headers } = req;
  if (t.part === 'method') return { ...req, method: flipByte(method, t.at % method.length) };
  if (t.part === 'target') {
    const start = url.indexOf('/', url.indexOf('://') + 3);
    const target = url.slice(start);
    return { ...req, url: url.slice(0, start) + flipByte(target, t.at % target.length) };
  }
  if (t.part === 'signature') {
    if (presigned) {
      const i = url.indexOf('X-Amz-Signature=') + 'X-Amz-Signature='.length;
      return { ...req, url: flipByte(url, i + (t.at % 64)) };
    }
    const auth = headers.findIndex(([n]) => n.toLowerCase() === 'authorization');
    const value = headers[auth]![1];
    const i = value.indexOf('Signature=') + 'Signature='.length + (t.at % 64);
    return { ...req, headers: headers.map((p, j): Pair => (j === auth ? [p[0], flipByte(value, i)] : p)) };
  }
  const candidates = headers.map((p, j) => [p, j] as const).filter(([[n, v]]) => signedNames.includes(n.toLowerCase()) && v.trim() !== '');
  const [[name, value], j] = candidates[t.pick % candidates.length]!;
  // Flip a non-whitespace byte: whitespace runs are folded to one space by SigV4 (and S3), so
  // turning one whitespace byte into another (\n into \v) is the same header to S3.
  const solid = Array.from(value, (ch, i) => (/\s/.test(ch) ? -1 : i)).filter((i) => i >= 0);
  const at = solid[t.at % solid.length]!;
  return { ...req, headers: headers.map((p, k): Pair => (k === j ? [name, flipByte(value, at)] : p)) };
}

async function rejection(v: SigV4Verifier, req: { method: string; url: string; headers: Pair[] }): Promise<string> {
  try {
    await v.verify(req);
    return 'accepted';
  } catch (e) {
    if (!isS3Error(e)) throw e;
    return `${e.code}`;
  }
}

describe('property: @smithy/signature-v4 as oracle', () => {
  it('header signing: same canonical signature as smithy for random methods, keys, queries and headers', async () => {
    await fc.assert(
      fc.asyncProperty(arbCase, async (c) => {
        const s = signOurs(c);
        const theirs = await oracle('sign', c, smithyRequest(c), {});
        expect(s.headers['authorization']).toBe(theirs.headers['authorization']);
      }),
      { numRuns: RUNS },
    );
  });

  it('presigning: same signature and signed headers as smithy (x-amz-* headers hoisted into the query)', async () => {
    await fc.assert(
      fc.asyncProperty(arbCase, fc.integer({ min: 1, max: 604800 }), async (c, expiresIn) => {
        // Smithy hoists x-amz-* headers under the name given; clients send them lowercase.
        const lc: Case = { ...c, headers: c.headers.map(([n, v]): Pair => [n.startsWith('x-') || n.startsWith('X-') ? n.toLowerCase() : n, v]), body: undefined };
        const s = presignOurs(lc, expiresIn);
        const req = smithyRequest(lc, { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' });
        const only = new Set(['x-amz-content-sha256']);
        const theirs = await oracle('presign', lc, req, { expiresIn, unhoistableHeaders: only, unsignableHeaders: only });
        expect(s.signature).toBe(theirs.query['X-Amz-Signature']);
        expect(s.signedHeaders).toBe(theirs.query['X-Amz-SignedHeaders']);
      }),
      { numRuns: RUNS },
    );
  });

  it('verify(sign(x)) always holds, and verify(tamper(sign(x))) never does (header auth)', async () => {
    await fc.assert(
      fc.asyncProperty(arbCase, tamper, async (c, t) => {
        const s = signOurs(c);
        const v = verifierFor(c);
        const req = { method: s.method, url: wireTarget(c), headers: receivedHeaders(c, s) };
        const ok = await v.verify(req);
        expect(ok.signature).toBe(s.signature);
        expect(ok.sessionToken).toBe(c.sessionToken);
        const bad = applyTamper(req, ok.signedHeaders, t, false);
        expect(await rejection(v, bad)).not.toBe('accepted');
      }),
      { numRuns: RUNS },
    );
  });

  it('verify(presign(x)) always holds until expiry, and verify(tamper(presign(x))) never does', async () => {
    await fc.assert(
      fc.asyncProperty(arbCase, fc.integer({ min: 1, max: 604800 }), tamper, async (c, expiresIn, t) => {
        const s = presignOurs(c, expiresIn);
        const req = { method: s.method, url: s.url, headers: Object.entries(s.headers) as Pair[] };
        const ok = await verifierFor(c, c.date.getTime() + expiresIn * 1000).verify(req);
        expect(ok.expiresAt).toBe(c.date.getTime() + expiresIn * 1000);
        expect(await rejection(verifierFor(c, c.date.getTime() + expiresIn * 1000 + 1000), req)).toBe('AccessDenied');
        const bad = applyTamper(req, ok.signedHeaders, t, true);
        expect(await rejection(verifierFor(c), bad)).not.toBe('accepted');
      }),
      { numRuns: RUNS },
    );
  });
});
