// Aliases: `alias set/ls/rm` in a 0600 config file, and the aliases other tools already set up
// (mc's config.json, AWS profiles and AWS_* variables) used with no step, against a gateway.
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketName, cleanBucket, gatewayServer, Home, type Server } from './cli.js';

describe('aliases', () => {
  let server: Server;
  let home: Home;
  const bucket = bucketName('alias');

  beforeAll(async () => {
    server = await gatewayServer();
    home = await Home.create();
    await server.s3.makeBucket(bucket);
    await server.s3.putObject(bucket, 'hello.txt', 'hello');
  });
  afterAll(async () => {
    await cleanBucket(server.s3, bucket);
    await server.close();
    await home.close();
  });

  it('alias set writes a 0600 file in a 0700 directory; ls shows no secret; rm removes', async () => {
    const set = await home.run(['alias', 'set', 'gw', server.endpoint, server.accessKey, server.secretKey]);
    expect(set.code, set.stderr).toBe(0);
    const file = join(home.env.S3KIT_CONFIG_DIR, 'config.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(home.env.S3KIT_CONFIG_DIR)).mode & 0o777).toBe(0o700);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ version: 1, aliases: { gw: { url: server.endpoint, accessKey: server.accessKey, secretKey: server.secretKey } } });
    // A second write replaces the file (rename), keeping 0600.
    expect((await home.run(['alias', 'set', 'gw2', server.endpoint, server.accessKey, server.secretKey])).code).toBe(0);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const ls = await home.run(['alias', 'ls', '--json']);
    expect(
      ls.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { name: 'gw', source: 's3kit', url: server.endpoint, accessKey: server.accessKey },
      { name: 'gw2', source: 's3kit', url: server.endpoint, accessKey: server.accessKey },
    ]);
    expect(ls.stdout).not.toContain(server.secretKey);
    expect((await home.run(['cat', `gw/${bucket}/hello.txt`])).stdout).toBe('hello');
    expect((await home.run(['alias', 'rm', 'gw2'])).code).toBe(0);
    const again = await home.run(['alias', 'rm', 'gw2']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^s3kit: NoSuchAlias: no alias "gw2" in /);
  });

  it('alias set refuses bad names and URLs (exit 2)', async () => {
    for (const args of [
      ['bad/name', server.endpoint, 'a', 'b'],
      ['ok', 'ftp://x', 'a', 'b'],
      ['ok', 'not a url', 'a', 'b'],
      ['ok', server.endpoint],
    ]) {
      const r = await home.run(['alias', 'set', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^s3kit: UsageError: alias set: [^\n]+\n$/);
    }
  });

  it("reads mc's config.json (MC_CONFIG_DIR)", async () => {
    const mcDir = join(home.dir, 'mc');
    await mkdir(mcDir, { recursive: true });
    const mc = { version: '10', aliases: { mine: { url: server.endpoint, accessKey: server.accessKey, secretKey: server.secretKey, api: 's3v4', path: 'auto' } } };
    await writeFile(join(mcDir, 'config.json'), JSON.stringify(mc));
    const env = { MC_CONFIG_DIR: mcDir };
    expect((await home.run(['alias', 'ls'], env)).stdout).toMatch(/^mine {9}mc {5}http:\/\/127\.0\.0\.1:\d+ {2}AKIA/m);
    const cat = await home.run(['cat', `mine/${bucket}/hello.txt`], env);
    expect(cat.stdout, cat.stderr).toBe('hello');
  });

  it('reads AWS profiles (endpoint_url, region) and the AWS_* environment as the alias aws', async () => {
    const aws = join(home.env.HOME, '.aws');
    await mkdir(aws, { recursive: true });
    await writeFile(join(aws, 'config'), `[profile dev]\nregion = us-east-1\nendpoint_url = ${server.endpoint}\n`);
    await writeFile(join(aws, 'credentials'), `[dev]\naws_access_key_id = ${server.accessKey}\naws_secret_access_key = ${server.secretKey}\n`);
    const ls = await home.run(['alias', 'ls', '--json']);
    expect(ls.stdout).toContain(JSON.stringify({ name: 'dev', source: 'aws', url: server.endpoint, region: 'us-east-1' }));
    expect((await home.run(['cat', `dev/${bucket}/hello.txt`])).stdout).toBe('hello');
    const env = { AWS_ACCESS_KEY_ID: server.accessKey, AWS_SECRET_ACCESS_KEY: server.secretKey, AWS_ENDPOINT_URL: server.endpoint, AWS_REGION: 'us-east-1' };
    const viaEnv = await home.run(['ls', `aws/${bucket}`], env);
    expect(viaEnv.stdout, viaEnv.stderr).toMatch(/ 5 B {2}hello\.txt\n$/);
  });
});
