import { SelectError } from './errors.js';

/**
 * The UTF-8 text of a byte stream, chunk by chunk (a character split across chunks is joined).
 * @throws SelectError InvalidTextEncoding (400) for bytes that are not UTF-8
 */
export async function* utf8Text(source: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of source) {
      const s = decoder.decode(chunk, { stream: true });
      if (s !== '') yield s;
    }
    const rest = decoder.decode();
    if (rest !== '') yield rest;
  } catch (err) {
    if (err instanceof TypeError) throw new SelectError('InvalidTextEncoding', 'Invalid encoding type. Only UTF-8 encoding is supported.');
    throw err;
  }
}
