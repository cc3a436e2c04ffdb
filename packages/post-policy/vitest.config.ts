import { s3kitProject } from '@s3kit/test-utils/vitest';

const project = s3kitProject('post-policy');

// The preset's `module` condition makes Node load the AWS SDK's dist-es build (extensionless
// imports: ERR_MODULE_NOT_FOUND). test/interop.test.ts needs the SDK, so resolve without it.
const conditions = ['@s3kit/source', 'node', 'development|production'];
if (project.resolve) project.resolve.conditions = conditions;
if (project.ssr?.resolve) project.ssr.resolve.conditions = conditions;

export default project;
