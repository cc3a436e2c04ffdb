import { S3Error } from '@s3kit/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TransportAbortedError, TransportBodyMismatchError, TransportConnectError, TransportSocketError, TransportTimeoutError } from './errors.js';
import { isRetryable, retryAfterMs, retryDelay, retryPolicy } from './retry-policy.js';

describe('retry policy', () => {
  it('keeps full-jitter backoff within [0, min(maxDelay, base * 2^(n-1)))', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), fc.integer({ min: 1, max: 1000 }), (n, r, base) => {
        const policy = retryPolicy({ baseDelayMs: base, maxDelayMs: 20_000, random: () => r });
        const d = retryDelay(policy, n, new TransportSocketError('reset'));
        const cap = Math.min(20_000, base * 2 ** (n - 1));
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThan(Math.max(cap, 1));
      }),
    );
  });

  it('uses Retry-After (seconds or HTTP date), capped at maxDelayMs', () => {
    const policy = retryPolicy({ maxDelayMs: 5000, random: () => 0.5 });
    const slow = (retryAfter: string): S3Error => new S3Error('SlowDown', { status: 503, headers: { 'retry-after': retryAfter } });
    expect(retryDelay(policy, 1, slow('2'))).toBe(2000);
    expect(retryDelay(policy, 1, slow('3600'))).toBe(5000);
    const now = Date.parse('Mon, 23 Nov 2026 14:00:00 GMT');
    expect(retryAfterMs(slow('Mon, 23 Nov 2026 14:00:03 GMT'), now)).toBe(3000);
    expect(retryAfterMs(slow('soon'))).toBeUndefined();
  });

  it('retries 500/502/503/504, SlowDown, RequestTimeout, InternalError and connection failures only', () => {
    for (const status of [500, 502, 503, 504]) expect(isRetryable(new S3Error('Whatever', { status }))).toBe(true);
    expect(isRetryable(new S3Error('RequestTimeout'))).toBe(true);
    expect(isRetryable(new S3Error('SlowDown'))).toBe(true);
    expect(isRetryable(new S3Error('NoSuchKey'))).toBe(false);
    expect(isRetryable(new S3Error('AccessDenied'))).toBe(false);
    expect(isRetryable(new TransportConnectError('refused'))).toBe(true);
    expect(isRetryable(new TransportSocketError('reset'))).toBe(true);
    expect(isRetryable(new TransportTimeoutError('headers', 'slow'))).toBe(true);
    expect(isRetryable(new TransportTimeoutError('deadline', 'late'))).toBe(false);
    expect(isRetryable(new TransportAbortedError('stop'))).toBe(false);
    expect(isRetryable(new TransportBodyMismatchError('short'))).toBe(false);
    expect(isRetryable(new Error('other'))).toBe(false);
  });

  it('rejects invalid options with TypeError naming the field', () => {
    expect(() => retryPolicy({ maxAttempts: 1.5 })).toThrow(/maxAttempts/);
    expect(() => retryPolicy({ maxDelayMs: Number.NaN })).toThrow(/maxDelayMs/);
    expect(() => retryPolicy({ random: 3 as never })).toThrow(/random/);
  });
});
