import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate, explain, parsePolicy, type Policy, type PolicyRequest } from '../src/index.js';
import { cidrContains, parseCidr, parseIp } from '../src/policy/cidr.js';

const ACTION_PATTERNS = ['*', 's3:*', 's3:Get*', 's3:GetObject', 's3:?utObject', 's3:List*'];
const RESOURCE_PATTERNS = ['*', 'arn:aws:s3:::b', 'arn:aws:s3:::b/*', 'arn:aws:s3:::b/a/*', 'arn:aws:s3:::b/home/${aws:username}/*', 'arn:aws:s3:::?/*'];
const CONDITIONS: object[] = [
  {},
  { Bool: { 'aws:SecureTransport': 'true' } },
  { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '2001:db8::/32'] } },
  { StringNotEqualsIfExists: { 's3:x-amz-acl': 'public-read' } },
  { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a'] } },
  { NumericLessThanEquals: { 's3:max-keys': 100 } },
  { StringLike: { 's3:prefix': 'home/${aws:username}/*' } },
];
const PRINCIPALS: unknown[] = ['*', { AWS: 'AKIAALICE' }, { AWS: ['arn:aws:iam::123456789012:user/bob'] }, { AWS: '123456789012' }];

const statementArb = (bucket: boolean) =>
  fc
    .record({
      Effect: fc.constantFrom('Allow', 'Deny'),
      actionKey: fc.constantFrom('Action', 'NotAction'),
      actions: fc.subarray(ACTION_PATTERNS, { minLength: 1, maxLength: 2 }),
      resourceKey: fc.constantFrom('Resource', 'NotResource'),
      resources: fc.subarray(RESOURCE_PATTERNS, { minLength: 1, maxLength: 2 }),
      Condition: fc.constantFrom(...CONDITIONS),
      principalKey: fc.constantFrom('Principal', 'NotPrincipal'),
      principal: fc.constantFrom(...PRINCIPALS),
    })
    .map((s) => {
      const out: Record<string, unknown> = {
        Effect: s.Effect,
        [s.actionKey]: s.actions,
        [s.resourceKey]: s.resources,
        Condition: s.Condition,
      };
      // NotPrincipal is only valid with Deny.
      if (bucket) out[s.Effect === 'Allow' ? 'Principal' : s.principalKey] = s.principal;
      return out;
    });

let sidCounter = 0;
function build(statements: Record<string, unknown>[], kind: 'identity' | 'bucket'): Policy {
  return parsePolicy({ Version: '2012-10-17', Statement: statements.map((s) => ({ Sid: `S${sidCounter++}`, ...s })) }, { kind });
}

const requestArb: fc.Arbitrary<PolicyRequest> = fc.record({
  principal: fc.constantFrom({ accessKeyId: 'AKIAALICE', username: 'alice', anonymous: false }, { accessKeyId: 'AKIABOB', username: 'bob', anonymous: false }, { anonymous: true }),
  action: fc.constantFrom('s3:GetObject', 's3:PutObject', 's3:ListBucket', 's3:DeleteObject'),
  resource: fc.constantFrom('arn:aws:s3:::b', 'arn:aws:s3:::b/a/x', 'arn:aws:s3:::b/home/alice/y', 'arn:aws:s3:::c/z'),
  context: fc.record(
    {
      'aws:SecureTransport': fc.constantFrom('true', 'false'),
      'aws:SourceIp': fc.constantFrom('10.1.2.3', '192.0.2.1', '2001:db8::7'),
      's3:x-amz-acl': fc.constantFrom('private', 'public-read'),
      'aws:TagKeys': fc.subarray(['a', 'b']),
      's3:max-keys': fc.constantFrom('5', '1000'),
      's3:prefix': fc.constantFrom('home/alice/', 'home/bob/', ''),
    },
    { requiredKeys: [] },
  ),
});

const setupArb = fc.record({
  identity: fc.array(fc.array(statementArb(false), { minLength: 1, maxLength: 3 }), { maxLength: 2 }),
  bucket: fc.option(fc.array(statementArb(true), { minLength: 1, maxLength: 3 }), { nil: undefined }),
  request: requestArb,
});

