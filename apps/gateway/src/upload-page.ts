import type { IncomingMessage, ServerResponse } from 'node:http';
import { s3Error, isS3Error, type S3Error } from '@s3kit/errors';
import { forwardedClient, type ForwardedClient, type Gateway, type GatewayRequest, type GatewayResponse } from '@s3kit/gateway';
import { SigV4Signer } from '@s3kit/sigv4';
import type { Logger } from 'pino';
import type { GatewayConfig, IdentityConfig } from './config.js';
import { UPLOAD_PAGE_CSS, UPLOAD_PAGE_JS, uploadPageHtml } from './upload-page-assets.js';

/** The page, its assets and its ticket route. */
export const UPLOAD_PAGE_PATH = '/_s3kit/upload';
const TICKET_PATH = `${UPLOAD_PAGE_PATH}/ticket`;
/** Bucket used when `uploadPage.bucket` is not set (created on first use when missing). */
export const DEFAULT_UPLOAD_BUCKET = 'uploads';
/** Largest file the page issues a ticket for (S3's single-upload limit). */
export const UPLOAD_PAGE_MAX_BYTES = 5 * 1024 ** 3;
/** Longest ticket the page asks for (seconds); the page may ask for less. */
const DEFAULT_EXPIRES_IN = 900;
const MAX_BODY = 16 * 1024;

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
const STATIC_HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' };

interface PageTicketRequest {
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  expiresIn: number;
}

function invalid(name: string, message: string): S3Error {
  return s3Error('InvalidArgument', message, { details: { ArgumentName: name } });
}

/** Validates the page's `{ fileName, contentType, size, sha256, expiresIn? }` (the gateway checks the values again). */
function parsePageRequest(text: string): PageTicketRequest {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw s3Error('InvalidRequest', 'The ticket request body is not valid JSON.');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw s3Error('InvalidRequest', 'The ticket request body must be a JSON object.');
  const o = doc as Record<string, unknown>;
  for (const f of ['fileName', 'contentType', 'sha256'] as const) if (typeof o[f] !== 'string') throw invalid(f, `${f} must be a string.`);
  const size = o['size'];
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw invalid('size', 'size must be a whole number of bytes.');
  if (size > UPLOAD_PAGE_MAX_BYTES) {
    throw s3Error('EntityTooLarge', undefined, { details: { ProposedSize: String(size), MaxSizeAllowed: String(UPLOAD_PAGE_MAX_BYTES) } });
  }
  const expiresIn = o['expiresIn'] ?? DEFAULT_EXPIRES_IN;
  if (typeof expiresIn !== 'number' || !Number.isSafeInteger(expiresIn) || expiresIn < 1 || expiresIn > DEFAULT_EXPIRES_IN) {
    throw invalid('expiresIn', `expiresIn must be a whole number of seconds from 1 to ${DEFAULT_EXPIRES_IN}.`);
  }
  return { fileName: o['fileName'] as string, contentType: o['contentType'] as string, size, sha256: o['sha256'] as string, expiresIn };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > MAX_BODY) throw s3Error('MaxMessageLengthExceeded');
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    n += c.length;
    if (n > MAX_BODY) throw s3Error('MaxMessageLengthExceeded');
    parts.push(c);
  }
  return Buffer.concat(parts).toString('utf8');
}

/** Who sent a request: the peer, or behind a trusted proxy the forwarded client (see `trustProxy`). */
export type ClientOf = (req: IncomingMessage) => ForwardedClient;

/** The peer itself, forwarded headers ignored. */
export const directClient: ClientOf = (req) => forwardedClient({ remoteAddress: req.socket.remoteAddress, secure: (req.socket as { encrypted?: boolean }).encrypted === true }, req.headers, undefined);

/** Where the page was loaded from, as the browser names it (`http://host:port`; behind a trusted proxy, its public origin). */
function ownOrigin(req: IncomingMessage, client: ForwardedClient): string | undefined {
  const host = client.host ?? req.headers.host;
  if (host === undefined) return undefined;
  return `${client.secure ? 'https' : 'http'}://${host}`.toLowerCase();
}

/**
 * A browser request from this origin only: `Origin` must be present and ours (browsers send it
 * on every POST from script), and `Sec-Fetch-Site`, when sent, must say `same-origin`.
 */
