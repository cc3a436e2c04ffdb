import { CredentialsProviderError, type CredentialsProvider } from './provider.js';

/** Environment variables (`process.env` on Node, Bun and Deno's Node mode). */
export type Environment = Record<string, string | undefined>;

/**
 * `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN` (also MinIO's `MINIO_ACCESS_KEY` /
 * `MINIO_SECRET_KEY`), read on every call so a changed environment is seen.
 */
export function envCredentials(env: Environment = globalThis.process?.env ?? {}): CredentialsProvider {
  return {
    getCredentials() {
      const accessKeyId = env['AWS_ACCESS_KEY_ID'] || env['AWS_ACCESS_KEY'] || env['MINIO_ACCESS_KEY'];
      const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'] || env['AWS_SECRET_KEY'] || env['MINIO_SECRET_KEY'];
      if (!accessKeyId || !secretAccessKey) throw new CredentialsProviderError('AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are not set');
      const sessionToken = env['AWS_SESSION_TOKEN'];
      return sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
    },
  };
}
