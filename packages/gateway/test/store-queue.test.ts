import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLocalStore } from '../src/index.js';
import { ExchangeAbort } from '../src/pipeline/abort.js';
import { OperationQueue, releasingOnRead, type Turn } from '../src/store/operation-queue.js';
import { bodyText, makeStore, type TestStore } from './helpers.js';

const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('OperationQueue', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives turns at once up to max, then in arrival order as turns are given back', async () => {
    const q = new OperationQueue(2, 60_000);
    const a = (await q.turn()) as Turn;
    const b = (await q.turn()) as Turn;
    const order: string[] = [];
    const waiting = ['c', 'd', 'e'].map((n) => Promise.resolve(q.turn()).then((t) => (order.push(n), t)));
    await settle();
    expect([q.running, q.waiting, order]).toEqual([2, 3, []]);
    a.release();
    a.release(); // counts once
    await settle();
    expect([q.running, q.waiting, order]).toEqual([2, 2, ['c']]);
    b.release();
    const [c] = await Promise.all([waiting[0]!, settle()]);
    c.release();
    await settle();
    expect(order).toEqual(['c', 'd', 'e']);
    for (const t of await Promise.all(waiting.slice(1))) t.release();
    expect([q.running, q.waiting]).toEqual([0, 0]);
  });

  it('a request whose signal aborts while it waits leaves the queue with the reason; the next one gets the turn', async () => {
    const q = new OperationQueue(1, 60_000);
    const held = (await q.turn()) as Turn;
    const ac = new AbortController();
    const gone = Promise.resolve(q.turn(ac.signal));
    const next = Promise.resolve(q.turn());
    const reason = new Error('client went away');
    ac.abort(reason);
    await expect(gone).rejects.toBe(reason);
    expect(q.waiting).toBe(1);
    held.release();
    (await next).release();
    expect([q.running, q.waiting]).toEqual([0, 0]);
    // Already aborted: refused without waiting.
    const busy = (await q.turn()) as Turn;
    await expect(Promise.resolve(q.turn(AbortSignal.abort(reason)))).rejects.toBe(reason);
    busy.release();
  });

  it("leaves the queue when the gateway's exchange abort (not an AbortSignal) fires while it waits", async () => {
    const q = new OperationQueue(1, 60_000);
    const held = (await q.turn()) as Turn;
    const abort = new ExchangeAbort();
    const gone = Promise.resolve(q.turn(abort));
    const reason = new Error('client went away');
    abort.abort(reason);
    await expect(gone).rejects.toBe(reason);
    expect(q.waiting).toBe(0);
    held.release();
    expect(q.running).toBe(0);
  });

  it('an operation that waited maxWaitMs runs anyway (counted), so one holding its turn long delays others by at most that', async () => {
    vi.useFakeTimers();
    const q = new OperationQueue(1, 1000);
    const long = (await q.turn()) as Turn;
    let started = false;
    const late = Promise.resolve(q.turn()).then((t) => ((started = true), t));
    await vi.advanceTimersByTimeAsync(999);
    expect(started).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const t = await late;
    expect([q.running, q.waiting]).toEqual([2, 0]);
    // Over the limit: a turn given back does not start a waiter until the count is under max again.
    const third = Promise.resolve(q.turn());
    await settle();
    t.release();
    await settle();
    expect(q.waiting).toBe(1);
    long.release();
    (await third).release();
    expect(q.running).toBe(0);
  });

  it('refuses a limit below 1', () => {
    expect(() => new OperationQueue(0, 1000)).toThrow(TypeError);
    expect(() => createLocalStore({ dir: '/tmp/unused', maxConcurrentOperations: Number.NaN })).toThrow(TypeError);
  });

  it('releasingOnRead gives the turn back when the body is first read; no body stays none', async () => {
    const q = new OperationQueue(1, 60_000);
    const t = (await q.turn()) as Turn;
    expect(releasingOnRead(undefined, t)).toBeUndefined();
    const body = releasingOnRead(
      (async function* () {
        yield new Uint8Array([7]);
      })(),
      t,
    ) as AsyncIterable<Uint8Array>;
    expect(q.running).toBe(1);
    const chunks: Uint8Array[] = [];
    for await (const c of body) chunks.push(c);
    expect([q.running, chunks]).toEqual([0, [new Uint8Array([7])]]);
  });
});

describe('the local store with maxConcurrentOperations', () => {
  let t: TestStore;
  afterEach(async () => {
    await t.cleanup();
  });

  it('a PUT whose body has not come yet does not hold its turn: other operations run meanwhile', async () => {
    t = await makeStore({ maxConcurrentOperations: 1 });
    await t.call('CreateBucket');
    await t.call('PutObject', { key: 'there', data: 'here' });
    let send!: () => void;
    const arrived = new Promise<void>((r) => (send = r));
    const put = t.call('PutObject', {
      key: 'slow',
      headers: { 'content-length': '4' },
      body: (async function* () {
        await arrived;
        yield Buffer.from('slow');
      })(),
    });
    // With one turn, these would wait (up to 1 s each) if the slow PUT still held it.
    const started = performance.now();
    expect((await t.call('HeadObject', { key: 'there' })).status).toBe(200);
    expect(await bodyText(await t.call('GetObject', { key: 'there' }))).toBe('here');
    expect(performance.now() - started).toBeLessThan(500);
    send();
    expect((await put).status).toBe(200);
    expect(await bodyText(await t.call('GetObject', { key: 'slow' }))).toBe('slow');
  });

  it('many operations at once with one turn all complete, each with its own answer', async () => {
    t = await makeStore({ maxConcurrentOperations: 1 });
    await t.call('CreateBucket');
    const keys = Array.from({ length: 20 }, (_, i) => `k${i}`);
    await Promise.all(keys.map((k) => t.call('PutObject', { key: k, data: k })));
    const got = await Promise.all(keys.map(async (k) => bodyText(await t.call('GetObject', { key: k }))));
    expect(got).toEqual(keys);
  });
});
