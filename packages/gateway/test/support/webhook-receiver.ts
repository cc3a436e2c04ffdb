// A local HTTP receiver of webhook deliveries (webhook tests, crash test, bench): records every
// POST body; `answer` decides each response (status, or 'hang' to never answer: a timeout).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { S3EventRecord } from '../../src/store/event-records.js';

export interface Delivery {
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: { EventName: string; Key: string; Records: S3EventRecord[] };
  /** performance.now() when it arrived. */
  readonly at: number;
}

export interface Receiver {
  readonly url: string;
  /** Accepted deliveries (2xx answers), in arrival order. */
  readonly delivered: Delivery[];
  /** Every POST, accepted or not. */
  readonly attempts: number;
  /** Decides the answer of each POST; default 200. */
  answer: (d: Delivery) => number | 'hang';
  /** Resolves once `n` deliveries were accepted. */
  waitFor(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const delivered: Delivery[] = [];
  let attempts = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      attempts++;
      const d: Delivery = { headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Delivery['body'], at: performance.now() };
      const status = r.answer(d);
      if (status === 'hang') return;
      if (status >= 200 && status < 300) delivered.push(d);
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const r: Receiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    delivered,
    get attempts() {
      return attempts;
    },
    answer: () => 200,
    async waitFor(n, timeoutMs = 15_000) {
      for (const end = Date.now() + timeoutMs; delivered.length < n; await new Promise((w) => setTimeout(w, 10))) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${n} deliveries (got ${delivered.length})`);
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return r;
}

/** `bucket/key` and event name of each delivered record. */
export function deliveredKeys(r: Receiver): { key: string; name: string; sequencer: string }[] {
  return r.delivered.flatMap((d) => d.body.Records.map((x) => ({ key: decodeURIComponent(x.s3.object.key.replace(/\+/g, ' ')), name: x.eventName, sequencer: x.s3.object.sequencer })));
}
