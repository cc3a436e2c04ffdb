/**
 * `pnpm --filter @s3kit/event-stream bench`: builds, then benches the BUILT package (../dist)
 * side by side with @smithy/eventstream-codec (the AWS SDK v3's codec, with the SDK's own
 * chunk splitter `getChunkedStream` in front of its `MessageDecoderStream`) in one run.
 *
 * Decode: an S3 Select response of 64 Records messages of 64 KiB (4 MiB) plus Stats and End,
 * delivered in random chunk sizes (512 B to 64 KiB, fixed seed), iterated to the end.
 * Encode: one 64 KiB Records message (the three S3 Select headers).
 * ROUNDS interleaved rounds (order rotated each round), each contender timed for TIME_MS per
 * round; the table shows per-contender medians and the ratio of medians. Benchmarks are not
 * tests: the target is reported, never asserted.
 */
import os from 'node:os';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { getChunkedStream, MessageDecoderStream } from '@smithy/core/event-streams';
import { createChecksum } from '@s3kit/sigv4';
import { concat } from '../test/helpers.js';
import { decodeStream, endEvent, recordsEvent, s3SelectEvents, statsEvent } from '../dist/index.js';

const TIME_MS = Number(process.env['BENCH_TIME_MS'] ?? 300);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 11);
const PAYLOAD = 64 * 1024;
const MESSAGES = 64;

const toUtf8 = (b: Uint8Array): string => new TextDecoder().decode(b);
const fromUtf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const smithy = new EventStreamCodec(toUtf8, fromUtf8);

// Deterministic data and chunking (xorshift32).
let seed = 0x2545f491;
const rand = (): number => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
};
const payload = new Uint8Array(PAYLOAD).map(() => 32 + Math.floor(rand() * 90));
const response = concat([...Array.from({ length: MESSAGES }, () => recordsEvent(payload)), statsEvent({ bytesScanned: 1, bytesProcessed: 1, bytesReturned: 1 }), endEvent()]);
const chunks: Uint8Array[] = [];
for (let o = 0; o < response.length; ) {
  const n = Math.min(response.length - o, 512 + Math.floor(rand() * (64 * 1024 - 512)));
  chunks.push(response.slice(o, o + n));
  o += n;
}
const MB = response.length / 1e6;

async function* source(): AsyncGenerator<Uint8Array> {
  for (const c of chunks) yield c;
}

// Decode contenders: each returns the payload bytes seen (checked below).
const decoders: [string, () => Promise<number>][] = [
  [
    '@smithy/eventstream-codec (getChunkedStream + MessageDecoderStream)',
    async () => {
      let n = 0;
      for await (const m of new MessageDecoderStream({ inputStream: getChunkedStream(source()), decoder: smithy })) n += m.body.length;
      return n;
    },
  ],
  [
    '@s3kit/event-stream decodeStream',
    async () => {
      let n = 0;
      for await (const m of decodeStream(source())) n += m.body.length;
      return n;
    },
  ],
  [
    '@s3kit/event-stream s3SelectEvents',
    async () => {
      let n = 0;
      for await (const e of s3SelectEvents(source())) if (e.type === 'Records') n += e.payload.length;
      return n;
    },
  ],
];

const selectHeaders = {
  ':event-type': { type: 'string', value: 'Records' },
  ':content-type': { type: 'string', value: 'application/octet-stream' },
  ':message-type': { type: 'string', value: 'event' },
} as const;
const encoders: [string, () => number][] = [
  ['@smithy/eventstream-codec encode', () => smithy.encode({ headers: selectHeaders, body: payload }).length],
  ['@s3kit/event-stream recordsEvent', () => recordsEvent(payload).length],
];

// Sanity: both decoders see every Records byte (plus the Stats XML for the raw decoders);
// both encoders write the same bytes.
const sums = await Promise.all(decoders.map(([, f]) => f()));
if (sums[0] !== sums[1] || sums[2] !== MESSAGES * PAYLOAD) throw new Error(`decoders disagree: ${sums.join(', ')}`);
if (Buffer.compare(smithy.encode({ headers: selectHeaders, body: payload }), recordsEvent(payload)) !== 0) throw new Error('encoders disagree');

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function measure<F extends () => unknown>(contenders: [string, F][], mbPerCall: number): Promise<Map<string, number>> {
  const rates = new Map<string, number[]>(contenders.map(([name]) => [name, []]));
  for (const [, f] of contenders) for (let i = 0; i < 5; i++) await f(); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const [name, f] = contenders[(k + round) % contenders.length]!;
      let calls = 0;
      const start = performance.now();
      let elapsed = 0;
      while (elapsed < TIME_MS) {
        await f();
        calls++;
        elapsed = performance.now() - start;
      }
      rates.get(name)!.push((calls * mbPerCall) / (elapsed / 1000));
    }
  }
  return new Map([...rates].map(([name, r]) => [name, median(r)]));
}

const decodeRates = await measure(decoders, MB);
// The floor under any decoder that verifies the message CRCs: CRC32 over the same bytes once
// (zlib.crc32 through @s3kit/sigv4 on Node, which @smithy/core uses too).
const crcRate = (await measure([['crc32', () => createChecksum('crc32').update(response).digest().length]], MB)).get('crc32')!;
const encodeRates = await measure(encoders, (PAYLOAD + 89) / 1e6);

const print = (title: string, rates: Map<string, number>, anchor: string, target: number): void => {
  const base = rates.get(anchor)!;
  console.log(`\n${title}\n`);
  console.log('| contender | MB/s (median) | vs smithy | target |');
  console.log('|---|---:|---:|---|');
  for (const [name, r] of rates) {
    const ratio = r / base;
    const t = name === anchor ? '' : `≥ ${target}x: ${ratio >= target ? 'pass' : 'FAIL'}`;
    console.log(`| ${name} | ${r.toFixed(0)} | ${ratio.toFixed(2)}x | ${t} |`);
  }
};
console.log(`Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ${ROUNDS} rounds x ${TIME_MS} ms, medians`);
print(`Decode: S3 Select response, ${MESSAGES} x 64 KiB Records + Stats + End (${(response.length / 1048576).toFixed(2)} MiB) in ${chunks.length} random chunks`, decodeRates, decoders[0]![0], 3);
const smithyRate = decodeRates.get(decoders[0]![0])!;
console.log(`\nCRC32 alone over the same bytes: ${crcRate.toFixed(0)} MB/s, ${(crcRate / smithyRate).toFixed(2)}x smithy: the ceiling for a verifying decoder here.`);
print('Encode: one 64 KiB Records message', encodeRates, encoders[0]![0], 1);
