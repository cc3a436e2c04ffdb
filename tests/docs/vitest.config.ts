import { defineProject } from 'vitest/config';

// The documentation guard: every relative link and #anchor in the repository's Markdown resolves.
export default defineProject({
  test: { name: 'docs', include: ['*.test.ts'] },
});
