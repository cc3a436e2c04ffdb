// An HTTP proxy that records what a server answered (body bytes) and the ranges asked for: proof
// that a command read only parts of an object.
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A pass-through HTTP proxy (Host kept, so signatures hold) that counts what the server sent back. */
export interface RecordingProxy {
  url: string;
  /** Response body bytes relayed so far. */
  bytes: number;
  /** The `Range` header of each request (`''` when none). */
  ranges: string[];
  close(): Promise<void>;
}

/** A {@link RecordingProxy} in front of `target` (`http://host:port`). */
export async function recordingProxy(target: string): Promise<RecordingProxy> {
  const to = new URL(target);
  const proxy: RecordingProxy = { url: '', bytes: 0, ranges: [], close: async () => {} };
  const server = createServer((req, res) => {
    proxy.ranges.push(req.headers.range ?? '');
    const up = request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers }, (answer: IncomingMessage) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.on('data', (d: Buffer) => (proxy.bytes += d.length));
      answer.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return proxy;
}
