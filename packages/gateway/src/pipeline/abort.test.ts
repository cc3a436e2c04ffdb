import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLocalStore } from '../store/local-store.js';
import { createS3Upstream } from '../upstreams/s3-upstream.js';
import type { Upstream, UpstreamRequest } from '../upstreams/upstream.js';
import { EXCHANGE_ABORT, ExchangeAbort, forUpstream, toAbortSignal, type AbortableRequest } from './abort.js';

const request = (abort: ExchangeAbort): AbortableRequest => ({ method: 'GET', operation: 'GetObject', bucket: 'b', key: 'k', query: {}, headers: {}, [EXCHANGE_ABORT]: abort });

describe('ExchangeAbort', () => {
  it('tells each listener once, not one removed before, and ignores a second abort', () => {
    const abort = new ExchangeAbort();
    const told: string[] = [];
    const a = { handleEvent: () => told.push('a') };
    const b = { handleEvent: () => told.push('b') };
    abort.addEventListener('abort', a);
    abort.addEventListener('abort', b);
    abort.removeEventListener('abort', a);
    abort.abort('first');
    abort.abort('second');
    expect([abort.aborted, abort.reason, told]).toEqual([true, 'first', ['b']]);
  });

  it('makes its AbortSignal on first use, aborted with its reason whether that came before or after', () => {
    const before = new ExchangeAbort();
    before.abort('gone');
    expect([before.signal.aborted, before.signal.reason]).toEqual([true, 'gone']);
    const after = new ExchangeAbort();
    const signal = after.signal;
    expect(after.signal).toBe(signal);
    expect(signal.aborted).toBe(false);
    after.abort('late');
    expect([signal.aborted, signal.reason]).toEqual([true, 'late']);
  });

  it('toAbortSignal: an AbortSignal as it is, any other AbortSignalLike followed', () => {
    const real = new AbortController().signal;
    expect(toAbortSignal(real)).toBe(real);
    const listeners: { handleEvent(): void }[] = [];
    const like = { aborted: false, reason: 'why', addEventListener: (_t: 'abort', l: { handleEvent(): void }) => void listeners.push(l), removeEventListener: () => {} };
    const made = toAbortSignal(like);
    for (const l of listeners) l.handleEvent();
    expect([made.aborted, made.reason]).toEqual([true, 'why']);
  });

  it('toAbortSignal: one listener on a long-lived AbortSignalLike, however many requests it serves', () => {
    const listeners: { handleEvent(): void }[] = [];
    const like = { aborted: false, reason: 'shutdown', addEventListener: (_t: 'abort', l: { handleEvent(): void }) => void listeners.push(l), removeEventListener: () => {} };
    const made = new Set(Array.from({ length: 100 }, () => toAbortSignal(like)));
    expect([made.size, listeners.length]).toEqual([1, 1]);
    listeners[0]!.handleEvent();
    const [signal] = made;
    expect([signal!.aborted, signal!.reason]).toEqual([true, 'shutdown']);
  });
});

describe('forUpstream', () => {
  it("hands the S3 upstream the exchange's abort as it is (no AbortSignal made) and any other upstream a real signal that follows it", async () => {
    const s3 = createS3Upstream({ endpoint: 'http://127.0.0.1:9', region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    const other: Upstream = { capabilities: { acceptsUnknownLength: false }, handle: () => Promise.reject(new Error('unused')) };
    const abort = new ExchangeAbort();
    const req = request(abort);
    expect(forUpstream(s3, req)).toBe(req);
    const given: UpstreamRequest = forUpstream(other, req);
    expect(given.signal).toBeInstanceOf(AbortSignal);
    abort.abort('gone');
    expect(given.signal?.reason).toBe('gone');
    await s3.close();
  });

  it("hands the local store the exchange's abort as it is too (it only listens to it)", async () => {
    const dir = await mkdtemp(join(tmpdir(), 's3kit-abort-'));
    const store = createLocalStore({ dir, fsync: false });
    const req = request(new ExchangeAbort());
    expect(forUpstream(store, req)).toBe(req);
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
});
