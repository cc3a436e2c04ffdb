import { lstat, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isNotFound, readJson, readdirOrEmpty } from './files.js';

// Why two phases: the temp area only holds what was in flight at the crash (a file or two per
// request), so emptying it before the first request is quick and needs no care for live
// writes; finding unreferenced data means reading every metadata file (O(objects): seconds at
// 100k keys), so that runs in the background, at low concurrency, next to live commits.

/** What the start sweep of the local store removed (see `LocalStoreOptions.onSweep`). */
export interface SweepSummary {
  /** Files removed in all: temp files plus unreferenced data files. */
  readonly files: number;
  /** Their bytes. */
  readonly bytes: number;
  /** Of `files`, those in the temp area (interrupted PUTs, parts, completions, metadata writes). */
  readonly tempFiles: number;
  /** Milliseconds from the start of the sweep to its end. */
  readonly durationMs: number;
  /** False when `close()` stopped the sweep or it failed (see `error`) before the end. */
  readonly complete: boolean;
  /** Why the sweep stopped early, if it failed. */
  readonly error?: unknown;
}

/** A count of removed files and their bytes. */
export interface Removed {
  files: number;
  bytes: number;
}

/** Directory entries looked at concurrently by the background sweep: low, so requests are not starved. */
const SWEEP_CONCURRENCY = 8;
/** `<base>.<16 hex>.data`: a data file whose metadata is `<base>.json` in the same directory. */
const DATA_FILE = /^(.+)\.[0-9a-f]{16}\.data$/;

/**
 * Empties the temp area, counting what it held. Only called before the store's first
 * request, when nothing in it can belong to this process: everything is left by a crash.
 */
export async function sweepTempArea(tmpDir: string): Promise<Removed> {
  const removed = await measure(tmpDir);
  await rm(tmpDir, { recursive: true, force: true });
  return removed;
}

async function measure(path: string): Promise<Removed> {
  const out: Removed = { files: 0, bytes: 0 };
  for (const n of await readdirOrEmpty(path)) {
    const p = join(path, n);
    const st = await lstat(p).catch(() => undefined);
    if (st === undefined) continue;
    if (st.isDirectory()) {
      const sub = await measure(p);
      out.files += sub.files;
      out.bytes += sub.bytes;
    } else {
      out.files++;
      out.bytes += st.size;
    }
  }
  return out;
}

/** What the orphan sweep needs of the store. */
export interface SweepTarget {
  readonly bucketsDir: string;
  /** Whether a commit is placing this data file right now (renamed, metadata not yet written). */
  isPlacing(path: string): boolean;
}

/**
 * Removes data files that no metadata names, in every bucket's objects and multipart
 * uploads: left by a crash between a commit's data and metadata renames, or before it
 * unlinked the data it replaced. Runs while requests are served, so a candidate is removed
 * only if no commit is placing it and its metadata (read after that check) does not name
 * it: a commit marks its data before the rename and unmarks it after the metadata is in
 * place, and data names are fresh per commit, so a file listed here can never become
 * referenced later. Stops between files when `signal` aborts.
 */
export async function sweepOrphanData(target: SweepTarget, signal: AbortSignal): Promise<Removed & { complete: boolean }> {
  const removed: Removed = { files: 0, bytes: 0 };
  for (const bucket of await readdirOrEmpty(target.bucketsDir)) {
    const root = join(target.bucketsDir, bucket);
    const dirs = [...(await readdirOrEmpty(join(root, 'objects'))).map((d) => join(root, 'objects', d)), ...(await readdirOrEmpty(join(root, 'uploads'))).map((d) => join(root, 'uploads', d))];
    for (const dir of dirs) {
      if (signal.aborted) return { ...removed, complete: false };
      await sweepDir(target, dir, removed, signal);
    }
  }
  return { ...removed, complete: !signal.aborted };
}

/** Whether a metadata file (a key's versions, an old single-object file, or a part) names data file `name`. */
function namesData(meta: unknown, name: string): boolean {
  if (meta === null || typeof meta !== 'object') return false;
  const m = meta as { data?: unknown; versions?: unknown };
  if (m.data === name) return true;
  return Array.isArray(m.versions) && m.versions.some((v: { data?: unknown } | null) => v?.data === name);
}

async function sweepDir(target: SweepTarget, dir: string, removed: Removed, signal: AbortSignal): Promise<void> {
  const candidates = (await readdirOrEmpty(dir)).filter((f) => DATA_FILE.test(f));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < candidates.length && !signal.aborted) {
      const name = candidates[next++]!;
      const path = join(dir, name);
      if (target.isPlacing(path)) continue;
      let meta: unknown;
      try {
        meta = await readJson(join(dir, `${DATA_FILE.exec(name)![1]}.json`));
      } catch {
        continue; // unreadable metadata: keep the data for an operator to look at
      }
      if (namesData(meta, name)) continue;
      try {
        const { size } = await lstat(path);
        await unlink(path);
        removed.files++;
        removed.bytes += size;
      } catch (err) {
        if (!isNotFound(err)) throw err; // removed meanwhile (replaced, aborted, completed)
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(SWEEP_CONCURRENCY, candidates.length) }, worker));
}
