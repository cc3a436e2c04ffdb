// Node-only credential providers (files, processes).
export { sharedFileCredentials, type SharedFileOptions } from './shared-file.js';
export { defaultCredentials, type DefaultCredentialsOptions } from './default.js';
export { processCredentials, type ProcessOptions } from './process.js';
export { minioConfigCredentials, type MinioConfigOptions } from './minio-config.js';
export { webIdentityTokenFileCredentials, type WebIdentityTokenFileOptions } from './web-identity-file.js';
