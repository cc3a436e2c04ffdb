import { defineProject } from 'vitest/config';

// Packaging proof for every published package (no package.json here on purpose: it is not a
// workspace package and needs nothing but Node, pnpm, npm and the root TypeScript).
export default defineProject({
  test: { name: 'packaging', include: ['*.test.ts'], testTimeout: 180_000, hookTimeout: 600_000 },
});
