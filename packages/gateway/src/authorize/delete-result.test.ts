import { describe, expect, it } from 'vitest';
import { accessDeniedErrors, withDeleteErrors } from './delete-result.js';

const text = (b: unknown): string => (typeof b === 'string' ? b : new TextDecoder().decode(b as Uint8Array));
const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';

async function* stream(s: string): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(s);
  yield bytes.subarray(0, 7);
  yield bytes.subarray(7);
}

describe('withDeleteErrors (denied DeleteObjects keys in the DeleteResult)', () => {
  const keys = [{ key: 'a' }, { key: 'b', versionId: 'v1' }, { key: 'c' }, { key: 'd' }];
  const denied = accessDeniedErrors([keys[1]!, keys[3]!]);

  it('writes AccessDenied errors as AWS does, VersionId only when the request named one', () => {
    expect(denied).toEqual([
      { Key: 'b', VersionId: 'v1', Code: 'AccessDenied', Message: 'Access Denied' },
      { Key: 'd', Code: 'AccessDenied', Message: 'Access Denied' },
    ]);
  });

  it('adds the errors to a streamed upstream DeleteResult in request order, with a new length and no stale digests', async () => {
    const up = `<?xml version="1.0" encoding="UTF-8"?><DeleteResult ${NS}><Deleted><Key>a</Key></Deleted><Error><Key>c</Key><Code>InternalError</Code><Message>boom</Message></Error></DeleteResult>`;
    const res = await withDeleteErrors(
      { status: 200, headers: { 'content-type': 'application/xml', 'content-length': '999', 'content-md5': 'x', 'x-amz-checksum-crc32': 'y', 'x-amz-id-2': 'keep' }, body: stream(up) },
      denied,
      keys,
    );
    const xml = text(res.body);
    expect([...xml.matchAll(/<Error><Key>(\w)<\/Key>/g)].map((m) => m[1])).toEqual(['b', 'c', 'd']);
    expect(xml).toContain('<Deleted><Key>a</Key></Deleted>');
    expect(res.headers).toEqual({ 'content-type': 'application/xml', 'content-length': String(new TextEncoder().encode(xml).length), 'x-amz-id-2': 'keep' });
  });

  it('takes an empty upstream body (Quiet, nothing failed) as an empty DeleteResult', async () => {
    const res = await withDeleteErrors({ status: 200, headers: {}, body: '' }, denied, keys);
    expect(text(res.body)).toMatch(/<DeleteResult [^>]*><Error><Key>b<\/Key><VersionId>v1<\/VersionId><Code>AccessDenied<\/Code><Message>Access Denied<\/Message><\/Error><Error><Key>d<\/Key>/);
  });

  it('answers the errors alone when nothing was forwarded', async () => {
    const res = await withDeleteErrors(undefined, denied, keys);
    expect([res.status, res.headers['content-type'], text(res.body).includes('<Deleted>'), text(res.body).match(/<Error>/g)?.length]).toEqual([200, 'application/xml', false, 2]);
  });

  it('turns an upstream answer that is not a DeleteResult into InternalError (500), not a client error', async () => {
    await expect(withDeleteErrors({ status: 200, headers: {}, body: '<Other/>' }, denied, keys)).rejects.toMatchObject({ code: 'InternalError', status: 500 });
    await expect(withDeleteErrors({ status: 200, headers: {}, body: 'not xml' }, denied, keys)).rejects.toMatchObject({ code: 'InternalError' });
  });
});
