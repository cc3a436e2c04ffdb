// A TCP proxy in front of a server that counts the bytes clients send through it: proof of what a
// run uploaded (a resumed upload sends fewer).
import { createConnection, createServer, type Server } from 'node:net';

/** A proxy to `endpoint`; `sent` is the total of client → server bytes so far. `bytesPerSecond` slows uploads (an interrupted run is then still running when interrupted). */
export interface CountingProxy {
  endpoint: string;
  readonly sent: number;
  close(): Promise<void>;
}

export async function countingProxy(endpoint: string, bytesPerSecond = Infinity): Promise<CountingProxy> {
  const target = new URL(endpoint);
  let sent = 0;
  const sockets = new Set<{ destroy(): void }>();
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: target.hostname, port: Number(target.port) });
    sockets.add(client).add(upstream);
    client.on('data', (d: Buffer) => {
      sent += d.length;
      if (bytesPerSecond === Infinity) return;
      client.pause();
      setTimeout(() => client.resume(), (d.length / bytesPerSecond) * 1000);
    });
    client.pipe(upstream).pipe(client);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get sent() {
      return sent;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
