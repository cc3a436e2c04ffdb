import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ClientBody } from './client-body.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const asRequest = (s: PassThrough): IncomingMessage => s as unknown as IncomingMessage;

describe('ClientBody', () => {
  it('reads nothing and calls onFirstPull only when the gateway first pulls', async () => {
    const src = new PassThrough();
    let pulls = 0;
    const body = new ClientBody(asRequest(src), { idleMs: 1000, minBytesPerSecond: 0 }, { onFirstPull: () => pulls++ });
    src.end('hello');
    await sleep(20);
    expect([pulls, body.bytes, body.pulled]).toEqual([0, 0, false]);
    const chunks: Buffer[] = [];
    for await (const c of body) chunks.push(Buffer.from(c));
    expect([Buffer.concat(chunks).toString(), pulls, body.bytes]).toEqual(['hello', 1, 5]);
  });

  it('times only the waits for client bytes: a slow consumer (upstream backpressure) is no timeout', async () => {
    const src = new PassThrough();
    const body = new ClientBody(asRequest(src), { idleMs: 150, minBytesPerSecond: 0 });
    src.write('a');
    src.write('b');
    src.end('c');
    let n = 0;
    for await (const c of body) {
      n += c.length;
      await sleep(300);
    }
    expect(n).toBe(3);
  });

  it('fails with RequestTimeout when no byte comes for idleMs, and reports it once', async () => {
    const src = new PassThrough();
    const timeouts: string[] = [];
    const body = new ClientBody(asRequest(src), { idleMs: 100, minBytesPerSecond: 0 }, { onTimeout: (e) => timeouts.push(e.code) });
    src.write('a');
    const started = performance.now();
    await expect(
      (async () => {
        for await (const _ of body);
      })(),
    ).rejects.toMatchObject({ code: 'RequestTimeout', status: 400 });
    expect(performance.now() - started).toBeGreaterThan(90);
    expect(timeouts).toEqual(['RequestTimeout']);
  });

  it('fails a trickle below minBytesPerSecond once the waits add up to idleMs', async () => {
    const src = new PassThrough();
    const body = new ClientBody(asRequest(src), { idleMs: 300, minBytesPerSecond: 100 });
    // One byte every 50 ms: no wait is idle for 300 ms, but 20 B/s is below 100 B/s.
    const timer = setInterval(() => src.write('x'), 50);
    const started = performance.now();
    try {
      await expect(
        (async () => {
          for await (const _ of body);
        })(),
      ).rejects.toMatchObject({ code: 'RequestTimeout' });
    } finally {
      clearInterval(timer);
    }
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThan(250);
    expect(elapsed).toBeLessThan(1000);
  });

  it('times each wait from its own start: short waits over more than idleMs pass, the stall after them fails idleMs later', async () => {
    const src = new PassThrough();
    const body = new ClientBody(asRequest(src), { idleMs: 200, minBytesPerSecond: 0 });
    // A byte every 60 ms for 420 ms (more than twice idleMs in all), then nothing.
    let sent = 0;
    const timer = setInterval(() => {
      if (++sent <= 7) src.write('x');
    }, 60);
    const started = performance.now();
    let stalledAt = 0;
    try {
      await expect(
        (async () => {
          for await (const _ of body) stalledAt = performance.now();
        })(),
      ).rejects.toMatchObject({ code: 'RequestTimeout' });
    } finally {
      clearInterval(timer);
    }
    expect(body.bytes).toBe(7);
    expect(stalledAt - started).toBeGreaterThan(380);
    // Failed idleMs after the last byte (one timer, re-armed for the rest of the wait in progress).
    expect(performance.now() - stalledAt).toBeGreaterThan(180);
    expect(performance.now() - stalledAt).toBeLessThan(600);
  });

  it('fail() ends a pending read with the given error', async () => {
    const src = new PassThrough();
    const body = new ClientBody(asRequest(src), { idleMs: 10_000, minBytesPerSecond: 0 });
    const reading = (async () => {
      for await (const _ of body);
    })();
    await sleep(20);
    body.fail(Object.assign(new Error('bad framing'), { code: 'InvalidRequest' }) as never);
    await expect(reading).rejects.toMatchObject({ code: 'InvalidRequest' });
  });
});