describe('policy properties', () => {
  it('adding a Deny statement anywhere never grants access that was denied or implicitly denied', () => {
    fc.assert(
      fc.property(setupArb, statementArb(true), fc.nat(), fc.nat(), (setup, extra, where, pos) => {
        const deny: Record<string, unknown> = { ...extra, Effect: 'Deny' };
        const before = evaluate({
          identityPolicies: setup.identity.map((s) => build(s, 'identity')),
          bucketPolicy: setup.bucket ? build(setup.bucket, 'bucket') : undefined,
          request: setup.request,
        });
        // Put the Deny into an identity policy (without Principal) or into the bucket policy.
        const identity = setup.identity.map((s) => [...s]);
        let bucket = setup.bucket ? [...setup.bucket] : undefined;
        const targets = identity.length + 1;
        const t = where % targets;
        if (t < identity.length) {
          const { Principal: _p, NotPrincipal: _np, ...idDeny } = deny;
          const list = identity[t] ?? [];
          list.splice(pos % (list.length + 1), 0, idDeny);
        } else {
          bucket = bucket ?? [];
          bucket.splice(pos % (bucket.length + 1), 0, deny);
        }
        const after = evaluate({
          identityPolicies: identity.map((s) => build(s, 'identity')),
          bucketPolicy: bucket ? build(bucket, 'bucket') : undefined,
          request: setup.request,
        });
        if (after.decision === 'allow') expect(before.decision).toBe('allow');
        if (before.decision === 'deny') expect(after.decision).toBe('deny');
        if (before.decision !== 'allow') expect(after.decision).not.toBe('allow');
      }),
      { numRuns: 500 },
    );
  });

  it('adding an Allow statement never turns an explicit deny into allow', () => {
    fc.assert(
      fc.property(setupArb, statementArb(false), (setup, extra) => {
        const identityPolicies = setup.identity.map((s) => build(s, 'identity'));
        const bucketPolicy = setup.bucket ? build(setup.bucket, 'bucket') : undefined;
        const before = evaluate({ identityPolicies, bucketPolicy, request: setup.request });
        const after = evaluate({
          identityPolicies: [...identityPolicies, build([{ ...extra, Effect: 'Allow' }], 'identity')],
          bucketPolicy,
          request: setup.request,
        });
        if (before.decision === 'deny') expect(after).toEqual(before);
        if (before.decision === 'allow') expect(after.decision).toBe('allow');
      }),
      { numRuns: 300 },
    );
  });

  it('explain decides exactly as evaluate and names the same statement', () => {
    fc.assert(
      fc.property(setupArb, (setup) => {
        const input = {
          identityPolicies: setup.identity.map((s) => build(s, 'identity')),
          bucketPolicy: setup.bucket ? build(setup.bucket, 'bucket') : undefined,
          request: setup.request,
        };
        const e = explain(input);
        expect({ decision: e.decision, ...(e.statement ? { statement: e.statement } : {}) }).toEqual(evaluate(input));
        expect(e.reason.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});

function toBig(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

describe('CIDR matcher', () => {
  it('IPv4: contains ⇔ the top prefix bits agree (BigInt reference)', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.ipV4(), fc.integer({ min: 0, max: 32 }), (net, ip, prefix) => {
        const cidr = parseCidr(`${net}/${prefix}`);
        const addr = parseIp(ip);
        expect(cidr).toBeDefined();
        expect(addr).toBeDefined();
        const shift = BigInt(32 - prefix);
        const expected = toBig(parseIp(net)!) >> shift === toBig(addr!) >> shift;
        expect(cidrContains(cidr!, addr!)).toBe(expected);
      }),
    );
  });
  it('IPv6: contains ⇔ the top prefix bits agree, and parsing round-trips groups', () => {
    fc.assert(
      fc.property(fc.ipV6(), fc.ipV6(), fc.integer({ min: 0, max: 128 }), (net, ip, prefix) => {
        const cidr = parseCidr(`${net}/${prefix}`);
        const addr = parseIp(ip);
        expect(cidr).toBeDefined();
        expect(addr).toBeDefined();
        const shift = BigInt(128 - prefix);
        const expected = toBig(parseIp(net)!) >> shift === toBig(addr!) >> shift;
        expect(cidrContains(cidr!, addr!)).toBe(expected);
        // The address is inside its own /prefix network.
        expect(cidrContains(parseCidr(`${ip}/${prefix}`)!, addr!)).toBe(true);
      }),
    );
  });
  it('rejects malformed addresses', () => {
    for (const bad of ['1.2.3', '1.2.3.256', '1:2:3:4:5:6:7:8:9', '1::2::3', 'g::1', '10.0.0.0/33', '::/129', '']) {
      expect(parseCidr(bad), bad).toBeUndefined();
    }
  });
  it('parses embedded IPv4 in IPv6 to the right bytes', () => {
    expect([...parseIp('::ffff:192.0.2.1')!]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 192, 0, 2, 1]);
    expect([...parseIp('64:ff9b::10.0.0.1')!]).toEqual([0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 1]);
  });
});
