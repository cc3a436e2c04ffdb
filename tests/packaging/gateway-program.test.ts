/**
 * The gateway program as a user installs it: pack `s3kit-gateway` and the workspace packages it
 * needs, install the tarballs with npm in a scratch project, then `npx s3kit-gateway` — its
 * version, its help, and a start on the embedded store that answers an unsigned GET with 403.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const rootDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const DIRS = ['errors', 'sigv4', 'xml-shapes', 'http-transport', 'post-policy', 'event-stream', 'client', 'gateway'].map((p) => join(rootDir, 'packages', p)).concat(join(rootDir, 'apps/gateway'));
const { packageManager } = JSON.parse(readFileSync(join(rootDir, 'package.json'), 'utf8')) as { packageManager: string };
const version = (JSON.parse(readFileSync(join(rootDir, 'apps/gateway/package.json'), 'utf8')) as { version: string }).version;

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000, env: { ...process.env, NODE_OPTIONS: '' } });
}
/** pnpm as the repository pins it (`packageManager`), through npx. */
const pnpm = (args: string[], cwd: string): string => run('npx', ['-y', packageManager, ...args], cwd);

let scratch = '';
let project = '';

beforeAll(() => {
  pnpm(['exec', 'turbo', 'run', 'build', '--output-logs=errors-only', '--filter=s3kit-gateway...'], rootDir);
  scratch = mkdtempSync(join(tmpdir(), 's3kit-gateway-pack-'));
  // One folder per package: `s3kit-gateway` and `@s3kit/gateway` both pack as s3kit-gateway-<version>.tgz.
  const tarballs = DIRS.map((d, i) => {
    const into = join(scratch, `pack-${i}`);
    mkdirSync(into);
    pnpm(['pack', '--pack-destination', into], d);
    return join(into, readdirSync(into)[0]!);
  });
  project = join(scratch, 'app');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'scratch-gateway', private: true }));
  const args = ['install', '--no-audit', '--no-fund', '--loglevel=error', '--ignore-scripts', ...tarballs];
  try {
    run('npm', [...args, '--prefer-offline'], project);
  } catch {
    run('npm', args, project);
  }
}, 900_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('npx s3kit-gateway from the packed tarball', () => {
  it('installs a bin that is an executable file with a node shebang, and ships no tests or sources', () => {
    const pkg = join(project, 'node_modules/s3kit-gateway');
    const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { private?: boolean; bin: Record<string, string>; dependencies: Record<string, string> };
    expect(manifest.private).toBeUndefined();
    expect(JSON.stringify(manifest)).not.toContain('workspace:');
    const bin = join(pkg, manifest.bin['s3kit-gateway']!);
    expect(readFileSync(bin, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    expect(statSync(bin).mode & 0o111).toBe(0o111);
    const shipped = readdirSync(pkg);
    expect(shipped).toEqual(expect.arrayContaining(['README.md', 'dist', 'package.json']));
    expect(shipped.filter((f) => ['src', 'test', 'tsconfig.json', 'vitest.config.ts'].includes(f))).toEqual([]);
    expect(readdirSync(join(pkg, 'dist'), { recursive: true }).some((f) => /\.(test\.js|d\.ts|tsbuildinfo)$/.test(String(f)))).toBe(false);
  });

  it('--version and --help', () => {
    expect(run('npx', ['--no-install', 's3kit-gateway', '--version'], project)).toBe(`s3kit-gateway ${version}\n`);
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
      // npx, the launcher and the relaunched server: the whole process group.
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
  }, 60_000);
});
