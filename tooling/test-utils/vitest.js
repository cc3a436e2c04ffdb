// Shared vitest project preset. Plain JS so Vite's config loader can import it on Node 20.
import { defineProject } from 'vitest/config';

// Workspace imports resolve to TypeScript source through the `@s3kit/source` export
// condition, so tests never need a prior build. Vite >= 6 resolves Node-side modules
// through `ssr.resolve.conditions`, so the condition goes in both lists. Vite's default
// server list also has `module`; it is left out on purpose: with it Vite hands Node the AWS
// SDK's bundler-only `dist-es` build, and importing @aws-sdk/client-s3 fails.
const conditions = ['@s3kit/source', 'node', 'development|production'];

/**
 * @param {string} name project name shown in the vitest summary
 * @param {import('vitest/config').UserWorkspaceConfig['test']} [test] extra test options
 */
export function s3kitProject(name, test = {}) {
  return defineProject({
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ['@s3kit/source'] } },
    test: {
      name,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 30_000,
      ...test,
    },
  });
}
