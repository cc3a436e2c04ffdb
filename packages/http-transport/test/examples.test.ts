import { describe, expect, it } from 'vitest';
import { putAndGet } from '../examples/put-get.js';
import { expectValidSignature, startServer } from './helpers.js';

describe('README example', () => {
  it('examples/put-get.ts stores and reads an object through a signed transport', async () => {
    const objects = new Map<string, Buffer>();
    const server = await startServer((req, res, body) => {
      if (req.method === 'PUT') {
        objects.set(req.url ?? '', body);
        res.writeHead(200, { etag: '"1"' });
        res.end();
      } else {
        const data = objects.get(req.url ?? '');
        res.writeHead(data ? 200 : 404);
        res.end(data);
      }
    });
    try {
      expect(await putAndGet(server.origin)).toBe('Hello, S3!');
      for (const r of server.requests) expectValidSignature(server.origin, r);
    } finally {
      await server.close();
    }
  });
});
