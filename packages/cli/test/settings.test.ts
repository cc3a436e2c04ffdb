// tag (objects, versions, buckets), version (enable/suspend/info) and policy (canned access per
// prefix checked with anonymous requests, get/set from a file, list), through the binary against
// both upstream kinds.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bucketName, gatewayServer, reason, rgw, rgwServer, type Server } from './cli.js';
import { lines, session } from './session.js';

function suite(kind: string, start: () => Promise<Server>): void {
  const bucket = bucketName(`set-${kind}`);
  const pb = `${bucket}-pol`;
  const s = session(start, [bucket, pb]);

  it('tag set/list/remove on an object and on a bucket; --json', async () => {
    expect((await s.run('mb', `t/${bucket}`)).code).toBe(0);
    await s.server.s3.putObject(bucket, 'k.txt', 'x');
    const set = await s.run('tag', 'set', `t/${bucket}/k.txt`, 'env=prod&team=s3');
    expect([set.code, set.stdout]).toEqual([0, `Tags set on t/${bucket}/k.txt\n`]);
    expect((await s.run('tag', 'list', `t/${bucket}/k.txt`)).stdout).toBe('env=prod\nteam=s3\n');
    expect(JSON.parse((await s.run('tag', 'ls', '--json', `t/${bucket}/k.txt`)).stdout)).toEqual({ target: `t/${bucket}/k.txt`, tags: { env: 'prod', team: 's3' } });
    expect(await s.server.s3.getObjectTags(bucket, 'k.txt')).toEqual({ env: 'prod', team: 's3' });
    expect((await s.run('tag', 'remove', `t/${bucket}/k.txt`)).code).toBe(0);
    expect((await s.run('tag', 'list', `t/${bucket}/k.txt`)).stdout).toBe('');

    expect((await s.run('tag', 'list', `t/${bucket}`)).stdout).toBe('');
    expect((await s.run('tag', 'set', '-q', `t/${bucket}`, 'owner=me')).stdout).toBe('');
    expect((await s.run('tag', 'list', `t/${bucket}`)).stdout).toBe('owner=me\n');
    expect((await s.run('tag', 'rm', `t/${bucket}`)).stdout).toBe(`Tags removed from t/${bucket}\n`);
    expect(JSON.parse((await s.run('tag', 'list', '--json', `t/${bucket}`)).stdout)).toEqual({ target: `t/${bucket}`, tags: {} });
  });

  it('tag errors: NoSuchKey, a pair without =, an unknown subcommand', async () => {
    const missing = await s.run('tag', 'set', `t/${bucket}/nope`, 'a=b');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^s3kit: NoSuchKey: [^\n]*\n$/);
    const pair = await s.run('tag', 'set', `t/${bucket}/k.txt`, 'novalue');
    expect([pair.code, pair.stderr]).toEqual([2, 's3kit: UsageError: --tags: expected key=value, got novalue\n']);
    const sub = await s.run('tag', 'add', `t/${bucket}/k.txt`);
    expect(sub.code).toBe(2);
    expect(sub.stderr).toMatch(/^s3kit: UsageError: tag: expected set, list, remove /);
  });

  it('version enable/suspend/info; tags of one version with --version-id', async () => {
    expect((await s.run('version', 'info', `t/${bucket}`)).stdout).toBe(`t/${bucket} versioning is Off\n`);
    expect((await s.run('version', 'enable', `t/${bucket}`)).stdout).toBe(`t/${bucket} versioning is Enabled\n`);
    expect(JSON.parse((await s.run('version', 'info', '--json', `t/${bucket}`)).stdout)).toMatchObject({ bucket, status: 'Enabled' });
    // RGW can answer a PUT made just after enabling versioning without a version id (its bucket
    // info cache): write until the first versioned object exists, for at most ~5 s.
    let v1: string | undefined;
    for (let i = 0; i < 25 && !v1; i++) {
      v1 = (await s.server.s3.putObject(bucket, 'v.txt', 'one')).versionId ?? undefined;
      if (!v1 || v1 === 'null') {
        v1 = undefined;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    if (!v1) throw new Error('no version id after enabling versioning');
    await s.server.s3.putObject(bucket, 'v.txt', 'two');
    expect((await s.run('tag', 'set', `--version-id=${v1}`, `t/${bucket}/v.txt`, 'old=yes')).code).toBe(0);
    expect((await s.run('tag', 'list', `--version-id=${v1}`, `t/${bucket}/v.txt`)).stdout).toBe('old=yes\n');
    expect((await s.run('tag', 'list', `t/${bucket}/v.txt`)).stdout).toBe('');
    expect(JSON.parse((await s.run('version', 'suspend', '--json', `t/${bucket}`)).stdout)).toEqual({ status: 'success', bucket, versioning: 'Suspended' });
    expect((await s.run('version', 'info', `t/${bucket}`)).stdout).toBe(`t/${bucket} versioning is Suspended\n`);
    const missing = await s.run('version', 'enable', `t/${bucket}-missing`);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^s3kit: NoSuchBucket: [^\n]*\n$/);
  });

  it('policy set canned access per prefix, checked anonymously; list; get; none removes it', async () => {
    const anon = (method: string, path: string, body?: string) => fetch(`${s.server.endpoint}/${pb}/${path}`, { method, ...(body === undefined ? {} : { body }) });
    expect((await s.run('mb', `t/${pb}`)).code).toBe(0);
    for (const k of ['pub/a.txt', 'priv/b.txt']) await s.server.s3.putObject(pb, k, k);
    expect((await s.run('policy', 'list', `t/${pb}`)).stdout).toBe('');
    const none = await s.run('policy', 'get', `t/${pb}`);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^s3kit: NoSuchBucketPolicy: [^\n]*\n$/);
    expect((await anon('GET', 'pub/a.txt')).status).toBe(403);

    expect((await s.run('policy', 'set', 'download', `t/${pb}/pub/`)).stdout).toBe(`Access of t/${pb}/pub/ set to download\n`);
    expect(await (await anon('GET', 'pub/a.txt')).text()).toBe('pub/a.txt');
    expect((await anon('GET', 'priv/b.txt')).status).toBe(403);
    expect((await anon('PUT', 'pub/new.txt', 'x')).status).toBe(403);
    expect((await fetch(`${s.server.endpoint}/${pb}?list-type=2&prefix=pub/`)).status).toBe(200);
    expect((await fetch(`${s.server.endpoint}/${pb}?list-type=2&prefix=priv/`)).status).toBe(403);

    expect((await s.run('policy', 'set', 'upload', `t/${pb}/drop/`)).code).toBe(0);
    expect((await anon('PUT', 'drop/in.txt', 'dropped')).status).toBe(200);
    expect((await anon('GET', 'drop/in.txt')).status).toBe(403);
    expect(await s.server.s3.getObject(pb, 'drop/in.txt').then((o) => o.text())).toBe('dropped');
    expect((await s.run('policy', 'set', 'public', `t/${pb}/both/`)).code).toBe(0);
    expect((await anon('PUT', 'both/x.txt', 'rw')).status).toBe(200);
    expect(await (await anon('GET', 'both/x.txt')).text()).toBe('rw');
    expect(lines(await s.run('policy', 'list', `t/${pb}`))).toEqual([`t/${pb}/both/*  public`, `t/${pb}/drop/*  upload`, `t/${pb}/pub/*  download`]);
    expect(lines(await s.run('policy', 'list', '--json', `t/${pb}`)).map((l) => JSON.parse(l))[0]).toEqual({ bucket: pb, prefix: 'both/', access: 'public' });

    const doc = await s.run('policy', 'get', `t/${pb}`);
    expect(JSON.parse(doc.stdout)).toMatchObject({ Version: '2012-10-17', Statement: expect.any(Array) });
    const file = join(s.home.dir, 'policy.json');
    await writeFile(file, doc.stdout);
    for (const p of ['pub/', 'drop/', 'both/']) expect((await s.run('policy', 'set', 'none', `t/${pb}/${p}`)).code).toBe(0);
    expect((await s.run('policy', 'get', `t/${pb}`)).stderr).toMatch(/^s3kit: NoSuchBucketPolicy: /);
    expect((await anon('GET', 'pub/a.txt')).status).toBe(403);

    expect((await s.run('policy', 'set', file, `t/${pb}`)).stdout).toBe(`Policy of t/${pb} set from ${file}\n`);
    expect(lines(await s.run('policy', 'list', `t/${pb}`))).toHaveLength(3);
    expect((await anon('GET', 'pub/a.txt')).status).toBe(200);
    const prefixed = await s.run('policy', 'set', file, `t/${pb}/pub/`);
    expect(prefixed.code).toBe(2);
    expect(prefixed.stderr).toMatch(/^s3kit: UsageError: policy set: a policy file applies to a whole bucket/);
    const bad = join(s.home.dir, 'bad.json');
    await writeFile(bad, '{"Statement": "nope"');
    const malformed = await s.run('policy', 'set', bad, `t/${pb}`);
    expect(malformed.code).toBe(1);
    // RGW 16.2 answers InvalidArgument where S3 says MalformedPolicy.
    expect(malformed.stderr).toMatch(kind === 'rgw' ? /^s3kit: InvalidArgument: [^\n]*\n$/ : /^s3kit: MalformedPolicy: [^\n]*\n$/);
  });
}

describe('s3kit tag, version, policy through the gateway on the embedded store', () => suite('gw', gatewayServer));
describe.skipIf(!rgw)(`s3kit tag, version, policy against Ceph RGW ${reason}`, () => suite('rgw', async () => rgwServer()));
