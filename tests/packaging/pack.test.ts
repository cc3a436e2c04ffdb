/**
 * Release dry run and packaging proof for every public workspace package: build, copy the
 * workspace, run `changeset version` in the copy, `pnpm pack` each package there, and check each
 * tarball (files, LICENSE, README, CHANGELOG, metadata, exports, node10 `main`/`types`, bins).
 * Then install the tarballs with npm into a scratch project outside the workspace (third-party
 * dependencies from the npm cache, else the registry) and use them as a consumer does: every bin,
 * a plain Node ESM script that runs the libraries together (client → gateway → embedded store,
 * over 127.0.0.1), every subpath of every `exports` map, and a strict typecheck under NodeNext,
 * Bundler and node10 resolution.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeset, copyWorkspace, pnpm, publicPackages, readChangesets, readManifest, rootDir, run, type Manifest, type WorkspacePackage } from './workspace.js';

const PACKAGES = publicPackages();
const LIBRARIES = PACKAGES.filter((p) => p.manifest.exports);
const WITH_BINS = PACKAGES.filter((p) => p.manifest.bin);
const REPOSITORY = 'git+https://github.com/s3kit/s3kit.git';
const NAMED = new Set(readChangesets().flatMap((c) => c.releases.map((r) => r.name)));

/** The tarball's entries (paths without the leading `package/`) and their permission strings. */
function tarEntries(tarball: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of run('tar', ['-tzvf', tarball], rootDir).split('\n')) {
    const m = /^(\S+)\s.*\spackage\/(.+)$/.exec(line);
    if (m) entries.set(m[2]!, m[1]!);
  }
  return entries;
}

/** Every file an exports map points at, through nested conditions. */
function exportTargets(target: unknown): string[] {
  if (typeof target === 'string') return [target];
  if (target && typeof target === 'object')
    return Object.entries(target)
      .filter(([k]) => k !== '@s3kit/source')
      .flatMap(([, v]) => exportTargets(v));
  return [];
}

