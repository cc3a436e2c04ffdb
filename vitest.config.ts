import { defineConfig } from 'vitest/config';

// One run, one summary: every package, app and integration suite is a project.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'tests/*'],
    reporters: process.env['CI'] ? ['default'] : ['default'],
  },
});
