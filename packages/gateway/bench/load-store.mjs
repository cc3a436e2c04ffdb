// Plain JS. The load bench's bare store server (child process): the embedded local store behind
// a minimal node:http adapter (route, store.handle, write the answer) with no auth, no policies
// and no checks, so the pass-through in front of it is the anchor for the gateway on the same
// store. Argument: the store directory.
import { createServer } from 'node:http';
import { createRouter } from '@s3kit/xml-shapes/operations';
import { createLocalStore } from '../dist/index.js';

const store = createLocalStore({ dir: process.argv[2], fsync: false });
const router = createRouter();

async function answer(req, res) {
  const q = req.url.indexOf('?');
  const r = router.route(req.method, req.headers.host, q === -1 ? req.url : req.url.slice(0, q), q === -1 ? '' : req.url.slice(q + 1), req.headers);
  const hasBody = req.method === 'PUT' || req.method === 'POST';
  const out = await store.handle({ method: req.method, operation: r.operation, bucket: r.bucket, key: r.key, query: r.params, headers: req.headers, body: hasBody ? req : undefined });
  res.writeHead(out.status, out.headers);
  const body = out.body;
  if (body === undefined || req.method === 'HEAD') return void res.end();
  if (typeof body === 'string' || body instanceof Uint8Array) return void res.end(body);
  for await (const chunk of body) if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
  res.end();
}

const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
  answer(req, res).catch((e) => {
    if (res.headersSent) return void res.destroy();
    res.writeHead(typeof e?.status === 'number' ? e.status : 500, { 'content-type': 'text/plain' });
    res.end(String(e?.code ?? e));
  });
});
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('disconnect', () => process.exit(0));
