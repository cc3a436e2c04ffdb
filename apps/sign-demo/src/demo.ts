import { SigV4Signer, SigV4Verifier, type VerifiedRequest } from '@s3kit/sigv4';

export interface DemoConfig {
  endpoint: string;
  region: string;
  bucket: string;
  key: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
  expiresIn: number;
}

/** Well-known AWS documentation example keys: safe to print, useless against real accounts. */
export const DEV_KEYS = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
} as const;

export function configFromEnv(env: Record<string, string | undefined>): DemoConfig {
  const expiresIn = Number(env['S3KIT_EXPIRES_IN'] ?? 900);
  return {
    endpoint: (env['S3KIT_ENDPOINT'] ?? 'http://127.0.0.1:9000').replace(/\/+$/, ''),
    region: env['S3KIT_REGION'] ?? env['AWS_REGION'] ?? 'us-east-1',
    bucket: env['S3KIT_BUCKET'] ?? 'demo-bucket',
    key: env['S3KIT_KEY'] ?? 'photos/2026/a key with spaces+plus.txt',
    accessKeyId: env['AWS_ACCESS_KEY_ID'] ?? DEV_KEYS.accessKeyId,
    secretAccessKey: env['AWS_SECRET_ACCESS_KEY'] ?? DEV_KEYS.secretAccessKey,
    sessionToken: env['AWS_SESSION_TOKEN'],
    expiresIn,
  };
}

/** S3 object key → URL path: each segment percent-encoded, `/` kept. */
export function keyPath(bucket: string, key: string): string {
  return `/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

export interface DemoOutput {
  put: { method: string; url: string; headers: Record<string, string> };
  presignedGet: string;
  canonicalRequest: string;
  stringToSign: string;
  /** What a server-side verifier made of both requests (same clock, same keys). */
  verified: { put: VerifiedRequest; presignedGet: VerifiedRequest };
}

/**
 * Signs a PUT (Authorization header) and presigns a GET for the configured object, then
 * verifies both as a server would.
 */
export async function runDemo(cfg: DemoConfig, now: number = Date.now()): Promise<DemoOutput> {
  const signer = new SigV4Signer({
    credentials: { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey, sessionToken: cfg.sessionToken },
    region: cfg.region,
    clock: () => now,
  });
  const url = `${cfg.endpoint}${keyPath(cfg.bucket, cfg.key)}`;
  const body = 'hello from s3kit';
  const put = signer.sign({ method: 'PUT', url, headers: { 'content-type': 'text/plain' }, body });
  const get = signer.presign({ method: 'GET', url, expiresIn: cfg.expiresIn });
  const verifier = new SigV4Verifier({
    region: cfg.region,
    clock: () => now,
    getCredentials: (id) => (id === cfg.accessKeyId ? { secretAccessKey: cfg.secretAccessKey, sessionToken: cfg.sessionToken } : undefined),
  });
  const target = (u: string) => u.slice(cfg.endpoint.length);
  const verified = {
    put: await verifier.verify({ method: 'PUT', url: target(put.url), headers: put.headers }),
    presignedGet: await verifier.verify({ method: 'GET', url: target(get.url), headers: get.headers }),
  };
  return {
    verified,
    put: { method: put.method, url: put.url, headers: put.headers },
    presignedGet: get.url,
    canonicalRequest: put.canonicalRequest,
    stringToSign: put.stringToSign,
  };
}
