/**
 * S3's ScanRange on a byte stream that starts at object offset `base` (at most
 * `start - delimiter.length`): only the records whose
 * first byte lies in [start, end] pass. The partial record before `start` is dropped and the
 * last record that starts by `end` is read to its delimiter, past `end`. Records are split on
 * `delimiter` alone (CSV without quoted record delimiters, JSON LINES).
 */
export async function* scanRange(source: AsyncIterable<Uint8Array>, base: number, start: number, end: number, delimiter: Uint8Array): AsyncGenerator<Uint8Array> {
  let offset = base;
  let passing = start === 0;
  let matched = 0;
  // The object offset just past the last complete delimiter: where the next record starts.
  let recordStart = passing ? 0 : -1;
  for await (const chunk of source) {
    let from = passing ? 0 : chunk.length;
    for (let i = 0; i < chunk.length; i++) {
      const pos = offset + i;
      if (passing && pos > end && recordStart === pos) {
        // The record starting here begins after the range: the one before it was the last.
        if (i > from) yield chunk.subarray(from, i);
        return;
      }
      // A record starts at `start` when a delimiter ends just before it.
      if (!passing && pos < start - delimiter.length) continue;
      const b = chunk[i];
      matched = b === delimiter[matched] ? matched + 1 : b === delimiter[0] ? 1 : 0;
      if (matched < delimiter.length) continue;
      matched = 0;
      recordStart = pos + 1;
      if (!passing) {
        if (pos + 1 > end) return;
        passing = true;
        from = i + 1;
      } else if (pos >= end) {
        yield chunk.subarray(from, i + 1);
        return;
      }
    }
    if (passing && from < chunk.length) yield chunk.subarray(from);
    offset += chunk.length;
  }
}

/**
 * The object's first record with its delimiter (at most `max` bytes): the CSV header line a
 * ScanRange that starts later still needs. `read(start, end)` gives the bytes of an inclusive
 * range; it is read in 64 KiB windows, each to its end (the file stays open for the scan).
 */
export async function firstRecord(read: (start: number, end: number) => AsyncIterable<Uint8Array>, size: number, delimiter: Uint8Array, max: number): Promise<Uint8Array> {
  let head = Buffer.alloc(0);
  for (let start = 0; start < Math.min(size, max); start += 64 * 1024) {
    const parts: Uint8Array[] = [head];
    for await (const chunk of read(start, Math.min(start + 64 * 1024, size) - 1)) parts.push(chunk);
    head = Buffer.concat(parts);
    const at = head.indexOf(delimiter);
    if (at >= 0) return head.subarray(0, at + delimiter.length);
  }
  return head;
}

/** `head`, then `rest`. */
export async function* prepend(head: Uint8Array, rest: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  if (head.length > 0) yield head;
  yield* rest;
}
