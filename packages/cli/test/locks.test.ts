// retention (bucket default and per version; GOVERNANCE with and without bypass, COMPLIANCE),
// legalhold, and rm --version-id/--versions with --bypass-governance, through the binary against
// both upstream kinds.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bucketName, gatewayServer, reason, rgw, rgwServer, type Server } from './cli.js';
import { lines, session } from './session.js';

const DAY = 86_400_000;

function suite(kind: string, start: () => Promise<Server>): void {
  const lb = bucketName(`lock-${kind}`);
  const plain = `${lb}-plain`;
  const s = session(start, [lb, plain]);
  const oneLine = (code: string) => new RegExp(`^s3kit: ${code}: [^\\n]*\\n$`);

  it('retention on the bucket: default set, info, clear', async () => {
    expect((await s.run('mb', '--with-lock', `t/${lb}`)).code).toBe(0);
    expect((await s.run('retention', 'info', `t/${lb}`)).stdout).toBe(`t/${lb}: object lock on, no default retention\n`);
    const set = await s.run('retention', 'set', 'governance', '1d', `t/${lb}`);
    expect([set.code, set.stdout]).toEqual([0, `t/${lb}: default GOVERNANCE for 1 days\n`]);
    expect(JSON.parse((await s.run('retention', 'info', '--json', `t/${lb}`)).stdout)).toEqual({ bucket: lb, enabled: true, mode: 'GOVERNANCE', validity: 1, unit: 'Days' });
    // A bucket with a default retention needs Content-MD5 (or a checksum) on writes, as AWS.
    const v = (await s.server.s3.putObject(lb, 'defaulted.txt', 'x', { headers: { 'content-md5': createHash('md5').update('x').digest('base64') } })).versionId!;
    const info = JSON.parse((await s.run('retention', 'info', '--json', `t/${lb}/defaulted.txt`)).stdout);
    expect(info).toMatchObject({ target: `t/${lb}/defaulted.txt`, mode: 'GOVERNANCE' });
    expect(Math.abs(Date.parse(info.retainUntilDate) - Date.now() - DAY)).toBeLessThan(600_000);
    expect((await s.run('retention', 'clear', `t/${lb}`)).stdout).toBe(`t/${lb}: default retention cleared\n`);
    expect((await s.run('retention', 'info', `t/${lb}`)).stdout).toBe(`t/${lb}: object lock on, no default retention\n`);
    expect((await s.run('rm', `--version-id=${v}`, '--bypass-governance', `t/${lb}/defaulted.txt`)).code).toBe(0);
  });

  it('retention on a version: GOVERNANCE blocks deletes until bypassed; clear needs the bypass', async () => {
    const v = (await s.server.s3.putObject(lb, 'r.txt', 'x')).versionId!;
    expect((await s.run('retention', 'info', `t/${lb}/r.txt`)).stdout).toBe(`t/${lb}/r.txt: no retention\n`);
    const set = await s.run('retention', 'set', `--version-id=${v}`, 'GOVERNANCE', '1d', `t/${lb}/r.txt`);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toMatch(new RegExp(`^t/${lb}/r\\.txt: GOVERNANCE until \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.000Z\\n$`));
    expect((await s.run('retention', 'info', `--version-id=${v}`, `t/${lb}/r.txt`)).stdout).toMatch(/: GOVERNANCE until /);
    const denied = await s.run('rm', `--version-id=${v}`, `t/${lb}/r.txt`);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(oneLine('AccessDenied'));
    const clear = await s.run('retention', 'clear', `--version-id=${v}`, `t/${lb}/r.txt`);
    expect(clear.code).toBe(1);
    // RGW 16.2 cannot remove a retention: it answers an empty <Retention/> with MalformedXML.
    expect(clear.stderr).toMatch(oneLine(kind === 'rgw' ? 'MalformedXML' : 'AccessDenied'));
    const bypass = await s.run('retention', 'clear', '--bypass-governance', `--version-id=${v}`, `t/${lb}/r.txt`);
    if (kind === 'rgw') {
      expect(bypass.code).toBe(1);
      expect(bypass.stderr).toMatch(oneLine('MalformedXML'));
      expect((await s.run('rm', `--version-id=${v}`, '--bypass-governance', `t/${lb}/r.txt`)).code).toBe(0);
      return;
    }
    expect([bypass.code, bypass.stdout]).toEqual([0, `t/${lb}/r.txt: retention cleared\n`]);
    expect((await s.run('retention', 'info', `t/${lb}/r.txt`)).stdout).toBe(`t/${lb}/r.txt: no retention\n`);
    expect((await s.run('rm', `--version-id=${v}`, `t/${lb}/r.txt`)).code).toBe(0);
  });

  it('rm --versions --bypass-governance removes every locked version of a key', async () => {
    for (let i = 0; i < 3; i++) {
      const v = (await s.server.s3.putObject(lb, 'many.txt', `v${i}`)).versionId!;
      expect((await s.run('retention', 'set', '-q', `--version-id=${v}`, 'GOVERNANCE', '1d', `t/${lb}/many.txt`)).code).toBe(0);
    }
    const denied = await s.run('rm', '--versions', `t/${lb}/many.txt`);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(oneLine('AccessDenied'));
    const removed = await s.run('rm', '--versions', '--bypass-governance', '--json', `t/${lb}/many.txt`);
    expect(removed.code, removed.stderr).toBe(0);
    expect(lines(removed).map((l) => JSON.parse(l).status)).toEqual(['removed', 'removed', 'removed']);
    expect((await s.run('ls', '--versions', `t/${lb}/many.txt`)).stdout).toBe('');
  });

  it('COMPLIANCE retention cannot be cleared or bypassed', async () => {
    const v = (await s.server.s3.putObject(lb, 'c.txt', 'x')).versionId!;
    expect((await s.run('retention', 'set', `--version-id=${v}`, 'compliance', '1d', `t/${lb}/c.txt`)).code).toBe(0);
    expect(JSON.parse((await s.run('retention', 'info', '--json', `t/${lb}/c.txt`)).stdout)).toMatchObject({ mode: 'COMPLIANCE' });
    const clear = await s.run('retention', 'clear', '--bypass-governance', `--version-id=${v}`, `t/${lb}/c.txt`);
    expect(clear.code).toBe(1);
    expect(clear.stderr).toMatch(oneLine(kind === 'rgw' ? 'MalformedXML' : 'AccessDenied'));
    const rm = await s.run('rm', `--version-id=${v}`, '--bypass-governance', `t/${lb}/c.txt`);
    expect(rm.code).toBe(1);
    expect(rm.stderr).toMatch(oneLine('AccessDenied'));
  });

  it('legalhold set/info/clear; a held version cannot be deleted', async () => {
    const v = (await s.server.s3.putObject(lb, 'h.txt', 'x')).versionId!;
    expect((await s.run('legalhold', 'info', `t/${lb}/h.txt`)).stdout).toBe(`t/${lb}/h.txt: legal hold OFF\n`);
    expect((await s.run('legalhold', 'set', `t/${lb}/h.txt`)).stdout).toBe(`t/${lb}/h.txt: legal hold ON\n`);
    expect(JSON.parse((await s.run('legalhold', 'info', '--json', `--version-id=${v}`, `t/${lb}/h.txt`)).stdout)).toEqual({ target: `t/${lb}/h.txt`, versionId: v, legalHold: 'ON' });
    const denied = await s.run('rm', `--version-id=${v}`, '--bypass-governance', `t/${lb}/h.txt`);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(oneLine('AccessDenied'));
    expect(JSON.parse((await s.run('legalhold', 'clear', '--json', `t/${lb}/h.txt`)).stdout)).toEqual({ status: 'success', target: `t/${lb}/h.txt`, legalHold: 'OFF' });
    expect((await s.run('legalhold', 'info', `t/${lb}/h.txt`)).stdout).toBe(`t/${lb}/h.txt: legal hold OFF\n`);
    expect((await s.run('rm', `--version-id=${v}`, `t/${lb}/h.txt`)).code).toBe(0);
  });

  it('errors: a bucket without object lock, bad modes and periods', async () => {
    expect((await s.run('mb', `t/${plain}`)).code).toBe(0);
    await s.server.s3.putObject(plain, 'p.txt', 'x');
    const set = await s.run('retention', 'set', 'GOVERNANCE', '1d', `t/${plain}/p.txt`);
    expect(set.code).toBe(1);
    expect(set.stderr).toMatch(oneLine('InvalidRequest'));
    const hold = await s.run('legalhold', 'set', `t/${plain}/p.txt`);
    expect(hold.code).toBe(1);
    expect(hold.stderr).toMatch(oneLine('InvalidRequest'));
    const info = await s.run('retention', 'info', `t/${plain}`);
    expect(info.code).toBe(1);
    expect(info.stderr).toMatch(oneLine('ObjectLockConfigurationNotFoundError'));
    const mode = await s.run('retention', 'set', 'FOREVER', '1d', `t/${lb}/x`);
    expect([mode.code, mode.stderr]).toEqual([2, 's3kit: UsageError: retention: the mode is GOVERNANCE or COMPLIANCE, got FOREVER\n']);
    const period = await s.run('retention', 'set', 'GOVERNANCE', '12h', `t/${lb}/x`);
    expect([period.code, period.stderr]).toEqual([2, 's3kit: UsageError: retention: the validity is days or years (30d, 1y), got 12h\n']);
  });
}

describe('s3kit retention, legalhold, rm --bypass-governance through the gateway on the embedded store', () => suite('gw', gatewayServer));
describe.skipIf(!rgw)(`s3kit retention, legalhold, rm --bypass-governance against Ceph RGW ${reason}`, () => suite('rgw', async () => rgwServer()));
