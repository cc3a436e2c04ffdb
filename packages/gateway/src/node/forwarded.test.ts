import { describe, expect, it } from 'vitest';
import { forwardedClient, trustProxy } from './forwarded.js';

const proxies = trustProxy(['10.0.0.0/8', '192.168.1.7', 'fd00::/8']);
const peer = (remoteAddress: string, secure = false) => ({ remoteAddress, secure });

describe('trustProxy', () => {
  it('matches addresses, CIDRs, IPv4-mapped peers and loopback', () => {
    expect(proxies('10.1.2.3')).toBe(true);
    expect(proxies('::ffff:10.1.2.3')).toBe(true);
    expect(proxies('192.168.1.7')).toBe(true);
    expect(proxies('192.168.1.8')).toBe(false);
    expect(proxies('fd00::1')).toBe(true);
    expect(proxies('not an ip')).toBe(false);
    const lo = trustProxy(['loopback']);
    expect([lo('127.0.0.1'), lo('127.9.9.9'), lo('::1'), lo('::ffff:127.0.0.1'), lo('10.0.0.1')]).toEqual([true, true, true, true, false]);
    expect(trustProxy([])('127.0.0.1')).toBe(false);
  });

  it('names a bad entry', () => {
    expect(() => trustProxy(['10.0.0.0/8', '10.0.0.0/33'])).toThrow(/"10.0.0.0\/33" is not an IP address/);
    expect(() => trustProxy(['proxy.example'])).toThrow(TypeError);
  });
});

describe('forwardedClient', () => {
  const headers = { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'files.example.com' };

  it('ignores the headers from an untrusted peer or without a trust list', () => {
    const direct = { remoteAddress: '198.51.100.1', secure: false, host: undefined };
    expect(forwardedClient(peer('198.51.100.1'), headers, proxies)).toEqual(direct);
    expect(forwardedClient(peer('198.51.100.1'), headers, undefined)).toEqual(direct);
    expect(forwardedClient(peer('10.0.0.2'), headers, undefined)).toEqual({ ...direct, remoteAddress: '10.0.0.2' });
  });

  it('reads them from a trusted peer', () => {
    expect(forwardedClient(peer('10.0.0.2'), headers, proxies)).toEqual({ remoteAddress: '203.0.113.9', secure: true, host: 'files.example.com' });
  });

  it('takes the rightmost untrusted X-Forwarded-For hop: entries the client wrote prove nothing', () => {
    const xff = (v: string | string[]) => forwardedClient(peer('10.0.0.2'), { 'x-forwarded-for': v }, proxies).remoteAddress;
    expect(xff('1.1.1.1, 203.0.113.9, 10.0.0.5')).toBe('203.0.113.9');
    expect(xff(['1.1.1.1', '203.0.113.9, 10.0.0.5'])).toBe('203.0.113.9');
    expect(xff('10.0.0.9, 10.0.0.5')).toBe('10.0.0.9');
    expect(xff('garbage, 10.0.0.5')).toBe('10.0.0.5');
    expect(xff('203.0.113.9:4711')).toBe('203.0.113.9');
    expect(xff('[2001:db8::1]:443')).toBe('2001:db8::1');
    expect(xff('2001:db8::1')).toBe('2001:db8::1');
    expect(xff('')).toBe('10.0.0.2');
  });

  it('uses the last X-Forwarded-Proto/Host value (the nearest proxy) and keeps the connection scheme without one', () => {
    const at = (h: Record<string, string>, secure = false) => forwardedClient(peer('10.0.0.2', secure), h, proxies);
    expect(at({ 'x-forwarded-proto': 'https, http' }).secure).toBe(false);
    expect(at({ 'x-forwarded-proto': 'HTTPS' }).secure).toBe(true);
    expect(at({ 'x-forwarded-proto': 'http' }, true).secure).toBe(false);
    expect(at({}, true).secure).toBe(true);
    expect(at({ 'x-forwarded-host': 'a.example, b.example:8443' }).host).toBe('b.example:8443');
    expect(at({ 'x-forwarded-host': '[::1]:9000' }).host).toBe('[::1]:9000');
    for (const bad of ['evil.example/path', 'user@evil.example', 'a b', 'x:99999999']) expect(at({ 'x-forwarded-host': bad }).host).toBeUndefined();
  });
});
