import diagnosticsChannel from 'node:diagnostics_channel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels, createTransport, type DoneMessage, type ErrorMessage, type RequestMessage, type ResponseMessage, type Transport } from '../src/index.js';
import { creds, region, s3ErrorXml, startServer, type TestServer } from './helpers.js';

let server: TestServer;
let transport: Transport;
beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.url?.startsWith('/missing')) {
      res.writeHead(404);
      res.end(s3ErrorXml('NoSuchKey', 'nope'));
      return;
    }
    res.end('x'.repeat(2048));
  });
  transport = createTransport({ proxy: false, retry: false, sign: { credentials: creds, region } });
});
afterAll(async () => {
  await transport.close();
  await server.close();
});

function record(): { events: Array<[string, unknown]>; stop(): void } {
  const events: Array<[string, unknown]> = [];
  const listeners = Object.values(channels).map((name) => {
    const fn = (m: unknown): void => {
      events.push([name, m]);
    };
    diagnosticsChannel.subscribe(name, fn);
    return [name, fn] as const;
  });
  return { events, stop: () => listeners.forEach(([n, fn]) => void diagnosticsChannel.unsubscribe(n, fn)) };
}

describe('diagnostics_channel events', () => {
  it('publishes request, response and done with timings and byte counts', async () => {
    const rec = record();
    try {
      const res = await transport.request({ method: 'PUT', url: `${server.origin}/b/k?partNumber=1&uploadId=SECRETID`, body: 'hello' });
      await res.body.dump();
    } finally {
      rec.stop();
    }
    const names = rec.events.map(([n]) => n);
    expect(names).toEqual([channels.request, channels.response, channels.done]);
    const req = rec.events[0]![1] as RequestMessage;
    expect(req).toMatchObject({ method: 'PUT', origin: server.origin, path: '/b/k?partNumber&uploadId', bytesOut: 5 });
    const response = rec.events[1]![1] as ResponseMessage;
    expect(response.statusCode).toBe(200);
    expect(response.id).toBe(req.id);
    expect(response.headersMs).toBeGreaterThan(0);
    const done = rec.events[2]![1] as DoneMessage;
    expect(done.bytesIn).toBe(2048);
    expect(done.durationMs).toBeGreaterThanOrEqual(done.headersMs);
  });

  it('shows an S3 error response as response + done with its status, never with credentials or signatures', async () => {
    const rec = record();
    try {
      await transport.request({ method: 'GET', url: `${server.origin}/missing?X-Amz-Signature=deadbeef` }).catch(() => undefined);
    } finally {
      rec.stop();
    }
    expect(rec.events.map(([n]) => n)).toEqual([channels.request, channels.response, channels.done]);
    expect((rec.events[1]![1] as ResponseMessage).statusCode).toBe(404);
    const text = JSON.stringify(rec.events);
    expect(text).not.toContain(creds.secretAccessKey);
    expect(text).not.toContain('deadbeef');
    expect(text).not.toMatch(/Signature=/);
  });

  it('publishes an error event with the typed code when the connection fails', async () => {
    const probe = await startServer((_req, res) => res.end());
    const origin = probe.origin;
    await probe.close();
    const rec = record();
    try {
      await transport.request({ method: 'GET', url: `${origin}/k` }).catch(() => undefined);
    } finally {
      rec.stop();
    }
    const error = rec.events.find(([n]) => n === channels.error)?.[1] as ErrorMessage;
    expect(error.error).toMatchObject({ name: 'TransportConnectError', code: 'S3KIT_TRANSPORT_CONNECT' });
    expect(error.statusCode).toBeUndefined();
  });
});
