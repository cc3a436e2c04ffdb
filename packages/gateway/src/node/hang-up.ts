import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** The connection of one exchange ending before its response was finished (the client hung up, or the connection broke). */
export interface HangUp {
  /** True once it happened. */
  readonly happened: boolean;
  /** Calls `fn` when it happens (at once when it already did). */
  onHappen(fn: () => void): void;
  /** Stops watching (the exchange is over). */
  dispose(): void;
}

/** Per connection, the exchanges watching it: one 'close' listener however many requests it carries. */
const watchers = new WeakMap<Duplex, Set<() => void>>();

function onConnectionClose(connection: Duplex, fn: () => void): () => void {
  let set = watchers.get(connection);
  if (set === undefined) {
    const created = new Set<() => void>();
    set = created;
    watchers.set(connection, created);
    connection.once('close', () => {
      watchers.delete(connection);
      for (const f of created) f();
    });
  }
  const held = set;
  held.add(fn);
  return () => void held.delete(fn);
}

/**
 * Watches `res` and its `connection` (the request's socket) for a hang-up: the response closing
 * before it finished, or the connection closing. A response pipelined behind another one has no
 * socket yet and never emits 'close' when the connection goes, so the connection is watched too.
 * `onHangUp` is called once when it happens (in a microtask); `onHappen` callbacks at once.
 */
export function watchHangUp(res: ServerResponse, connection: Duplex, onHangUp?: () => void): HangUp {
  let happened = false;
  let also: (() => void) | undefined;
  const hangUp = (): void => {
    if (happened) return;
    happened = true;
    also?.();
    // After the code that is running now.
    if (onHangUp !== undefined) queueMicrotask(onHangUp);
  };
  const onResClose = (): void => {
    if (!res.writableFinished) hangUp();
  };
  res.once('close', onResClose);
  let stopConnection: (() => void) | undefined;
  if (connection.destroyed) hangUp();
  else stopConnection = onConnectionClose(connection, hangUp);
  return {
    get happened() {
      return happened;
    },
    onHappen(fn) {
      if (happened) fn();
      else {
        const before = also;
        also = before === undefined ? fn : () => (before(), fn());
      }
    },
    dispose() {
      res.off('close', onResClose);
      stopConnection?.();
    },
  };
}