function binsOf(m: Manifest): Record<string, string> {
  if (typeof m.bin === 'string') return { [m.name.replace(/^@[^/]+\//, '')]: m.bin };
  return m.bin ?? {};
}

/** Import specifiers of every exports subpath of every library (but ./package.json). */
function subpaths(): string[] {
  return LIBRARIES.flatMap(({ manifest }) =>
    Object.keys(manifest.exports!)
      .filter((sub) => sub !== './package.json')
      .map((sub) => `${manifest.name}${sub === '.' ? '' : sub.slice(1)}`),
  );
}

let scratch = '';
let project = '';
const tarballs = new Map<string, string>();
const released = new Map<string, WorkspacePackage>();

beforeAll(() => {
  // Build every public package (turbo, cached when src is unchanged; run through the pinned pnpm,
  // which turbo needs on its PATH).
  pnpm(['exec', 'turbo', 'run', 'build', '--output-logs=errors-only', ...PACKAGES.map((p) => `--filter=${p.manifest.name}`)], rootDir);
  scratch = mkdtempSync(join(tmpdir(), 's3kit-packaging-'));
  const copy = join(scratch, 'repo');
  copyWorkspace(copy, { contents: true, git: true });
  changeset(['version'], copy);
  for (const { dir } of PACKAGES) {
    const m = readManifest(join(copy, dir));
    released.set(m.name, { dir, manifest: m });
    // One folder each: @s3kit/gateway and s3kit-gateway both pack to s3kit-gateway-<version>.tgz.
    const into = join(scratch, 'tarballs', dir);
    mkdirSync(into, { recursive: true });
    pnpm(['pack', '--pack-destination', into], join(copy, dir));
    tarballs.set(m.name, join(into, readdirSync(into)[0]!));
  }
  project = join(scratch, 'app');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'scratch-app', private: true, type: 'module' }));
  const args = ['install', '--no-audit', '--no-fund', '--loglevel=error', '--ignore-scripts', ...tarballs.values()];
  try {
    run('npm', [...args, '--prefer-offline'], project);
  } catch {
    run('npm', args, project);
  }
}, 600_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('every public package packs after a version dry run, installs and works for a consumer', () => {
  it.each(PACKAGES.map((p) => [p.manifest.name, p] as const))('%s: tarball files, LICENSE, README, CHANGELOG and bins', (name, { dir }) => {
    const entries = tarEntries(tarballs.get(name)!);
    const m = released.get(name)!.manifest;
    for (const f of ['package.json', 'README.md', 'LICENSE']) expect(entries.has(f), `${name} ${f}`).toBe(true);
    const changelog = NAMED.has(name) || existsSync(join(rootDir, dir, 'CHANGELOG.md'));
    expect(entries.has('CHANGELOG.md'), `${name} CHANGELOG.md`).toBe(changelog);
    const leaks = [...entries.keys()].filter((f) => /(^|\/)(test|tests|bench|__tests__|node_modules)\//.test(f) || /\.test\.|\.tsbuildinfo$|(^|\/)tsconfig[^/]*\.json$|(^|\/)vitest\.config/.test(f));
    expect(leaks, name).toEqual([]);
    // src/ ships only where `files` lists it (the declaration maps of the libraries point at it).
    if (!m.files?.includes('src'))
      expect(
        [...entries.keys()].filter((f) => f.startsWith('src/')),
        name,
      ).toEqual([]);
    expect(readFileSync(join(project, 'node_modules', name, 'LICENSE'), 'utf8')).toBe(readFileSync(join(rootDir, 'LICENSE'), 'utf8'));
    for (const [bin, target] of Object.entries(binsOf(m))) {
      const path = target.replace(/^\.\//, '');
      expect(entries.get(path), `${name} bin ${bin}`).toMatch(/^-rwx/);
      const installed = join(project, 'node_modules', name, path);
      expect(readFileSync(installed, 'utf8').split('\n')[0], `${name} bin ${bin}`).toBe('#!/usr/bin/env node');
    }
  });

  it.each(PACKAGES.map((p) => [p.manifest.name, p] as const))('%s: metadata, released version and ranges', (name, { dir, manifest: before }) => {
    const m = readManifest(join(project, 'node_modules', name));
    expect(m.private).toBeUndefined();
    expect(m.version).toBe(released.get(name)!.manifest.version);
    if (NAMED.has(name)) expect(m.version, name).not.toBe(before.version);
    expect(JSON.stringify(m)).not.toContain('workspace:');
    expect(m.license).toBe('Apache-2.0');
    expect(m.keywords?.length, `${name} keywords`).toBeGreaterThan(0);
    expect(m.homepage).toBe(`https://github.com/s3kit/s3kit/tree/main/${dir}#readme`);
    expect(m.bugs).toEqual({ url: 'https://github.com/s3kit/s3kit/issues' });
    expect(m.repository).toEqual({ type: 'git', url: REPOSITORY, directory: dir });
    // Runtime dependencies as caret ranges: consumers dedupe and pick up fixes.
    for (const [dep, range] of Object.entries(m.dependencies ?? {})) expect(range, `${name} → ${dep}`).toMatch(/^\^\d+\.\d+\.\d+$/);
  });

  it.each(LIBRARIES.map((p) => [p.manifest.name] as const))('%s: exports, main/types and typesVersions point at files in the tarball', (name) => {
    const installed = join(project, 'node_modules', name);
    const m = readManifest(installed);
    for (const [sub, target] of Object.entries(m.exports!)) {
      const files = exportTargets(target);
      expect(files.length, `${name} ${sub}`).toBeGreaterThan(0);
      for (const f of files) expect(existsSync(join(installed, f)), `${name} ${sub} → ${f}`).toBe(true);
      if (typeof target !== 'string')
        expect(
          files.some((f) => f.endsWith('.d.ts')),
          `${name} ${sub} types`,
        ).toBe(true);
    }
    // node10 resolution (no exports): main and types, and typesVersions for every other subpath.
    expect(m.main).toMatch(/\.js$/);
    expect(m.types).toMatch(/\.d\.ts$/);
    for (const f of [m.main!, m.types!]) expect(existsSync(join(installed, f)), `${name} ${f}`).toBe(true);
    const mapped = m.typesVersions?.['*'] ?? {};
    const subs = Object.keys(m.exports!)
      .filter((s) => s !== '.' && s !== './package.json')
      .map((s) => s.slice(2));
    expect(Object.keys(mapped).sort(), name).toEqual(subs.sort());
    for (const targets of Object.values(mapped)) for (const f of targets) expect(existsSync(join(installed, f)), `${name} ${f}`).toBe(true);
  });

  it.each(WITH_BINS.flatMap((p) => Object.keys(binsOf(p.manifest)).map((bin) => [bin] as const)))('the installed `%s` bin runs (--help exits 0)', (bin) => {
    const out = run(join(project, 'node_modules/.bin', bin), ['--help'], project);
    expect(out, bin).toContain(bin);
  });

  it('imports every exports subpath under plain Node ESM', () => {
    const specifiers = subpaths();
    const script = `
      const out = {};
      for (const s of ${JSON.stringify(specifiers)}) out[s] = Object.keys(await import(s)).length;
      console.log(JSON.stringify(out));
    `;
    const counts = JSON.parse(run(process.execPath, ['--input-type=module', '-e', script], project).trim()) as Record<string, number>;
    expect(Object.keys(counts).sort()).toEqual([...specifiers].sort());
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

  // NodeNext and Bundler read the exports maps; node10 reads main/types and typesVersions.
  const RESOLUTIONS = [
    ['NodeNext', { module: 'nodenext', moduleResolution: 'nodenext' }],
    ['Bundler', { module: 'esnext', moduleResolution: 'bundler' }],
    ['node10', { module: 'esnext', moduleResolution: 'node10' }],
  ] as const;

  it.each(RESOLUTIONS)('types every package and subpath under strict %s resolution', (label, resolution) => {
    const specifiers = subpaths();
    writeFileSync(
      join(project, 'check.ts'),
      [
        "import { S3Client } from '@s3kit/client';",
        "import { S3Client as NodeS3Client, sharedFileCredentials } from '@s3kit/client/node';",
        "import { S3Error, type S3ErrorCode } from '@s3kit/errors';",
        "import { createGateway, parsePolicy, type Gateway } from '@s3kit/gateway';",
        "import { createTransport, type Transport } from '@s3kit/http-transport';",
        "import { createFetchTransport } from '@s3kit/http-transport/fetch';",
        "import { createPresignedPost, verifyPost } from '@s3kit/post-policy';",
        "import { SigV4Signer, type SignedRequest } from '@s3kit/sigv4';",
        "import { route, parseXml } from '@s3kit/xml-shapes';",
        "import { OPERATIONS } from '@s3kit/xml-shapes/operations';",
        "import { decodeMessage, recordsEvent, type Message } from '@s3kit/event-stream';",
        ...specifiers.map((spec, i) => `import * as m${i} from '${spec}';`),
        "const code: S3ErrorCode = 'AccessDenied';",
        "const s: SignedRequest = new SigV4Signer({ credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, region: 'r' }).sign({ method: 'GET', url: 'https://h/k' });",
        'const t: Transport = createTransport();',
        'const g: Gateway = createGateway({ identities: [], upstreams: {} });',
        "const m: Message = decodeMessage(recordsEvent('x'));",
        'export const all = [new S3Error(code), s, t, g, S3Client, NodeS3Client, sharedFileCredentials, parsePolicy, createFetchTransport, createPresignedPost, verifyPost, route, parseXml, OPERATIONS.GetObject.method, m];',
        `export const modules = [${specifiers.map((_, i) => `m${i}`).join(', ')}];`,
        '// @ts-expect-error: the types must be the API, so a wrong argument is an error',
        "new SigV4Signer({ region: 'r' });",
      ].join('\n'),
    );
    const config = `tsconfig.${label}.json`;
    writeFileSync(
      join(project, config),
      JSON.stringify({
        compilerOptions: {
          ...resolution,
          target: 'es2022',
          strict: true,
          noEmit: true,
          types: ['node'],
          lib: ['es2022', 'dom'],
          skipLibCheck: true,
          typeRoots: [join(rootDir, 'node_modules/@types')],
        },
        files: ['check.ts'],
      }),
    );
    let output = '';
    try {
      output = run(process.execPath, [join(rootDir, 'node_modules/typescript/bin/tsc'), '-p', config], project);
    } catch (e) {
      output = String((e as { stdout?: string }).stdout ?? e);
    }
    expect(output).toBe('');
  });
});

describe('npx s3kit-gateway from the tarball', () => {
  it('--version prints the released version, --help the usage', () => {
    expect(run('npx', ['--no-install', 's3kit-gateway', '--version'], project)).toBe(`s3kit-gateway ${released.get('s3kit-gateway')!.manifest.version}\n`);
    expect(run('npx', ['--no-install', 's3kit-gateway', '--help'], project)).toContain('Usage: s3kit-gateway');
  });

  it('starts on the embedded store on a free port and refuses an unsigned GET with 403', async () => {
    const child = spawn('npx', ['--no-install', 's3kit-gateway', '--port', '0', '--admin-port', '0', '--data-dir', join(project, 'data')], {
      cwd: project,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    let out = '';
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    try {
      const endpoint = await new Promise<string>((ok, fail) => {
        const onData = (c: Buffer): void => {
          out += c.toString();
          const m = /listening on (http:\/\/[0-9.:]+)/.exec(out);
          if (m) ok(m[1]!);
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        void exited.then((code) => fail(new Error(`exited ${code}: ${out}`)));
      });
      const res = await fetch(`${endpoint}/some-bucket/some-key`);
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('<Code>AccessDenied</Code>');
    } finally {
      // npx, the program and the process it relaunches itself as: the whole process group.
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
  }, 60_000);
});
