import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it, vi } from 'vitest';

it('runs examples/post-upload.ts (preflight 200, form stored 201 with the CORS header and the resolved key) and docs/gateway/browser-uploads.md shows it', async () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    await import('../examples/post-upload.js');
    expect(log.mock.calls).toEqual([[200, 201, 'https://app.example', 'uploads/note.txt']]);
  } finally {
    log.mockRestore();
  }
  const readme = await readFile(join(import.meta.dirname, '..', '..', '..', 'docs', 'gateway', 'browser-uploads.md'), 'utf8');
  const example = await readFile(join(import.meta.dirname, '..', 'examples', 'post-upload.ts'), 'utf8');
  expect(readme).toContain(example.trim());
});
