import { mkdir, open, readFile, rename, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir, isNotFound } from './files.js';

// Why this design: one append-only file per webhook target holds every queued delivery as one
// JSON line. Appends are group-committed: while one write+fsync is in flight, later appends
// gather in a buffer and go out as the next batch with a single fsync, so concurrent PUTs share
// fsyncs instead of queuing behind each other. A crash can tear only the last line (no newline,
// or not JSON): it is dropped and the file truncated to the last whole line; a bad line in the
// middle is skipped alone. Deliveries are recorded in a second file without fsync (a lost
// acknowledgement means a redelivery: at least once); when enough are delivered the queue file
// is rewritten with what is left (temp file + fsync + rename) and the acknowledgements emptied.

/** One queued delivery. */
export interface QueueEntry {
  /** Increases with append order, across restarts. */
  readonly id: number;
  /** Entries with one lane are delivered in order (the bucket and object key). */
  readonly lane: string;
  /** The POST body. */
  readonly body: string;
  /** Milliseconds since the epoch when it was queued. */
  readonly at: number;
}

/** What {@link DurableQueue.open} found. */
export interface QueueRecovery {
  /** Entries not delivered yet, in append order. */
  readonly pending: QueueEntry[];
  /** Lines dropped: a torn tail or corrupt lines. */
  readonly dropped: number;
}

const COMPACT_MIN = 1024;

/** A crash-safe, group-committed append-only queue file with delivery acknowledgements. */
export class DurableQueue {
  readonly #dir: string;
  readonly #fsync: boolean;
  #log: FileHandle | undefined;
  #acks: FileHandle | undefined;
  #nextId = 1;
  /** Entries appended and not acknowledged, by id (compaction keeps these). */
  readonly #live = new Map<number, QueueEntry>();
  #acked = 0;
  #batch: { lines: string[]; waiters: { resolve: () => void; reject: (e: unknown) => void }[] } = { lines: [], waiters: [] };
  #flushing: Promise<void> | undefined;
  /** Ids acknowledged while a compaction runs: written again to the emptied acknowledgements. */
  #ackedDuringCompaction: number[] | undefined;

  constructor(dir: string, fsync: boolean) {
    this.#dir = dir;
    this.#fsync = fsync;
  }

  /** Entries appended and not delivered. */
  get size(): number {
    return this.#live.size;
  }

  /** Reads what a previous process left (dropping a torn tail) and opens the files for appending. */
  async open(): Promise<QueueRecovery> {
    await mkdir(this.#dir, { recursive: true });
    const logPath = join(this.#dir, 'queue.log');
    const raw = await readFile(logPath).catch((e: unknown) => (isNotFound(e) ? Buffer.alloc(0) : Promise.reject(e)));
    const acked = new Set<number>();
    const ackRaw = await readFile(join(this.#dir, 'acked.log'), 'utf8').catch((e: unknown) => (isNotFound(e) ? '' : Promise.reject(e)));
    for (const l of ackRaw.split('\n')) if (/^\d+$/.test(l)) acked.add(Number(l));
    let dropped = 0;
    let good = 0;
    let start = 0;
    for (let nl = raw.indexOf(10, start); start < raw.length; nl = raw.indexOf(10, start)) {
      if (nl < 0) {
        dropped++; // torn tail: no newline
        break;
      }
      const e = parseEntry(raw.subarray(start, nl).toString('utf8'));
      start = nl + 1;
      good = start;
      if (e === undefined) {
        dropped++;
        continue;
      }
      this.#nextId = Math.max(this.#nextId, e.id + 1);
      if (!acked.has(e.id)) this.#live.set(e.id, e);
    }
    this.#log = await open(logPath, 'a+');
    if (good < raw.length) {
      await this.#log.truncate(good);
      if (this.#fsync) await this.#log.sync();
    }
    this.#acks = await open(join(this.#dir, 'acked.log'), 'a');
    this.#acked = acked.size;
    return { pending: [...this.#live.values()], dropped };
  }

  /** Appends entries; resolves once they are durable (fsynced with whatever else was appended meanwhile). */
  append(items: readonly { lane: string; body: string }[]): { entries: QueueEntry[]; durable: Promise<void> } {
    const at = Date.now();
    const entries = items.map((it) => ({ id: this.#nextId++, lane: it.lane, body: it.body, at }));
    for (const e of entries) this.#live.set(e.id, e);
    const durable = new Promise<void>((resolve, reject) => {
      this.#batch.lines.push(...entries.map((e) => `${JSON.stringify(e)}\n`));
      this.#batch.waiters.push({ resolve, reject });
    });
    this.#flushing ??= this.#flush();
    return { entries, durable };
  }

  /** Records a delivery (not fsynced: lost on a crash, it is delivered again). */
  async ack(id: number): Promise<void> {
    if (!this.#live.delete(id)) return;
    this.#acked++;
    this.#ackedDuringCompaction?.push(id);
    // A failed (or, during compaction, closed) acknowledgement file only means a redelivery.
    await this.#acks?.appendFile(`${id}\n`).catch(() => {});
  }

  /** Waits for pending appends and closes the files. */
  async close(): Promise<void> {
    while (this.#flushing !== undefined) await this.#flushing;
    await this.#log?.close();
    await this.#acks?.close();
    this.#log = this.#acks = undefined;
  }

  async #flush(): Promise<void> {
    try {
      while (this.#batch.lines.length > 0) {
        const batch = this.#batch;
        this.#batch = { lines: [], waiters: [] };
        try {
          if (this.#log === undefined) throw new Error('the webhook queue is closed');
          await this.#log.appendFile(batch.lines.join(''));
          if (this.#fsync) await this.#log.sync();
          for (const w of batch.waiters) w.resolve();
        } catch (err) {
          for (const w of batch.waiters) w.reject(err);
        }
        if (this.#acked >= COMPACT_MIN && this.#acked >= this.#live.size) await this.#compact().catch(() => {});
      }
    } finally {
      this.#flushing = undefined;
    }
  }

  /** Rewrites the queue with the entries not delivered (crash-safe), then empties the acknowledgements. */
  async #compact(): Promise<void> {
    try {
      await this.#rewrite();
    } finally {
      this.#ackedDuringCompaction = undefined;
    }
  }

  async #rewrite(): Promise<void> {
    const logPath = join(this.#dir, 'queue.log');
    const tmp = join(this.#dir, 'queue.log.tmp');
    this.#ackedDuringCompaction = [];
    const text = [...this.#live.values()].map((e) => `${JSON.stringify(e)}\n`).join('');
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(text);
      if (this.#fsync) await fh.sync();
    } finally {
      await fh.close();
    }
    await this.#log?.close();
    await rename(tmp, logPath);
    if (this.#fsync) await fsyncDir(this.#dir);
    this.#log = await open(logPath, 'a+');
    await this.#acks?.close();
    const acks = await open(join(this.#dir, 'acked.log'), 'w');
    // No await from here to the assignment: every acknowledgement is in `late` or in the new file.
    const late = this.#ackedDuringCompaction ?? [];
    this.#ackedDuringCompaction = undefined;
    this.#acks = acks;
    this.#acked = late.length;
    await acks.appendFile(late.map((id) => `${id}\n`).join(''));
  }
}

function parseEntry(line: string): QueueEntry | undefined {
  try {
    const v = JSON.parse(line) as Partial<QueueEntry>;
    if (typeof v.id === 'number' && typeof v.lane === 'string' && typeof v.body === 'string' && typeof v.at === 'number') return v as QueueEntry;
  } catch {
    // a corrupt line
  }
  return undefined;
}
