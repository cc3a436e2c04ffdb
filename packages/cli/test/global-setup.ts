/**
 * Builds the binary the tests drive (dist/main.js, always from the current source), then the
 * client package's RGW setup: one Ceph RGW for this package's files when run alone.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { setup as rgwSetup, teardown } from '../../client/test/global-setup.js';

export { teardown };

export async function setup(): Promise<void> {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const pkg = fileURLToPath(new URL('..', import.meta.url));
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: pkg, stdio: 'inherit' });
  chmodSync(new URL('../dist/main.js', import.meta.url), 0o755);
  await rgwSetup();
}
