// Transfer progress: a redrawn bar on a TTY (per file and total: bytes, rate, ETA), throttled;
// nothing but the per-file lines the command prints when not on a TTY.
import type { Output } from './context.js';
import { humanDuration, humanSize } from './format.js';

interface FileState {
  name: string;
  size: number;
  loaded: number;
}

/** Options of {@link Progress}. */
export interface ProgressOptions {
  /** Redraws at most this often. **Default:** 100 ms. */
  intervalMs?: number;
  /** **Default:** `Date.now`. */
  clock?: () => number;
}

/** Tracks bytes of files in flight and draws them on `out` when it is a TTY. */
export class Progress {
  readonly #out: Output;
  readonly #tty: boolean;
  readonly #interval: number;
  readonly #clock: () => number;
  readonly #active = new Map<number, FileState>();
  readonly #start: number;
  #nextId = 0;
  #total = 0;
  #loaded = 0;
  #files = 0;
  #done = 0;
  #drawn = 0;
  #lastDraw = 0;

  constructor(out: Output, options: ProgressOptions = {}) {
    this.#out = out;
    this.#tty = out.isTTY === true;
    this.#interval = options.intervalMs ?? 100;
    this.#clock = options.clock ?? Date.now;
    this.#start = this.#clock();
  }

  /** Bytes moved so far, over all files. */
  get loaded(): number {
    return this.#loaded;
  }

  /** Seconds since the start. */
  get elapsed(): number {
    return (this.#clock() - this.#start) / 1000;
  }

  /** Announces files to come (for the total). */
  plan(files: number, bytes: number): void {
    this.#files += files;
    this.#total += bytes;
  }

  /** Starts a file; returns its `update(loaded)` and `done()`. */
  start(name: string, size: number): { update(loaded: number): void; done(): void } {
    const id = this.#nextId++;
    const state: FileState = { name, size, loaded: 0 };
    this.#active.set(id, state);
    this.#draw(false);
    return {
      update: (loaded) => {
        this.#loaded += loaded - state.loaded;
        state.loaded = loaded;
        this.#draw(false);
      },
      done: () => {
        this.#loaded += state.size - state.loaded;
        state.loaded = state.size;
        this.#active.delete(id);
        this.#done++;
        this.#draw(true);
      },
    };
  }

  /** Prints a line above the bar (or plainly when not a TTY). */
  log(out: Output, line: string): void {
    this.#clear();
    out.write(`${line}\n`);
    this.#draw(true);
  }

  /** Removes the bar; on a TTY prints the summary line. */
  finish(): void {
    this.#clear();
    if (this.#tty && this.#done > 0) {
      const s = this.elapsed;
      this.#out.write(`${this.#done} file(s), ${humanSize(this.#loaded)} in ${s.toFixed(1)} s (${humanSize(this.#loaded / Math.max(s, 0.001))}/s)\n`);
    }
  }

  #clear(): void {
    if (!this.#tty || this.#drawn === 0) return;
    this.#out.write(`\x1b[${this.#drawn}A\x1b[J`);
    this.#drawn = 0;
  }

  #draw(force: boolean): void {
    if (!this.#tty) return;
    const now = this.#clock();
    if (!force && now - this.#lastDraw < this.#interval) return;
    this.#lastDraw = now;
    const width = this.#out.columns || 80;
    const rate = this.#loaded / Math.max(this.elapsed, 0.001);
    const lines = [...this.#active.values()].slice(0, 8).map((f) => bar(f.name, f.loaded, f.size, width, ''));
    const eta = rate > 0 ? humanDuration((this.#total - this.#loaded) / rate) : '--:--';
    const files = this.#files > 1 ? ` ${this.#done}/${this.#files}` : '';
    lines.push(bar(`Total${files}`, this.#loaded, this.#total, width, ` ${humanSize(rate)}/s ETA ${eta}`));
    this.#clear();
    this.#out.write(`${lines.join('\n')}\n`);
    this.#drawn = lines.length;
  }
}

/** `name [#####     ]  45%  1.2 MiB/2.5 MiB<tail>`, fitted to `width`. */
export function bar(name: string, loaded: number, total: number, width: number, tail: string): string {
  const pct = total > 0 ? Math.min(1, loaded / total) : 1;
  const right = ` ${String(Math.floor(pct * 100)).padStart(3)}% ${humanSize(loaded)}/${humanSize(total)}${tail}`;
  const label = name.length > 20 ? `…${name.slice(-19)}` : name.padEnd(20);
  // The numbers win over the bar on a narrow terminal.
  const cells = Math.min(30, width - 1 - label.length - right.length - 3);
  const filled = Math.round(pct * cells);
  const drawn = cells >= 5 ? ` [${'#'.repeat(filled)}${' '.repeat(cells - filled)}]` : '';
  return `${label}${drawn}${right}`.slice(0, width - 1);
}
