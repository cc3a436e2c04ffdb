// Node-only: the undici transport of `@s3kit/http-transport` as a transport factory.

import { createTransport, type ResponseBody, type TransportOptions } from '@s3kit/http-transport';
import type { ClientTransport, TransportFactory } from '../transport.js';

/** Options of {@link undiciTransport}: `@s3kit/http-transport` options without `sign` (timeouts, `retry`, `tls`, `proxy`, `connections`, `dispatcher`). */
export type UndiciOptions = Omit<TransportOptions, 'sign'>;

/**
 * The undici transport (`@s3kit/http-transport`): connection pools, timeouts, proxies, TLS options,
 * file bodies and signed aws-chunked streaming; response bodies are Node `Readable`s. The Node
 * entry's default.
 */
export function undiciTransport(options: UndiciOptions = {}): TransportFactory<ResponseBody> {
  return (setup) => createTransport({ ...options, ...(setup.sign ? { sign: setup.sign } : {}) }) as ClientTransport<ResponseBody>;
}
