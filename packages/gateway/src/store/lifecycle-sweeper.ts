import { join } from 'node:path';
import { S3Error } from '@s3kit/errors';
import type { StoreContext } from './context.js';
import { readJson, readdirOrEmpty } from './files.js';
import { compareKeys, lowerBound } from './key-order.js';
import { planKey, rulePrefix, uploadDue, type LifecycleAction } from './lifecycle-rules.js';
import type { LifecycleRule } from './lifecycle-config.js';
import { expireUpload } from './multipart.js';
import type { Version } from './versions.js';

// Why this design: every action is one of the store's own atomic changes (StoreCore.deleteObject
// for versions and delete markers, the multipart abort for uploads), each checked under the
// key's lock against the version the plan was made from, so a write racing the sweeper wins
// and a crash (kill -9) leaves every key either as it was or with the action done, never half.
// The sweeper keeps no durable state of its own: after a restart it evaluates the rules again,
// and what was due and not yet done is still due. Work per pass is bounded (keys looked at,
// actions taken) and the next pass resumes where the previous one stopped.

/** Options of the lifecycle sweeper (`LocalStoreOptions.lifecycle`). */
export interface LifecycleOptions {
  /**
   * The clock the rules are evaluated against, in milliseconds since the epoch.
   * **Default:** `Date.now`. Tests move it forward instead of waiting for days.
   */
  readonly now?: () => number;
  /**
   * Milliseconds between two sweeps over every bucket with lifecycle rules; `0` turns the
   * background sweeper off (`LocalStore.runLifecycle()` still runs one). **Default:** one hour.
   */
  readonly intervalMs?: number;
  /** Keys and multipart uploads looked at per pass. **Default:** `10_000`. */
  readonly maxKeysPerPass?: number;
  /** Versions removed, delete markers added and uploads aborted per pass. **Default:** `1_000`. */
  readonly maxActionsPerPass?: number;
}

/** What lifecycle sweeping did (one pass, or a whole sweep with `runLifecycle`). */
export interface LifecycleSummary {
  readonly passes: number;
  /** Keys and uploads looked at. */
  readonly keys: number;
  /** Current objects expired: removed (unversioned bucket) or given a delete marker. */
  readonly expired: number;
  /** Noncurrent versions and expired object delete markers removed. */
  readonly removed: number;
  /** Incomplete multipart uploads aborted. */
  readonly aborted: number;
  /** Actions not taken because the version is under legal hold or retention. */
  readonly locked: number;
  /** Whether every bucket was gone through to its end. */
  readonly complete: boolean;
}

const HOUR_MS = 3_600_000;
/** Keys looked at and changed at once (each under its own key lock). */
const CONCURRENCY = 8;
/** Pause between passes of a sweep that stopped at its bound. */
const CONTINUE_MS = 1_000;

/** Sweeper deletes are lifecycle expirations (`s3:LifecycleExpiration:*` events). */
const LIFECYCLE = { via: 'Lifecycle' } as const;

/** Where the next pass resumes. */
interface Position {
  readonly bucket: string;
  readonly phase: 'keys' | 'uploads';
  /** The last key (or upload id) looked at. */
  readonly after?: string;
}

/** A version changed (or is locked) since the plan was made: the action is skipped. */
class Skip extends Error {
  constructor(readonly locked: boolean) {
    super('skip');
  }
}

interface Counts {
  keys: number;
  expired: number;
  removed: number;
  aborted: number;
  locked: number;
}

/**
 * Applies the buckets' lifecycle rules to the store: expires current objects, removes
 * noncurrent versions and expired object delete markers, aborts incomplete multipart uploads.
 * Versions under legal hold or an unexpired retention are never removed.
 */
export class LifecycleSweeper {
  readonly #ctx: StoreContext;
  readonly #now: () => number;
  readonly #interval: number;
  readonly #maxKeys: number;
  readonly #maxActions: number;
  #pos: Position | undefined;
  #running: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #started = false;
  #closed = false;

  constructor(ctx: StoreContext, opts: LifecycleOptions = {}) {
    this.#ctx = ctx;
    this.#now = opts.now ?? Date.now;
    this.#interval = opts.intervalMs ?? HOUR_MS;
    this.#maxKeys = Math.max(1, opts.maxKeysPerPass ?? 10_000);
    this.#maxActions = Math.max(1, opts.maxActionsPerPass ?? 1_000);
  }

