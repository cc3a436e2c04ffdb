/**
 * Builds the binary the tests drive and the workspace packages it loads at run time (their
 * `dist`), each only when a source file is newer than its build (plain `tsc`, in dependency
 * order; then the CLI's bundle, as its build makes it), then installs it as users do: `pnpm pack`
 * of the CLI and its runtime workspace dependencies, `npm install` of the tarballs into a scratch project; the tests run its
 * `node_modules/.bin/s3kit` (provided as `s3kitBin`). Then the client package's RGW setup: one
 * Ceph RGW for this package's files when run alone.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { setup as rgwSetup, teardown as rgwTeardown } from '../../client/test/global-setup.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The `s3kit` binary installed from the packed tarballs. */
    s3kitBin: string;
  }
}

/** The CLI and its runtime workspace dependencies, dependencies first, with the file their build writes. */
const BUILDS: Array<[string, string]> = [
  ['errors', 'dist/index.js'],
  ['sigv4', 'dist/index.js'],
  ['xml-shapes', 'dist/index.js'],
  ['event-stream', 'dist/index.js'],
  ['http-transport', 'dist/index.js'],
  ['post-policy', 'dist/index.js'],
  ['client', 'dist/node.js'],
  ['cli', 'dist/main.js'],
];

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) t = Math.max(t, statSync(join(e.parentPath, e.name)).mtimeMs);
  return t;
}

function builtAt(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

let scratch = '';

/** `pnpm` when on PATH, else the workspace's pinned version through npx. */
function pnpm(args: string[], cwd: string): void {
  try {
    execFileSync('pnpm', args, { cwd, stdio: 'pipe' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    execFileSync('npx', ['-y', 'pnpm@10.34.8', ...args], { cwd, stdio: 'pipe' });
  }
}

/** The CLI's directory and those of its runtime workspace dependencies (transitively). */
function workspaceClosure(packages: string): string[] {
  const dirOf = new Map(readdirSync(packages).map((d) => [JSON.parse(readFileSync(join(packages, d, 'package.json'), 'utf8')).name as string, join(packages, d)]));
  const out = new Set<string>();
  const visit = (dir: string): void => {
    if (out.has(dir)) return;
    out.add(dir);
    const deps = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).dependencies ?? {}) as Record<string, string>;
    for (const [name, range] of Object.entries(deps)) if (range.startsWith('workspace:')) visit(dirOf.get(name)!);
  };
  visit(join(packages, 'cli'));
  return [...out];
}

/** Packs the CLI and its workspace dependencies and installs the tarballs into a scratch project; returns its bin. */
function installFromTarballs(packages: string): string {
  scratch = mkdtempSync(join(tmpdir(), 's3kit-cli-pack-'));
  const tarballs = join(scratch, 'tarballs');
  for (const dir of workspaceClosure(packages)) pnpm(['pack', '--pack-destination', tarballs], dir);
  const project = join(scratch, 'app');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'cli-scratch', private: true }));
  const args = ['install', '--no-audit', '--no-fund', '--loglevel=error', '--ignore-scripts', ...readdirSync(tarballs).map((f) => join(tarballs, f))];
  const env = { ...process.env, NODE_OPTIONS: '' };
  try {
    execFileSync('npm', [...args, '--prefer-offline'], { cwd: project, stdio: 'pipe', env });
  } catch {
    execFileSync('npm', args, { cwd: project, stdio: 'pipe', env });
  }
  return join(project, 'node_modules', '.bin', 's3kit');
}

export async function teardown(): Promise<void> {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  await rgwTeardown();
}

export async function setup(project: TestProject): Promise<void> {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const packages = fileURLToPath(new URL('../..', import.meta.url));
  for (const [name, output] of BUILDS) {
    const dir = join(packages, name);
    if (builtAt(join(dir, output)) >= newest(join(dir, 'src'))) continue;
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: dir, stdio: 'inherit' });
  }
  // The bin is dist/main.js bundled into one file (the package's build step).
  const cli = join(packages, 'cli');
  if (builtAt(join(cli, 'dist/s3kit.js')) < Math.max(...BUILDS.map(([name, output]) => builtAt(join(packages, name, output)))))
    execFileSync(process.execPath, [join(cli, 'scripts/bundle.mjs')], { cwd: cli, stdio: 'inherit' });
  project.provide('s3kitBin', installFromTarballs(packages));
  await rgwSetup();
}
