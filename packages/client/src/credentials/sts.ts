import { SigV4Signer, type Credentials } from '@s3kit/sigv4';
import { parseXml } from '@s3kit/xml-shapes';
import { fetchText, type HttpOptions } from './http.js';
import type { ExpiringCredentials } from './provider.js';

// The STS query API (2011-06-15) as AWS STS and MinIO's STS speak it: a form POST of
// `Action=…&Version=2011-06-15&…`, answered with `<{Action}Response>` XML or an `<ErrorResponse>`.

/** Options of the STS-backed providers (AWS STS or MinIO's STS). */
export interface StsOptions extends HttpOptions {
  /**
   * The STS endpoint (`https://sts.eu-west-1.amazonaws.com`, or a MinIO server's URL).
   * **Default:** `https://sts.{region}.amazonaws.com` (`.amazonaws.com.cn` for `cn-*`), or
   * `https://sts.amazonaws.com` without a region.
   */
  endpoint?: string;
  /** Signing region (AssumeRole) and default endpoint's region. **Default:** `$AWS_REGION`, else `us-east-1`. */
  region?: string;
  /** Refresh this long before expiry. **Default:** 300000 (5 min). */
  refreshBeforeMs?: number;
  /** **Default:** `Date.now`. */
  clock?: () => number;
}

/** An STS error answer (`<ErrorResponse>`), or a non-XML failure status. */
export class StsError extends Error {
  override readonly name = 'StsError';
  constructor(
    /** STS's code (`AccessDenied`, `InvalidIdentityToken`, `ExpiredTokenException`, …) or `HTTP {status}`. */
    readonly code: string,
    message: string,
    readonly statusCode: number,
    readonly requestId?: string,
  ) {
    super(message);
  }
}

const STS_TIMEOUT_MS = 10_000;

/** The default STS endpoint for a region. */
export function stsEndpoint(region: string | undefined): string {
  if (!region) return 'https://sts.amazonaws.com';
  return `https://sts.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}

/** The signing region of an STS call. */
export function stsRegion(options: StsOptions): string {
  return options.region || globalThis.process?.env?.['AWS_REGION'] || 'us-east-1';
}

type StsAction = 'AssumeRole' | 'AssumeRoleWithWebIdentity';

/**
 * Calls an STS action and returns the credentials it issued. `sign` gives the source
 * credentials for a signed action (AssumeRole); without it the request is anonymous
 * (AssumeRoleWithWebIdentity).
 */
export async function callSts(action: StsAction, params: Record<string, string | number | undefined>, options: StsOptions, sign?: Credentials): Promise<ExpiringCredentials> {
  const region = stsRegion(options);
  const endpoint = options.endpoint ?? stsEndpoint(options.region || globalThis.process?.env?.['AWS_REGION']);
  const url = new URL(endpoint);
  if (url.pathname === '') url.pathname = '/';
  const form = new URLSearchParams({ Action: action, Version: '2011-06-15' });
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') form.set(k, String(v));
  const body = form.toString();
  let headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', accept: 'application/xml' };
  if (sign) {
    const signed = new SigV4Signer({ credentials: sign, region, service: 'sts' }).sign({ method: 'POST', url: url.href, headers, body });
    const { host: _host, ...rest } = signed.headers; // fetch sets Host from the URL (the value signed)
    headers = rest;
  }
  const res = await fetchText(url.href, { method: 'POST', headers, body }, { ...options, timeoutMs: options.timeoutMs ?? STS_TIMEOUT_MS });
  if (res.status !== 200) throw stsError(res.status, res.text, action);
  const c =
    action === 'AssumeRole'
      ? parseXml('AssumeRoleResponse', res.text).AssumeRoleResult.Credentials
      : parseXml('AssumeRoleWithWebIdentityResponse', res.text).AssumeRoleWithWebIdentityResult.Credentials;
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
    ...(c.Expiration ? { expiration: c.Expiration } : {}),
  };
}

function stsError(status: number, text: string, action: StsAction): StsError {
  try {
    const e = parseXml('ErrorResponse', text);
    return new StsError(e.Error.Code, `STS ${action}: ${e.Error.Code}${e.Error.Message ? `: ${e.Error.Message}` : ''}`, status, e.RequestId);
  } catch {
    return new StsError(`HTTP ${status}`, `STS ${action}: HTTP ${status}`, status);
  }
}
