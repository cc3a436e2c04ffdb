import { describe, expect, it } from 'vitest';
import {
  abortError,
  isTransportError,
  toTransportError,
  TransportAbortedError,
  TransportBodyMismatchError,
  TransportConnectError,
  TransportError,
  TransportSocketError,
  TransportTimeoutError,
} from './errors.js';

describe('transport errors', () => {
  it('brands classes so instanceof works by code across copies', () => {
    const foreign = Object.assign(Object.create(null), { [Symbol.for('s3kit.TransportError')]: true, code: 'S3KIT_TRANSPORT_TIMEOUT' });
    expect(foreign instanceof TransportError).toBe(true);
    expect(foreign instanceof TransportTimeoutError).toBe(true);
    expect(foreign instanceof TransportAbortedError).toBe(false);
    expect(isTransportError(new TransportConnectError('x'))).toBe(true);
    expect(isTransportError(new Error('x'))).toBe(false);
  });

  it('maps undici codes to typed errors and keeps the original as cause', () => {
    const undiciErr = Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' });
    const mapped = toTransportError(undiciErr);
    expect(mapped).toBeInstanceOf(TransportTimeoutError);
    expect((mapped as TransportTimeoutError).phase).toBe('headers');
    expect(mapped.cause).toBe(undiciErr);
    expect(toTransportError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBeInstanceOf(TransportConnectError);
    expect(toTransportError(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBeInstanceOf(TransportSocketError);
    expect(toTransportError(new TypeError('fetch failed', { cause: Object.assign(new Error('c'), { code: 'ECONNREFUSED' }) }))).toBeInstanceOf(TransportConnectError);
  });

  it('calls a socket failure after fewer than Content-Length bytes a body mismatch', () => {
    const err = toTransportError(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }), { responseStarted: true, received: 10, expected: 20 });
    expect(err).toBeInstanceOf(TransportBodyMismatchError);
    expect((err as TransportBodyMismatchError).received).toBe(10);
  });

  it('turns an abort reason into ABORTED, or TIMEOUT (deadline) for AbortSignal.timeout', () => {
    expect(abortError('why')).toBeInstanceOf(TransportAbortedError);
    const timeout = abortError(new DOMException('timed out', 'TimeoutError'));
    expect(timeout).toBeInstanceOf(TransportTimeoutError);
    expect((timeout as TransportTimeoutError).phase).toBe('deadline');
    const mine = new TransportAbortedError('mine');
    expect(abortError(mine)).toBe(mine);
  });
});
