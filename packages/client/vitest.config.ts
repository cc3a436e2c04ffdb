import { s3kitProject } from '@s3kit/test-utils/vitest';

// One Ceph RGW for all of this package's test files (test/global-setup.ts); tests skip without
// Ceph, and fail under CI (rgwOrSkip).
export default s3kitProject('client', { globalSetup: ['test/global-setup.ts'] });
