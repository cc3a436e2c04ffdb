export { createLocalStore, type LocalStore, type LocalStoreOptions } from './store/local-store.js';
export type { Upstream, UpstreamBody, UpstreamRequest, UpstreamResponse, UpstreamResponseBody } from './store/types.js';
