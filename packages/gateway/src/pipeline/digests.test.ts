import { createHash } from 'node:crypto';
import { checksumBase64 } from '@s3kit/sigv4';
import { describe, expect, it } from 'vitest';
import { checkEmptyDigests, digestChecked, expectedDigests, isDigestParam, queryDigests } from './digests.js';

async function drain(body: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const _ of body);
}
const from = (...chunks: string[]): AsyncIterable<Uint8Array> =>
  (async function* () {
    for (const c of chunks) yield Buffer.from(c);
  })();

describe('body digests from headers and a signed query', () => {
  it('takes Content-MD5 and x-amz-checksum-<algorithm> from the query by any case, nothing else', () => {
    expect(queryDigests({ 'X-Amz-Checksum-CRC32': ' AAAAAA== ', 'Content-MD5': 'x', 'x-amz-checksum-mode': 'ENABLED', 'x-amz-sdk-checksum-algorithm': 'CRC32', 'x-id': 'PutObject' })).toEqual({
      'x-amz-checksum-crc32': 'AAAAAA==',
      'content-md5': 'x',
    });
    expect(['content-md5', 'x-amz-checksum-sha256', 'X-AMZ-CHECKSUM-CRC64NVME'].every(isDigestParam)).toBe(true);
    expect(['x-amz-checksum-mode', 'x-amz-checksum-algorithm', 'partNumber'].some(isDigestParam)).toBe(false);
  });

  it('checks a header and a different query value of the same algorithm both; one Content-MD5 only from the query', () => {
    const d = expectedDigests({ 'x-amz-checksum-crc32': 'A', 'content-md5': 'header-md5-left-to-the-upstream' }, { 'x-amz-checksum-crc32': 'B' });
    expect(d).toEqual([
      { algorithm: 'crc32', expected: 'A' },
      { algorithm: 'crc32', expected: 'B' },
    ]);
    expect(expectedDigests({ 'x-amz-checksum-sha1': 'same' }, { 'x-amz-checksum-sha1': 'same' })).toHaveLength(1);
  });

  it('a query Content-MD5 that is not 16 bytes of base64 is InvalidDigest (400) up front', () => {
    for (const bad of ['not-a-digest', 'AAAA', Buffer.alloc(17).toString('base64')]) {
      expect(() => expectedDigests({}, { 'content-md5': bad })).toThrow(expect.objectContaining({ code: 'InvalidDigest', status: 400 }));
    }
  });

  it('streams the body and fails with BadDigest at its end when a digest differs; passes when all match', async () => {
    const md5 = createHash('md5').update('hello world').digest('base64');
    const ok = expectedDigests({ 'x-amz-checksum-crc32c': checksumBase64('crc32c', Buffer.from('hello world')) }, { 'content-md5': md5 });
    await expect(drain(digestChecked(from('hello ', 'world'), ok))).resolves.toBeUndefined();
    const wrongMd5 = expectedDigests({}, { 'content-md5': createHash('md5').update('other').digest('base64') });
    await expect(drain(digestChecked(from('hello world'), wrongMd5))).rejects.toMatchObject({ code: 'BadDigest', details: { CalculatedDigest: md5 } });
    const wrongSum = expectedDigests({}, { 'x-amz-checksum-sha256': checksumBase64('sha256', Buffer.from('other')) });
    await expect(drain(digestChecked(from('hello world'), wrongSum))).rejects.toMatchObject({ code: 'BadDigest', message: 'The SHA256 you specified did not match the calculated checksum.' });
    const source = from('x');
    expect(digestChecked(source, [])).toBe(source);
  });

  it('checks digests against an empty body when a request carries none', () => {
    expect(() => checkEmptyDigests(expectedDigests({ 'x-amz-checksum-crc32': 'AAAAAA==' }, {}))).not.toThrow();
    expect(() => checkEmptyDigests(expectedDigests({}, { 'x-amz-checksum-crc32': checksumBase64('crc32', Buffer.from('hello')) }))).toThrow(expect.objectContaining({ code: 'BadDigest' }));
  });
});
