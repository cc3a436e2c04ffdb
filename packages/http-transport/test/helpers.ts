import type { IncomingMessage } from 'node:http';
import { SigV4Signer, parseAmzDate, type Credentials } from '@s3kit/sigv4';
import { afterEach, expect } from 'vitest';
import type { Transport } from '../src/index.js';
import type { LoopbackServer } from '@s3kit/test-utils';

// The loopback fixtures live in @s3kit/test-utils (shared with the client and gateway tests).
export {
  startLoopbackServer as startServer,
  startRawTcpServer as startRawServer,
  startForwardProxy,
  s3ErrorXml,
  type LoopbackServer as TestServer,
} from '@s3kit/test-utils';

/**
 * After each test, destroys the transport and closes the server that `current()` returns (the
 * test file's `transport` / `server` variables), each once: one still left from an earlier test is skipped.
 */
export function closeAfterEach(current: () => { transport?: Transport | undefined; server?: Pick<LoopbackServer, 'close'> | undefined }): void {
  const done = new WeakSet<object>();
  afterEach(async () => {
    const { transport, server } = current();
    if (transport !== undefined && !done.has(transport)) {
      done.add(transport);
      await transport.destroy();
    }
    if (server !== undefined && !done.has(server)) {
      done.add(server);
      await server.close();
    }
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const creds: Credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
export const region = 'us-east-1';

/** Recomputes the Authorization header from what arrived on the wire. */
export function expectValidSignature(origin: string, r: { method: string; url: string; headers: IncomingMessage['headers'] }, c: Credentials = creds): void {
  const auth = String(r.headers['authorization']);
  const signedNames = /SignedHeaders=([^,]+)/.exec(auth)?.[1]?.split(';') ?? [];
  const headers: Record<string, string> = {};
  for (const name of signedNames) headers[name] = String(r.headers[name]);
  const at = parseAmzDate(String(r.headers['x-amz-date']));
  const signer = new SigV4Signer({ credentials: c, region, clock: () => Number(at) });
  const signed = signer.sign({ method: r.method, url: origin + r.url, headers, payloadHash: String(r.headers['x-amz-content-sha256']) });
  expect(auth).toBe(signed.headers['authorization']);
}
