/** Where the form is posted: options shared by createPresignedPost and presignedPostPolicy. */
export interface EndpointOptions {
  /** Region; picks the default AWS endpoint. Default `us-east-1`. */
  region?: string;
  /**
   * A custom endpoint such as `http://127.0.0.1:9000` or `https://s3.example.com` (scheme and
   * host, optional port). Default: `https://s3.amazonaws.com` in us-east-1, else
   * `https://s3.<region>.amazonaws.com`.
   */
  endpoint?: string;
  /**
   * Always put the bucket in the path (`https://host/bucket`). Default false: virtual-hosted
   * (`https://bucket.host/`) when the bucket name is DNS-safe without dots and the endpoint
   * host is a name (not an IP address or `localhost`); path-style otherwise.
   */
  forcePathStyle?: boolean;
}

const DNS_BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

/** The form `action` URL for a bucket. */
export function postUrl(bucket: string, opts: EndpointOptions = {}): string {
  const region = opts.region ?? 'us-east-1';
  if (opts.endpoint === undefined && !opts.forcePathStyle && DNS_BUCKET.test(bucket)) {
    // Fast path for the default AWS endpoint: nothing to parse.
    return region === 'us-east-1' ? `https://${bucket}.s3.amazonaws.com/` : `https://${bucket}.s3.${region}.amazonaws.com/`;
  }
  const base = opts.endpoint ?? (region === 'us-east-1' ? 'https://s3.amazonaws.com' : `https://s3.${region}.amazonaws.com`);
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new TypeError(`Invalid endpoint: ${base}`);
  }
  const host = url.hostname;
  const ipOrLocal = host === 'localhost' || /^\d+\.\d+\.\d+\.\d+$/.test(host) || host.startsWith('[');
  const path = url.pathname.replace(/\/+$/, '');
  if (!opts.forcePathStyle && !ipOrLocal && DNS_BUCKET.test(bucket)) {
    return `${url.protocol}//${bucket}.${url.host}${path}/`;
  }
  return `${url.protocol}//${url.host}${path}/${encodeURIComponent(bucket)}`;
}
