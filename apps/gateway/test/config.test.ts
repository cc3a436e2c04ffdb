import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, applyOverrides, devConfig, loadConfigFile, validateConfig } from '../src/config.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3kit-gwcfg-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const minimal = {
  identities: [{ accessKeyId: 'AK1', secretAccessKey: 's1', allow: [{ bucket: '*', access: 'readwrite' }] }],
  upstreams: { default: { type: 'local', dir: './data' } },
};

describe('validateConfig', () => {
  it('fills defaults: 127.0.0.1:9000, admin 9001, us-east-1, limits', () => {
    const c = validateConfig(minimal, 'x.yaml', '/base');
    expect(c.listen).toEqual({ host: '127.0.0.1', port: 9000 });
    expect(c.admin).toEqual({ host: '127.0.0.1', port: 9001 });
    expect(c.region).toBe('us-east-1');
    expect(c.upstreams['default']).toEqual({ type: 'local', dir: '/base/data', fsync: true, bucketMappings: [] });
    expect(c.limits.maxConcurrentRequests).toBe(1024);
  });

  it('reads bucketMappings (client bucket → upstream bucket and key prefix) on local and s3 upstreams', () => {
    const c = validateConfig(
      {
        ...minimal,
        upstreams: {
          default: { type: 'local', dir: './data', bucketMappings: [{ bucket: 'tenant', upstreamBucket: 'real', prefix: 'tenant-a/' }] },
          rgw: { type: 's3', endpoint: 'http://127.0.0.1:7480', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, bucketMappings: [{ bucket: 'photos', upstreamBucket: 'prod-photos' }] },
        },
      },
      'x.yaml',
      '/base',
    );
    expect(c.upstreams['default']).toMatchObject({ bucketMappings: [{ bucket: 'tenant', upstreamBucket: 'real', prefix: 'tenant-a/' }] });
    expect(c.upstreams['rgw']).toMatchObject({ bucketMappings: [{ bucket: 'photos', upstreamBucket: 'prod-photos' }] });
  });

  it("reads an identity's account (absent: the default account)", () => {
    const c = validateConfig(
      {
        ...minimal,
        identities: [
          { ...minimal.identities[0], account: 'team-a' },
          { accessKeyId: 'AK2', secretAccessKey: 's2', allow: [] },
        ],
      },
      'x.yaml',
    );
    expect(c.identities[0]).toMatchObject({ account: 'team-a' });
    expect(c.identities[1]!.account).toBeUndefined();
  });

  it.each([
    [{ ...minimal, identities: [{ ...minimal.identities[0], allow: [{ bucket: 'b', access: 'rw' }] }] }, 'x.yaml: identities[0].allow[0].access: must be one of read, write, readwrite (got "rw")'],
    [{ ...minimal, identities: [{ accessKeyId: 'AK1', allow: [] }] }, 'x.yaml: identities[0].secretAccessKey: must be a non-empty string (missing)'],
    [{ ...minimal, listen: { port: 70000 } }, 'x.yaml: listen.port: must be an integer from 0 to 65535 (got 70000)'],
    [{ ...minimal, colour: 'blue' }, 'x.yaml: colour: unknown field'],
    [{ ...minimal, upstreams: { default: { type: 'ftp' } } }, 'x.yaml: upstreams.default.type: must be local or s3 (got "ftp")'],
    [
      { ...minimal, upstreams: { default: { type: 's3', endpoint: 'localhost:9000', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } } } },
      'x.yaml: upstreams.default.endpoint: must be http(s)://host[:port]',
    ],
    [{ ...minimal, identities: [{ ...minimal.identities[0], upstream: 'rgw' }] }, 'x.yaml: identities[0].upstream: no upstream named "rgw"'],
    [{ ...minimal, identities: [minimal.identities[0], minimal.identities[0]] }, 'x.yaml: identities[1].accessKeyId: duplicate access key AK1'],
    [{ ...minimal, identities: [{ ...minimal.identities[0], account: 'a:b' }] }, "x.yaml: identities[0].account: must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"],
    [
      { ...minimal, upstreams: { default: { type: 'local', dir: './d', bucketMappings: [{ bucket: 't' }, { bucket: 't' }] } } },
      'x.yaml: upstreams.default.bucketMappings[1].bucket: t is mapped twice',
    ],
    [
      { ...minimal, upstreams: { default: { type: 'local', dir: './d', bucketMappings: [{ bucket: 't', prefix: '/a/' }] } } },
      'x.yaml: upstreams.default.bucketMappings[0].prefix: must not start with "/"',
    ],
    [{ ...minimal, upstreams: { default: { type: 'local', dir: './d', bucketMappings: [{ bucket: 't', prefx: 'a/' }] } } }, 'x.yaml: upstreams.default.bucketMappings[0].prefx: unknown field'],
  ])('points at the bad field (%#)', (doc, message) => {
    expect(() => validateConfig(doc, 'x.yaml')).toThrow(ConfigError);
    expect(() => validateConfig(doc, 'x.yaml')).toThrow(message);
  });
  it("reads an s3 upstream's profile.unsupported (catalogue operation names), naming a bad entry", () => {
    const s3 = { type: 's3', endpoint: 'http://127.0.0.1:7480', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } };
    const c = validateConfig({ ...minimal, upstreams: { default: { ...s3, profile: { checksumHeaders: false, unsupported: ['DeleteBucketEncryption', 'GetBucketOwnershipControls'] } } } }, 'x.yaml');
    expect(c.upstreams['default']).toMatchObject({
      profile: { checksumHeaders: false, signPayloadHash: true, trailers: false, unsupported: ['DeleteBucketEncryption', 'GetBucketOwnershipControls'] },
    });
    expect(validateConfig({ ...minimal, upstreams: { default: s3 } }, 'x.yaml').upstreams['default']).toMatchObject({ profile: { unsupported: [], minioExtensions: false } });
    expect(validateConfig({ ...minimal, upstreams: { default: { ...s3, profile: { minioExtensions: true } } } }, 'x.yaml').upstreams['default']).toMatchObject({ profile: { minioExtensions: true } });
    expect(() => validateConfig({ ...minimal, upstreams: { default: { ...s3, profile: { unsupported: ['DeleteBucketEncryption', 'DeleteBucketAccelerate'] } } } }, 'x.yaml')).toThrow(
      'x.yaml: upstreams.default.profile.unsupported[1]: must be an S3 operation name such as DeleteBucketEncryption (got "DeleteBucketAccelerate")',
    );
    expect(() => validateConfig({ ...minimal, upstreams: { default: { ...s3, profile: { unsupported: 'DeleteBucketEncryption' } } } }, 'x.yaml')).toThrow(
      'x.yaml: upstreams.default.profile.unsupported: must be a list',
    );
  });
});

