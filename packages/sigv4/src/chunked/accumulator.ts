/** Pieces kept by reference before they are gathered into one buffer. */
const MAX_PARTS = 16;

/**
 * Holds the data of one chunk. Pieces are kept by reference (no copy) while they are few;
 * past {@link MAX_PARTS} they are gathered into one buffer of the chunk's size, so a flood
 * of tiny pieces costs one copy per byte and never more memory than the chunk itself.
 */
export class ChunkAccumulator {
  #parts: Uint8Array[] = [];
  #buf: Uint8Array | undefined;
  #len = 0;
  #cap = 0;

  /** Starts a chunk of `capacity` bytes. */
  start(capacity: number): void {
    this.#parts = [];
    this.#buf = undefined;
    this.#len = 0;
    this.#cap = capacity;
  }

  get length(): number {
    return this.#len;
  }

  push(part: Uint8Array): void {
    if (this.#buf !== undefined) {
      this.#buf.set(part, this.#len);
    } else {
      this.#parts.push(part);
      if (this.#parts.length > MAX_PARTS) {
        const buf = new Uint8Array(this.#cap);
        let o = 0;
        for (const p of this.#parts) {
          buf.set(p, o);
          o += p.length;
        }
        this.#buf = buf;
        this.#parts = [];
      }
    }
    this.#len += part.length;
  }

  /**
   * Copies held pieces that are small views of a much larger buffer (the tail of a big
   * input piece), so a held chunk never pins more memory than about its own size.
   */
  compact(): void {
    const parts = this.#parts;
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (p.buffer.byteLength > 2 * p.byteLength + 65_536) parts[i] = p.slice();
    }
  }

  /** The chunk's pieces, in order; the accumulator is then empty. */
  take(): Uint8Array[] {
    const out = this.#buf !== undefined ? [this.#buf.subarray(0, this.#len)] : this.#parts;
    this.#parts = [];
    this.#buf = undefined;
    this.#len = 0;
    return out;
  }
}
