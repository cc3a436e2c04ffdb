/**
 * Packaging proof for every published package: build, `pnpm pack` each one, install the
 * tarballs with npm into a scratch project outside the workspace (third-party dependencies from
 * the npm cache, else the registry), then use them as a consumer does: a plain Node ESM script
 * that runs all seven together (client → gateway → embedded store, over 127.0.0.1), every
 * subpath of every `exports` map, and a strict NodeNext typecheck through the exports maps.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const rootDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const PACKAGES = ['errors', 'sigv4', 'xml-shapes', 'http-transport', 'post-policy', 'client', 'gateway', 'event-stream'] as const;
const TIMEOUT = 300_000;

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  exports: Record<string, Record<string, string> | string>;
  files?: string[];
}

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: TIMEOUT, env: { ...process.env, NODE_OPTIONS: '' } });
}

function manifestOf(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
}

let scratch = '';
let project = '';

beforeAll(() => {
  // Build every published package (turbo: cached when src is unchanged).
  run(process.execPath, [join(rootDir, 'node_modules/turbo/bin/turbo'), 'run', 'build', '--output-logs=errors-only', ...PACKAGES.map((p) => `--filter=@s3kit/${p}`)], rootDir);
  scratch = mkdtempSync(join(tmpdir(), 's3kit-packaging-'));
  for (const p of PACKAGES) run('pnpm', ['pack', '--pack-destination', scratch], join(rootDir, 'packages', p));
  project = join(scratch, 'app');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'scratch-app', private: true, type: 'module' }));
  const tarballs = readdirSync(scratch).filter((f) => f.endsWith('.tgz')).map((f) => join(scratch, f));
  const args = ['install', '--no-audit', '--no-fund', '--loglevel=error', '--ignore-scripts', ...tarballs];
  try {
    run('npm', [...args, '--prefer-offline'], project);
  } catch {
    run('npm', args, project);
  }
}, 600_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('every published package packs, installs and works for a consumer', () => {
  it.each(PACKAGES)('@s3kit/%s ships dist with types, no tests or benches, and no workspace: ranges', (p) => {
    const installed = join(project, 'node_modules/@s3kit', p);
    const m = manifestOf(installed);
    expect(m.private).toBeUndefined();
    expect(JSON.stringify(m)).not.toContain('workspace:');
    for (const [name, range] of Object.entries(m.dependencies ?? {})) {
      if (name.startsWith('@s3kit/')) expect(range).toMatch(/^\^\d+\.\d+\.\d+/);
    }
    // Every exports entry points at files that exist in the tarball.
    for (const [sub, target] of Object.entries(m.exports)) {
      if (typeof target === 'string') {
        expect(existsSync(join(installed, target)), `${p} ${sub}`).toBe(true);
        continue;
      }
      expect(target['types'], `${p} ${sub} types`).toMatch(/\.d\.ts$/);
      expect(existsSync(join(installed, target['types']!)), `${p} ${sub} types`).toBe(true);
      expect(existsSync(join(installed, target['default']!)), `${p} ${sub} default`).toBe(true);
    }
    expect(existsSync(join(installed, 'test'))).toBe(false);
    expect(existsSync(join(installed, 'bench'))).toBe(false);
    expect(readdirSync(join(installed, 'src'), { recursive: true }).some((f) => String(f).endsWith('.test.ts'))).toBe(false);
  });

  it('imports every exports subpath under plain Node ESM', () => {
    const subpaths: string[] = [];
    for (const p of PACKAGES) {
      for (const sub of Object.keys(manifestOf(join(project, 'node_modules/@s3kit', p)).exports)) {
        if (sub !== './package.json') subpaths.push(`@s3kit/${p}${sub === '.' ? '' : sub.slice(1)}`);
      }
    }
    const script = `
      const out = {};
      for (const s of ${JSON.stringify(subpaths)}) out[s] = Object.keys(await import(s)).length;
      console.log(JSON.stringify(out));
    `;
    const counts = JSON.parse(run(process.execPath, ['--input-type=module', '-e', script], project).trim()) as Record<string, number>;
    expect(Object.keys(counts).sort()).toEqual([...subpaths].sort());
    for (const [s, n] of Object.entries(counts)) expect(n, s).toBeGreaterThan(0);
  });

  it('runs client → gateway → embedded store end to end, and reproduces the AWS SigV4 example signature', () => {
    const vector = JSON.parse(readFileSync(join(rootDir, 'tooling/vectors/s3/sigv4-header-get-object-range.json'), 'utf8')) as { expected: { signature: string } };
    const script = `
      import { createServer } from 'node:http';
      import { mkdtempSync } from 'node:fs';
      import { tmpdir } from 'node:os';
      import { join } from 'node:path';
      import { S3Client } from '@s3kit/client';
      import { createGateway, createLocalStore, toNodeListener } from '@s3kit/gateway';
      import { SigV4Signer } from '@s3kit/sigv4';
      import { isS3Error } from '@s3kit/errors';
      import { route } from '@s3kit/xml-shapes';
      import { createPresignedPost } from '@s3kit/post-policy';
      import { createTransport } from '@s3kit/http-transport';

      const signature = new SigV4Signer({
        credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
        region: 'us-east-1',
      }).sign({ method: 'GET', url: 'https://examplebucket.s3.amazonaws.com/test.txt', headers: { Range: 'bytes=0-9' }, date: Date.UTC(2013, 4, 24) }).signature;

      const store = createLocalStore({ dir: mkdtempSync(join(tmpdir(), 'pack-store-')) });
      const gateway = createGateway({
        identities: [{ accessKeyId: 'PACKTEST', secretAccessKey: 'pack-secret', allow: [{ bucket: '*', access: 'readwrite' }] }],
        upstreams: { default: store },
      });
      const server = createServer(toNodeListener(gateway));
      await new Promise((r) => server.listen(0, '127.0.0.1', r));
      const endpoint = 'http://127.0.0.1:' + server.address().port;
      const s3 = new S3Client({ endpoint, accessKey: 'PACKTEST', secretKey: 'pack-secret', region: 'us-east-1' });
      await s3.makeBucket('packed');
      await s3.putObject('packed', 'hello.txt', 'hello from a tarball', { contentType: 'text/plain' });
      const text = await (await s3.getObject('packed', 'hello.txt')).text();
      const missing = await s3.statObject('packed', 'nope').catch((e) => (isS3Error(e) ? e.code : String(e)));
      const t = createTransport();
      const anon = await t.request({ method: 'GET', origin: endpoint, path: '/packed/hello.txt' }).catch((e) => (isS3Error(e) ? e.code : String(e)));
      const post = createPresignedPost({ bucket: 'packed', key: 'a', credentials: { accessKeyId: 'PACKTEST', secretAccessKey: 'pack-secret' }, region: 'us-east-1', endpoint });
      await s3.close();
      await t.close();
      server.close();
      await store.close();
      console.log(JSON.stringify({ signature, text, missing, anon, op: route('GET', undefined, '/bucket/key').operation, postFields: 'policy' in post.fields }));
    `;
    const out = JSON.parse(run(process.execPath, ['--input-type=module', '-e', script], project).trim()) as Record<string, unknown>;
    expect(out).toEqual({
      signature: vector.expected.signature,
      text: 'hello from a tarball',
      missing: 'NotFound',
      anon: 'AccessDenied',
      op: 'GetObject',
      postFields: true,
    });
  });

  it('types every package through its exports map under strict NodeNext', () => {
    writeFileSync(
      join(project, 'check.ts'),
      [
        "import { S3Client } from '@s3kit/client';",
        "import { S3Error, type S3ErrorCode } from '@s3kit/errors';",
        "import { createGateway, parsePolicy, type Gateway } from '@s3kit/gateway';",
        "import { createTransport, type Transport } from '@s3kit/http-transport';",
        "import { createFetchTransport } from '@s3kit/http-transport/fetch';",
        "import { createPresignedPost, verifyPost } from '@s3kit/post-policy';",
        "import { SigV4Signer, type SignedRequest } from '@s3kit/sigv4';",
        "import { route, parseXml } from '@s3kit/xml-shapes';",
        "import { OPERATIONS } from '@s3kit/xml-shapes/operations';",
        "import { decodeMessage, recordsEvent, type Message } from '@s3kit/event-stream';",
        "const code: S3ErrorCode = 'AccessDenied';",
        "const s: SignedRequest = new SigV4Signer({ credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, region: 'r' }).sign({ method: 'GET', url: 'https://h/k' });",
        "const t: Transport = createTransport();",
        "const g: Gateway = createGateway({ identities: [], upstreams: {} });",
        "const m: Message = decodeMessage(recordsEvent('x'));",
        "export const all = [new S3Error(code), s, t, g, S3Client, parsePolicy, createFetchTransport, createPresignedPost, verifyPost, route, parseXml, OPERATIONS.GetObject.method, m];",
        '// @ts-expect-error: the exports map must type the API, so a wrong argument is an error',
        "new SigV4Signer({ region: 'r' });",
      ].join('\n'),
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, types: ['node'], lib: ['es2022', 'dom'], skipLibCheck: true, typeRoots: [join(rootDir, 'node_modules/@types')] },
        files: ['check.ts'],
      }),
    );
    let output = '';
    try {
      output = run(process.execPath, [join(rootDir, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], project);
    } catch (e) {
      output = String((e as { stdout?: string }).stdout ?? e);
    }
    expect(output).toBe('');
  });
});
