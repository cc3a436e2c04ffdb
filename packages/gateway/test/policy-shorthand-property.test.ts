import { OPERATION_LIST, type OperationSpec } from '@s3kit/xml-shapes/operations';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AllowRule } from '../src/index.js';
import { authorize } from '../src/authorize/decide.js';
import { compilePolicyState } from '../src/authorize/policy-state.js';
import type { ParsedRequest, Principal } from '../src/pipeline/types.js';

// The `allow` shorthand is translated into an identity policy; this checks that the translation
// decides every catalogue operation exactly as the old allow-list did (GET/HEAD read, other
// methods write, copies also read the source bucket, ListBuckets for every identity), except the
// documented differences: SelectObjectContent (a POST) needs s3:GetObject, i.e. read; and
// ListenNotification (MinIO's events of every bucket) needs s3:ListenNotification on "*", which no shorthand grants.

const BUCKETS = ['alpha', 'beta', 'gamma'];

/** The allow-list of issue 7, verbatim in spirit. */
function oldDecision(rules: readonly AllowRule[], op: OperationSpec, bucket: string | undefined, source: string | undefined): boolean {
  const allowed = (b: string, access: 'read' | 'write'): boolean => rules.some((r) => (r.bucket === '*' || r.bucket === b) && (r.access === 'readwrite' || r.access === access));
  if (bucket === undefined) return true;
  const access = op.method === 'GET' || op.method === 'HEAD' ? 'read' : 'write';
  if (!allowed(bucket, access)) return false;
  return source === undefined || allowed(source, 'read');
}

// Routed operations the gateway authorizes (CORS preflight and POST forms have their own paths).
const OPS = OPERATION_LIST.filter(
  (op) => op.routedAs === undefined && op.name !== 'OptionsObject' && op.name !== 'PostObject' && op.name !== 'SelectObjectContent' && op.name !== 'ListenNotification',
);

function parsedFor(op: OperationSpec, bucket: string | undefined, source: string | undefined): ParsedRequest {
  const headers: Record<string, string> = { host: 'localhost' };
  if (source !== undefined) headers['x-amz-copy-source'] = `/${source}/src-key`;
  const key = op.scope === 'object' ? 'some/key' : undefined;
  return {
    method: op.method,
    target: '/',
    headerPairs: Object.entries(headers),
    headers,
    route: { operation: op.name, bucket, key, params: {} } as unknown as ParsedRequest['route'],
    resource: '/',
  };
}

describe('the allow shorthand as a policy', () => {
  it('decides every catalogue operation as the old allow-list did (property, all operations × random rules)', async () => {
    const rule = fc.record({ bucket: fc.constantFrom('*', ...BUCKETS), access: fc.constantFrom('read' as const, 'write' as const, 'readwrite' as const) });
    await fc.assert(
      fc.asyncProperty(fc.array(rule, { maxLength: 3 }), fc.constantFrom(...OPS), fc.constantFrom(...BUCKETS), fc.constantFrom(...BUCKETS), async (rules, op, bucket, src) => {
        const b = op.scope === 'service' ? undefined : bucket;
        const source = op.headers?.includes('x-amz-copy-source') === true ? src : undefined;
        const state = compilePolicyState([{ accessKeyId: 'AK', secretAccessKey: 's', allow: rules }], {}, undefined);
        const principal: Principal = { name: 'k', accessKeyId: 'AK', authKind: 'header-v4', allow: rules, upstream: 'default' };
        const keys = op.name === 'DeleteObjects' ? [{ key: 'a' }, { key: 'b/c' }] : undefined;
        let ok = true;
        try {
          await authorize(parsedFor(op, b, source), principal, { policies: state, clock: Date.now, upstreams: {} }, keys);
        } catch (err) {
          expect((err as { code?: string }).code).toBe('AccessDenied');
          ok = false;
        }
        expect(ok, `${op.name} on ${b ?? '*'}${source ? ` from ${source}` : ''} with ${JSON.stringify(rules)}`).toBe(oldDecision(rules, op, b, source));
      }),
      { numRuns: 400 },
    );
  });

  it('SelectObjectContent (POST) now needs read, not write: the documented difference', async () => {
    const op = OPERATION_LIST.find((o) => o.name === 'SelectObjectContent')!;
    const run = async (rules: AllowRule[]): Promise<boolean> => {
      const state = compilePolicyState([{ accessKeyId: 'AK', secretAccessKey: 's', allow: rules }], {}, undefined);
      const principal: Principal = { name: 'k', accessKeyId: 'AK', authKind: 'header-v4', allow: rules, upstream: 'default' };
      return authorize(parsedFor(op, 'alpha', undefined), principal, { policies: state, clock: Date.now, upstreams: {} }).then(
        () => true,
        () => false,
      );
    };
    expect(await run([{ bucket: 'alpha', access: 'read' }])).toBe(true);
    expect(await run([{ bucket: 'alpha', access: 'write' }])).toBe(false);
  });

  it('ListenNotification (every bucket) is never granted by the shorthand, even readwrite on "*": the documented difference', async () => {
    const op = OPERATION_LIST.find((o) => o.name === 'ListenNotification')!;
    const rules: AllowRule[] = [{ bucket: '*', access: 'readwrite' }];
    const state = compilePolicyState([{ accessKeyId: 'AK', secretAccessKey: 's', allow: rules }], {}, undefined);
    const principal: Principal = { name: 'k', accessKeyId: 'AK', authKind: 'header-v4', allow: rules, upstream: 'default' };
    const err = await authorize(parsedFor(op, undefined, undefined), principal, { policies: state, clock: Date.now, upstreams: {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as { code?: string } | undefined)?.code).toBe('AccessDenied');
  });
});
