/** What to answer once the object is stored. */
export interface SuccessInput {
  /** The stored object's ETag, quoted as S3 sends it (`"9b2cf5..."`); quotes are added if missing. */
  etag: string;
  /** The object's URL for `<Location>` and the Location header. Default: derived from the request URL. */
  location?: string;
}

export interface SuccessContext {
  bucket: string;
  key: string;
  fields: ReadonlyMap<string, string>;
  requestUrl: string | undefined;
}

const xmlEscape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

/** The object URL: same origin as the request; path-style when the request path starts with the bucket. */
export function objectLocation(ctx: SuccessContext): string {
  let origin = `https://${ctx.bucket}.s3.amazonaws.com`;
  let pathStyle = false;
  if (ctx.requestUrl !== undefined) {
    try {
      const u = new URL(ctx.requestUrl);
      origin = u.origin;
      const first = u.pathname.split('/')[1];
      pathStyle = first !== undefined && first !== '' && decodeURIComponent(first) === ctx.bucket;
    } catch {
      // keep the default
    }
  }
  return pathStyle ? `${origin}/${encodeURIComponent(ctx.bucket)}/${encodeKey(ctx.key)}` : `${origin}/${encodeKey(ctx.key)}`;
}

function redirectTarget(value: string | undefined): URL | undefined {
  if (value === undefined || value === '') return undefined;
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u : undefined;
  } catch {
    return undefined; // An invalid URL is treated as absent, as S3 does.
  }
}

/**
 * S3's answer to a successful POST: a 303 to `success_action_redirect` (or `redirect`) with
 * `bucket`, `key` and `etag` in the query; else `success_action_status` 200 or 204 (empty) or
 * 201 (`PostResponse` XML); default 204.
 */
export function successResponse(ctx: SuccessContext, input: SuccessInput): Response {
  const etag = /^".*"$/.test(input.etag) ? input.etag : `"${input.etag}"`;
  const location = input.location ?? objectLocation(ctx);
  const target = redirectTarget(ctx.fields.get('success_action_redirect')) ?? redirectTarget(ctx.fields.get('redirect'));
  if (target !== undefined) {
    target.searchParams.append('bucket', ctx.bucket);
    target.searchParams.append('key', ctx.key);
    target.searchParams.append('etag', etag);
    return new Response(null, { status: 303, headers: { location: target.toString(), etag } });
  }
  const status = ctx.fields.get('success_action_status');
  if (status === '201') {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<PostResponse><Location>${xmlEscape(location)}</Location><Bucket>${xmlEscape(ctx.bucket)}</Bucket>` +
      `<Key>${xmlEscape(ctx.key)}</Key><ETag>${xmlEscape(etag)}</ETag></PostResponse>`;
    return new Response(xml, { status: 201, headers: { 'content-type': 'application/xml', etag, location } });
  }
  return new Response(null, { status: status === '200' ? 200 : 204, headers: { etag, location } });
}
