// Plain JS. The second baseline of the proxy bench (child process): a bare node:http
// pass-through proxy in front of the sink, with no auth, no parsing and no re-signing: request
// and response bodies are piped with backpressure over a keep-alive agent. gateway/pass-through
// is therefore what the gateway itself costs on top of any extra loopback hop. It pipes with
// `pipe()` and its own error handling, not `stream.pipeline()` (whose AbortController and the
// AbortError it builds per completed call would make the anchor slower than it needs to be).
import './gc-counter.mjs';
import { Agent, createServer, request } from 'node:http';

const upstreamPort = Number(process.argv[2]);
const agent = new Agent({ keepAlive: true, maxSockets: 32 });
const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
  const up = request({ host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: req.headers, agent }, (ur) => {
    res.writeHead(ur.statusCode ?? 502, ur.headers);
    // A download cut short resets the client's connection: never a truncated success.
    ur.on('error', () => res.destroy());
    ur.on('aborted', () => res.destroy());
    ur.pipe(res);
  });
  up.on('error', () => res.destroy());
  // The client went away: so does the upstream request.
  res.on('close', () => {
    if (!res.writableFinished) up.destroy();
  });
  req.pipe(up);
});
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('disconnect', () => process.exit(0));
