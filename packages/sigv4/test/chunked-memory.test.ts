import { fullGc } from '@s3kit/test-utils';
import { describe, expect, it } from 'vitest';
import { chunkedHeaders, createChunkedDecoder, createChunkedEncoder, SigV4Signer, streamingPayloadHash, type ChunkedMode } from '../src/index.js';

const MiB = 1024 * 1024;
const TOTAL_MIB = Number(process.env['S3KIT_CHUNKED_MEMORY_MIB'] ?? 256);

// A collection before each sample measures what is retained, not how lazily V8 frees the
// (fresh, 1 MiB) source buffers.
const gc = fullGc();

describe('aws-chunked memory', () => {
  it(`streams ${TOTAL_MIB} MiB through encoder -> decoder with flat memory (RSS growth < 50 MB)`, async () => {
    const signer = new SigV4Signer({ credentials: { accessKeyId: 'A', secretAccessKey: 'S' }, region: 'us-east-1' });
    const mode: ChunkedMode = 'streaming-trailer';
    const opts = { mode, checksumAlgorithm: 'crc32' as const };
    const total = TOTAL_MIB * MiB;
    const headers = chunkedHeaders(total, opts);
    const signed = signer.sign({ method: 'PUT', url: 'https://h/b/k', headers, payloadHash: streamingPayloadHash(mode) });
    let sent = 0;
    // A fresh, written buffer per piece: anything that kept pieces alive would show in RSS.
    const source = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent >= total) return c.close();
        const piece = new Uint8Array(MiB).fill(sent / MiB);
        sent += MiB;
        c.enqueue(piece);
      },
    });
    gc();
    const before = process.memoryUsage().rss;
    let peak = before;
    let received = 0;
    let checks = 0;
    const reader = source
      .pipeThrough(createChunkedEncoder(signed, opts))
      .pipeThrough(createChunkedDecoder(signed, { decodedContentLength: headers['x-amz-decoded-content-length'], trailer: headers['x-amz-trailer'] }))
      .getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.length;
      if ((++checks & 63) === 0) {
        gc();
        peak = Math.max(peak, process.memoryUsage().rss);
      }
    }
    gc();
    peak = Math.max(peak, process.memoryUsage().rss);
    expect(received).toBe(total);
    expect(peak - before).toBeLessThan(50 * 1024 * 1024);
  }, 60_000);
});
