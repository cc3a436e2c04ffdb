import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { drain, encodeMultipart, streamOf, type MultipartPart } from '@s3kit/test-utils';
import { createPresignedPost, verifyPost, type PolicyCondition } from '../src/index.js';

const creds = { accessKeyId: 'AKIDROUNDTRIP', secretAccessKey: 'secret/round+trip' };
const NOW = Date.UTC(2025, 5, 1);

const valueArb = fc.string({ unit: 'grapheme', maxLength: 24 }).filter((s) => !s.includes('\u0000') && !s.includes('\r'));
const fieldArb = fc.record({
  name: fc.stringMatching(/^[a-z0-9]{1,10}$/).map((s) => `x-amz-meta-${s}`),
  value: valueArb,
  kind: fc.constantFrom('object', 'eq', 'starts-with'),
  prefixLen: fc.nat(24),
  upper: fc.boolean(),
});
const caseArb = fc.record({
  fields: fc.uniqueArray(fieldArb, { selector: (f) => f.name, maxLength: 6 }),
  key: fc.stringMatching(/^[a-zA-Z0-9/_.-]{1,20}$/),
  useFilename: fc.boolean(),
  filename: fc.stringMatching(/^[a-zA-Z0-9._-]{1,12}$/),
  data: fc.uint8Array({ maxLength: 3000 }),
  chunk: fc.integer({ min: 1, max: 700 }),
  v2: fc.boolean(),
  slack: fc.nat(100),
  mutate: fc.nat(),
});

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

function build(c: Case) {
  const conditions: PolicyCondition[] = [];
  const fields: Record<string, string> = {};
  for (const f of c.fields) {
    fields[f.name] = f.value;
    // starts-with needs a non-empty prefix here so that any mutation must break it.
    if (f.kind === 'starts-with' && f.value.length > 0) {
      conditions.push(['starts-with', `$${f.name}`, f.value.slice(0, Math.max(1, Math.min(f.prefixLen, f.value.length)))]);
    } else if (f.kind === 'eq') conditions.push(['eq', `$${f.name}`, f.value]);
    else conditions.push({ [f.name]: f.value });
  }
  conditions.push(['content-length-range', Math.max(0, c.data.length - c.slack), c.data.length + c.slack]);
  const key = c.useFilename ? `${c.key}/\${filename}` : c.key;
  return createPresignedPost({ bucket: 'rt-bucket', key, fields, conditions, credentials: creds, now: NOW, signatureVersion: c.v2 ? 'v2' : 'v4' });
}

function encode(c: Case, fields: [string, string][]) {
  const upper = new Map(c.fields.map((f) => [f.name, f.upper]));
  const parts: MultipartPart[] = fields.map(([n, v]) => [upper.get(n) ? n.toUpperCase() : n, v] as const);
  parts.push({ filename: `dir\\${c.filename}`, contentType: 'application/octet-stream', data: c.data });
  const { body, contentType } = encodeMultipart(parts);
  return { headers: { 'content-type': contentType }, body: streamOf(body, c.chunk) };
}

const options = {
  bucket: 'rt-bucket',
  getCredentials: (id: string) => (id === creds.accessKeyId ? { secretAccessKey: creds.secretAccessKey } : undefined),
  now: () => NOW + 60_000,
};

describe('round trip: createPresignedPost → real multipart body → verifyPost', () => {
  it('accepts every built form and delivers the exact file bytes', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const out = build(c);
        const v = await verifyPost(encode(c, Object.entries(out.fields)), options);
        expect(v.key).toBe(c.useFilename ? `${c.key}/${c.filename}` : c.key);
        for (const f of c.fields) expect(v.metadata[f.name.slice(11)]).toBe(f.value);
        expect(await drain(v.file)).toEqual(c.data);
      }),
      { numRuns: 150 },
    );
  });

  it('rejects the form once any one signed field is changed', async () => {
    await fc.assert(
      fc.asyncProperty(
        caseArb.filter((c) => c.fields.length > 0),
        async (c) => {
          const out = build(c);
          const target = c.fields[c.mutate % c.fields.length]!.name;
          const fields = Object.entries(out.fields).map(([n, v]): [string, string] => [n, n === target ? `\u0000MUT${v}` : v]);
          const err = await verifyPost(encode(c, fields), options).then(
            () => undefined,
            (e: { code: string; status: number; message: string }) => e,
          );
          expect(err?.code).toBe('AccessDenied');
          expect(err?.status).toBe(403);
          expect(err?.message).toContain(`$${target}`);
        },
      ),
      { numRuns: 100 },
    );
  });
});
