import { describe, expect, it } from 'vitest';
import { flipByte, loadS3Vector } from '@s3kit/test-utils';
import { isS3Error } from '@s3kit/errors';
import { SigV4Signer, SigV4Verifier, parseAmzDate } from '../src/index.js';

// Every SigV4 S3 example with a complete request: the four Authorization-header examples of
// sig-v4-header-based-auth, the presigned GET, and the seed requests of the streaming examples.
const HEADER_EXAMPLES = [
  'sigv4-header-get-object-range',
  'sigv4-header-put-object',
  'sigv4-header-get-bucket-lifecycle',
  'sigv4-header-list-objects',
  'sigv4-streaming-put-object',
  'sigv4-streaming-trailer-put-object',
  'sigv4-unsigned-trailer-seed-derived',
];
const PRESIGNED_EXAMPLES = ['sigv4-presigned-get-object'];

type Pair = [string, string];
interface Vector {
  inputs: {
    credentials: { access_key_id: string; secret_access_key: string; session_token: string | null };
    region: string;
    service: string;
    amz_date: string;
    expires_seconds?: number;
    request: {
      method: string;
      url: string;
      path_as_sent?: string;
      headers_before_signing?: Pair[];
      headers_as_sent?: Pair[];
      body_utf8?: string;
    };
    headers_added_by_signer?: Pair[];
    signed_headers: string[];
    payload_hash: string;
  };
  expected: {
    canonical_request: string;
    string_to_sign: string;
    signature?: string;
    seed_signature?: string;
    authorization?: string;
    presigned_url?: string;
  };
}

/** The signed header lines of a canonical request, as `[name, value]`. */
function headersFromCanonical(creq: string): Pair[] {
  const lines = creq.split('\n');
  const out: Pair[] = [];
  for (let i = 3; i < lines.length && lines[i] !== ''; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    out.push([line.slice(0, colon), line.slice(colon + 1)]);
  }
  return out;
}

function target(url: string): string {
  const i = url.indexOf('/', url.indexOf('://') + 3);
  return url.slice(i);
}

function setup(name: string) {
  const v = loadS3Vector<Vector>(name);
  const { inputs, expected } = v;
  const now = parseAmzDate(inputs.amz_date)!;
  const credentials = {
    accessKeyId: inputs.credentials.access_key_id,
    secretAccessKey: inputs.credentials.secret_access_key,
    sessionToken: inputs.credentials.session_token ?? undefined,
  };
  const signer = new SigV4Signer({ credentials, region: inputs.region, service: inputs.service, clock: () => now });
  const verifier = new SigV4Verifier({
    getCredentials: (ak) => (ak === credentials.accessKeyId ? { secretAccessKey: credentials.secretAccessKey } : undefined),
    region: inputs.region,
    clock: () => now,
  });
  const req = inputs.request;
  const sentHeaders: Pair[] =
    req.headers_as_sent ?? (req.headers_before_signing ? [...req.headers_before_signing, ...(inputs.headers_added_by_signer ?? [])] : headersFromCanonical(expected.canonical_request));
  return { v, inputs, expected, now, signer, verifier, req, sentHeaders };
}

/** S3 compares the Authorization components, not the separator: ", " and "," are the same. */
const noSpaceAfterComma = (s: string) => s.replace(/, /g, ',');

interface Wire {
  method: string;
  url: string;
  headers: Pair[];
}

/**
 * Every single-byte change of the method, the target, each signed header value and the
 * Authorization value: xor 1 at each byte, and the case flip of each letter. The only changes
 * S3 ignores are the case of a hex digit inside a %XX escape of the target (S3 decodes before it
 * canonicalizes) — those are returned as `equivalent`.
 */
function mutations(w: Wire, signed: readonly string[]): Array<{ what: string; wire: Wire; equivalent: boolean }> {
  const out: Array<{ what: string; wire: Wire; equivalent: boolean }> = [];
  const variants = (s: string, i: number): Array<[string, string]> => {
    const c = s.charCodeAt(i);
    const res: Array<[string, string]> = [[flipByte(s, i, 1), 'xor1']];
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) res.push([flipByte(s, i, 32), 'case']);
    return res;
  };
  const inEscape = (s: string, i: number) => (i >= 1 && s[i - 1] === '%') || (i >= 2 && s[i - 2] === '%');
  for (let i = 0; i < w.method.length; i++) {
    for (const [m, kind] of variants(w.method, i)) out.push({ what: `method[${i}] ${kind}`, wire: { ...w, method: m }, equivalent: false });
  }
  for (let i = 0; i < w.url.length; i++) {
    for (const [u, kind] of variants(w.url, i)) {
      const hex = /[A-Fa-f]/.test(w.url[i]!) && inEscape(w.url, i);
      out.push({ what: `target[${i}] ${kind} '${w.url[i]}'`, wire: { ...w, url: u }, equivalent: kind === 'case' && hex });
    }
  }
  w.headers.forEach(([name, value], h) => {
    const lower = name.toLowerCase();
    if (lower !== 'authorization' && !signed.includes(lower)) return;
    for (let i = 0; i < value.length; i++) {
      for (const [val, kind] of variants(value, i)) {
        const headers = w.headers.map((p, j): Pair => (j === h ? [name, val] : p));
        out.push({ what: `${lower}[${i}] ${kind} '${value[i]}'`, wire: { ...w, headers }, equivalent: false });
      }
    }
  });
  return out;
}

