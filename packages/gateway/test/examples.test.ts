import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it, vi } from 'vitest';
import { OPERATIONS } from '@s3kit/xml-shapes/operations';
import { createLocalStore } from '../src/index.js';
import { makeStore } from './helpers.js';

it('runs examples/local-store.ts and prints what the README shows', async () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    await import('../examples/local-store.js');
    expect(log.mock.calls).toEqual([['"4a4be40c96ac6314e91d93f38043a634"', true]]);
  } finally {
    log.mockRestore();
  }
  const readme = await readFile(join(import.meta.dirname, '..', 'README.md'), 'utf8');
  const example = await readFile(join(import.meta.dirname, '..', 'examples', 'local-store.ts'), 'utf8');
  expect(readme).toContain(example.trim());
});

it('implements only operations of the @s3kit/xml-shapes catalogue, and answers the rest with NotImplemented (501)', async () => {
  const store = createLocalStore({ dir: '/nonexistent-never-touched' });
  for (const op of store.operations) expect(Object.keys(OPERATIONS)).toContain(op);
  const t = await makeStore();
  try {
    for (const op of Object.keys(OPERATIONS).filter((o) => !t.store.operations.has(o))) {
      const err = await t.fail(op);
      expect([op, err.code, err.status]).toEqual([op, 'NotImplemented', 501]);
    }
  } finally {
    await t.cleanup();
  }
});

it('runs examples/policy.ts: the TLS-only Deny overrides the public-read Allow, as docs/gateway/policies.md shows', async () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    await import('../examples/policy.js');
    expect(log.mock.calls).toEqual([
      ['true', 'allow', 'ReadPublic'],
      ['false', 'deny', 'TlsOnly'],
    ]);
  } finally {
    log.mockRestore();
  }
  const readme = await readFile(join(import.meta.dirname, '..', '..', '..', 'docs', 'gateway', 'policies.md'), 'utf8');
  const example = await readFile(join(import.meta.dirname, '..', 'examples', 'policy.ts'), 'utf8');
  expect(readme).toContain(example.trim());
});
