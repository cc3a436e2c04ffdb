import type { ExpiringCredentials } from './provider.js';

// Runtime-neutral HTTP for the credential endpoints (STS, container, instance metadata): global
// `fetch`, a timeout per attempt and the caller's signal.

/** The part of `fetch` the providers use (inject one in tests). */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** HTTP options every network provider takes. */
export interface HttpOptions {
  /** **Default:** the global `fetch`. */
  fetch?: FetchLike;
  /** Per-request timeout in ms. */
  timeoutMs?: number;
  /** Aborts any request in flight (and the refresh that made it). */
  signal?: AbortSignal;
}

/** A response read whole. */
export interface TextResponse {
  status: number;
  text: string;
}

/**
 * One request with a timeout, the body read as text. Timeouts (`TimeoutError`) and aborts are thrown
 * as they come; other network errors as an Error naming the URL (its `cause` the original).
 */
export async function fetchText(url: string, init: RequestInit, options: HttpOptions & { timeoutMs: number }): Promise<TextResponse> {
  const doFetch = options.fetch ?? (globalThis.fetch as FetchLike | undefined);
  if (typeof doFetch !== 'function') throw new TypeError('credentials: no global fetch; pass the fetch option');
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    const res = await doFetch(url, { ...init, signal, redirect: 'manual' });
    return { status: res.status, text: await res.text() };
  } catch (err) {
    if (signal.aborted) throw err;
    throw new Error(`${init.method ?? 'GET'} ${url} failed: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  }
}

/** Whether an error is the caller's abort (never retried, never turned into "not applicable"). */
export function isAbort(err: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true && (err === signal.reason || (err as Error)?.name === 'AbortError');
}

/** `fetchText` once more after a network error, timeout or 5xx (not after the caller's abort). */
export async function fetchTextRetry(url: string, init: RequestInit, options: HttpOptions & { timeoutMs: number; retries?: number }): Promise<TextResponse> {
  const retries = options.retries ?? 1;
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetchText(url, init, options);
      if (res.status < 500 || attempt >= retries) return res;
    } catch (err) {
      if (attempt >= retries || isAbort(err, options.signal)) throw err;
    }
  }
}

/**
 * Credentials from the JSON that the container endpoint, the instance metadata service and
 * `credential_process` answer: `AccessKeyId`, `SecretAccessKey`, `Token` or `SessionToken`,
 * `Expiration` (ISO 8601). `what` names the source in errors (never the values).
 */
export function credentialsFromJson(text: string, what: string): ExpiringCredentials {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error(`${what}: the answer is not JSON`);
  }
  if (data === null || typeof data !== 'object') throw new Error(`${what}: the answer is not a JSON object`);
  if (typeof data['Code'] === 'string' && data['Code'] !== 'Success') throw new Error(`${what}: answered Code ${data['Code']}`);
  const accessKeyId = data['AccessKeyId'];
  const secretAccessKey = data['SecretAccessKey'];
  if (typeof accessKeyId !== 'string' || accessKeyId === '' || typeof secretAccessKey !== 'string' || secretAccessKey === '') {
    throw new Error(`${what}: the answer has no AccessKeyId/SecretAccessKey`);
  }
  const token = data['Token'] ?? data['SessionToken'];
  const out: { accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date } = { accessKeyId, secretAccessKey };
  if (typeof token === 'string' && token !== '') out.sessionToken = token;
  const exp = data['Expiration'];
  if (exp !== undefined && exp !== null && exp !== '') {
    const when = typeof exp === 'string' ? new Date(exp) : undefined;
    if (when === undefined || Number.isNaN(when.getTime())) throw new Error(`${what}: Expiration is not an ISO 8601 date`);
    out.expiration = when;
  }
  return out;
}

/** A token given as a value or a function (read on every refresh). */
export type TokenSource = string | ((signal?: AbortSignal) => string | Promise<string>);

/** The token's current value. */
export async function readToken(source: TokenSource, signal?: AbortSignal): Promise<string> {
  return typeof source === 'function' ? source(signal) : source;
}
