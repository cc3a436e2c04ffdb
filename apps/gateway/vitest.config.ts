import { s3kitProject } from '@s3kit/test-utils/vitest';

const project = s3kitProject('gateway-app');

// As in packages/gateway: the AWS SDK's dist-es build fails under the `module` condition.
const conditions = ['@s3kit/source', 'node', 'development|production'];
if (project.resolve) project.resolve.conditions = conditions;
if (project.ssr?.resolve) project.ssr.resolve.conditions = conditions;

export default project;
