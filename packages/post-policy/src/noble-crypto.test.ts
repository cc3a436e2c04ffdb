import { describe, expect, it } from 'vitest';
import { nobleCrypto, toBase64 } from '@s3kit/sigv4';
import { createPresignedPost, verifyPost } from './index.js';

// The portable path a runtime without node:crypto takes (Workers, browsers): @noble/hashes.
describe('with the @noble/hashes crypto provider', () => {
  it('builds and verifies a SigV4 form with a SHA-256 checksum, and rejects a wrong file with BadDigest', async () => {
    const creds = { accessKeyId: 'AKIDNOBLE', secretAccessKey: 'noble-secret' };
    const data = new TextEncoder().encode('portable bytes');
    const sha = toBase64(nobleCrypto.sha256(data));
    const post = createPresignedPost({ bucket: 'b1b', key: 'k/${filename}', checksumSha256: sha, credentials: creds, crypto: nobleCrypto });
    const send = (bytes: Uint8Array) => {
      const fd = new FormData();
      for (const [n, v] of Object.entries(post.fields)) fd.append(n, v);
      fd.append('file', new File([bytes as Uint8Array<ArrayBuffer>], 'p.bin'));
      return verifyPost(new Request(post.url, { method: 'POST', body: fd }), {
        bucket: 'b1b',
        crypto: nobleCrypto,
        getCredentials: () => ({ secretAccessKey: creds.secretAccessKey }),
      });
    };
    const ok = await send(data);
    expect(new Uint8Array(await new Response(ok.file).arrayBuffer())).toEqual(data);
    const bad = await send(new TextEncoder().encode('portable bytez'));
    await expect(new Response(bad.file).arrayBuffer()).rejects.toMatchObject({ code: 'BadDigest', status: 400 });
  });
});