  /** Starts the background passes (once; not when the interval is 0). */
  start(): void {
    if (this.#started || this.#closed || this.#interval <= 0) return;
    this.#started = true;
    this.#schedule(0);
  }

  /** Stops the background passes and waits for the one running. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    await this.#running.catch(() => {});
  }

  /** Runs passes until every bucket was gone through once (after the pass in progress, if any). */
  async sweep(): Promise<LifecycleSummary> {
    const total: Counts = { keys: 0, expired: 0, removed: 0, aborted: 0, locked: 0 };
    let passes = 0;
    let complete = false;
    while (!complete && !this.#closed) {
      const s = await this.pass();
      passes++;
      for (const k of ['keys', 'expired', 'removed', 'aborted', 'locked'] as const) total[k] += s[k];
      complete = s.complete;
    }
    return { ...total, passes, complete };
  }

  /** One bounded pass, resuming where the previous one stopped; passes never overlap. */
  pass(): Promise<LifecycleSummary> {
    const p = this.#running.catch(() => {}).then(() => this.#pass());
    this.#running = p;
    return p;
  }

  #schedule(ms: number): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => {
      void this.pass().then(
        (s) => this.#schedule(s.complete ? this.#interval : Math.min(this.#interval, CONTINUE_MS)),
        () => this.#schedule(this.#interval),
      );
    }, ms);
    this.#timer.unref();
  }

  async #pass(): Promise<LifecycleSummary> {
    const c: Counts = { keys: 0, expired: 0, removed: 0, aborted: 0, locked: 0 };
    const budget = { keys: this.#maxKeys, actions: this.#maxActions };
    if (this.#closed) return { ...c, passes: 1, complete: false };
    await this.#ctx.core.ready();
    const buckets = (await readdirOrEmpty(this.#ctx.core.bucketsDir)).sort(compareKeys);
    const from = this.#pos;
    for (const bucket of buckets) {
      if (from !== undefined && compareKeys(bucket, from.bucket) < 0) continue;
      const resume = from !== undefined && bucket === from.bucket ? from : undefined;
      const stopped = await this.#bucket(bucket, resume, budget, c);
      if (stopped !== undefined) {
        this.#pos = stopped;
        return { ...c, passes: 1, complete: false };
      }
    }
    this.#pos = undefined;
    return { ...c, passes: 1, complete: true };
  }

  /** Sweeps one bucket from `resume`; returns where it stopped when the budget ran out. */
  async #bucket(bucket: string, resume: Position | undefined, budget: { keys: number; actions: number }, c: Counts): Promise<Position | undefined> {
    const state = await this.#ctx.core.bucketState(bucket).catch(() => undefined);
    const rules = state?.lifecycle?.rules.filter((r) => r.status === 'Enabled') ?? [];
    if (rules.length === 0) return undefined;
    if (resume?.phase !== 'uploads') {
      const stopped = await this.#keys(bucket, rules, resume?.after, budget, c);
      if (stopped !== undefined) return stopped;
    }
    if (!rules.some((r) => r.abortDays !== undefined)) return undefined;
    return this.#uploads(bucket, rules, resume?.phase === 'uploads' ? resume.after : undefined, budget, c);
  }

  async #keys(bucket: string, rules: readonly LifecycleRule[], after: string | undefined, budget: { keys: number; actions: number }, c: Counts): Promise<Position | undefined> {
    const prefixes = rules.map(rulePrefix);
    const idx = await this.#ctx.core.index(bucket);
    const stop = (last: string | undefined): Position => ({ bucket, phase: 'keys', ...(last === undefined ? {} : { after: last }) });
    let last = after;
    for (;;) {
      if (this.#closed || budget.keys === 0 || budget.actions === 0) return stop(last);
      // The next keys; the index changes under us (our own deletes too), so seek past the last key each time.
      const batch: string[] = [];
      let end = false;
      for (let cursor = last; batch.length < CONCURRENCY && budget.keys > 0; ) {
        const key = idx.allKeys[cursor === undefined ? 0 : lowerBound(idx.allKeys, cursor, true)];
        if (key === undefined) {
          end = true;
          break;
        }
        budget.keys--;
        c.keys++;
        batch.push((cursor = key));
      }
      const now = this.#now();
      const plans = await Promise.all(
        batch.map(async (key) => {
          if (!prefixes.some((p) => key.startsWith(p))) return [];
          const record = await this.#ctx.core.readRecord(bucket, key);
          return record === undefined ? [] : planKey(rules, key, record.versions, now);
        }),
      );
      // Actions are given out in key order; keys run concurrently (each under its own lock).
      let cut = -1;
      const work: Promise<void>[] = [];
      for (let j = 0; j < batch.length && cut === -1; j++) {
        const plan = plans[j]!;
        if (plan.length === 0) continue;
        const take = plan.slice(0, budget.actions);
        budget.actions -= take.length;
        if (take.length < plan.length) cut = j;
        const key = batch[j]!;
        if (take.length > 0) work.push(this.#applyAll(bucket, key, take, c));
      }
      await Promise.all(work);
      // Cut short: the next pass looks at that key again.
      if (cut !== -1) return stop(cut === 0 ? last : batch[cut - 1]);
      if (end) return undefined;
      last = batch[batch.length - 1] ?? last;
    }
  }

  async #uploads(bucket: string, rules: readonly LifecycleRule[], after: string | undefined, budget: { keys: number; actions: number }, c: Counts): Promise<Position | undefined> {
    const dir = this.#ctx.core.uploadsDir(bucket);
    const ids = (await readdirOrEmpty(dir)).filter((id) => after === undefined || id > after).sort();
    let last = after;
    for (const id of ids) {
      if (this.#closed || budget.keys === 0 || budget.actions === 0) return { bucket, phase: 'uploads', ...(last === undefined ? {} : { after: last }) };
      budget.keys--;
      c.keys++;
      const u = await readJson<{ key?: unknown; initiated?: unknown }>(join(dir, id, 'upload.json')).catch(() => undefined);
      if (u !== undefined && typeof u.key === 'string' && typeof u.initiated === 'number' && uploadDue(rules, u.key, u.initiated, this.#now())) {
        budget.actions--;
        if (await expireUpload(this.#ctx, bucket, id)) c.aborted++;
      }
      last = id;
    }
    return undefined;
  }

  async #applyAll(bucket: string, key: string, actions: readonly LifecycleAction[], c: Counts): Promise<void> {
    for (const a of actions) await this.#apply(bucket, key, a, c);
  }

  /** One action through the store's delete, re-checked under the key's lock. */
  async #apply(bucket: string, key: string, a: LifecycleAction, c: Counts): Promise<void> {
    const locked = (v: Version | undefined): boolean => {
      if (v === undefined || v.deleteMarker === true) return false;
      const r = v.retention;
      return v.legalHold === true || (r !== undefined && r.until > Math.max(Date.now(), this.#now()));
    };
    const planned = a.version;
    try {
      if (a.kind === 'expire') {
        // Unversioned: removes the current object; versioned: adds a delete marker (which, in a
        // suspended bucket, replaces the null version: `victim`).
        await this.#ctx.core.deleteObject(bucket, key, {
          check: (victim, current) => {
            if (current?.seq !== planned.seq) throw new Skip(false);
            if (locked(victim)) throw new Skip(true);
          },
          change: LIFECYCLE,
        });
        c.expired++;
      } else {
        await this.#ctx.core.deleteObject(bucket, key, {
          versionId: planned.id,
          check: (victim, current) => {
            if (victim?.seq !== planned.seq) throw new Skip(false);
            // A noncurrent version that became current again stays; an expired object delete marker must still be current.
            if (a.noncurrent === (current?.seq === planned.seq)) throw new Skip(false);
            if (locked(victim)) throw new Skip(true);
          },
          change: LIFECYCLE,
        });
        c.removed++;
      }
    } catch (err) {
      if (err instanceof Skip) {
        if (err.locked) c.locked++;
        return;
      }
      if (err instanceof S3Error && err.code === 'NoSuchBucket') return;
      throw err;
    }
  }
}
