/**
 * Builds the binary the tests drive and the workspace packages it loads at run time (their
 * `dist`: Node runs dist/main.js without the `@s3kit/source` condition), each only when a source
 * file is newer than its build (plain `tsc`, in dependency order: no package manager needed), then
 * the client package's RGW setup: one Ceph RGW for this package's files when run alone.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setup as rgwSetup, teardown } from '../../client/test/global-setup.js';

export { teardown };

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

export async function setup(): Promise<void> {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const packages = fileURLToPath(new URL('../..', import.meta.url));
  for (const [name, output] of BUILDS) {
    const dir = join(packages, name);
    if (builtAt(join(dir, output)) >= newest(join(dir, 'src'))) continue;
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: dir, stdio: 'inherit' });
  }
  chmodSync(join(packages, 'cli', 'dist', 'main.js'), 0o755);
  await rgwSetup();
}
