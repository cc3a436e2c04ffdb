import { s3kitProject } from '@s3kit/test-utils/vitest';

const project = s3kitProject('ceph-rgw');

// The shared preset lists the `module` export condition. With it Vite hands Node the AWS SDK's
// bundler-only `dist-es` build (extensionless relative imports), and importing
// @aws-sdk/client-s3 fails with "Cannot find module .../NODE_REQUEST_CHECKSUM_CALCULATION_CONFIG_OPTIONS".
// This project drops that condition so the SDK loads its Node build.
const withoutModule = (conditions: string[] | undefined) => conditions?.filter((c) => c !== 'module');

export default {
  ...project,
  resolve: { ...project.resolve, conditions: withoutModule(project.resolve?.conditions) },
  ssr: {
    ...project.ssr,
    resolve: { ...project.ssr?.resolve, conditions: withoutModule(project.ssr?.resolve?.conditions) },
  },
};
