import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it, vi } from 'vitest';

it('runs examples/gateway.ts and prints what the README shows', async () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    await import('../examples/gateway.js');
    expect(log.mock.calls).toEqual([[200, 'meow', 403, true]]);
  } finally {
    log.mockRestore();
  }
  const readme = await readFile(join(import.meta.dirname, '..', 'README.md'), 'utf8');
  const example = await readFile(join(import.meta.dirname, '..', 'examples', 'gateway.ts'), 'utf8');
  expect(readme).toContain(example.trim());
});
