import type { S3EventRecord } from '../../src/store/event-records.js';

/** An S3 event record as the listen stream sends it. */
export type EventRecord = S3EventRecord;

/** Reads a listen stream (one JSON document per line, blank keep-alive lines) record by record. */
export class EventLines {
  readonly #it: AsyncIterator<Uint8Array | string>;
  readonly #body: unknown;
  readonly #decoder = new TextDecoder();
  #buf = '';
  #lines: string[] = [];
  /** Blank lines seen (keep-alives). */
  blanks = 0;

  constructor(body: unknown) {
    this.#body = body;
    this.#it = (body as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator]();
  }

  /** The next record; rejects after `timeoutMs` or when the stream ends or fails first. */
  async next(timeoutMs = 5000): Promise<EventRecord> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const l = this.#lines.shift();
      if (l !== undefined) {
        if (l.trim() === '') {
          this.blanks++;
          continue;
        }
        const doc = JSON.parse(l) as { Records: EventRecord[] };
        if (doc.Records.length !== 1) throw new Error(`a line with ${doc.Records.length} records`);
        return doc.Records[0]!;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no event in time');
      let timer: NodeJS.Timeout | undefined;
      const r = await Promise.race([this.#it.next(), new Promise<'timeout'>((res) => (timer = setTimeout(() => res('timeout'), left)))]).finally(() => clearTimeout(timer));
      if (r === 'timeout') throw new Error('no event in time');
      if (r.done === true) throw new Error('the stream ended');
      this.#buf += typeof r.value === 'string' ? r.value : this.#decoder.decode(r.value, { stream: true });
      const parts = this.#buf.split('\n');
      this.#buf = parts.pop()!;
      this.#lines.push(...parts);
    }
  }

  /** The next `n` records. */
  async take(n: number, timeoutMs = 5000): Promise<EventRecord[]> {
    const out: EventRecord[] = [];
    while (out.length < n) out.push(await this.next(timeoutMs));
    return out;
  }

  /** Expects no record for `ms` (keep-alives are fine). */
  async none(ms = 150): Promise<void> {
    const got = await this.next(ms).then(
      (r) => r,
      () => undefined,
    );
    if (got !== undefined) throw new Error(`unexpected event ${got.eventName} ${got.s3.object.key}`);
  }

  /** Whether the stream ends (or fails) within `ms`, after skipping what is left. */
  async ends(ms = 2000): Promise<'end' | 'error' | 'open'> {
    const deadline = Date.now() + ms;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) return 'open';
      let timer: NodeJS.Timeout | undefined;
      try {
        const r = await Promise.race([this.#it.next(), new Promise<'timeout'>((res) => (timer = setTimeout(() => res('timeout'), left)))]);
        if (r === 'timeout') return 'open';
        if (r.done === true) return 'end';
      } catch {
        return 'error';
      } finally {
        clearTimeout(timer);
      }
    }
  }

  /** Stops reading: destroys the stream (a Node Readable) as a server does when its client leaves. */
  async close(): Promise<void> {
    (this.#body as { destroy?: () => void }).destroy?.();
    await this.#it.return?.();
  }
}
