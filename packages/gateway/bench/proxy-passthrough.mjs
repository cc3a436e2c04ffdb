// Plain JS. The second baseline of the proxy bench (child process): a bare node:http
// pass-through proxy in front of the sink, with no auth, no parsing and no re-signing: request
// and response bodies are piped with backpressure over a keep-alive agent. gateway/pass-through
// is therefore what the gateway itself costs on top of any extra loopback hop.
import './gc-counter.mjs';
import { Agent, createServer, request } from 'node:http';
import { pipeline } from 'node:stream';

const upstreamPort = Number(process.argv[2]);
const agent = new Agent({ keepAlive: true, maxSockets: 32 });
const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
  const up = request({ host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: req.headers, agent }, (ur) => {
    res.writeHead(ur.statusCode ?? 502, ur.headers);
    pipeline(ur, res, () => {});
  });
  up.on('error', () => res.destroy());
  pipeline(req, up, () => {});
});
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('disconnect', () => process.exit(0));
