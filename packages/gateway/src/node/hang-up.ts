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

/**
 * Per connection, the exchanges watching it: one 'close' listener however many requests it carries.
 * Kept on the connection under a symbol (one shared property, not a WeakMap entry per connection),
 * in an array: a connection carries one exchange at a time but for pipelining.
 */
const WATCHERS: unique symbol = Symbol('s3kit.hangUpWatchers');
type Watched = Duplex & { [WATCHERS]?: (() => void)[] };

/**
 * The watchers of `connection`, with its one 'close' listener. Made apart from
 * {@link onConnectionClose}, so the listener's closure context holds the connection and the list
 * only, not the first exchange's callback (and through it that whole request) for as long as the
 * connection lives.
 */
function watchersOf(connection: Watched): (() => void)[] {
  const known = connection[WATCHERS];
  if (known !== undefined) return known;
  const created: (() => void)[] = [];
  connection[WATCHERS] = created;
  connection.once('close', () => {
    for (const f of created.splice(0)) f();
  });
  return created;
}

function onConnectionClose(connection: Duplex, fn: () => void): () => void {
  const held = watchersOf(connection);
  held.push(fn);
  return () => {
    const i = held.indexOf(fn);
    if (i !== -1) held.splice(i, 1);
  };
}

/**
 * Watches `res` and its `connection` (the request's socket) for a hang-up: the response closing
 * before it finished, or the connection closing. A response pipelined behind another one has no
 * socket yet and never emits 'close' when the connection goes, so the connection is watched too.
 * `onHangUp` is called once when it happens (in a microtask); `onHappen` callbacks at once.
 */
export function watchHangUp(res: ServerResponse, connection: Duplex, onHangUp?: () => void): HangUp {
  // `happened` is a data property, not a getter: an object literal with an accessor gets an
  // AccessorPair that V8 allocates in the old generation, and from there the getter's closure
  // (and the whole request it reaches) outlives every scavenge until the next full GC.
  const watch = {
    happened: false,
    onHappen(fn: () => void): void {
      if (watch.happened) fn();
      else {
        const before = also;
        also = before === undefined ? fn : () => (before(), fn());
      }
    },
    dispose(): void {
      disposed = true;
      stopConnection?.();
    },
  };
  // The response's 'close' listener stays (a response closes once, and is dropped with it): no
  // once() wrapper to make and no listener list to search per request.
  let disposed = false;
  let also: (() => void) | undefined;
  const hangUp = (): void => {
    if (watch.happened) return;
    watch.happened = true;
    also?.();
    // After the code that is running now.
    if (onHangUp !== undefined) queueMicrotask(onHangUp);
  };
  const onResClose = (): void => {
    if (!disposed && !res.writableFinished) hangUp();
  };
  res.on('close', onResClose);
  let stopConnection: (() => void) | undefined;
  if (connection.destroyed) hangUp();
  else stopConnection = onConnectionClose(connection, hangUp);
  return watch;
}
