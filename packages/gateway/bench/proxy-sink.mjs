// Plain JS (no tsx loader in this process, so its RSS is the program's own). A bare S3-ish HTTP endpoint for the proxy bench (child process): PUT reads and counts the body,
// GET /<bucket>/size-<n> streams n bytes from one reused buffer. No auth, no disk: what is left
// to measure is the client and the hop in between.
import './gc-counter.mjs';
import { createServer } from 'node:http';

const block = Buffer.alloc(1024 * 1024, 0x5a);
const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
  if (req.method === 'PUT') {
    let n = 0;
    req.on('data', (c) => (n += c.length));
    req.on('end', () => {
      res.writeHead(200, { etag: '"bench"', 'x-bench-bytes': String(n), 'content-length': '0' });
      res.end();
    });
    return;
  }
  const m = /size-(\d+)/.exec(req.url ?? '');
  const size = m ? Number(m[1]) : 0;
  res.writeHead(200, { 'content-length': String(size), 'content-type': 'application/octet-stream', etag: '"bench"' });
  if (req.method === 'HEAD') return res.end();
  let left = size;
  const pump = () => {
    while (left > 0) {
      const n = Math.min(left, block.length);
      left -= n;
      if (!res.write(n === block.length ? block : block.subarray(0, n))) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
});
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('disconnect', () => process.exit(0));
