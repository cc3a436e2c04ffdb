// watch through the binary: events as lines and JSON while objects are written and removed,
// prefix/event filters, Ctrl-C ends it cleanly; Ceph RGW has no ListenBucketNotification (its answers are errors).
import { describe, expect, it } from 'vitest';
import { bucketName, gatewayServer, reason, rgw, rgwServer } from './cli.js';
import { session } from './session.js';

/** Polls `act` and then the output until `done(output)` holds (at most `tries` rounds). */
async function until(output: () => string, done: (out: string) => boolean, act: () => Promise<unknown>, tries = 100): Promise<string> {
  for (let i = 0; i < tries && !done(output()); i++) {
    await act();
    await new Promise((r) => setTimeout(r, 200));
  }
  return output();
}

describe('s3kit watch through the gateway on the embedded store', () => {
  const bucket = bucketName('watch-gw');
  const s = session(gatewayServer, [bucket]);

  it('prints created and removed events as JSON until Ctrl-C, then exits 0', async () => {
    expect((await s.run('mb', `t/${bucket}`)).code).toBe(0);
    const child = s.home.spawn(['watch', '--json', `t/${bucket}`]);
    let out = '';
    child.stdout!.on('data', (d: string) => (out += d));
    let n = 0;
    // Writes until the listener (connecting meanwhile) reports one.
    await until(
      () => out,
      (o) => o.includes('s3:ObjectCreated:Put'),
      () => s.server.s3.putObject(bucket, `w-${n++}.txt`, 'hello'),
    );
    await until(
      () => out,
      (o) => o.includes('s3:ObjectRemoved:Delete'),
      () => s.server.s3.removeObject(bucket, 'w-0.txt'),
      50,
    );
    child.kill('SIGINT');
    const r = await child.result;
    expect([r.code, r.stderr]).toEqual([0, '']);
    const records = r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    const created = records.find((e) => e.eventName === 's3:ObjectCreated:Put');
    expect(created).toMatchObject({ s3: { bucket: { name: bucket }, object: { size: 5 } } });
    expect(records.find((e) => e.eventName === 's3:ObjectRemoved:Delete')).toMatchObject({ s3: { object: { key: 'w-0.txt' } } });
  });

  it('a prefix and --events delete: one line per matching event', async () => {
    const child = s.home.spawn(['watch', '--events', 'delete', `t/${bucket}/pre/`]);
    let out = '';
    child.stdout!.on('data', (d: string) => (out += d));
    const got = await until(
      () => out,
      (o) => o.includes('pre/x y.txt'),
      async () => {
        await s.server.s3.putObject(bucket, 'other/y.txt', 'y');
        await s.server.s3.removeObject(bucket, 'other/y.txt');
        await s.server.s3.putObject(bucket, 'pre/x y.txt', 'x');
        await s.server.s3.removeObject(bucket, 'pre/x y.txt');
      },
    );
    child.kill('SIGINT');
    expect((await child.result).code).toBe(0);
    const lines = got.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\S+ {2}s3:ObjectRemoved:Delete {2}t/${bucket}/pre/x y\\.txt$`));
  });

  it('errors: NoSuchBucket, unknown events', async () => {
    const missing = await s.run('watch', `t/${bucket}-missing`);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^s3kit: NoSuchBucket: [^\n]*\n$/);
    const events = await s.run('watch', '--events', 'put,copy', `t/${bucket}`);
    expect([events.code, events.stderr]).toEqual([2, 's3kit: UsageError: watch: --events are put, delete, get; got copy\n']);
  });
});

describe.skipIf(!rgw)(`s3kit watch against Ceph RGW ${reason}`, () => {
  const bucket = bucketName('watch-rgw');
  const s = session(async () => rgwServer(), [bucket]);

  it('RGW 16.2 has no ListenBucketNotification: a one-line error, exit 1, whatever it answers', async () => {
    expect((await s.run('mb', `t/${bucket}`)).code).toBe(0);
    // Several events (repeated events=): RGW keeps one value of a repeated parameter, so the signature does not match.
    const many = await s.run('watch', `t/${bucket}`);
    expect([many.code, many.stdout]).toEqual([1, '']);
    expect(many.stderr).toMatch(/^s3kit: SignatureDoesNotMatch: [^\n]*\n$/);
    // One event: RGW answers with the bucket's listing, which is no event stream.
    const one = await s.run('watch', '--events', 'put', `t/${bucket}`);
    expect([one.code, one.stdout]).toEqual([1, '']);
    expect(one.stderr).toMatch(/^s3kit: ListenLineError: listenBucketNotification: a line that is not JSON: [^\n]*\n$/);
  });
});