describe('loadConfigFile', () => {
  it("reads bucketConfig (defaults: writes on, 5 s staleness) and an s3 upstream's configStore, naming bad fields", () => {
    expect(validateConfig(minimal, 'x.yaml').bucketConfig).toEqual({ writes: true, maxStalenessMs: 5000 });
    const s3 = { type: 's3', endpoint: 'http://127.0.0.1:7480', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } };
    const c = validateConfig({ ...minimal, bucketConfig: { writes: false, maxStalenessMs: 250 }, upstreams: { default: { ...s3, configStore: { bucket: 'gw-config', prefix: 'a/' } } } }, 'x.yaml');
    expect(c.bucketConfig).toEqual({ writes: false, maxStalenessMs: 250 });
    expect(c.upstreams['default']).toMatchObject({ configStore: { bucket: 'gw-config', prefix: 'a/' } });
    expect(() => validateConfig({ ...minimal, upstreams: { default: { ...s3, configStore: { bucket: 'Bad_Name' } } } }, 'x.yaml')).toThrow(
      'x.yaml: upstreams.default.configStore.bucket: must be a bucket name',
    );
    expect(() => validateConfig({ ...minimal, bucketConfig: { maxStalenessMs: -1 } }, 'x.yaml')).toThrow('bucketConfig.maxStalenessMs');
  });

  it('reads YAML and JSON alike', async () => {
    await writeFile(
      join(dir, 'gw.yaml'),
      'listen: { port: 0 }\nidentities:\n  - accessKeyId: AK1\n    secretAccessKey: s1\n    allow: [{ bucket: photos, access: read }]\nupstreams:\n  default: { type: local, dir: ./store, fsync: false }\n',
    );
    await writeFile(join(dir, 'gw.json'), JSON.stringify({ ...minimal, listen: { port: 0 } }));
    const y = loadConfigFile(join(dir, 'gw.yaml'));
    expect(y.identities[0]!.allow).toEqual([{ bucket: 'photos', access: 'read' }]);
    expect(y.upstreams['default']).toEqual({ type: 'local', dir: join(dir, 'store'), fsync: false, bucketMappings: [] });
    expect(loadConfigFile(join(dir, 'gw.json')).identities[0]!.accessKeyId).toBe('AK1');
  });

  it('names the file and the YAML error position for a syntax error', async () => {
    await writeFile(join(dir, 'bad.yaml'), 'identities: [\n');
    expect(() => loadConfigFile(join(dir, 'bad.yaml'))).toThrow(/bad\.yaml: not valid YAML/);
  });
});

describe('devConfig and overrides', () => {
  it('generates development keys once and keeps them in the data dir', () => {
    const a = devConfig(join(dir, 'dev'));
    const b = devConfig(join(dir, 'dev'));
    expect(a.devKeys).toBe(true);
    expect(a.identities[0]!.accessKeyId).toMatch(/^S3KIT[0-9A-F]{15}$/);
    expect(b.identities[0]).toEqual(a.identities[0]);
    expect(a.upstreams['default']).toMatchObject({ type: 'local', dir: join(dir, 'dev', 'store') });
  });

  it('applies flag/env overrides and validates them', () => {
    const c = applyOverrides(validateConfig(minimal, 'x'), { port: 0, adminPort: -1, logLevel: 'warn' });
    expect(c.listen.port).toBe(0);
    expect(c.admin).toBeNull();
    expect(c.log.level).toBe('warn');
    expect(() => applyOverrides(c, { logLevel: 'loud' })).toThrow('--log-level: must be one of');
  });
});
