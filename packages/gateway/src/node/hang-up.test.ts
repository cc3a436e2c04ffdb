import type { ServerResponse } from 'node:http';
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { fullGc } from '@s3kit/test-utils';
import { describe, expect, it } from 'vitest';
import { watchHangUp } from './hang-up.js';

const gc = fullGc();

/** A response and a connection as far as watchHangUp uses them. */
function exchange(connection: EventEmitter & { destroyed?: boolean }): { res: ServerResponse; connection: Duplex } {
  const res = Object.assign(new EventEmitter(), { writableFinished: false });
  connection.destroyed ??= false;
  return { res: res as unknown as ServerResponse, connection: connection as unknown as Duplex };
}

/** True once `ref`'s target was collected (WeakRef targets live at least until the current job ends). */
async function collected(ref: WeakRef<object>): Promise<boolean> {
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, 5));
    gc();
    if (ref.deref() === undefined) return true;
  }
  return false;
}

describe('watchHangUp', () => {
  it('tells a hang-up of the connection and of the response once, and nothing after dispose', async () => {
    const connection = Object.assign(new EventEmitter(), { destroyed: false });
    const a = exchange(connection);
    let told = 0;
    const watch = watchHangUp(a.res, a.connection, () => told++);
    const seen: string[] = [];
    watch.onHappen(() => seen.push('first'));
    watch.onHappen(() => seen.push('second'));
    connection.emit('close');
    a.res.emit('close');
    await Promise.resolve();
    expect([watch.happened, told, seen]).toEqual([true, 1, ['first', 'second']]);
    watch.onHappen(() => seen.push('late'));
    expect(seen).toEqual(['first', 'second', 'late']);

    const other = Object.assign(new EventEmitter(), { destroyed: false });
    const b = exchange(other);
    const disposed = watchHangUp(b.res, b.connection, () => told++);
    disposed.dispose();
    other.emit('close');
    await Promise.resolve();
    expect([disposed.happened, told]).toEqual([false, 1]);
  });

  it('keeps no finished exchange alive through its connection (one close listener per connection, made apart)', async () => {
    const connection = Object.assign(new EventEmitter(), { destroyed: false });
    const watchFinished = (): WeakRef<object> => {
      const request = { payload: new Uint8Array(1024) };
      const e = exchange(connection);
      watchHangUp(e.res, e.connection, () => void request.payload.length).dispose();
      return new WeakRef(request);
    };
    const first = watchFinished();
    const second = watchFinished();
    expect(connection.listenerCount('close')).toBe(1);
    expect(await collected(first)).toBe(true);
    expect(await collected(second)).toBe(true);
  });

  it('answers `happened` from a data property, not a getter: an accessor in an object literal is allocated in the old generation and keeps the request it reaches past every scavenge', () => {
    const e = exchange(Object.assign(new EventEmitter(), { destroyed: false }));
    const watch = watchHangUp(e.res, e.connection);
    expect(Object.getOwnPropertyDescriptor(watch, 'happened')).toMatchObject({ value: false });
    watch.dispose();
  });
});
