import { afterEach, beforeEach, expect, it, vi } from 'vitest';

// The README example runs on import; its console output is checked here.
let printed: string[] = [];
beforeEach(() => {
  printed = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')));
});
afterEach(() => vi.restoreAllMocks());

it('examples/select.ts: the server encoders answer, s3SelectEvents reads records and stats', async () => {
  await import('../examples/select.js');
  expect(printed).toEqual(['scanned 120 returned 14', '1,alice\n2,bob\n']);
});
