import { describe, expect, it } from 'vitest';
import { holdBackLast, lengthChecked, sha256Checked } from './body.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

async function drain(src: AsyncIterable<Uint8Array>, seen: string[]): Promise<void> {
  for await (const c of src) seen.push(new TextDecoder().decode(c));
}

describe('holdBackLast', () => {
  it('releases the last piece only after the source ended cleanly', async () => {
    const seen: string[] = [];
    await drain(
      holdBackLast(
        (async function* () {
          yield enc('a');
          yield enc('b');
          yield enc('c');
        })(),
      ),
      seen,
    );
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('never releases the last piece when the source fails at its end (the upstream sees a short body)', async () => {
    const seen: string[] = [];
    const failing = (async function* () {
      yield enc('a');
      yield enc('b');
      throw new Error('checksum mismatch');
    })();
    await expect(drain(holdBackLast(failing), seen)).rejects.toThrow('checksum mismatch');
    expect(seen).toEqual(['a']);
  });
});

describe('sha256Checked', () => {
  it('rejects a body whose hash differs with XAmzContentSHA256Mismatch, before the held-back end is released', async () => {
    const seen: string[] = [];
    const src = (async function* () {
      yield enc('hello');
    })();
    await expect(drain(holdBackLast(sha256Checked(src, '0'.repeat(64))), seen)).rejects.toMatchObject({ code: 'XAmzContentSHA256Mismatch', status: 400 });
    expect(seen).toEqual([]);
  });
});

describe('lengthChecked', () => {
  it('rejects short and long bodies with IncompleteBody', async () => {
    const short = (async function* () {
      yield enc('abc');
    })();
    await expect(drain(lengthChecked(short, 4), [])).rejects.toMatchObject({ code: 'IncompleteBody' });
    const long = (async function* () {
      yield enc('abcde');
    })();
    await expect(drain(lengthChecked(long, 4), [])).rejects.toMatchObject({ code: 'IncompleteBody' });
  });
});
