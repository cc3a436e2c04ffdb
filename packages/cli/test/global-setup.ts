/**
 * Builds the binary the tests drive and the packages it imports at run time (dist/main.js over the
 * client's dist: turbo, cached when unchanged), then the client package's RGW setup: one Ceph RGW
 * for this package's files when run alone.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setup as rgwSetup, teardown } from '../../client/test/global-setup.js';

export { teardown };

export async function setup(): Promise<void> {
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  const turbo = fileURLToPath(new URL('../../../node_modules/turbo/bin/turbo', import.meta.url));
  execFileSync(process.execPath, [turbo, 'run', 'build', '--output-logs=errors-only', '--filter=s3kit...'], { cwd: root, stdio: 'inherit' });
  await rgwSetup();
}