function sameOrigin(req: IncomingMessage, client: ForwardedClient): boolean {
  const origin = req.headers.origin;
  const own = ownOrigin(req, client);
  if (origin === undefined || own === undefined || origin.toLowerCase() !== own) return false;
  const site = req.headers['sec-fetch-site'];
  return site === undefined || site === 'same-origin';
}

function forwardedFields(c: ForwardedClient): Pick<GatewayRequest, 'remoteAddress' | 'secure' | 'host'> {
  return { remoteAddress: c.remoteAddress, secure: c.secure, ...(c.host === undefined ? {} : { host: c.host }) };
}

async function send(res: ServerResponse, out: GatewayResponse, head: boolean): Promise<void> {
  res.writeHead(out.status, out.headers);
  const body = out.body;
  if (head || body === undefined) {
    res.end();
    return;
  }
  if (typeof body === 'string' || body instanceof Uint8Array) {
    res.end(body);
    return;
  }
  for await (const chunk of body) if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
  res.end();
}

function staticAnswer(res: ServerResponse, type: string, body: string, head: boolean): void {
  res.writeHead(200, { ...STATIC_HEADERS, 'content-type': type, 'content-length': String(Buffer.byteLength(body)), ...(type.startsWith('text/html') ? { 'content-security-policy': CSP } : {}) });
  res.end(head ? undefined : body);
}

async function drain(body: GatewayResponse['body']): Promise<string> {
  if (body === undefined) return '';
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
  const parts: Buffer[] = [];
  for await (const c of body) parts.push(Buffer.from(c));
  return Buffer.concat(parts).toString('utf8');
}

/**
 * The upload page (`GET /_s3kit/upload` and its script and style) and its same-origin ticket
 * route (`POST /_s3kit/upload/ticket`), which asks the gateway for an upload ticket for the
 * configured identity: a SigV4-signed `POST /_s3kit/upload-tickets` run in-process through
 * `gateway.handle()`. The bucket is created through the gateway on first use when missing.
 * The identity is looked up in `identities()` at each request, so a reload (SIGHUP) that rotates
 * its keys or removes it takes effect for the page at once.
 * Returns a handler that answers and returns true for these paths, false for any other.
 */
