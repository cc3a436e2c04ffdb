import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderErrorsMarkdown } from '../src/render-doc.js';

describe('docs/errors.md', () => {
  it('is generated from the error table and up to date (run `pnpm docs:errors`)', () => {
    const onDisk = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    expect(onDisk).toBe(renderErrorsMarkdown());
  });
});
