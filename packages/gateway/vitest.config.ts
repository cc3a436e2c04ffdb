import { s3kitProject } from '@s3kit/test-utils/vitest';

const project = s3kitProject('gateway');

// The preset's `module` condition reaches the test workers as `node --conditions module`, and
// Node then loads the AWS SDK's dist-es build (extensionless imports: ERR_MODULE_NOT_FOUND).
// The real-client tests need the SDK, so this project resolves without it.
const conditions = ['@s3kit/source', 'node', 'development|production'];
if (project.resolve) project.resolve.conditions = conditions;
if (project.ssr?.resolve) project.ssr.resolve.conditions = conditions;

export default project;
