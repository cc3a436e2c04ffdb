import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it, vi } from 'vitest';

it("runs examples/upload-ticket.ts: the ticket's form posts back through the gateway (201) and the file is stored with its type, as docs/gateway/browser-uploads.md shows", async () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    await import('../examples/upload-ticket.js');
    expect(log.mock.calls).toEqual([[201, 'text/plain', 'hello, ticket\n']]);
  } finally {
    log.mockRestore();
  }
  const readme = await readFile(join(import.meta.dirname, '..', '..', '..', 'docs', 'gateway', 'browser-uploads.md'), 'utf8');
  const example = await readFile(join(import.meta.dirname, '..', 'examples', 'upload-ticket.ts'), 'utf8');
  expect(readme).toContain(example.trim());
});
