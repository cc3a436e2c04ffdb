import { describe, expect, it } from 'vitest';
import { evaluate, explain, parsePolicy, PolicyValidationError, type Policy, type PolicyRequest } from '../src/index.js';

const alice = { accessKeyId: 'AKIAALICE', username: 'alice', anonymous: false };
const bob = { accessKeyId: 'AKIABOB', username: 'bob', anonymous: false };
const anon = { anonymous: true };

function idp(...statements: object[]): Policy {
  return parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: statements }), { kind: 'identity' });
}
function bp(...statements: object[]): Policy {
  return parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: statements }), { kind: 'bucket' });
}
function req(action: string, resource: string, context: PolicyRequest['context'] = {}, principal: PolicyRequest['principal'] = alice): PolicyRequest {
  return { principal, action, resource, context };
}

const allowAllS3 = { Sid: 'AllS3', Effect: 'Allow', Action: 's3:*', Resource: '*' };

interface Case {
  name: string;
  identity?: Policy[];
  bucket?: Policy;
  request: PolicyRequest;
  decision: 'allow' | 'deny' | 'implicit-deny';
  sid?: string;
  by?: 'identity' | 'bucket';
}

const OBJ = 'arn:aws:s3:::photos/2024/a.jpg';

const cases: Case[] = [
  // --- Effect and combination ---
  { name: 'no policies at all: implicit deny', request: req('s3:GetObject', OBJ), decision: 'implicit-deny' },
  {
    name: 'identity Allow s3:* allows GetObject',
    identity: [idp(allowAllS3)],
    request: req('s3:GetObject', OBJ),
    decision: 'allow',
    sid: 'AllS3',
    by: 'identity',
  },
  {
    name: 'bucket policy Allow for the user allows without any identity policy',
    bucket: bp({ Sid: 'B', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:user/alice' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::photos/*' }),
    request: req('s3:GetObject', OBJ),
    decision: 'allow',
    sid: 'B',
    by: 'bucket',
  },
  {
    name: 'bucket Deny overrides identity Allow',
    identity: [idp(allowAllS3)],
    bucket: bp({ Sid: 'NoDelete', Effect: 'Deny', Principal: '*', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::photos/*' }),
    request: req('s3:DeleteObject', OBJ),
    decision: 'deny',
    sid: 'NoDelete',
    by: 'bucket',
  },
  {
    name: 'identity Deny overrides bucket Allow',
    identity: [idp({ Sid: 'D', Effect: 'Deny', Action: 's3:Get*', Resource: '*' })],
    bucket: bp({ Sid: 'A', Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::photos/*' }),
    request: req('s3:GetObject', OBJ),
    decision: 'deny',
    sid: 'D',
    by: 'identity',
  },
  {
    name: 'Deny in a second identity policy wins over Allow in the first',
    identity: [idp(allowAllS3), idp({ Sid: 'D2', Effect: 'Deny', Action: 's3:PutObject', Resource: '*' })],
    request: req('s3:PutObject', OBJ),
    decision: 'deny',
    sid: 'D2',
  },
  // --- Action / NotAction ---
  {
    name: 'action names are case-insensitive and s3:Get* matches GetObjectTagging',
    identity: [idp({ Sid: 'G', Effect: 'Allow', Action: 'S3:get*', Resource: '*' })],
    request: req('s3:GetObjectTagging', OBJ),
    decision: 'allow',
    sid: 'G',
  },
  {
    name: 's3:Get* does not match PutObject',
    identity: [idp({ Sid: 'G', Effect: 'Allow', Action: 's3:Get*', Resource: '*' })],
    request: req('s3:PutObject', OBJ),
    decision: 'implicit-deny',
  },
  {
    name: 'action ? wildcard matches exactly one character',
    identity: [idp({ Sid: 'Q', Effect: 'Allow', Action: 's3:?utObject', Resource: '*' })],
    request: req('s3:PutObject', OBJ),
    decision: 'allow',
    sid: 'Q',
  },
  {
    name: 'NotAction Deny denies everything except the listed reads',
    identity: [idp(allowAllS3, { Sid: 'OnlyRead', Effect: 'Deny', NotAction: ['s3:GetObject', 's3:ListBucket'], Resource: '*' })],
    request: req('s3:PutObject', OBJ),
    decision: 'deny',
    sid: 'OnlyRead',
  },
  {
    name: 'NotAction Deny leaves the listed actions to the Allow',
    identity: [idp(allowAllS3, { Sid: 'OnlyRead', Effect: 'Deny', NotAction: ['s3:GetObject', 's3:ListBucket'], Resource: '*' })],
    request: req('s3:GetObject', OBJ),
    decision: 'allow',
    sid: 'AllS3',
  },
  // --- Resource / NotResource ---
  {
    name: 'resource prefix wildcard matches keys under it',
    identity: [idp({ Sid: 'P', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::photos/2024/*' })],
    request: req('s3:GetObject', OBJ),
    decision: 'allow',
    sid: 'P',
  },
  {
    name: 'resource matching is case-sensitive',
    identity: [idp({ Sid: 'P', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::Photos/*' })],
    request: req('s3:GetObject', OBJ),
    decision: 'implicit-deny',
  },
  {
    name: 'bucket ARN does not cover objects in it',
    identity: [idp({ Sid: 'P', Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::photos' })],
    request: req('s3:GetObject', OBJ),
    decision: 'implicit-deny',
  },
  {
    name: 'resource ? wildcard: 202? matches 2024',
    identity: [idp({ Sid: 'P', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::photos/202?/*' })],
    request: req('s3:GetObject', OBJ),
    decision: 'allow',
    sid: 'P',
  },
  {
    name: 'NotResource Deny protects everything outside the public prefix',
    identity: [idp(allowAllS3, { Sid: 'NR', Effect: 'Deny', Action: 's3:*', NotResource: 'arn:aws:s3:::photos/public/*' })],
    request: req('s3:GetObject', OBJ),
    decision: 'deny',
    sid: 'NR',
  },
  {
    name: 'NotResource Deny does not apply inside the excluded prefix',
    identity: [idp(allowAllS3, { Sid: 'NR', Effect: 'Deny', Action: 's3:*', NotResource: 'arn:aws:s3:::photos/public/*' })],
    request: req('s3:GetObject', 'arn:aws:s3:::photos/public/x'),
    decision: 'allow',
    sid: 'AllS3',
  },
  // --- Principal / NotPrincipal ---
  {
    name: 'Principal "*" allows anonymous reads',
    bucket: bp({ Sid: 'Public', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::photos/*' }),
    request: req('s3:GetObject', OBJ, {}, anon),
    decision: 'allow',
    sid: 'Public',
  },
  {
    name: 'Principal { AWS: "*" } also covers anonymous',
    bucket: bp({ Sid: 'Public', Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::photos/*' }),
    request: req('s3:GetObject', OBJ, {}, anon),
    decision: 'allow',
    sid: 'Public',
  },
  {
    name: 'Principal by access key id matches that key only',
    bucket: bp({ Sid: 'K', Effect: 'Allow', Principal: { AWS: ['AKIABOB'] }, Action: 's3:*', Resource: 'arn:aws:s3:::photos/*' }),
    request: req('s3:GetObject', OBJ, {}, alice),
    decision: 'implicit-deny',
  },
  {
    name: 'Principal by access key id allows that key',
    bucket: bp({ Sid: 'K', Effect: 'Allow', Principal: { AWS: ['AKIABOB'] }, Action: 's3:*', Resource: 'arn:aws:s3:::photos/*' }),
    request: req('s3:GetObject', OBJ, {}, bob),
    decision: 'allow',
    sid: 'K',
  },
  {
    name: 'Principal user ARN with a path matches by the last segment (username)',
    bucket: bp({ Sid: 'U', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:user/staff/alice' }, Action: 's3:*', Resource: '*' }),
    request: req('s3:GetObject', OBJ),
    decision: 'allow',
    sid: 'U',
  },
  {
    name: 'Principal user ARN for another user does not match',
    bucket: bp({ Sid: 'U', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:user/alice' }, Action: 's3:*', Resource: '*' }),
    request: req('s3:GetObject', OBJ, {}, bob),
    decision: 'implicit-deny',
  },
  {
    name: 'Principal account root in an Allow only delegates to identity policies (AWS): alone it allows nobody',
    bucket: bp({ Sid: 'Acct', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 's3:GetObject', Resource: '*' }),
    request: req('s3:GetObject', OBJ, {}, bob),
    decision: 'implicit-deny',
  },
  {
    name: 'Principal account root in an Allow: the identity policy decides (allow)',
    identity: [idp({ Sid: 'Id', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' })],
    bucket: bp({ Sid: 'Acct', Effect: 'Allow', Principal: { AWS: '123456789012' }, Action: 's3:GetObject', Resource: '*' }),
    request: req('s3:GetObject', OBJ, {}, bob),
    decision: 'allow',
    sid: 'Id',
    by: 'identity',
  },
  {
    name: 'Principal account root in a Deny covers every authenticated identity',
    identity: [idp(allowAllS3)],
    bucket: bp({ Sid: 'AcctDeny', Effect: 'Deny', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 's3:GetObject', Resource: '*' }),
    request: req('s3:GetObject', OBJ, {}, bob),
    decision: 'deny',
    sid: 'AcctDeny',
  },
  {
    name: 'Principal account root does not cover anonymous',
    bucket: bp({ Sid: 'Acct', Effect: 'Allow', Principal: { AWS: '123456789012' }, Action: 's3:GetObject', Resource: '*' }),
    request: req('s3:GetObject', OBJ, {}, anon),
    decision: 'implicit-deny',
  },
  {
    name: 'Principal user ARN does not match anonymous',
    bucket: bp({ Sid: 'U', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:user/alice' }, Action: 's3:*', Resource: '*' }),
    request: req('s3:GetObject', OBJ, {}, anon),
    decision: 'implicit-deny',
  },
  {
    name: 'NotPrincipal Deny denies everyone but the listed user',
    identity: [idp(allowAllS3)],
    bucket: bp({ Sid: 'OnlyAlice', Effect: 'Deny', NotPrincipal: { AWS: 'arn:aws:iam::123456789012:user/alice' }, Action: 's3:*', Resource: 'arn:aws:s3:::photos/*' }),
    request: req('s3:GetObject', OBJ, {}, bob),
    decision: 'deny',
    sid: 'OnlyAlice',
    by: 'bucket',
  },
  {
    name: 'NotPrincipal Deny spares the listed user',
    identity: [idp(allowAllS3)],
    bucket: bp({ Sid: 'OnlyAlice', Effect: 'Deny', NotPrincipal: { AWS: 'arn:aws:iam::123456789012:user/alice' }, Action: 's3:*', Resource: 'arn:aws:s3:::photos/*' }),
    request: req('s3:GetObject', OBJ, {}, alice),
    decision: 'allow',
    sid: 'AllS3',
    by: 'identity',
  },
  {
    name: 'NotPrincipal Deny applies to anonymous callers',
    bucket: bp(
      { Sid: 'Public', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::photos/*' },
      { Sid: 'OnlyAlice', Effect: 'Deny', NotPrincipal: { AWS: 'AKIAALICE' }, Action: 's3:*', Resource: 'arn:aws:s3:::photos/*' },
    ),
    request: req('s3:GetObject', OBJ, {}, anon),
    decision: 'deny',
    sid: 'OnlyAlice',
  },
  // --- policy variables ---
  {
    name: '${aws:username} confines a user to their home prefix',
    identity: [idp({ Sid: 'Home', Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::home/${aws:username}/*' })],
    request: req('s3:PutObject', 'arn:aws:s3:::home/alice/notes.txt'),
    decision: 'allow',
    sid: 'Home',
  },
  {
    name: "${aws:username} does not open another user's prefix",
    identity: [idp({ Sid: 'Home', Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::home/${aws:username}/*' })],
    request: req('s3:PutObject', 'arn:aws:s3:::home/bob/notes.txt'),
    decision: 'implicit-deny',
  },
  {
    name: 'a substituted username is literal: "*" in a username is no wildcard',
    identity: [idp({ Sid: 'Home', Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::home/${aws:username}/*' })],
    request: req('s3:PutObject', 'arn:aws:s3:::home/bob/x', {}, { accessKeyId: 'K', username: '*', anonymous: false }),
    decision: 'implicit-deny',
  },
  {
    name: '${*} is a literal asterisk in a resource',
    identity: [idp({ Sid: 'Star', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/${*}.txt' })],
    request: req('s3:GetObject', 'arn:aws:s3:::b/*.txt'),
    decision: 'allow',
    sid: 'Star',
  },
  {
    name: '${*} does not act as a wildcard',
    identity: [idp({ Sid: 'Star', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/${*}.txt' })],
    request: req('s3:GetObject', 'arn:aws:s3:::b/x.txt'),
    decision: 'implicit-deny',
  },
  {
    name: '${?} and ${$} are literal',
    identity: [idp({ Sid: 'Esc', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/${?}${$}' })],
    request: req('s3:GetObject', 'arn:aws:s3:::b/?$'),
    decision: 'allow',
    sid: 'Esc',
  },
  {
    name: 'anonymous has no aws:username, so a ${aws:username} resource matches nothing',
    bucket: bp({ Sid: 'Home', Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::home/${aws:username}/*' }),
    request: req('s3:GetObject', 'arn:aws:s3:::home//x', {}, anon),
    decision: 'implicit-deny',
  },
  {
    name: '${aws:SourceIp} variable in a condition value',
    identity: [idp({ Sid: 'V', Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { StringEquals: { 's3:ExistingObjectTag/ip': '${aws:SourceIp}' } } })],
    request: req('s3:GetObject', OBJ, { 'aws:SourceIp': '10.1.2.3', 's3:ExistingObjectTag/ip': '10.1.2.3' }),
    decision: 'allow',
    sid: 'V',
  },
];

describe('policy evaluation table', () => {
  for (const c of cases) {
    it(`${c.name} → ${c.decision}`, () => {
      const r = evaluate({ identityPolicies: c.identity, bucketPolicy: c.bucket, request: c.request });
      expect(r.decision).toBe(c.decision);
      if (c.decision === 'implicit-deny') expect(r.statement).toBeUndefined();
      if (c.sid !== undefined) expect(r.statement?.sid).toBe(c.sid);
      if (c.by !== undefined) expect(r.statement?.policy).toBe(c.by);
    });
  }
});

describe('anonymous requests', () => {
  it('ignore identity policies (no identity): an identity Allow s3:* does not allow anonymous → implicit deny', () => {
    const r = evaluate({ identityPolicies: [idp(allowAllS3)], request: req('s3:GetObject', OBJ, {}, anon) });
    expect(r.decision).toBe('implicit-deny');
  });
});

describe('Version 2008-10-17', () => {
  it('treats ${aws:username} as literal text (no substitution) → implicit deny for alice', () => {
    const p = parsePolicy({ Version: '2008-10-17', Statement: { Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::home/${aws:username}/*' } }, { kind: 'identity' });
    expect(evaluate({ identityPolicies: [p], request: req('s3:GetObject', 'arn:aws:s3:::home/alice/x') }).decision).toBe('implicit-deny');
    expect(evaluate({ identityPolicies: [p], request: req('s3:GetObject', 'arn:aws:s3:::home/${aws:username}/x') }).decision).toBe('allow');
  });
});

describe('CopyObject needs both resources (two evaluate calls)', () => {
  const identity = [
    idp({ Sid: 'ReadSrc', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::src/*' }, { Sid: 'WriteDst', Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::dst/*' }),
  ];
  const copy = (src: string, dst: string) => [
    evaluate({ identityPolicies: identity, request: req('s3:GetObject', src) }).decision,
    evaluate({ identityPolicies: identity, request: req('s3:PutObject', dst) }).decision,
  ];
  it('allowed when the source is readable and the destination writable', () => {
    expect(copy('arn:aws:s3:::src/a', 'arn:aws:s3:::dst/a')).toEqual(['allow', 'allow']);
  });
  it('AccessDenied when the destination is not writable', () => {
    expect(copy('arn:aws:s3:::src/a', 'arn:aws:s3:::src/b')).toEqual(['allow', 'implicit-deny']);
  });
  it('AccessDenied when the source is not readable', () => {
    expect(copy('arn:aws:s3:::dst/a', 'arn:aws:s3:::dst/b')).toEqual(['implicit-deny', 'allow']);
  });
});

describe('explain', () => {
  it('names the deciding Deny statement', () => {
    const r = explain({
      identityPolicies: [idp(allowAllS3)],
      bucketPolicy: bp({ Sid: 'DenyHttp', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      request: req('s3:GetObject', OBJ, { 'aws:SecureTransport': 'false' }),
    });
    expect(r.decision).toBe('deny');
    expect(r.reason).toContain('bucket policy statement 0 (Sid "DenyHttp")');
    expect(r.trace.map((t) => t.outcome)).toEqual(['applies', 'applies']);
  });
  it('lists the unmet condition of an Allow on implicit deny', () => {
    const r = explain({
      identityPolicies: [idp({ Sid: 'Office', Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })],
      request: req('s3:GetObject', OBJ, { 'aws:SourceIp': '192.0.2.1' }),
    });
    expect(r.decision).toBe('implicit-deny');
    expect(r.reason).toContain('IpAddress aws:SourceIp');
    expect(r.trace[0]?.outcome).toBe('condition');
  });
  it('traces why each statement did not apply: principal, action, resource, condition', () => {
    const r = explain({
      bucketPolicy: bp(
        { Effect: 'Allow', Principal: { AWS: 'AKIABOB' }, Action: 's3:*', Resource: '*' },
        { Effect: 'Allow', Principal: '*', Action: 's3:PutObject', Resource: '*' },
        { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::other/*' },
        { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*', Condition: { StringEquals: { 's3:x-amz-acl': 'private' } } },
      ),
      request: req('s3:GetObject', OBJ),
    });
    expect(r.decision).toBe('implicit-deny');
    expect(r.statement).toBeUndefined();
    expect(r.trace.map((t) => t.outcome)).toEqual(['principal', 'action', 'resource', 'condition']);
    expect(r.trace[3]).toMatchObject({ policy: 'bucket', index: 3, sid: undefined, condition: 'StringEquals s3:x-amz-acl' });
    expect(r.reason).toBe(`implicit deny: no statement allows s3:GetObject on ${OBJ}; conditions not met: bucket policy statement 3 StringEquals s3:x-amz-acl`);
  });
  it('agrees with evaluate on allow', () => {
    const input = { identityPolicies: [idp(allowAllS3)], request: req('s3:GetObject', OBJ) };
    const r = explain(input);
    expect({ decision: r.decision, statement: r.statement }).toEqual(evaluate(input));
    expect(r.reason).toMatch(/^allowed by identity policy 0 statement 0 \(Sid "AllS3"\)/);
  });
});

describe('parsePolicy validation', () => {
  const bad = (doc: unknown, kind: 'identity' | 'bucket' = 'identity'): string[] => {
    try {
      parsePolicy(doc, { kind });
    } catch (err) {
      expect(err).toBeInstanceOf(PolicyValidationError);
      return [...(err as PolicyValidationError).problems];
    }
    throw new Error('expected a PolicyValidationError');
  };
  const ok = { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' };
  it('rejects invalid JSON', () => {
    expect(bad('{ nope')[0]).toMatch(/^Policy: not valid JSON/);
  });
  it('rejects a missing Statement', () => {
    expect(bad({ Version: '2012-10-17' })).toEqual(['Statement: must be a statement object or a non-empty array of them']);
  });
  it('rejects an unknown Version', () => {
    expect(bad({ Version: '2020-01-01', Statement: [ok] })).toContain('Version: must be "2012-10-17" or "2008-10-17"');
  });
  it('names the statement index and operator of a StringLike with an object value', () => {
    const problems = bad({ Version: '2012-10-17', Statement: [ok, ok, { ...ok, Condition: { StringLike: { 's3:prefix': { a: 1 } } } }] });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^Statement\[2\]\.Condition\.StringLike: key "s3:prefix"/);
  });
  it('reports every problem, not only the first', () => {
    const problems = bad({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Maybe', Action: 's3:GetObject', Resource: '*' },
        { Effect: 'Allow', Resource: '*' },
        { Effect: 'Allow', Action: 's3:GetObject', Resource: 'photos/*' },
        { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { StringFancy: { 'aws:username': 'a' } } },
        { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { NumericLessThan: { 's3:max-keys': 'ten' } } },
        { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/33' } } },
        { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { DateLessThan: { 'aws:CurrentTime': 'tomorrow' } } },
        { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'yes' } } },
        { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { NullIfExists: { 'aws:username': 'true' } } },
        { ...ok, Colour: 'red' },
      ],
    });
    expect(problems).toEqual([
      'Statement[0].Effect: must be "Allow" or "Deny"',
      'Statement[1]: needs exactly one of Action or NotAction',
      'Statement[2].Resource: "photos/*" is not "*" or an ARN',
      'Statement[3].Condition.StringFancy: unknown condition operator',
      'Statement[4].Condition.NumericLessThan: key "s3:max-keys": "ten" is not a number',
      'Statement[5].Condition.IpAddress: key "aws:SourceIp": "10.0.0.0/33" is not an IPv4/IPv6 address or CIDR',
      'Statement[6].Condition.DateLessThan: key "aws:CurrentTime": "tomorrow" is not an ISO 8601 date or epoch seconds',
      'Statement[7].Condition.Bool: key "aws:SecureTransport": "yes" is not true or false',
      'Statement[8].Condition.NullIfExists: unknown condition operator',
      'Statement[9]: unknown field "Colour"',
    ]);
  });
  it('rejects Principal in an identity policy', () => {
    expect(bad({ Statement: [{ ...ok, Principal: '*' }] })).toEqual(['Statement[0].Principal: not allowed in an identity policy']);
  });
  it('requires Principal or NotPrincipal in a bucket policy', () => {
    expect(bad({ Statement: [ok] }, 'bucket')).toEqual(['Statement[0]: a bucket policy statement needs exactly one of Principal or NotPrincipal']);
  });
  it('rejects non-AWS principal types and wildcards inside ARNs', () => {
    expect(
      bad(
        {
          Statement: [
            { ...ok, Principal: { Service: 'x' } },
            { ...ok, Principal: { AWS: 'arn:aws:iam::*:user/a*' } },
          ],
        },
        'bucket',
      ),
    ).toEqual([
      'Statement[0].Principal: unsupported principal type "Service" (only "AWS" and "CanonicalUser")',
      'Statement[1].Principal.AWS: wildcards are not allowed in "arn:aws:iam::*:user/a*" (use "*" alone)',
    ]);
  });
  it('rejects NotPrincipal with Allow and duplicate Sids', () => {
    expect(
      bad(
        {
          Statement: [
            { ...ok, Sid: 'x', NotPrincipal: { AWS: 'AKIA1' } },
            { ...ok, Sid: 'x', Principal: '*' },
          ],
        },
        'bucket',
      ),
    ).toEqual(['Statement[0].NotPrincipal: only allowed with "Effect": "Deny"', 'Statement[1].Sid: duplicate Sid "x"']);
  });
  it('with { bucket }, rejects bucket policy resources outside that bucket (MalformedPolicy)', () => {
    const doc = {
      Statement: [
        { ...ok, Principal: '*', Resource: ['arn:aws:s3:::photos', 'arn:aws:s3:::photos/*', '*'] },
        { ...ok, Principal: '*', Resource: 'arn:aws:s3:::photosx/*' },
        { Effect: 'Deny', Action: 's3:*', Principal: '*', NotResource: 'arn:aws:s3:::other' },
      ],
    };
    expect(parsePolicy(doc, { kind: 'bucket' }).statements).toHaveLength(3);
    let caught: unknown;
    try {
      parsePolicy(doc, { kind: 'bucket', bucket: 'photos' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PolicyValidationError);
    expect((caught as PolicyValidationError).code).toBe('MalformedPolicy');
    expect((caught as PolicyValidationError).problems).toEqual([
      'Statement[1].Resource: "arn:aws:s3:::photosx/*" is not in bucket "photos"',
      'Statement[2].NotResource: "arn:aws:s3:::other" is not in bucket "photos"',
    ]);
  });
  it('accepts a single statement object and numbers/booleans as condition values', () => {
    const p = parsePolicy({ Version: '2012-10-17', Statement: { ...ok, Condition: { NumericLessThanEquals: { 's3:max-keys': 10 }, Bool: { 'aws:SecureTransport': true } } } }, { kind: 'identity' });
    expect(p.statements).toHaveLength(1);
    expect(p.statements[0]?.conditions.map((c) => c.values)).toEqual([['10'], ['true']]);
  });
});
