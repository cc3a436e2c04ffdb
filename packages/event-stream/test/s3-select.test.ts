import { createHash } from 'node:crypto';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { isS3Error } from '@s3kit/errors';
import { SigV4Signer } from '@s3kit/sigv4';
import { privateRgwOrSkip } from '@s3kit/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { contEvent, decodeMessage, decodeStream, encodeMessage, endEvent, errorEvent, progressEvent, recordsEvent, s3SelectEvents, statsEvent, type SelectEvent } from '../src/index.js';
import { asyncChunks, chunkAt, collect, concat } from './helpers.js';

const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const stats = { bytesScanned: 100, bytesProcessed: 90, bytesReturned: 12 };

describe('S3 Select events: server encoders → s3SelectEvents', () => {
  it('a whole response, cut into 3-byte chunks', async () => {
    const body = concat([recordsEvent('a,1\n'), contEvent(), progressEvent(stats), recordsEvent(new TextEncoder().encode('b,2\n')), statsEvent(stats), endEvent()]);
    const events = await collect(
      s3SelectEvents(
        asyncChunks(
          chunkAt(
            body,
            Array.from({ length: body.length / 3 }, (_, i) => i * 3),
          ),
        ),
      ),
    );
    expect(events.map((e) => (e.type === 'Records' ? { type: e.type, payload: text(e.payload) } : e))).toEqual([
      { type: 'Records', payload: 'a,1\n' },
      { type: 'Cont' },
      { type: 'Progress', details: stats },
      { type: 'Records', payload: 'b,2\n' },
      { type: 'Stats', details: stats },
      { type: 'End' },
    ]);
  });

  it('the messages carry the headers and XML that S3 sends', () => {
    const r = decodeMessage(recordsEvent('x'));
    expect({ ...r.headers }).toEqual({
      ':event-type': { type: 'string', value: 'Records' },
      ':content-type': { type: 'string', value: 'application/octet-stream' },
      ':message-type': { type: 'string', value: 'event' },
    });
    const s = decodeMessage(statsEvent(stats));
    expect(s.headers[':content-type']).toEqual({ type: 'string', value: 'text/xml' });
    expect(text(s.body)).toBe('<?xml version="1.0" encoding="UTF-8"?><Stats><BytesScanned>100</BytesScanned><BytesProcessed>90</BytesProcessed><BytesReturned>12</BytesReturned></Stats>');
    expect(Object.keys(decodeMessage(endEvent()).headers)).toEqual([':event-type', ':message-type']);
    expect(decodeMessage(endEvent()).body.length).toBe(0);
    expect({ ...decodeMessage(errorEvent('InvalidColumnIndex', 'bad column')).headers }).toEqual({
      ':error-code': { type: 'string', value: 'InvalidColumnIndex' },
      ':error-message': { type: 'string', value: 'bad column' },
      ':message-type': { type: 'string', value: 'error' },
    });
  });

  it("the AWS SDK codec (@smithy/eventstream-codec) reads the encoders' messages", () => {
    const smithy = new EventStreamCodec(text, (s) => new TextEncoder().encode(s));
    const m = smithy.decode(statsEvent(stats));
    expect(m.headers[':event-type']).toEqual({ type: 'string', value: 'Stats' });
    expect(text(m.body)).toContain('<BytesReturned>12</BytesReturned>');
  });

  it("an error message throws an S3Error with S3's code and message, after the events before it", async () => {
    const seen: SelectEvent[] = [];
    const run = async () => {
      for await (const e of s3SelectEvents(asyncChunks([recordsEvent('a\n'), errorEvent('CSVParsingError', 'bad row')]))) seen.push(e);
    };
    const err = await run().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isS3Error(err)).toBe(true);
    expect(err).toMatchObject({ code: 'CSVParsingError', message: 'bad row', status: 400 });
    expect(seen.map((e) => e.type)).toEqual(['Records']);
  });

  it('counts missing from a Stats payload read as 0 (S3 documents them as optional)', async () => {
    const stats = encodeMessage({ headers: { ':event-type': 'Stats', ':message-type': 'event' }, body: '<Stats><BytesScanned>5</BytesScanned></Stats>' });
    expect(await collect(s3SelectEvents(asyncChunks([stats, endEvent()])))).toEqual([{ type: 'Stats', details: { bytesScanned: 5, bytesProcessed: 0, bytesReturned: 0 } }, { type: 'End' }]);
  });

  it('a response that ends before End is Truncated; nothing after End is read', async () => {
    await expect(collect(s3SelectEvents(asyncChunks([recordsEvent('a'), statsEvent(stats)])))).rejects.toMatchObject({ code: 'Truncated' });
    const after = await collect(s3SelectEvents(asyncChunks([endEvent(), new Uint8Array([1, 2, 3])])));
    expect(after).toEqual([{ type: 'End' }]);
  });
});