export function uploadPageRoutes(
  config: GatewayConfig,
  gateway: Gateway,
  log: Logger,
  identities: () => readonly IdentityConfig[] = () => config.identities,
  clientOf: ClientOf = directClient,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const bucket = config.uploadPage.bucket ?? DEFAULT_UPLOAD_BUCKET;
  const wanted = config.uploadPage.identity;
  let current: { identity: IdentityConfig; signer: SigV4Signer } | undefined;
  /** The configured identity as the program knows it now, with a signer for its current keys. */
  function signerNow(): { identity: IdentityConfig; signer: SigV4Signer } | undefined {
    const all = identities();
    const identity = wanted === undefined ? all[0] : all.find((i) => i.name === wanted || i.accessKeyId === wanted);
    if (identity === undefined) return undefined;
    // A new signer only when the keys changed (it keeps its derived signing keys).
    const same = current !== undefined && current.identity.accessKeyId === identity.accessKeyId && current.identity.secretAccessKey === identity.secretAccessKey;
    current = { identity, signer: same ? current!.signer : new SigV4Signer({ credentials: identity, region: config.region }) };
    return current;
  }
  const html = uploadPageHtml({ bucket, maxBytes: UPLOAD_PAGE_MAX_BYTES });
  let bucketReady: Promise<void> | undefined;

  /** One signed request run through the gateway in-process (no network hop). */
  function inProcess(signer: SigV4Signer, method: string, host: string, path: string, body: string | undefined, from: IncomingMessage): Promise<GatewayResponse> {
    const bytes = body === undefined ? undefined : new TextEncoder().encode(body);
    const s = signer.sign({ method, url: `http://${host}${path}`, headers: bytes === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(bytes.length) }, body: bytes });
    const req: GatewayRequest = {
      method,
      target: path,
      headers: Object.entries(s.headers),
      body:
        bytes === undefined
          ? undefined
          : (async function* () {
              yield bytes;
            })(),
      // The browser's address, scheme and public host, as the S3 listener would see them.
      ...forwardedFields(clientOf(from)),
    };
    return gateway.handle(req);
  }

  /** HEAD the bucket; create it when it does not exist (once per process; tried again after a failure). */
  function ensureBucket(signer: SigV4Signer, from: IncomingMessage): Promise<void> {
    bucketReady ??= (async () => {
      // A plain host name keeps these path-style whatever the base domains are.
      const host = 'localhost';
      const head = await inProcess(signer, 'HEAD', host, `/${bucket}`, undefined, from);
      await drain(head.body);
      // 200: there; 403: this identity may not look (it may still upload): go on, and the POST tells.
      if (head.status === 200 || head.status === 403) return;
      if (head.status !== 404) throw s3Error('InternalError', `The upload bucket ${bucket} cannot be used (HEAD answered ${head.status}).`);
      const put = await inProcess(signer, 'PUT', host, `/${bucket}`, undefined, from);
      const text = await drain(put.body);
      if (put.status !== 200 && !text.includes('<Code>BucketAlreadyOwnedByYou</Code>')) {
        const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? 'InternalError';
        throw s3Error(code === 'AccessDenied' ? 'AccessDenied' : 'InternalError', `The upload bucket ${bucket} could not be created (${code}).`);
      }
      log.info({ bucket }, 'upload page: created bucket');
    })();
    bucketReady.catch(() => (bucketReady = undefined));
    return bucketReady;
  }

  async function ticket(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (!sameOrigin(req, clientOf(req))) throw s3Error('AccessDenied', 'The upload ticket route answers pages of this origin only.', { details: { reason: 'cross-site ticket request' } });
      if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) throw s3Error('InvalidRequest', 'The ticket request must be application/json.');
      const as = signerNow();
      if (as === undefined) throw s3Error('AccessDenied', 'The upload page has no identity to issue tickets for.');
      const page = parsePageRequest(await readBody(req));
      const host = req.headers.host!;
      await ensureBucket(as.signer, req);
      const body = JSON.stringify({
        bucket,
        keyPrefix: '',
        fileName: page.fileName,
        contentType: page.contentType,
        fileContentsSha256: page.sha256,
        // The ticket admits this file's size and no more (at least 1: an empty file passes too).
        maxBytes: Math.max(1, page.size),
        expiresIn: page.expiresIn,
      });
      const out = await inProcess(as.signer, 'POST', host, '/_s3kit/upload-tickets', body, req);
      if (out.status === 200) log.info({ identity: as.identity.name ?? as.identity.accessKeyId, bucket, size: page.size }, 'upload page: ticket issued');
      await send(res, out, false);
    } catch (err) {
      const e = isS3Error(err) ? err : s3Error('InternalError');
      if (!isS3Error(err)) log.error({ err }, 'upload page: ticket route failed');
      await send(res, gateway.errorResponse(e, 'POST', TICKET_PATH), false);
    }
  }

  const assets: Record<string, readonly [string, string]> = {
    [UPLOAD_PAGE_PATH]: ['text/html; charset=utf-8', html],
    [`${UPLOAD_PAGE_PATH}/`]: ['text/html; charset=utf-8', html],
    [`${UPLOAD_PAGE_PATH}/upload.js`]: ['text/javascript; charset=utf-8', UPLOAD_PAGE_JS],
    [`${UPLOAD_PAGE_PATH}/upload.css`]: ['text/css; charset=utf-8', UPLOAD_PAGE_CSS],
  };

  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const asset = Object.hasOwn(assets, path) ? assets[path] : undefined;
    if (asset === undefined && path !== TICKET_PATH) return false;
    const method = (req.method ?? 'GET').toUpperCase();
    const head = method === 'HEAD';
    if (path === TICKET_PATH && method === 'POST') void ticket(req, res);
    else if (asset !== undefined && (method === 'GET' || head)) staticAnswer(res, asset[0], asset[1], head);
    else void send(res, gateway.errorResponse(s3Error('MethodNotAllowed', undefined, { headers: { allow: asset === undefined ? 'POST' : 'GET, HEAD' } }), method, path), head);
    return true;
  };
}
