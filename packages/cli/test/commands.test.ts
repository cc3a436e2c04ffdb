// The binary against both upstream kinds, same assertions: aliases, mb/ls/cp up and down a tree
// (checksums compared), S3 → S3 copy, a multipart upload, versions, rm -r, rb --force, error lines,
// and Ctrl-C during a large upload leaving no multipart upload behind.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketName, cleanBucket, gatewayServer, Home, reason, rgw, rgwServer, treeHashes, type Server } from './cli.js';

const MiB = 1024 * 1024;

/** A tree of small files, nested, with a space and non-ASCII names. */
async function makeTree(dir: string): Promise<void> {
  const names = ['a.txt', 'b.json', 'deep/c.csv', 'deep/er/d.bin', 'with space.txt', 'ünï/çødé.md'];
  for (let i = 0; i < 24; i++) names.push(`many/file-${String(i).padStart(2, '0')}.dat`);
  for (const [i, n] of names.entries()) {
    await mkdir(join(dir, n, '..'), { recursive: true });
    await writeFile(join(dir, n), randomBytes(i * 997 + 1));
  }
}

function suite(kind: string, start: () => Promise<Server>): void {
  let server: Server;
  let home: Home;
  const bucket = bucketName(kind);
  const run = (...args: string[]) => home.run(args);

  beforeAll(async () => {
    server = await start();
    home = await Home.create();
    const r = await run('alias', 'set', 't', server.endpoint, server.accessKey, server.secretKey, '--region', 'us-east-1');
    expect(r.code, r.stderr).toBe(0);
  });
  afterAll(async () => {
    await cleanBucket(server.s3, bucket);
    await server.close();
    await home.close();
  });

  it('mb creates a bucket that ls lists', async () => {
    expect((await run('mb', `t/${bucket}`)).stdout).toBe(`Bucket created: t/${bucket}\n`);
    const ls = await run('ls', '--json', 't');
    expect(ls.code).toBe(0);
    expect(
      ls.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l).name),
    ).toContain(bucket);
    expect((await run('mb', '-p', `t/${bucket}`)).code).toBe(0);
  });

  it('cp -r uploads a tree and downloads it back byte for byte', async () => {
    const src = join(home.dir, 'tree');
    await makeTree(src);
    const up = await run('cp', '-r', src, `t/${bucket}/tree/`);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout.split('\n').filter(Boolean)).toHaveLength(30);
    const ls = await run('ls', '-r', '--json', `t/${bucket}/tree/`);
    const listed = ls.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { key: string; size: number });
    expect(listed.map((o) => o.key).sort()).toEqual(
      Object.keys(await treeHashes(src))
        .map((k) => `tree/${k}`)
        .sort(),
    );
    const total = listed.reduce((n, o) => n + o.size, 0);
    expect(JSON.parse((await run('du', '--json', `t/${bucket}/tree/`)).stdout)).toEqual({ prefix: `t/${bucket}/tree/`, objects: 30, size: total });
    const top = await run('ls', `t/${bucket}/tree/`);
    expect(top.stdout).toMatch(/PRE {2}tree\/deep\/\n/);
    expect(top.stdout).toMatch(/ tree\/with space\.txt\n/);
    const dst = join(home.dir, 'back');
    const down = await run('cp', '-r', '--json', `t/${bucket}/tree`, dst);
    expect(down.code, down.stderr).toBe(0);
    expect(JSON.parse(down.stdout.split('\n')[0]!)).toMatchObject({ status: 'success' });
    expect(await treeHashes(dst)).toEqual(await treeHashes(src));
  });

  it('cp sets the content type from the extension, --attr metadata and --tags', async () => {
    const file = join(home.dir, 'tree', 'b.json');
    const r = await run('cp', '--attr', 'owner=me;team=s3', '--tags', 'env=test', file, `t/${bucket}/meta/b.json`);
    expect(r.code, r.stderr).toBe(0);
    const st = JSON.parse((await run('stat', '--json', `t/${bucket}/meta/b.json`)).stdout);
    expect(st).toMatchObject({ key: 'meta/b.json', size: (await stat(file)).size, contentType: 'application/json', metadata: { owner: 'me', team: 's3' } });
    expect(await server.s3.getObjectTags(bucket, 'meta/b.json')).toEqual({ env: 'test' });
    expect((await run('stat', `t/${bucket}/meta/b.json`)).stdout).toMatch(/^Type {8}: application\/json$/m);
  });

  it('cp copies S3 → S3 on the server, one object and a prefix', async () => {
    const one = await run('cp', `t/${bucket}/tree/a.txt`, `t/${bucket}/copy/a.txt`);
    expect(one.code, one.stderr).toBe(0);
    const cat = await home.spawn(['cat', `t/${bucket}/copy/a.txt`]).result;
    expect(Buffer.from(cat.stdout, 'latin1')).toHaveLength((await stat(join(home.dir, 'tree', 'a.txt'))).size);
    const tree = await run('cp', '-r', `t/${bucket}/tree/deep`, `t/${bucket}/copy/deep`);
    expect(tree.code, tree.stderr).toBe(0);
    const keys = (await run('ls', '-r', `t/${bucket}/copy/`)).stdout;
    expect(keys).toMatch(/copy\/deep\/c\.csv/);
    expect(keys).toMatch(/copy\/deep\/er\/d\.bin/);
  });

  it('cp uploads a 20 MiB file in 5 MiB parts and downloads it intact', async () => {
    const big = join(home.dir, 'big.bin');
    const data = randomBytes(20 * MiB);
    await writeFile(big, data);
    const up = await run('cp', '--part-size', '5MiB', '--concurrency', '2', '--json', big, `t/${bucket}/big.bin`);
    expect(up.code, up.stderr).toBe(0);
    expect(JSON.parse(up.stdout)).toMatchObject({ status: 'success', size: 20 * MiB });
    expect(JSON.parse(up.stdout).etag).toMatch(/-4$/);
    const back = join(home.dir, 'big.back');
    expect((await run('cp', `t/${bucket}/big.bin`, back)).code).toBe(0);
    expect((await readFile(back)).equals(data)).toBe(true);
  });

  it('rm removes a key, rm -r a prefix', async () => {
    expect((await run('rm', `t/${bucket}/copy/a.txt`)).stdout).toBe(`Removed t/${bucket}/copy/a.txt\n`);
    const r = await run('rm', '-r', `t/${bucket}/copy/`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(2);
    expect((await run('ls', '-r', `t/${bucket}/copy/`)).stdout).toBe('');
  });

  it('mirror uploads what changed, a second run nothing; --dry-run and --delete; mirror down likewise', async () => {
    const src = join(home.dir, 'tree');
    const lines = (r: { stdout: string }) => r.stdout.split('\n').filter(Boolean);
    const first = await run('mirror', src, `t/${bucket}/m`);
    expect(first.code, first.stderr).toBe(0);
    expect(lines(first)).toHaveLength(30);
    const again = await run('mirror', '--json', src, `t/${bucket}/m/`);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe('');
    await writeFile(join(src, 'a.txt'), 'changed');
    await rm(join(src, 'b.json'));
    const dry = await run('sync', '--delete', '--dry-run', src, `t/${bucket}/m`);
    expect(lines(dry)).toEqual([`would copy ${join(src, 'a.txt')} -> t/${bucket}/m/a.txt`, `would remove t/${bucket}/m/b.json`]);
    const wet = await run('sync', '--delete', '--json', src, `t/${bucket}/m`);
    expect(wet.code, wet.stderr).toBe(0);
    expect(lines(wet).map((l) => JSON.parse(l).status)).toEqual(['success', 'removed']);
    expect((await home.spawn(['cat', `t/${bucket}/m/a.txt`]).result).stdout).toBe('changed');
    const down = join(home.dir, 'mirror-down');
    expect(lines(await run('mirror', `t/${bucket}/m`, down))).toHaveLength(29);
    expect(await treeHashes(down)).toEqual(await treeHashes(src));
    expect((await run('mirror', `t/${bucket}/m`, down)).stdout).toBe('');
  });

  it('presign gives GET and PUT URLs that work without credentials', async () => {
    const put = await run('presign', '--put', '--expire', '10m', `t/${bucket}/presigned.txt`);
    expect(put.code, put.stderr).toBe(0);
    expect(put.stdout).toMatch(/X-Amz-Expires=600/);
    expect((await fetch(put.stdout.trim(), { method: 'PUT', body: 'via presign' })).status).toBe(200);
    const get = JSON.parse((await run('presign', '--json', `t/${bucket}/presigned.txt`)).stdout);
    expect(get).toMatchObject({ method: 'GET', expires: 604800 });
    expect(await (await fetch(get.url)).text()).toBe('via presign');
    const bad = await run('presign', '--expire', '8d', `t/${bucket}/presigned.txt`);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('s3kit: UsageError: presign: --expire must be 1s to 7d, got 8d\n');
  });

  it('ls --versions and rm --versions in a versioned bucket; rb --force empties it', async () => {
    const vb = `${bucket}-v`;
    expect((await run('mb', `t/${vb}`)).code).toBe(0);
    await server.s3.setBucketVersioning(vb, { status: 'Enabled' });
    const f = join(home.dir, 'tree', 'a.txt');
    for (let i = 0; i < 2; i++) expect((await run('cp', f, `t/${vb}/k.txt`)).code).toBe(0);
    expect((await run('rm', `t/${vb}/k.txt`)).code).toBe(0); // a delete marker
    const versions = (await run('ls', '--versions', '--json', `t/${vb}`)).stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(versions.map((v) => v.type)).toEqual(['deleteMarker', 'object', 'object']);
    expect(versions[0]).toMatchObject({ key: 'k.txt', isLatest: true });
    expect((await run('ls', '--versions', `t/${vb}`)).stdout).toMatch(/ DEL {2}k\.txt {2}\S+ \(latest\)/);
    for (let i = 0; i < 2; i++) expect((await run('cp', f, `t/${vb}/other.txt`)).code).toBe(0);
    const rmv = await run('rm', '--versions', `t/${vb}/k.txt`);
    expect(rmv.stdout.split('\n').filter(Boolean)).toHaveLength(3);
    expect((await run('ls', '--versions', '--json', `t/${vb}`)).stdout.split('\n').filter(Boolean)).toHaveLength(2);
    const plain = await run('rb', `t/${vb}`);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/^s3kit: BucketNotEmpty: /);
    const forced = await run('rb', '--force', `t/${vb}`);
    expect(forced.code, forced.stderr).toBe(0);
    expect(await server.s3.bucketExists(vb)).toBe(false);
  });

  it('errors are one line with the S3 code and a non-zero exit', async () => {
    const missing = await run('ls', `t/${bucket}-missing`);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^s3kit: NoSuchBucket: [^\n]*\n$/);
    const key = await run('cat', `t/${bucket}/no/such/key`);
    expect(key.code).toBe(1);
    expect(key.stderr).toMatch(/^s3kit: NoSuchKey: [^\n]*\n$/);
    const head = await run('stat', `t/${bucket}/no/such/key`);
    expect(head.stderr).toMatch(/^s3kit: (NoSuchKey|NotFound): [^\n]*\n$/);
    const usage = await run('cp', `t/${bucket}/x`);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^s3kit: UsageError: cp: expected at least 2 argument\(s\), got 1\n$/);
    const alias = await run('ls', 'nope/b');
    expect(alias.stderr).toBe('s3kit: NoSuchAlias: no alias "nope" (s3kit alias ls lists them)\n');
    const bad = await home.run(['ls', 't'], { S3KIT_CONFIG_DIR: join(home.dir, 'other') });
    expect(bad.code).toBe(1);
    for (const r of [missing, key, head, usage, bad]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('Ctrl-C during a large upload aborts its multipart upload and exits 130', async () => {
    const big = join(home.dir, 'huge.bin');
    await writeFile(big, randomBytes(160 * MiB));
    const child = home.spawn(['cp', '--part-size', '5MiB', '--concurrency', '1', big, `t/${bucket}/huge.bin`]);
    let started = false;
    for (let i = 0; i < 400 && !started; i++) {
      for await (const u of server.s3.listIncompleteUploads(bucket, 'huge')) started ||= u.key === 'huge.bin';
      if (!started) await new Promise((r) => setTimeout(r, 10));
    }
    expect(started).toBe(true);
    child.kill('SIGINT');
    const r = await child.result;
    expect(r.code).toBe(130);
    expect(r.stderr).toBe('s3kit: Interrupted\n');
    const left: string[] = [];
    for await (const u of server.s3.listIncompleteUploads(bucket)) left.push(u.key);
    expect(left).toEqual([]);
    expect(await server.s3.statObject(bucket, 'huge.bin').catch((e: { code: string }) => e.code)).toMatch(/NotFound|NoSuchKey/);
  });

  it('rb --force removes a bucket with objects', async () => {
    const r = await run('rb', '--force', `t/${bucket}`);
    expect(r.code, r.stderr).toBe(0);
    expect(await server.s3.bucketExists(bucket)).toBe(false);
  });
}

describe('s3kit through the gateway on the embedded store', () => suite('gw', gatewayServer));
describe.skipIf(!rgw)(`s3kit against Ceph RGW ${reason}`, () => suite('rgw', async () => rgwServer()));
