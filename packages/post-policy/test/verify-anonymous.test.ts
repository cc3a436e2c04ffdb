import { describe, expect, it } from 'vitest';
import { drain, encodeMultipart, streamOf, type MultipartPart } from '@s3kit/test-utils';
import { createChecksum } from '@s3kit/sigv4';
import { verifyPost, type VerifyPostOptions } from '../src/index.js';

const data = new TextEncoder().encode('anonymous upload body');
const file = (bytes: Uint8Array = data, filename = 'dir/photo.jpg'): MultipartPart => ({ filename, contentType: 'image/jpeg', data: bytes });
const opts: VerifyPostOptions = { bucket: 'public-drop', getCredentials: () => undefined, allowAnonymous: true };

function req(parts: MultipartPart[]) {
  const { body, contentType } = encodeMultipart(parts);
  return { headers: new Headers({ 'content-type': contentType }), body: streamOf(body, 5) };
}

async function code(parts: MultipartPart[], o: Partial<VerifyPostOptions> = {}): Promise<string> {
  try {
    const v = await verifyPost(req(parts), { ...opts, ...o });
    await drain(v.file);
    return 'OK';
  } catch (e) {
    return (e as { code: string }).code;
  }
}

describe('verifyPost with allowAnonymous: forms without policy or signature', () => {
  it('accepts the form, resolves ${filename}, maps fields to object headers, and has no identity', async () => {
    const v = await verifyPost(req([['key', 'in/${filename}'], ['Content-Type', 'image/jpeg'], ['x-amz-meta-who', 'guest'], ['acl', 'public-read'], ['success_action_status', '201'], file()]), opts);
    expect(v.identity).toBeUndefined();
    expect(v.key).toBe('in/photo.jpg');
    expect(v.headers).toMatchObject({ 'content-type': 'image/jpeg', 'x-amz-meta-who': 'guest', 'x-amz-acl': 'public-read' });
    expect(v.metadata).toEqual({ who: 'guest' });
    expect(new TextDecoder().decode(await drain(v.file))).toBe('anonymous upload body');
    const res = v.success({ etag: '"abc"' });
    expect(res.status).toBe(201);
  });

  it('still refuses anonymous forms without the option (AccessDenied 403)', async () => {
    expect(await code([['key', 'k'], file()], { allowAnonymous: false })).toBe('AccessDenied');
  });

  it('a form with signature fields but no policy is malformed, not anonymous (InvalidArgument)', async () => {
    expect(await code([['key', 'k'], ['x-amz-signature', 'ab'], file()])).toBe('InvalidArgument');
    expect(await code([['key', 'k'], ['AWSAccessKeyId', 'AK'], file()])).toBe('InvalidArgument');
  });

  it('applies the same field rules: key required and non-empty, duplicates refused, one file', async () => {
    expect(await code([['acl', 'private'], file()])).toBe('InvalidArgument');
    expect(await code([['key', '${filename}'], file(data, '')])).toBe('UserKeyMustBeSpecified');
    expect(await code([['key', 'a'], ['KEY', 'b'], file()])).toBe('InvalidArgument');
    expect(await code([['key', 'a'], file(), file()])).toBe('IncorrectNumberOfFilesInPostRequest');
  });

  it('enforces maxObjectSize while streaming (EntityTooLarge) and a declared checksum (BadDigest)', async () => {
    expect(await code([['key', 'a'], file()], { maxObjectSize: data.length - 1 })).toBe('EntityTooLarge');
    expect(await code([['key', 'a'], file()], { maxObjectSize: data.length })).toBe('OK');
    const right = createChecksum('sha256').update(data).digestBase64();
    const wrong = createChecksum('sha256')
      .update(new Uint8Array([1]))
      .digestBase64();
    expect(await code([['key', 'a'], ['x-amz-checksum-sha256', right], file()])).toBe('OK');
    expect(await code([['key', 'a'], ['x-amz-checksum-sha256', wrong], file()])).toBe('BadDigest');
  });
});
