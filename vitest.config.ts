import { defineConfig } from 'vitest/config';

// One run, one summary: every package, app, integration suite and the RGW tooling is a project.
// The global setup starts one throwaway Ceph RGW (a real S3 server on 127.0.0.1) for the whole
// run when Ceph is installed (`pnpm test` installs it where it can; CI requires it).
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'tests/*', 'tooling/ceph-rgw'],
    globalSetup: ['tooling/ceph-rgw/global-setup.ts'],
  },
});
