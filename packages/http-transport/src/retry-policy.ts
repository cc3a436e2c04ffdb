import { TransportError, type TimeoutPhase } from './errors.js';

/**
 * Which failures are retried and how long to wait: shared by the undici `retry()` interceptor
 * and the fetch transport. Runtime-neutral.
 */
export interface RetryOptions {
  /** Total attempts including the first. `1` disables retries. **Default:** `3`. */
  maxAttempts?: number;
  /** Backoff base: attempt n waits a random time in `[0, min(maxDelayMs, baseDelayMs * 2^(n-1)))` (full jitter). **Default:** `100`. */
  baseDelayMs?: number;
  /** Upper bound for one wait, including a server's `Retry-After`. **Default:** `20000`. */
  maxDelayMs?: number;
  /** Random source in `[0, 1)`, for tests. **Default:** `Math.random`. */
  random?: () => number;
}

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly random: () => number;
}

function nonNegative(name: string, value: number | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new TypeError(`retry: ${name} must be a finite number >= ${min}, got ${String(value)}`);
  }
  return value;
}

/** Validates retry options and fills defaults. @throws TypeError naming the bad field. */
export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  if (typeof options !== 'object' || options === null) throw new TypeError('retry: options must be an object');
  const maxAttempts = nonNegative('maxAttempts', options.maxAttempts, 3, 1);
  if (!Number.isInteger(maxAttempts)) throw new TypeError(`retry: maxAttempts must be an integer, got ${maxAttempts}`);
  const random = options.random ?? Math.random;
  if (typeof random !== 'function') throw new TypeError('retry: random must be a function');
  return {
    maxAttempts,
    baseDelayMs: nonNegative('baseDelayMs', options.baseDelayMs, 100),
    maxDelayMs: nonNegative('maxDelayMs', options.maxDelayMs, 20_000),
    random,
  };
}

const RETRY_STATUS = new Set([500, 502, 503, 504]);
const RETRY_S3_CODES = new Set(['SlowDown', 'RequestTimeout', 'InternalError', 'ServiceUnavailable']);
const RETRY_TIMEOUTS = new Set<TimeoutPhase>(['connect', 'headers']);

/**
 * True when a failure is worth another attempt: connection failures, connect/headers
 * timeouts, HTTP 500/502/503/504, and the S3 codes `SlowDown`, `RequestTimeout`,
 * `InternalError`. Aborts, deadlines and body mismatches are never retried.
 */
export function isRetryable(err: unknown): boolean {
  if (err instanceof TransportError) {
    if (err.code === 'S3KIT_TRANSPORT_CONNECT' || err.code === 'S3KIT_TRANSPORT_SOCKET') return true;
    return err.code === 'S3KIT_TRANSPORT_TIMEOUT' && RETRY_TIMEOUTS.has((err as TransportError & { phase: TimeoutPhase }).phase);
  }
  if (typeof err !== 'object' || err === null || (err as Error).name !== 'S3Error') return false;
  const { status, code } = err as { status: number; code: string };
  return RETRY_STATUS.has(status) || RETRY_S3_CODES.has(code);
}

/** `Retry-After` in ms (delta-seconds or HTTP-date), or undefined. */
export function retryAfterMs(err: unknown, now: number = Date.now()): number | undefined {
  const headers = (err as { headers?: Record<string, string> } | null)?.headers;
  const value = headers?.['retry-after'];
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (value.trim() !== '' && Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * How long to wait after `failedAttempts` failures: the server's `Retry-After` when given,
 * else full-jitter exponential backoff; never more than `maxDelayMs`.
 */
export function retryDelay(policy: RetryPolicy, failedAttempts: number, err: unknown): number {
  const after = retryAfterMs(err);
  if (after !== undefined) return Math.min(after, policy.maxDelayMs);
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedAttempts - 1));
  return Math.floor(policy.random() * cap);
}
