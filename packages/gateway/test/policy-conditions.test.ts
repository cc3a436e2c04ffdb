import { describe, expect, it } from 'vitest';
import { evaluate, parsePolicy, type PolicyRequest } from '../src/index.js';

const alice = { accessKeyId: 'AKIAALICE', username: 'alice', anonymous: false };

/** Decision of one Allow statement with `condition` for a ListBucket/GetObject request with `context`. */
function decide(condition: object, context: PolicyRequest['context'], principal: PolicyRequest['principal'] = alice): string {
  const policy = parsePolicy({ Version: '2012-10-17', Statement: [{ Sid: 'C', Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: condition }] }, { kind: 'identity' });
  return evaluate({
    identityPolicies: [policy],
    request: { principal, action: 's3:ListBucket', resource: 'arn:aws:s3:::b', context },
  }).decision;
}

type Row = [name: string, condition: object, context: PolicyRequest['context'], allowed: boolean];

const NOW = '2026-11-23T16:00:00Z';

const rows: Row[] = [
  // String family (s3:prefix, s3:delimiter, s3:x-amz-acl, s3:x-amz-content-sha256, s3:signatureversion, s3:authType)
  ['StringEquals s3:prefix matches', { StringEquals: { 's3:prefix': 'home/' } }, { 's3:prefix': 'home/' }, true],
  ['StringEquals is case-sensitive on values', { StringEquals: { 's3:prefix': 'home/' } }, { 's3:prefix': 'HOME/' }, false],
  ['condition keys are looked up case-insensitively', { StringEquals: { 'S3:Prefix': 'home/' } }, { 's3:prefix': 'home/' }, true],
  ['StringEquals on an absent key is false', { StringEquals: { 's3:prefix': 'home/' } }, {}, false],
  ['multiple values are OR-ed', { StringEquals: { 's3:x-amz-acl': ['private', 'bucket-owner-full-control'] } }, { 's3:x-amz-acl': 'bucket-owner-full-control' }, true],
  ['StringNotEquals with a different value is true', { StringNotEquals: { 's3:x-amz-acl': 'public-read' } }, { 's3:x-amz-acl': 'private' }, true],
  ['StringNotEquals with an equal value is false', { StringNotEquals: { 's3:x-amz-acl': 'public-read' } }, { 's3:x-amz-acl': 'public-read' }, false],
  ['StringNotEquals with values is NOT(v1 OR v2)', { StringNotEquals: { 's3:x-amz-acl': ['public-read', 'public-read-write'] } }, { 's3:x-amz-acl': 'public-read-write' }, false],
  ['StringNotEquals on an absent key is true', { StringNotEquals: { 's3:x-amz-acl': 'public-read' } }, {}, true],
  ['StringEqualsIgnoreCase ignores case', { StringEqualsIgnoreCase: { 's3:authType': 'REST-HEADER' } }, { 's3:authType': 'rest-header' }, true],
  ['StringNotEqualsIgnoreCase ignores case', { StringNotEqualsIgnoreCase: { 's3:authType': 'REST-QUERY-STRING' } }, { 's3:authType': 'rest-query-string' }, false],
  ['StringLike with * matches a prefix', { StringLike: { 's3:prefix': 'home/alice/*' } }, { 's3:prefix': 'home/alice/docs/' }, true],
  ['StringLike with ? matches one character', { StringLike: { 's3:signatureversion': 'AWS4-HMAC-SHA25?' } }, { 's3:signatureversion': 'AWS4-HMAC-SHA256' }, true],
  ['StringLike is case-sensitive', { StringLike: { 's3:prefix': 'home/*' } }, { 's3:prefix': 'Home/x' }, false],
  ['StringNotLike rejects unsigned payloads', { StringNotLike: { 's3:x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }, { 's3:x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, false],
  ['StringNotLike passes a hashed payload', { StringNotLike: { 's3:x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }, { 's3:x-amz-content-sha256': 'e3b0c442' }, true],
  ['StringNotLike on an absent key is true', { StringNotLike: { 's3:delimiter': '/' } }, {}, true],
  ['StringEquals s3:delimiter "/"', { StringEquals: { 's3:delimiter': '/' } }, { 's3:delimiter': '/' }, true],
  ['StringEquals with ${aws:username} variable', { StringLike: { 's3:prefix': ['home/${aws:username}/*'] } }, { 's3:prefix': 'home/alice/x' }, true],
  ['StringEquals with ${aws:username} for another user', { StringLike: { 's3:prefix': ['home/${aws:username}/*'] } }, { 's3:prefix': 'home/bob/x' }, false],
  ['StringEquals aws:username key', { StringEquals: { 'aws:username': 'alice' } }, {}, true],
  ['StringLike ${*} is a literal star', { StringLike: { 's3:prefix': 'a${*}' } }, { 's3:prefix': 'a*' }, true],
  ['StringLike ${*} does not match other text', { StringLike: { 's3:prefix': 'a${*}' } }, { 's3:prefix': 'ab' }, false],
  ['variable with a default value', { StringEquals: { 's3:prefix': "${aws:PrincipalTag/team, 'none'}" } }, { 's3:prefix': 'none' }, true],
  // Tags
  ['s3:ExistingObjectTag/<k> StringEquals', { StringEquals: { 's3:ExistingObjectTag/classification': 'public' } }, { 's3:ExistingObjectTag/classification': 'public' }, true],
  ['s3:ExistingObjectTag/<k> absent is false', { StringEquals: { 's3:ExistingObjectTag/classification': 'public' } }, {}, false],
  ['s3:RequestObjectTag/<k> StringEquals', { StringEquals: { 's3:RequestObjectTag/project': 'x' } }, { 's3:RequestObjectTag/project': 'x' }, true],
  // Numeric (s3:max-keys)
  ['NumericLessThanEquals 100 with 100', { NumericLessThanEquals: { 's3:max-keys': '100' } }, { 's3:max-keys': '100' }, true],
  ['NumericLessThanEquals 100 with 101', { NumericLessThanEquals: { 's3:max-keys': '100' } }, { 's3:max-keys': '101' }, false],
  ['NumericLessThan 100 with 100', { NumericLessThan: { 's3:max-keys': 100 } }, { 's3:max-keys': '100' }, false],
  ['NumericGreaterThan 10 with 11', { NumericGreaterThan: { 's3:max-keys': '10' } }, { 's3:max-keys': '11' }, true],
  ['NumericGreaterThanEquals 10 with 9', { NumericGreaterThanEquals: { 's3:max-keys': '10' } }, { 's3:max-keys': '9' }, false],
  ['NumericEquals 10 with 10.0', { NumericEquals: { 's3:max-keys': '10' } }, { 's3:max-keys': '10.0' }, true],
  ['NumericNotEquals 10 with 11', { NumericNotEquals: { 's3:max-keys': '10' } }, { 's3:max-keys': '11' }, true],
  ['NumericNotEquals 10 with 10', { NumericNotEquals: { 's3:max-keys': '10' } }, { 's3:max-keys': '10' }, false],
  ['Numeric operator on a non-number context value is false', { NumericLessThan: { 's3:max-keys': '10' } }, { 's3:max-keys': 'abc' }, false],
  ['NumericLessThanEquals on an absent key is false', { NumericLessThanEquals: { 's3:max-keys': '100' } }, {}, false],
  // Date (aws:CurrentTime), ISO 8601 and epoch seconds
  ['DateLessThan a later date', { DateLessThan: { 'aws:CurrentTime': '2027-01-01T00:00:00Z' } }, { 'aws:CurrentTime': NOW }, true],
  ['DateLessThan an earlier date', { DateLessThan: { 'aws:CurrentTime': '2026-01-01' } }, { 'aws:CurrentTime': NOW }, false],
  ['DateGreaterThan in epoch seconds', { DateGreaterThan: { 'aws:CurrentTime': '1700000000' } }, { 'aws:CurrentTime': NOW }, true],
  ['DateEquals ISO vs epoch of the same instant', { DateEquals: { 'aws:CurrentTime': String(Date.parse(NOW) / 1000) } }, { 'aws:CurrentTime': NOW }, true],
  ['DateNotEquals the same instant', { DateNotEquals: { 'aws:CurrentTime': NOW } }, { 'aws:CurrentTime': '2026-11-23T17:00:00+01:00' }, false],
  ['DateLessThanEquals the same instant', { DateLessThanEquals: { 'aws:CurrentTime': NOW } }, { 'aws:CurrentTime': NOW }, true],
  ['DateGreaterThanEquals a later instant', { DateGreaterThanEquals: { 'aws:CurrentTime': '2026-11-23T16:00:01Z' } }, { 'aws:CurrentTime': NOW }, false],
  // Bool (aws:SecureTransport)
  ['Bool true with "true"', { Bool: { 'aws:SecureTransport': 'true' } }, { 'aws:SecureTransport': 'true' }, true],
  ['Bool true with "false"', { Bool: { 'aws:SecureTransport': true } }, { 'aws:SecureTransport': 'false' }, false],
  ['Bool is case-insensitive', { Bool: { 'aws:SecureTransport': 'TRUE' } }, { 'aws:SecureTransport': 'True' }, true],
  ['Bool on an absent key is false', { Bool: { 'aws:SecureTransport': 'false' } }, {}, false],
  ['BoolIfExists on an absent key is true', { BoolIfExists: { 'aws:SecureTransport': 'true' } }, {}, true],
  // IpAddress (aws:SourceIp), IPv4 and IPv6
  ['IpAddress IPv4 inside CIDR', { IpAddress: { 'aws:SourceIp': '192.0.2.0/24' } }, { 'aws:SourceIp': '192.0.2.77' }, true],
  ['IpAddress IPv4 outside CIDR', { IpAddress: { 'aws:SourceIp': '192.0.2.0/24' } }, { 'aws:SourceIp': '192.0.3.1' }, false],
  ['IpAddress /0 matches everything IPv4', { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }, { 'aws:SourceIp': '8.8.8.8' }, true],
  ['IpAddress odd prefix /13', { IpAddress: { 'aws:SourceIp': '10.8.0.0/13' } }, { 'aws:SourceIp': '10.15.255.255' }, true],
  ['IpAddress odd prefix /13 boundary', { IpAddress: { 'aws:SourceIp': '10.8.0.0/13' } }, { 'aws:SourceIp': '10.16.0.0' }, false],
  ['IpAddress bare address is /32', { IpAddress: { 'aws:SourceIp': '203.0.113.5' } }, { 'aws:SourceIp': '203.0.113.5' }, true],
  ['IpAddress IPv6 inside CIDR', { IpAddress: { 'aws:SourceIp': '2001:db8::/32' } }, { 'aws:SourceIp': '2001:db8:1234::1' }, true],
  ['IpAddress IPv6 outside CIDR', { IpAddress: { 'aws:SourceIp': '2001:db8::/32' } }, { 'aws:SourceIp': '2001:db9::1' }, false],
  ['IpAddress IPv6 /127', { IpAddress: { 'aws:SourceIp': '2001:db8::/127' } }, { 'aws:SourceIp': '2001:db8::1' }, true],
  ['IpAddress IPv6 loopback', { IpAddress: { 'aws:SourceIp': '::1/128' } }, { 'aws:SourceIp': '0:0:0:0:0:0:0:1' }, true],
  ['IpAddress IPv4 CIDR matches an IPv4-mapped IPv6 source', { IpAddress: { 'aws:SourceIp': '192.0.2.0/24' } }, { 'aws:SourceIp': '::ffff:192.0.2.9' }, true],
  ['IpAddress IPv4 CIDR does not match a plain IPv6 source', { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }, { 'aws:SourceIp': '2001:db8::1' }, false],
  ['IpAddress on a malformed source is false', { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }, { 'aws:SourceIp': '1.2.3' }, false],
  ['IpAddress with two CIDRs OR-ed', { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '2001:db8::/32'] } }, { 'aws:SourceIp': '2001:db8::5' }, true],
  ['NotIpAddress outside the range', { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, { 'aws:SourceIp': '192.0.2.1' }, true],
  ['NotIpAddress inside the range', { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, { 'aws:SourceIp': '10.1.1.1' }, false],
  ['NotIpAddress on a malformed source is true (a Deny NotIpAddress fails closed)', { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, { 'aws:SourceIp': 'not-an-ip' }, true],
  ['NumericNotEquals on a non-number context value is true', { NumericNotEquals: { 's3:max-keys': '10' } }, { 's3:max-keys': 'ten' }, true],
  ['Bool on a non-boolean context value is false', { Bool: { 'aws:SecureTransport': 'true' } }, { 'aws:SecureTransport': 'yes' }, false],
  ['NotIpAddress on an absent key is true', { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, {}, true],
  // Arn
  ['ArnEquals identical ARNs', { ArnEquals: { 'aws:SourceArn': 'arn:aws:s3:::logs' } }, { 'aws:SourceArn': 'arn:aws:s3:::logs' }, true],
  ['ArnLike with wildcard in the resource part', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/team-*' } }, { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:user/team-a' }, true],
  ['ArnLike wildcard does not cross ARN components', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::1*2:user/x' } }, { 'aws:PrincipalArn': 'arn:aws:iam::1:3:2:user/x' }, false],
  ['ArnNotLike a matching ARN', { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/team-*' } }, { 'aws:PrincipalArn': 'arn:aws:iam::1:user/team-a' }, false],
  ['ArnNotEquals a different ARN', { ArnNotEquals: { 'aws:SourceArn': 'arn:aws:s3:::logs' } }, { 'aws:SourceArn': 'arn:aws:s3:::other' }, true],
  ['ArnLike a non-ARN value is false', { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::*' } }, { 'aws:SourceArn': 'logs' }, false],
  // Null
  ['Null true with the key absent', { Null: { 's3:x-amz-acl': 'true' } }, {}, true],
  ['Null true with the key present', { Null: { 's3:x-amz-acl': 'true' } }, { 's3:x-amz-acl': 'private' }, false],
  ['Null false with the key present', { Null: { 's3:x-amz-acl': 'false' } }, { 's3:x-amz-acl': 'private' }, true],
  ['Null false with the key absent', { Null: { 's3:x-amz-acl': 'false' } }, {}, false],
  // IfExists
  ['StringEqualsIfExists absent key is true', { StringEqualsIfExists: { 's3:x-amz-acl': 'private' } }, {}, true],
  ['StringEqualsIfExists present and different is false', { StringEqualsIfExists: { 's3:x-amz-acl': 'private' } }, { 's3:x-amz-acl': 'public-read' }, false],
  ['NumericLessThanEqualsIfExists absent is true', { NumericLessThanEqualsIfExists: { 's3:max-keys': '10' } }, {}, true],
  ['NumericLessThanEqualsIfExists present and larger is false', { NumericLessThanEqualsIfExists: { 's3:max-keys': '10' } }, { 's3:max-keys': '11' }, false],
  ['IpAddressIfExists absent is true', { IpAddressIfExists: { 'aws:SourceIp': '10.0.0.0/8' } }, {}, true],
  ['StringNotEqualsIfExists absent is true', { StringNotEqualsIfExists: { 's3:x-amz-acl': 'public-read' } }, {}, true],
  ['DateLessThanIfExists present and later is false', { DateLessThanIfExists: { 'aws:CurrentTime': '2020-01-01' } }, { 'aws:CurrentTime': NOW }, false],
  // Set qualifiers
  ['ForAnyValue:StringEquals one of several matches', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['a', 'b'] } }, { 'aws:TagKeys': ['z', 'b'] }, true],
  ['ForAnyValue:StringEquals none match', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['a', 'b'] } }, { 'aws:TagKeys': ['y', 'z'] }, false],
  ['ForAnyValue on an absent key is false', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['a'] } }, {}, false],
  ['ForAnyValue:StringNotEquals true when some value is outside the list', { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['a'] } }, { 'aws:TagKeys': ['a', 'b'] }, true],
  ['ForAllValues:StringEquals all within the list', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a', 'b'] } }, { 'aws:TagKeys': ['a', 'b'] }, true],
  ['ForAllValues:StringEquals one outside the list', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a', 'b'] } }, { 'aws:TagKeys': ['a', 'c'] }, false],
  ['ForAllValues on an absent key is true', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a'] } }, {}, true],
  ['ForAllValues on an empty list is true', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a'] } }, { 'aws:TagKeys': [] }, true],
  ['ForAllValues:StringLike wildcards per value', { 'ForAllValues:StringLike': { 'aws:TagKeys': ['team-*'] } }, { 'aws:TagKeys': ['team-a', 'team-b'] }, true],
  ['ForAllValues:StringNotLike every value outside', { 'ForAllValues:StringNotLike': { 'aws:TagKeys': ['secret*'] } }, { 'aws:TagKeys': ['a', 'secret-x'] }, false],
  ['ForAnyValue:StringEqualsIfExists absent is true', { 'ForAnyValue:StringEqualsIfExists': { 'aws:TagKeys': ['a'] } }, {}, true],
  ['single-valued StringEquals on a multi-valued key matches any', { StringEquals: { 'aws:TagKeys': 'b' } }, { 'aws:TagKeys': ['a', 'b'] }, true],
  // AND across keys and operators
  [
    'two operators are AND-ed (both true)',
    { Bool: { 'aws:SecureTransport': 'true' }, IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
    { 'aws:SecureTransport': 'true', 'aws:SourceIp': '10.0.0.1' },
    true,
  ],
  [
    'two operators are AND-ed (one false)',
    { Bool: { 'aws:SecureTransport': 'true' }, IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
    { 'aws:SecureTransport': 'false', 'aws:SourceIp': '10.0.0.1' },
    false,
  ],
  ['two keys under one operator are AND-ed', { StringEquals: { 's3:prefix': 'a/', 's3:delimiter': '/' } }, { 's3:prefix': 'a/', 's3:delimiter': '-' }, false],
  ['undefined context entries count as absent', { Null: { 's3:prefix': 'true' } }, { 's3:prefix': undefined }, true],
];

describe('condition operators (Allow statement applies or not)', () => {
  for (const [name, condition, context, allowed] of rows) {
    it(`${name} → ${allowed ? 'allow' : 'implicit deny (AccessDenied 403)'}`, () => {
      expect(decide(condition, context)).toBe(allowed ? 'allow' : 'implicit-deny');
    });
  }
});

describe('aws:CurrentTime and aws:EpochTime default to the clock', () => {
  const policy = parsePolicy(
    {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Window',
          Effect: 'Allow',
          Action: 's3:*',
          Resource: '*',
          Condition: { DateGreaterThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' }, DateLessThan: { 'aws:EpochTime': '1798761600' } },
        },
      ],
    },
    { kind: 'identity' },
  );
  const at = (iso: string, context: PolicyRequest['context'] = {}) =>
    evaluate({ identityPolicies: [policy], request: { principal: alice, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context }, now: new Date(iso) }).decision;
  it('inside the window (2026) → allow', () => expect(at('2026-06-01T00:00:00Z')).toBe('allow'));
  it('before the window → implicit deny', () => expect(at('2025-12-31T23:59:59Z')).toBe('implicit-deny'));
  it('after aws:EpochTime 1798761600 (2027-01-01) → implicit deny', () => expect(at('2027-01-01T00:00:01Z')).toBe('implicit-deny'));
  it('a context aws:CurrentTime overrides the clock', () => expect(at('2026-06-01T00:00:00Z', { 'aws:CurrentTime': '2025-01-01T00:00:00Z' })).toBe('implicit-deny'));
});

describe('aws:username comes from the principal', () => {
  it('is absent for anonymous requests, so StringEquals fails and Null is true (bucket policy, Principal "*")', () => {
    const anonDecide = (condition: object) =>
      evaluate({
        bucketPolicy: parsePolicy({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*', Condition: condition }] }, { kind: 'bucket' }),
        request: { principal: { anonymous: true }, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: {} },
      }).decision;
    expect(anonDecide({ StringEquals: { 'aws:username': 'alice' } })).toBe('implicit-deny');
    expect(anonDecide({ Null: { 'aws:username': 'true' } })).toBe('allow');
  });
  it('the request context overrides the principal-derived value', () => {
    expect(decide({ StringEquals: { 'aws:username': 'carol' } }, { 'aws:username': 'carol' })).toBe('allow');
  });
});

describe('Deny with conditions (typical bucket policies)', () => {
  const bucket = parsePolicy(
    {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Read', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' },
        { Sid: 'TLSOnly', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'], Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
        { Sid: 'SigV4Only', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::b/*', Condition: { StringNotEquals: { 's3:signatureversion': 'AWS4-HMAC-SHA256' } } },
      ],
    },
    { kind: 'bucket' },
  );
  const run = (context: PolicyRequest['context']) => evaluate({ bucketPolicy: bucket, request: { principal: alice, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context } });
  it('plain HTTP is denied by TLSOnly', () => {
    expect(run({ 'aws:SecureTransport': 'false', 's3:signatureversion': 'AWS4-HMAC-SHA256' }).statement?.sid).toBe('TLSOnly');
  });
  it('SigV2 over TLS is denied by SigV4Only', () => {
    expect(run({ 'aws:SecureTransport': 'true', 's3:signatureversion': 'AWS' })).toMatchObject({ decision: 'deny', statement: { sid: 'SigV4Only', index: 2 } });
  });
  it('a request without s3:signatureversion (anonymous-style) is denied by the negated operator', () => {
    expect(run({ 'aws:SecureTransport': 'true' })).toMatchObject({ decision: 'deny', statement: { sid: 'SigV4Only' } });
  });
  it('SigV4 over TLS is allowed by Read', () => {
    expect(run({ 'aws:SecureTransport': 'true', 's3:signatureversion': 'AWS4-HMAC-SHA256' })).toMatchObject({ decision: 'allow', statement: { sid: 'Read', index: 0 } });
  });
});
