import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => vi.restoreAllMocks());

describe('README examples', () => {
  it('route-and-parse.ts prints what the README says', async () => {
    const lines: unknown[][] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args));
    await import('../examples/route-and-parse.js');
    expect(lines).toEqual([
      ['GetObjectTagging', 'photos', '2024/cat.jpg', [{ action: 's3:GetObjectVersionTagging', resource: 'object' }]],
      [true, 1, '" "', []],
    ]);
  });
});
