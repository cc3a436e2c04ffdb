// S3 Select on a large object through handle(): a 200 MB CSV (made on the fly by another
// process, so its making leaves nothing in this one's memory) is scanned with
// flat memory (the object is streamed, records are held one at a time, payloads are bounded),
// LIMIT stops reading early, and an abort ends the scan.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeStore, type TestStore } from './helpers.js';
import { decodeMessages, selectAnswer } from './support/event-stream.js';

const MiB = 1024 * 1024;
const SIZE = 200 * MiB;
let t: TestStore;
let rows = 0;
/** RSS before the scans (the object is made by another process, see support/select-object-maker.ts). */
let baseline = 0;

function request(expression: string): Record<string, unknown> {
  const xml = `<SelectObjectContentRequest><Expression>${expression}</Expression><ExpressionType>SQL</ExpressionType><InputSerialization><CSV/></InputSerialization><OutputSerialization><CSV/></OutputSerialization></SelectObjectContentRequest>`;
  return { method: 'POST', key: 'big.csv', query: { select: '', 'select-type': '2' }, data: xml };
}

beforeAll(async () => {
  t = await makeStore();
  const maker = fileURLToPath(new URL('./support/select-object-maker.ts', import.meta.url));
  const out = execFileSync(process.execPath, ['--conditions=@s3kit/source', '--import', 'tsx', maker, t.dir, String(SIZE)], { encoding: 'utf8' });
  rows = (JSON.parse(out.trim().split('\n').pop()!) as { rows: number }).rows;
  baseline = process.memoryUsage().rss;
}, 120_000);
afterAll(() => t.cleanup());

describe('SelectObjectContent on a 200 MB object', () => {
  it('scans it all with RSS growth bounded (streamed, never read whole)', async () => {
    const before = process.memoryUsage().rss;
    let peak = before;
    const res = await t.call('SelectObjectContent', request("SELECT COUNT(*), SUM(CAST(s._2 AS INT)) FROM S3Object s WHERE s._2 = '7' OR CAST(s._1 AS INT) &lt; 10"));
    const frames: Uint8Array[] = [];
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    try {
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
        frames.push(chunk);
        peak = Math.max(peak, process.memoryUsage().rss);
      }
    } finally {
      clearInterval(timer);
    }
    const a = selectAnswer(await decodeMessages(Buffer.concat(frames)));
    const sevens = Math.floor((rows - 7 - 1) / 100) + 1;
    const small = 10 - 1; // ids 0..9 except 7
    expect(a.records).toBe(`${sevens + small},${7 * sevens + (45 - 7)}\n`);
    expect(a.stats['BytesScanned']).toBeGreaterThanOrEqual(SIZE);
    const growth = (peak - before) / MiB;
    const overBaseline = (peak - baseline) / MiB;
    console.log(
      `Select scan of ${(a.stats['BytesScanned']! / MiB).toFixed(0)} MiB: RSS growth ${growth.toFixed(1)} MiB during the scan, peak ${overBaseline.toFixed(1)} MiB over the RSS before the scans`,
    );
    expect(growth).toBeLessThan(64);
    expect(overBaseline).toBeLessThan(96);
  }, 120_000);

  it('stops reading at LIMIT', async () => {
    const res = await t.call('SelectObjectContent', request('SELECT s._3 FROM S3Object s LIMIT 3'));
    const a = selectAnswer(await decodeMessages(Buffer.concat(await collect(res.body as AsyncIterable<Uint8Array>))));
    expect(a.records).toBe('name-0\nname-1\nname-2\n');
    expect(a.stats['BytesScanned']).toBeLessThan(4 * MiB);
  });

  it('stops reading when the request is aborted', async () => {
    const ac = new AbortController();
    const res = await t.call('SelectObjectContent', { ...request('SELECT * FROM S3Object'), signal: ac.signal });
    const frames: Uint8Array[] = [];
    let bytes = 0;
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      frames.push(chunk);
      bytes += chunk.length;
      if (bytes > MiB) ac.abort();
    }
    const a = selectAnswer(await decodeMessages(Buffer.concat(frames)));
    expect(a.error?.code).toBe('RequestTimeout');
    expect(a.records.length).toBeLessThan(8 * MiB);
  });
});

async function collect(body: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const c of body) out.push(c);
  return out;
}
