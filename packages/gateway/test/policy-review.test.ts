import { describe, expect, it } from 'vitest';
import { MAX_POLICY_BYTES, PolicyValidationError, evaluate, parsePolicy } from '../src/index.js';

const alice = { accessKeyId: 'AKIAALICE', username: 'alice', anonymous: false };

describe('tag condition keys', () => {
  const p = parsePolicy(
    { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { StringEquals: { 'S3:ExistingObjectTag/Project': 'x' } } } },
    { kind: 'identity' },
  );
  const run = (context: Record<string, string>) => evaluate({ identityPolicies: [p], request: { principal: alice, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context } }).decision;
  it('match the key name case-insensitively but the tag key case-sensitively (AWS)', () => {
    expect(run({ 's3:existingobjecttag/Project': 'x' })).toBe('allow');
    expect(run({ 's3:ExistingObjectTag/project': 'x' })).toBe('implicit-deny');
    expect(run({ 's3:ExistingObjectTag/PROJECT': 'x' })).toBe('implicit-deny');
  });
  it('s3:RequestObjectTag/<k> is case-sensitive on the tag key too', () => {
    const q = parsePolicy(
      { Version: '2012-10-17', Statement: { Effect: 'Deny', Action: 's3:PutObject', Resource: '*', Condition: { StringEquals: { 's3:RequestObjectTag/Env': 'prod' } } } },
      { kind: 'identity' },
    );
    const d = (context: Record<string, string>) => evaluate({ identityPolicies: [q], request: { principal: alice, action: 's3:PutObject', resource: 'arn:aws:s3:::b/k', context } }).decision;
    expect(d({ 's3:requestobjecttag/Env': 'prod' })).toBe('deny');
    expect(d({ 's3:RequestObjectTag/env': 'prod' })).toBe('implicit-deny');
  });
});

describe('size limits at load', () => {
  const statement = (i: number) => ({ Sid: `S${i}`, Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::b/prefix-number-${i}/*` });
  it('refuses a bucket policy over 20 KB (minified JSON) with MalformedPolicy', () => {
    const doc = { Version: '2012-10-17', Statement: Array.from({ length: 250 }, (_, i) => statement(i)) };
    expect(JSON.stringify(doc).length).toBeGreaterThan(MAX_POLICY_BYTES.bucket);
    let err: unknown;
    try {
      parsePolicy(doc, { kind: 'bucket', bucket: 'b' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PolicyValidationError);
    expect((err as PolicyValidationError).code).toBe('MalformedPolicy');
    expect((err as Error).message).toMatch(/over the 20480-byte limit for bucket policies/);
  });
  it('accepts a bucket policy just under 20 KB however it is indented', () => {
    const doc = { Version: '2012-10-17', Statement: Array.from({ length: 150 }, (_, i) => statement(i)) };
    expect(JSON.stringify(doc).length).toBeLessThan(MAX_POLICY_BYTES.bucket);
    expect(JSON.stringify(doc, null, 8).length).toBeGreaterThan(MAX_POLICY_BYTES.bucket);
    expect(parsePolicy(JSON.stringify(doc, null, 8), { kind: 'bucket', bucket: 'b' }).statements).toHaveLength(150);
  });
  it('caps identity policies at 6144 bytes unless maxBytes says otherwise', () => {
    const doc = {
      Version: '2012-10-17',
      Statement: Array.from({ length: 80 }, (_, i) => {
        const { Principal: _p, ...rest } = statement(i);
        return rest;
      }),
    };
    expect(() => parsePolicy(doc, { kind: 'identity' })).toThrow(/over the 6144-byte limit for identity policies/);
    expect(parsePolicy(doc, { kind: 'identity', maxBytes: 65536 }).statements).toHaveLength(80);
  });
});

describe('anonymousPolicies', () => {
  const p = parsePolicy({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::pub/*' } }, { kind: 'identity' });
  it('apply to anonymous requests only', () => {
    const req = (principal: typeof alice | { anonymous: true }) => ({ principal, action: 's3:GetObject', resource: 'arn:aws:s3:::pub/x' });
    expect(evaluate({ anonymousPolicies: [p], request: req({ anonymous: true }) }).decision).toBe('allow');
    expect(evaluate({ anonymousPolicies: [p], request: req(alice) }).decision).toBe('implicit-deny');
  });
});
