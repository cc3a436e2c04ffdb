import { describe, expect, it } from 'vitest';
import { drain, encodeMultipart, streamOf } from '@s3kit/test-utils';
import { createChecksum, CHECKSUM_ALGORITHMS, checksumHeaderName, toBase64 } from '@s3kit/sigv4';
import { createPresignedPost, verifyPost } from '../src/index.js';

const creds = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const NOW = Date.UTC(2024, 0, 1);
const data = new TextEncoder().encode('hello, checksummed world');

async function post(fields: Record<string, string>): Promise<{ code: string; status: number; phase: string; bytes?: number }> {
  // Every extra field is covered by an exact condition, as a ticket issuer would sign it.
  const { fields: signed } = createPresignedPost({
    bucket: 'uploads',
    key: 'in/${filename}',
    credentials: creds,
    now: NOW,
    fields,
    conditions: Object.entries(fields).map(([k, v]) => ({ [k]: v })),
  });
  const { body, contentType } = encodeMultipart([...Object.entries(signed), { filename: 'a.bin', contentType: 'application/octet-stream', data }]);
  let phase = 'verify';
  try {
    const v = await verifyPost(
      { headers: new Headers({ 'content-type': contentType }), body: streamOf(body, 7) },
      {
        bucket: 'uploads',
        getCredentials: (id) => (id === creds.accessKeyId ? { secretAccessKey: creds.secretAccessKey } : undefined),
        now: () => NOW + 1000,
      },
    );
    phase = 'stream';
    const bytes = (await drain(v.file)).length;
    return { code: 'OK', status: 200, phase: 'done', bytes };
  } catch (e) {
    const err = e as { code: string; status: number };
    return { code: err.code, status: err.status, phase };
  }
}

describe('verifyPost: every x-amz-checksum-* algorithm S3 accepts on POST', () => {
  for (const alg of CHECKSUM_ALGORITHMS) {
    const name = checksumHeaderName(alg);
    const right = createChecksum(alg).update(data).digestBase64();
    const wrongBytes = createChecksum(alg)
      .update(new Uint8Array([1]))
      .digest();

    it(`${name}: the right value streams the whole file`, async () => {
      expect(await post({ [name]: right })).toEqual({ code: 'OK', status: 200, phase: 'done', bytes: data.length });
      expect(await post({ 'x-amz-checksum-algorithm': alg.toUpperCase(), [name]: right })).toMatchObject({ code: 'OK' });
    });

    it(`${name}: a value for other bytes fails the stream at the end with BadDigest (400)`, async () => {
      expect(await post({ [name]: toBase64(wrongBytes) })).toEqual({ code: 'BadDigest', status: 400, phase: 'stream' });
    });

    it(`${name}: a value of the wrong digest size is InvalidRequest (400) before any byte`, async () => {
      expect(await post({ [name]: toBase64(new Uint8Array(wrongBytes.length + 1)) })).toEqual({ code: 'InvalidRequest', status: 400, phase: 'verify' });
    });
  }

  it('two checksum fields are InvalidRequest (400)', async () => {
    const crc = createChecksum('crc32').update(data).digestBase64();
    const sha = createChecksum('sha256').update(data).digestBase64();
    expect(await post({ 'x-amz-checksum-crc32': crc, 'x-amz-checksum-sha256': sha })).toMatchObject({ code: 'InvalidRequest', status: 400 });
  });

  it('x-amz-checksum-algorithm naming another algorithm than the field is InvalidRequest (400)', async () => {
    const crc = createChecksum('crc32c').update(data).digestBase64();
    expect(await post({ 'x-amz-checksum-algorithm': 'CRC32', 'x-amz-checksum-crc32c': crc })).toMatchObject({ code: 'InvalidRequest', status: 400 });
    expect(await post({ 'x-amz-checksum-algorithm': 'MD5', 'x-amz-checksum-crc32c': crc })).toMatchObject({ code: 'InvalidRequest', status: 400 });
  });
});
