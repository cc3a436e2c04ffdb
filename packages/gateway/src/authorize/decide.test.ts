import { describe, expect, it } from 'vitest';
import type { Principal } from '../pipeline/types.js';
import { evaluateInput } from './decide.js';
import { compilePolicyState, readsContext } from './policy-state.js';
import type { PolicyContext } from './context.js';

const principal: Principal = { name: 'p', accessKeyId: 'AK', authKind: 'header-v4', allow: [], upstream: 'default' };
const check = { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', bucket: 'b' };
const statement = (extra: object) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*', ...extra }] });

/** The context evaluateInput hands the policy engine, and whether it built it. */
function contextFor(policies: unknown[], bucketPolicy?: unknown): { built: boolean; context: unknown } {
  const state = compilePolicyState([{ accessKeyId: 'AK', secretAccessKey: 's', policies }], bucketPolicy === undefined ? {} : { b: bucketPolicy }, undefined);
  let built = false;
  const make = (): PolicyContext => {
    built = true;
    return { 'aws:SourceIp': '10.0.0.1' };
  };
  const context = evaluateInput(state, principal, check, make, 0).request.context;
  return { built, context };
}

describe('evaluateInput with a lazy context', () => {
  it('does not build the context when no policy consulted reads it', () => {
    const out = contextFor([statement({}), { Version: '2008-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::${aws:username}/*' }] }]);
    expect(out).toEqual({ built: false, context: {} });
  });

  it('builds it for a condition, in an identity or a bucket policy', () => {
    expect(contextFor([statement({ Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })])).toEqual({ built: true, context: { 'aws:SourceIp': '10.0.0.1' } });
    const bucket = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::b/*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }] };
    expect(contextFor([statement({})], bucket).built).toBe(true);
  });

  it('builds it for a policy variable in a resource (version 2012-10-17)', () => {
    expect(contextFor([statement({ Resource: 'arn:aws:s3:::b/${aws:username}/*' })]).built).toBe(true);
    expect(contextFor([{ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::b/${aws:userid}/*' }] }]).built).toBe(true);
  });

  it('takes a context object as it is', () => {
    const state = compilePolicyState([{ accessKeyId: 'AK', secretAccessKey: 's', policies: [statement({})] }], {}, undefined);
    const ctx = { 's3:prefix': 'x' };
    expect(evaluateInput(state, principal, check, ctx, 0).request.context).toBe(ctx);
  });
});

describe('readsContext', () => {
  it('is false for the allow shorthand and plain statements, and remembers per policy', () => {
    const state = compilePolicyState([{ accessKeyId: 'AK', secretAccessKey: 's', allow: [{ bucket: '*', access: 'readwrite' }] }], {}, undefined);
    const set = state.identityPolicies.get('AK')!.policies;
    expect(readsContext(set)).toBe(false);
    expect(readsContext(set)).toBe(false);
    expect(readsContext([])).toBe(false);
  });
});
