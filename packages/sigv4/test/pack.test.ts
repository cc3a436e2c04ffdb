/**
 * Packaging proof: `pnpm pack` @s3kit/errors and @s3kit/sigv4, install both tarballs with npm
 * into a scratch project (offline: @noble/hashes is packed from the workspace store too), then
 * use the package the way a consumer does: plain Node ESM import, and a strict NodeNext
 * typecheck that resolves the `exports` map's types.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadS3Vector } from '@s3kit/test-utils';

const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const errorsDir = resolve(pkgDir, '../errors');
const rootDir = resolve(pkgDir, '../..');
const TIMEOUT = 120_000;

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: TIMEOUT });
}

/** Newest mtime under a directory (ms). */
function newest(dir: string): number {
  let max = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    max = Math.max(max, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return max;
}

/** dist exists and is not older than src (else the tarball would ship stale code). */
function distFresh(dir: string): boolean {
  const index = join(dir, 'dist/index.js');
  return existsSync(index) && statSync(index).mtimeMs >= newest(join(dir, 'src'));
}

let scratch = '';
let project = '';

beforeAll(() => {
  if (!distFresh(pkgDir) || !distFresh(errorsDir)) run('pnpm', ['--filter', '@s3kit/sigv4...', 'build'], rootDir);
  scratch = mkdtempSync(join(tmpdir(), 's3kit-pack-'));
  run('pnpm', ['pack', '--pack-destination', scratch], errorsDir);
  run('pnpm', ['pack', '--pack-destination', scratch], pkgDir);
  // The one registry dependency, packed from the workspace store so the install needs no network.
  const noble = realpathSync(join(pkgDir, 'node_modules/@noble/hashes'));
  run('npm', ['pack', '--ignore-scripts', '--pack-destination', scratch, noble], scratch);
  project = join(scratch, 'app');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'scratch-app', private: true, type: 'module' }));
  const tarballs = readdirSync(scratch).filter((f) => f.endsWith('.tgz')).map((f) => join(scratch, f));
  const args = ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs];
  try {
    run('npm', [...args, '--offline'], project);
  } catch {
    run('npm', args, project); // fall back to the registry if the local cache lacks something
  }
}, TIMEOUT);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('packed @s3kit/sigv4 installs and works for a consumer', () => {
  it('ships dist and src without tests, with workspace: ranges rewritten', () => {
    const installed = join(project, 'node_modules/@s3kit/sigv4');
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(manifest.dependencies['@s3kit/errors']).toMatch(/^\^\d+\.\d+\.\d+/);
    expect(JSON.stringify(manifest)).not.toContain('workspace:');
    expect(existsSync(join(installed, 'dist/index.js'))).toBe(true);
    expect(existsSync(join(installed, 'dist/index.d.ts'))).toBe(true);
    expect(existsSync(join(installed, 'dist/sigv2/index.js'))).toBe(true);
    expect(existsSync(join(installed, 'test'))).toBe(false);
    expect(existsSync(join(installed, 'bench'))).toBe(false);
  });

  it('imports under plain Node ESM and reproduces the AWS GET-object example signature', () => {
    const v = loadS3Vector<{ expected: { signature: string } }>('sigv4-header-get-object-range');
    const script = `
      import { SigV4Signer, SigV2Signer, verifyV2 } from '@s3kit/sigv4';
      import { isS3Error } from '@s3kit/errors';
      const signer = new SigV4Signer({
        credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
        region: 'us-east-1',
      });
      const s = signer.sign({
        method: 'GET',
        url: 'https://examplebucket.s3.amazonaws.com/test.txt',
        headers: { Range: 'bytes=0-9' },
        date: Date.UTC(2013, 4, 24),
      });
      const v2 = new SigV2Signer({ credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' }, clock: () => 0 })
        .sign({ method: 'GET', url: 'https://s3.amazonaws.com/b/k' });
      const err = await verifyV2({ method: 'GET', url: '/b/k', headers: v2.headers }, { getCredentials: () => undefined, clock: () => 0 })
        .catch((e) => e);
      console.log(JSON.stringify({ signature: s.signature, v2: isS3Error(err) ? err.code : 'no error' }));
    `;
    const out = run(process.execPath, ['--input-type=module', '-e', script], project);
    expect(JSON.parse(out.trim())).toEqual({ signature: v.expected.signature, v2: 'InvalidAccessKeyId' });
  }, TIMEOUT);

  it('resolves types through the exports map under strict NodeNext', () => {
    writeFileSync(
      join(project, 'check.ts'),
      [
        "import { SigV4Signer, signPolicyV2, type SignedRequest, type VerifiedV2Request } from '@s3kit/sigv4';",
        "import { S3Error, type S3ErrorCode } from '@s3kit/errors';",
        "const s: SignedRequest = new SigV4Signer({ credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, region: 'r' }).sign({ method: 'GET', url: 'https://h/k' });",
        'const sig: string = signPolicyV2(s.signature, "x");',
        "const code: S3ErrorCode = 'AccessDenied';",
        'export const out: [string, S3Error, VerifiedV2Request | undefined] = [sig, new S3Error(code), undefined];',
        '// @ts-expect-error: the exports map must type the API, so a wrong argument is an error',
        "new SigV4Signer({ region: 'r' });",
      ].join('\n'),
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, types: [], lib: ['es2022', 'dom'], skipLibCheck: true },
        files: ['check.ts'],
      }),
    );
    const tsc = join(rootDir, 'node_modules/typescript/bin/tsc');
    let output = '';
    try {
      output = run(process.execPath, [tsc, '-p', 'tsconfig.json'], project);
    } catch (e) {
      output = String((e as { stdout?: string }).stdout ?? e);
    }
    expect(output).toBe('');
  }, TIMEOUT);
});
