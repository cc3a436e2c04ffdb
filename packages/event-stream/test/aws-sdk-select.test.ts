import { Readable } from 'node:stream';
import { S3Client, SelectObjectContentCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { contEvent, endEvent, errorEvent, progressEvent, recordsEvent, statsEvent } from '../src/index.js';

// What the embedded store will send, read by the AWS SDK v3's own SelectObjectContent
// deserializer (canned HTTP response, no network): the encoders' headers and XML are S3's.

function clientAnswering(messages: Uint8Array[]): S3Client {
  return new S3Client({
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    requestHandler: {
      handle: async () => ({
        response: { statusCode: 200, reason: 'OK', headers: { 'x-amz-request-id': 'R' }, body: Readable.from(messages.map((m) => Buffer.from(m))) },
      }),
    } as never,
  });
}

const command = () =>
  new SelectObjectContentCommand({
    Bucket: 'b',
    Key: 'k.csv',
    Expression: 'select * from s3object',
    ExpressionType: 'SQL',
    InputSerialization: { CSV: {} },
    OutputSerialization: { CSV: {} },
  });

describe('AWS SDK v3 SelectObjectContentCommand reads the server encoders', () => {
  it('Records, Cont, Progress, Stats and End', async () => {
    const stats = { bytesScanned: 300, bytesProcessed: 280, bytesReturned: 8 };
    const out = await clientAnswering([recordsEvent('a,1\n'), contEvent(), progressEvent(stats), recordsEvent('b,2\n'), statsEvent(stats), endEvent()]).send(command());
    const seen: unknown[] = [];
    for await (const e of out.Payload!) {
      if (e.Records) seen.push({ Records: Buffer.from(e.Records.Payload!).toString() });
      else if (e.Stats) seen.push({ Stats: e.Stats.Details });
      else if (e.Progress) seen.push({ Progress: e.Progress.Details });
      else if (e.Cont) seen.push('Cont');
      else if (e.End) seen.push('End');
    }
    const details = { BytesScanned: 300, BytesProcessed: 280, BytesReturned: 8 };
    expect(seen).toEqual([{ Records: 'a,1\n' }, 'Cont', { Progress: details }, { Records: 'b,2\n' }, { Stats: details }, 'End']);
  });

  it("an error message fails the iteration with S3's code and message", async () => {
    const out = await clientAnswering([recordsEvent('a\n'), errorEvent('InvalidColumnIndex', 'The column index at line 1, column 8 is invalid.')]).send(command());
    const run = async () => {
      for await (const e of out.Payload!) void e;
    };
    await expect(run()).rejects.toMatchObject({ name: 'InvalidColumnIndex', message: 'The column index at line 1, column 8 is invalid.' });
  });
});
