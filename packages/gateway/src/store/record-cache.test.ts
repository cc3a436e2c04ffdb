import { describe, expect, it } from 'vitest';
import { RecordCache } from './record-cache.js';

const deferred = (): { promise: Promise<string | undefined>; resolve: (v: string | undefined) => void } => {
  let resolve!: (v: string | undefined) => void;
  const promise = new Promise<string | undefined>((r) => (resolve = r));
  return { promise, resolve };
};

describe('RecordCache', () => {
  it('keeps what it read, found or missing, until the record changes', async () => {
    const cache = new RecordCache();
    let loads = 0;
    const load = async (p: string): Promise<string | undefined> => (loads++, p === '/a' ? 'A1' : undefined);
    expect(await cache.read('/a', load)).toBe('A1');
    expect(await cache.read('/a', load)).toBe('A1');
    expect(await cache.read('/none', load)).toBeUndefined();
    expect(await cache.read('/none', load)).toBeUndefined();
    expect(loads).toBe(2);
    cache.changed('/a');
    expect(await cache.read('/a', load)).toBe('A1');
    expect(loads).toBe(3);
    cache.changed();
    expect(cache.size).toBe(0);
  });

  it('never keeps a read that overlapped a change: the file it saw may be the old one', async () => {
    const cache = new RecordCache();
    const old = deferred();
    const reading = cache.read('/k', () => old.promise);
    // A commit runs while the read is in flight: before its write, and after it.
    cache.changed('/k');
    cache.changed('/k');
    old.resolve('OLD');
    expect(await reading).toBe('OLD');
    expect(await cache.read('/k', async () => 'NEW')).toBe('NEW');
    // A read that started between the two calls saw either file; it is not kept either.
    const mid = deferred();
    cache.changed('/k');
    const midRead = cache.read('/k', () => mid.promise);
    cache.changed('/k');
    mid.resolve('OLDER');
    await midRead;
    expect(await cache.read('/k', async () => 'NEWEST')).toBe('NEWEST');
  });

  it('after a write, keeps what the file now holds; a read that overlapped it never replaces that', async () => {
    const cache = new RecordCache();
    const old = deferred();
    const reading = cache.read('/k', () => old.promise);
    cache.changed('/k');
    cache.wrote('/k', 'NEW');
    old.resolve('OLD');
    expect(await reading).toBe('OLD');
    const never = async (): Promise<string> => {
      throw new Error('kept text expected');
    };
    expect(await cache.read('/k', never)).toBe('NEW');
    cache.changed('/k');
    cache.wrote('/k', undefined); // removed
    expect(await cache.read('/k', never)).toBeUndefined();
  });

  it('drops the least recently used record beyond max', async () => {
    const cache = new RecordCache(2);
    const load = async (p: string): Promise<string> => p;
    await cache.read('/a', load);
    await cache.read('/b', load);
    await cache.read('/a', load); // /a used last: /b goes first
    await cache.read('/c', load);
    expect(cache.size).toBe(2);
    const loaded: string[] = [];
    const tracked = async (p: string): Promise<string> => (loaded.push(p), p);
    await cache.read('/a', tracked);
    await cache.read('/c', tracked);
    expect(loaded).toEqual([]);
    await cache.read('/b', tracked);
    expect(loaded).toEqual(['/b']);
  });
});
