import { describe, expect, it } from 'vitest';
import { main } from '../examples/upload-ticket.js';

describe('README example (examples/upload-ticket.ts)', () => {
  it('builds an upload ticket, posts it as a browser form and verifies it: 204 with the file stored', async () => {
    await expect(main()).resolves.toEqual({ status: 204, key: 'inbox/notes.txt', stored: 'hello, bucket' });
  });
});
