import { s3kitProject } from '@s3kit/test-utils/vitest';

// The tests drive the built binary (dist/main.js) against a gateway on the embedded store and the
// run's Ceph RGW (test/global-setup.ts starts one when run alone).
export default s3kitProject('cli', { globalSetup: ['test/global-setup.ts'], testTimeout: 120_000, hookTimeout: 120_000 });
