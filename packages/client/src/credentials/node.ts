// Node-only credential providers (files, processes).
export { sharedFileCredentials, type SharedFileOptions } from './shared-file.js';
export { defaultCredentials } from './default.js';
