import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile, validateConfig } from '../src/config.js';
import { explainGateway, formatExplanation, parseContext, queryFromSearch } from '../src/explain.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3kit-gwpol-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const V = '2012-10-17';
const upstreams = { default: { type: 'local', dir: './data' } };
const allowAll = { Sid: 'All', Effect: 'Allow', Action: 's3:*', Resource: '*' };
const withPolicies = (policies: unknown[]) => ({ identities: [{ name: 'alice', accessKeyId: 'AKALICE', secretAccessKey: 's', policies }], upstreams });

describe('policies and buckets in the config', () => {
  it('reads identities[].policies (allow optional then), buckets.<name>.policy and buckets.<name>.cors', () => {
    const c = validateConfig(
      {
        ...withPolicies([{ Version: V, Statement: [allowAll] }, JSON.stringify({ Version: V, Statement: allowAll })]),
        buckets: {
          photos: {
            policy: { Version: V, Statement: [{ Sid: 'Pub', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::photos/public/*' }] },
            cors: [{ id: 'web', allowedOrigins: ['https://app.example'], allowedMethods: ['GET', 'POST'], allowedHeaders: ['*'], exposeHeaders: ['ETag'], maxAgeSeconds: 600 }],
          },
          docs: { cors: [{ allowedOrigins: ['*'], allowedMethods: ['GET'] }] },
        },
      },
      'gw.yaml',
    );
    expect(c.identities[0]).not.toHaveProperty('allow');
    expect(c.identities[0]!.policies).toHaveLength(2);
    expect(Object.keys(c.bucketPolicies)).toEqual(['photos']);
    expect(c.cors).toEqual({
      photos: [{ id: 'web', allowedOrigins: ['https://app.example'], allowedMethods: ['GET', 'POST'], allowedHeaders: ['*'], exposeHeaders: ['ETag'], maxAgeSeconds: 600 }],
      docs: [{ allowedOrigins: ['*'], allowedMethods: ['GET'] }],
    });
  });

  it.each([
    [
      withPolicies([
        { Version: V, Statement: [allowAll] },
        {
          Version: V,
          Statement: [
            { Effect: 'Allow', Action: 's3:List*', Resource: '*' },
            { Effect: 'Allow', Action: 's3:Get*', Resource: '*' },
            { Effect: 'Permit', Action: 's3:*', Resource: '*' },
          ],
        },
      ]),
      'gw.yaml: identities[0].policies[1].Statement[2].Effect: must be "Allow" or "Deny"',
    ],
    [
      withPolicies([{ Version: V, Statement: [{ Sid: 'P', Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }] }]),
      'gw.yaml: identities[0].policies[0].Statement[0].Principal: not allowed in an identity policy',
    ],
    [
      withPolicies([{ Version: V, Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { StringLikeish: { 's3:prefix': 'a' } } }] }]),
      'gw.yaml: identities[0].policies[0].Statement[0].Condition.StringLikeish: unknown condition operator',
    ],
    [withPolicies(['{not json']), 'gw.yaml: identities[0].policies[0]: not valid JSON'],
    [{ identities: [{ accessKeyId: 'A', secretAccessKey: 's' }], upstreams }, 'gw.yaml: identities[0].allow: must be a list (missing)'],
    [
      { ...withPolicies([]), buckets: { photos: { policy: { Version: V, Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::photos/*' }] } } } },
      'gw.yaml: buckets.photos.policy.Statement[0]: a bucket policy statement needs exactly one of Principal or NotPrincipal',
    ],
    [
      { ...withPolicies([]), buckets: { photos: { policy: { Version: V, Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::other/*' }] } } } },
      'gw.yaml: buckets.photos.policy.Statement[0].Resource: "arn:aws:s3:::other/*" is not in bucket "photos"',
    ],
    [
      {
        ...withPolicies([]),
        buckets: {
          big: {
            policy: {
              Version: V,
              Statement: Array.from({ length: 200 }, (_, i) => ({ Sid: `S${i}`, Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::big/some-longer-prefix-${i}/*` })),
            },
          },
        },
      },
      'gw.yaml: buckets.big.policy: ',
    ],
    [
      { ...withPolicies([]), buckets: { photos: { cors: [{ allowedOrigins: ['*'], allowedMethods: ['PATCH'] }] } } },
      'gw.yaml: buckets.photos.cors[0].allowedMethods[0]: must be one of GET, PUT, POST, DELETE, HEAD (got "PATCH")',
    ],
    [{ ...withPolicies([]), buckets: { photos: { cors: [{ allowedMethods: ['GET'] }] } } }, 'gw.yaml: buckets.photos.cors[0].allowedOrigins: must be a list (missing)'],
    [{ ...withPolicies([]), buckets: { photos: { acl: 'private' } } }, 'gw.yaml: buckets.photos.acl: unknown field'],
  ])('names the file, the field and the statement index (%#)', (doc, message) => {
    expect(() => validateConfig(doc, 'gw.yaml')).toThrow(ConfigError);
    expect(() => validateConfig(doc, 'gw.yaml')).toThrow(message);
  });

  it('reports every problem of a policy, the first one as the field', () => {
    const doc = withPolicies([{ Version: V, Statement: [{ Effect: 'Maybe', Action: 'GetObject', Resource: '*' }] }]);
    expect(() => validateConfig(doc, 'gw.yaml')).toThrow(
      'gw.yaml: identities[0].policies[0].Statement[0].Effect: must be "Allow" or "Deny" (and 1 more: identities[0].policies[0].Statement[0].Action: "GetObject" is not "*" or "service:Action")',
    );
  });
});

describe('explain from a config file', () => {
  it('answers with the decision and the deciding statement (YAML config, identity by name or key)', async () => {
    const file = join(dir, 'gw.yaml');
    await writeFile(
      file,
      [
        'identities:',
        '  - name: alice',
        '    accessKeyId: AKALICE',
        '    secretAccessKey: s',
        '    allow: [{ bucket: photos, access: read }]',
        '    policies:',
        `      - { Version: "${V}", Statement: [{ Sid: NoSecrets, Effect: Deny, Action: "s3:GetObject", Resource: "arn:aws:s3:::photos/secret/*" }] }`,
        'buckets:',
        `  photos: { policy: { Version: "${V}", Statement: [{ Sid: Pub, Effect: Allow, Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::photos/public/*" }] } }`,
        'upstreams: { default: { type: local, dir: ./d } }',
      ].join('\n'),
    );
    const gw = explainGateway(loadConfigFile(file));
    const deny = gw.explain({ identity: 'alice', action: 's3:GetObject', bucket: 'photos', key: 'secret/x' });
    expect(deny.decision).toBe('deny');
    const text = formatExplanation(deny);
    expect(text).toContain('decision: deny');
    expect(text).toContain('deciding statement: identity policy policies[0] statement 0 (Sid "NoSecrets")');
    expect(gw.explain({ identity: 'AKALICE', operation: 'GetObject', bucket: 'photos', key: 'a' }).statement?.source).toBe('allow');
    expect(gw.explain({ action: 's3:GetObject', bucket: 'photos', key: 'public/a' }).statement?.description).toBe('bucket policy of photos statement 0 (Sid "Pub")');
    expect(gw.explain({ action: 's3:GetObject', bucket: 'photos', key: 'other' }).decision).toBe('implicit-deny');
  });

  it('parses --context k=v (repeated keys become lists) and admin query parameters', () => {
    expect(parseContext(['aws:SourceIp=10.0.0.1', 's3:RequestObjectTagKeys=a', 's3:RequestObjectTagKeys=b'])).toEqual({ 'aws:SourceIp': '10.0.0.1', 's3:RequestObjectTagKeys': ['a', 'b'] });
    expect(() => parseContext(['novalue'])).toThrow(/key=value/);
    expect(queryFromSearch(new URLSearchParams('identity=alice&operation=GetObject&bucket=b&key=k&context=s3:prefix%3Dx'))).toEqual({
      identity: 'alice',
      action: undefined,
      operation: 'GetObject',
      bucket: 'b',
      key: 'k',
      context: { 's3:prefix': 'x' },
    });
  });
});