async function outcome(verifier: SigV4Verifier, w: Wire): Promise<string> {
  try {
    await verifier.verify(w);
    return 'accepted';
  } catch (e) {
    if (!isS3Error(e)) throw e;
    return `${e.code} ${e.status}`;
  }
}

const REJECTION_CODES = new Set([
  'SignatureDoesNotMatch 403',
  'AccessDenied 403',
  'AuthorizationHeaderMalformed 400',
  'AuthorizationQueryParametersError 400',
  'InvalidAccessKeyId 403',
  'InvalidArgument 400',
  'InvalidRequest 400',
  'RequestTimeTooSkewed 403',
]);

async function checkMutations(verifier: SigV4Verifier, wire: Wire, signed: readonly string[]) {
  const wrong: string[] = [];
  const seen = new Set<string>();
  let equivalents = 0;
  for (const m of mutations(wire, signed)) {
    const result = await outcome(verifier, m.wire);
    seen.add(result);
    if (m.equivalent) {
      equivalents++;
      if (result !== 'accepted') wrong.push(`${m.what}: S3 accepts this equivalent form, got ${result}`);
    } else if (result === 'accepted') wrong.push(`${m.what}: accepted`);
    else if (!REJECTION_CODES.has(result)) wrong.push(`${m.what}: unexpected ${result}`);
  }
  expect(wrong).toEqual([]);
  expect(seen.has('SignatureDoesNotMatch 403')).toBe(true);
  return { equivalents };
}

describe('S3 SigV4 examples (Authorization header)', () => {
  for (const name of HEADER_EXAMPLES) {
    const { inputs, expected, signer, verifier, req, sentHeaders } = setup(name);
    const signature = expected.signature ?? expected.seed_signature!;
    const signed = inputs.signed_headers;
    const wire: Wire = {
      method: req.method,
      url: req.path_as_sent ?? target(req.url),
      headers: [...sentHeaders, ['Authorization', expected.authorization!]],
    };

    it(`${name}: sign reproduces the canonical request, string to sign, signature and Authorization`, () => {
      const names = sentHeaders.map(([n]) => n.toLowerCase());
      const s = signer.sign({
        method: req.method,
        url: req.url,
        headers: sentHeaders,
        payloadHash: inputs.payload_hash,
        unsignedHeaders: names.filter((n) => !signed.includes(n)),
      });
      expect(s.canonicalRequest).toBe(expected.canonical_request);
      expect(s.stringToSign).toBe(expected.string_to_sign);
      expect(s.signature).toBe(signature);
      expect(noSpaceAfterComma(s.headers['authorization']!)).toBe(noSpaceAfterComma(expected.authorization!));
    });

    it(`${name}: verify accepts the request as sent (Authorization exactly as published)`, async () => {
      const v = await verifier.verify(wire);
      expect(v.signature).toBe(signature);
      expect(v.signedHeaders).toEqual(signed);
      expect(v.payloadHash).toBe(inputs.payload_hash);
      expect(v.accessKeyId).toBe(inputs.credentials.access_key_id);
      expect(v.credentialScope).toBe(`${inputs.amz_date.slice(0, 8)}/us-east-1/s3/aws4_request`);
    });

    it(`${name}: verify accepts what S3 treats as the same request (", " separators, other header-name case, padded values)`, async () => {
      const spaced = wire.headers.map(([n, val]): Pair => (n === 'Authorization' ? [n, val.replace(/,(?! )/g, ', ')] : [n, val]));
      await expect(verifier.verify({ ...wire, headers: spaced })).resolves.toMatchObject({ signature });
      const recased = wire.headers.map(([n, val]): Pair => [n === n.toLowerCase() ? n.toUpperCase() : n.toLowerCase(), val]);
      await expect(verifier.verify({ ...wire, headers: recased })).resolves.toMatchObject({ signature });
      const padded = wire.headers.map(([n, val]): Pair => [n, `  ${val}\t`]);
      await expect(verifier.verify({ ...wire, headers: padded })).resolves.toMatchObject({ signature });
    });

    it(`${name}: verify rejects the request after any single-byte change of method, path, query, signed header values or Authorization`, async () => {
      await checkMutations(verifier, wire, signed);
    });
  }
});

describe('S3 SigV4 example (presigned URL)', () => {
  for (const name of PRESIGNED_EXAMPLES) {
    const { inputs, expected, signer, verifier, req, now } = setup(name);
    const wire: Wire = { method: req.method, url: target(expected.presigned_url!), headers: req.headers_before_signing! };

    it(`${name}: presign reproduces the canonical request, string to sign, signature and URL`, () => {
      const s = signer.presign({ method: req.method, url: req.url, headers: req.headers_before_signing, expiresIn: inputs.expires_seconds });
      expect(s.canonicalRequest).toBe(expected.canonical_request);
      expect(s.stringToSign).toBe(expected.string_to_sign);
      expect(s.signature).toBe(expected.signature);
      expect(s.url).toBe(expected.presigned_url);
    });

    it(`${name}: verify accepts the published URL until it expires`, async () => {
      const v = await verifier.verify(wire);
      expect(v).toMatchObject({ authType: 'presigned', signature: expected.signature, payloadMode: 'unsigned', payloadHash: 'UNSIGNED-PAYLOAD' });
      expect(v.expiresAt).toBe(now + inputs.expires_seconds! * 1000);
    });

    it(`${name}: verify rejects the URL after any single-byte change (path, query, signature, signed headers); lowercase %xx escapes are the same URL to S3`, async () => {
      const { equivalents } = await checkMutations(verifier, wire, inputs.signed_headers);
      expect(equivalents).toBeGreaterThan(0);
    });
  }
});