// --- A real S3 Select response: Ceph RGW 16.2 (S3 Select on CSV). -------------------------
// RGW 16.2 differs from AWS, asserted as it is: the table is `stdin` (not `s3object`), equality
// is `==`, each CSV output row ends with an extra `,`, the Records payload is wrapped in
// `<Payload><Records><Payload>` XML, and no Stats or End event follows (so `s3SelectEvents`
// reports the response as Truncated). The framing itself is AWS's: every message decodes.

// A private RGW: after any Select, radosgw 16.2 refuses POST forms (see privateRgwOrSkip).
const { rgw, reason } = await privateRgwOrSkip();
afterAll(() => rgw?.stop(), 120_000); // a memstore OSD writes its objects out on a clean stop

describe.skipIf(!rgw)(`S3 Select against Ceph RGW ${reason}`, () => {
  const signer = rgw && new SigV4Signer({ credentials: { accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey }, region: rgw.region });
  const send = async (method: string, path: string, body = ''): Promise<Response> => {
    const s = signer!.sign({ method, url: `${rgw!.endpoint}${path}`, payloadHash: createHash('sha256').update(body).digest('hex') });
    return fetch(s.url, { method, headers: s.headers as Record<string, string>, ...(body ? { body } : {}) });
  };
  const bucket = `evs-select-${Date.now().toString(36)}`;
  const N = 20_000;
  const rows = Array.from({ length: N }, (_, i) => `${i},name-${i},${i % 7}`).join('\n') + '\n';

  const select = (expression: string) =>
    send(
      'POST',
      `/${bucket}/data.csv?select&select-type=2`,
      `<?xml version="1.0" encoding="UTF-8"?><SelectObjectContentRequest xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Expression>${expression}</Expression><ExpressionType>SQL</ExpressionType><InputSerialization><CompressionType>NONE</CompressionType><CSV><FileHeaderInfo>NONE</FileHeaderInfo></CSV></InputSerialization><OutputSerialization><CSV/></OutputSerialization></SelectObjectContentRequest>`,
    );

  it('decodes a streamed SelectObjectContent response (fetch body): the records; no Stats or End from RGW', async () => {
    expect((await send('PUT', `/${bucket}`)).status).toBe(200);
    expect((await send('PUT', `/${bucket}/data.csv`, rows)).status).toBe(200);
    const res = await select('select _1, _2 from stdin where int(_3) == 3;');
    expect(res.status).toBe(200);
    const messages = await collect(decodeStream(res.body!));
    expect(messages.length).toBeGreaterThan(0);
    for (const m of messages) {
      expect(m.headers[':message-type']).toEqual({ type: 'string', value: 'event' });
      expect(m.headers[':event-type']).toEqual({ type: 'string', value: 'Records' });
    }
    const payload = text(concat(messages.map((m) => m.body)));
    const expected = Array.from({ length: N }, (_, i) => i)
      .filter((i) => i % 7 === 3)
      .map((i) => `${i},name-${i},\n`)
      .join('');
    expect(payload.replace(/<\/?(Payload|Records)>\n?/g, '').trim()).toBe(expected.trim());
  });

  it('s3SelectEvents yields the Records, then refuses the End-less response as Truncated', async () => {
    const res = await select('select count(*) from stdin;');
    const seen: SelectEvent[] = [];
    const err = await (async () => {
      for await (const e of s3SelectEvents(res.body!)) seen.push(e);
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ name: 'EventStreamError', code: 'Truncated' });
    expect(seen.map((e) => e.type)).toEqual(['Records']);
    expect(text((seen[0] as { payload: Uint8Array }).payload)).toContain(`${N},`);
  });
});
