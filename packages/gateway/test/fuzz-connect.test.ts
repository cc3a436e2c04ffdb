import { connect } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { GatewayServer } from '../src/index.js';
import { makeStore, type TestStore } from './helpers.js';
import { startGateway, type RunningGateway } from './support/gateway-server.js';

// Found by fuzz.test.ts (seed 0x5eed0001, case #1487: a DeleteObjects with a 5 MiB body whose
// method was turned into CONNECT). The server answers CONNECT with 405 MethodNotAllowed and
// ends its side, but never reads the bytes the client sent after the head: the socket, handed
// to the 'connect' handler unread, never sees the client's end, so it stays open for good.
// Each such request keeps a connection (a file descriptor) forever, unauthenticated.
// Issue 12 defect 7 (CONNECT), src/node/gateway-server.ts: the handler now drains the socket and
// closes it at most a second after its answer.

let t: TestStore;
let g: RunningGateway;
let server: GatewayServer;
let port: number;
beforeAll(async () => {
  t = await makeStore();
  g = await startGateway(t.store, { maxConcurrentRequests: 10 });
  ({ server, port } = g);
});
afterAll(async () => {
  await g.close();
  await t.cleanup();
});

const connections = (): Promise<number> => new Promise((r) => server.getConnections((_, n) => r(n)));

/** CONNECT with `size` bytes after the head; the client leaves once the answer arrived. */
function connectWithBody(size: number): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.write(`CONNECT 127.0.0.1:${port} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: ${size}\r\n\r\n`);
      socket.write(Buffer.alloc(size, 'x'));
    });
    socket.on('data', (c: Buffer) => {
      text += c.toString('latin1');
      if (text.includes('</Error>')) socket.destroy();
    });
    socket.on('error', () => {});
    socket.once('close', () => resolve(text));
  });
}

it('closes the connection of a CONNECT whose client sent a body and left', async () => {
  for (let i = 0; i < 5; i++) expect(await connectWithBody(1 << 20)).toMatch(/^HTTP\/1\.1 405[\s\S]*<Code>MethodNotAllowed<\/Code>/);
  await expect.poll(connections, { timeout: 3000 }).toBe(0);
});
