import { afterEach, describe, expect, it, vi } from 'vitest';
import { isCi, parseRgwEnv, rgwFromEnv, rgwUnavailableReason, startRgw } from '@s3kit/test-utils';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('rgw.ts helpers', () => {
  it('parses the KEY=value lines rgw.sh start prints, ignoring other lines', () => {
    const text = 'rgw.sh: noise\nS3KIT_RGW_ENDPOINT=http://127.0.0.1:4321\nS3KIT_RGW_SECRET_KEY=a=b\n\nOTHER=1\n';
    expect(parseRgwEnv(text)).toEqual({ S3KIT_RGW_ENDPOINT: 'http://127.0.0.1:4321', S3KIT_RGW_SECRET_KEY: 'a=b' });
  });

  it('builds a handle from S3KIT_RGW_* (trailing slash dropped, region defaults to us-east-1)', async () => {
    const h = rgwFromEnv({ S3KIT_RGW_ENDPOINT: 'http://127.0.0.1:1/', S3KIT_RGW_ACCESS_KEY: 'AK', S3KIT_RGW_SECRET_KEY: 'SK' });
    expect(h && { ...h, stop: undefined }).toEqual({
      endpoint: 'http://127.0.0.1:1',
      accessKeyId: 'AK',
      secretAccessKey: 'SK',
      region: 'us-east-1',
      stop: undefined,
    });
    await expect(h!.stop()).resolves.toBeUndefined();
    expect(rgwFromEnv({})).toBeUndefined();
  });

  it('refuses an endpoint without keys', () => {
    expect(() => rgwFromEnv({ S3KIT_RGW_ENDPOINT: 'http://127.0.0.1:1' })).toThrow(/S3KIT_RGW_ACCESS_KEY/);
  });

  it('startRgw returns the instance given through the environment without starting one', async () => {
    vi.stubEnv('S3KIT_RGW_ENDPOINT', 'http://127.0.0.1:9');
    vi.stubEnv('S3KIT_RGW_ACCESS_KEY', 'AK');
    vi.stubEnv('S3KIT_RGW_SECRET_KEY', 'SK');
    vi.stubEnv('S3KIT_RGW_REGION', 'default');
    const h = await startRgw();
    expect(h?.endpoint).toBe('http://127.0.0.1:9');
    expect(h?.region).toBe('default');
  });

  it('treats CI=false/0/empty as not CI', () => {
    expect([undefined, '', '0', 'false', 'FALSE', 'true', '1'].map((CI) => isCi(CI === undefined ? {} : { CI }))).toEqual([false, false, false, false, false, true, true]);
  });

  it('S3KIT_RGW=0 disables RGW, and startRgw then resolves undefined even under CI', async () => {
    expect(rgwUnavailableReason({ S3KIT_RGW: '0' })).toMatch(/S3KIT_RGW=0/);
    vi.stubEnv('S3KIT_RGW_ENDPOINT', '');
    vi.stubEnv('S3KIT_RGW', '0');
    vi.stubEnv('CI', 'true');
    await expect(startRgw()).resolves.toBeUndefined();
  });
});
