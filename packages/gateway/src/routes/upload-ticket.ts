import { randomUUID } from 'node:crypto';
import { s3Error } from '@s3kit/errors';
import { createPresignedPost } from '@s3kit/post-policy';
import type { VerifiedRequest } from '@s3kit/sigv4';
import { chunkedDecoded, readCapped } from '../pipeline/body.js';
import { authorizeAction } from '../authorize/decide.js';
import { principalOf } from '../authorize/principal.js';
import type { ConfigSnapshot } from '../config/snapshot.js';
import { asAsyncIterable } from '../upstreams/upstream.js';
import type { GatewayRequest, GatewayResponse, RequestInfo } from '../pipeline/types.js';
import { UPLOAD_TICKET_LIMITS, parseUploadTicketInput, ticketKey } from './upload-ticket-input.js';

/** The gateway action an upload ticket needs, on `arn:aws:s3:::<bucket>/<key>`. */
export const CREATE_UPLOAD_TICKET_ACTION = 's3kit:CreateUploadTicket';

/** The answer of `POST /_s3kit/upload-tickets`. */
export interface UploadTicket {
  /** A random UUID naming this upload (part of the key when `keyPrefix` was given). */
  readonly fileId: string;
  /** The form action: this gateway's URL of the bucket. */
  readonly presignedUrl: string;
  /** The form fields to send before the `file` part, in order. */
  readonly presignedUrlFields: Readonly<Record<string, string>>;
  /** When the form's policy expires (ISO 8601, as signed). */
  readonly presignedUrlExpiration: string;
}

/** Lower-case header pairs and a joined record of a gateway request. */
function headersOf(req: GatewayRequest): { pairs: [string, string][]; map: Record<string, string> } {
  const pairs: [string, string][] = [];
  const map: Record<string, string> = Object.create(null) as Record<string, string>;
  const add = (n: string, v: string): void => {
    const name = n.toLowerCase();
    pairs.push([name, v]);
    map[name] = map[name] === undefined ? v : `${map[name]},${v}`;
  };
  if (Array.isArray(req.headers)) for (const [n, v] of req.headers as readonly (readonly [string, string])[]) add(n, v);
  else {
    for (const [n, v] of Object.entries(req.headers as Record<string, string | readonly string[] | undefined>)) {
      if (v === undefined) continue;
      if (typeof v === 'string') add(n, v);
      else for (const one of v) add(n, one);
    }
  }
  return { pairs, map };
}

const tooLong = (): Error => s3Error('MaxMessageLengthExceeded', `An upload ticket request body is at most ${UPLOAD_TICKET_LIMITS.maxBodyBytes} bytes.`);

/** The verified JSON text of the request body (payload hash or aws-chunked signatures checked). */
async function verifiedBodyText(req: GatewayRequest, headers: Record<string, string>, verified: VerifiedRequest, config: ConfigSnapshot): Promise<string> {
  const cap = UPLOAD_TICKET_LIMITS.maxBodyBytes;
  const declared = headers['x-amz-decoded-content-length'] ?? headers['content-length'];
  if (declared !== undefined && Number(declared) > cap) throw tooLong();
  const raw = asAsyncIterable(req.body);
  let bytes: Uint8Array;
  if (raw === undefined) bytes = new Uint8Array(0);
  else if (verified.payloadMode === 'sha256' || verified.payloadMode === 'unsigned') {
    bytes = await readCapped(raw, cap, tooLong);
    config.verifier.checkPayload(verified, bytes);
  } else {
    // aws-chunked: the framing adds a little per chunk, so the raw cap is looser than the decoded one.
    const framed = readCapped(raw, cap * 2 + 4096, tooLong);
    bytes = await readCapped(
      chunkedDecoded(
        (async function* () {
          yield await framed;
        })(),
        verified,
        headers['x-amz-decoded-content-length'],
        headers['x-amz-trailer'],
      ),
      cap,
      tooLong,
    );
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw s3Error('InvalidRequest', 'The upload ticket request body is not UTF-8 text.');
  }
}

/** The form action for `bucket` on this gateway, as the client reached it: path-style, or virtual-hosted when the request was. */
function bucketUrl(host: string, secure: boolean, bucket: string, baseDomains: readonly string[]): string {
  const scheme = secure ? 'https' : 'http';
  const colon = host.startsWith('[') ? host.indexOf(']:') + 1 : host.lastIndexOf(':');
  const name = (colon > 0 ? host.slice(0, colon) : host).toLowerCase().replace(/\.$/, '');
  const port = colon > 0 ? host.slice(colon) : '';
  for (const base of baseDomains) {
    // `<bucket>.<base>` was virtual-hosted; dotted buckets stay path-style (TLS wildcards cover one label).
    if (name.length > base.length + 1 && name.endsWith(`.${base}`) && !bucket.includes('.')) return `${scheme}://${bucket}.${base}${port}/`;
  }
  return `${scheme}://${host}/${encodeURIComponent(bucket)}`;
}

/**
 * `POST /_s3kit/upload-tickets`: a SigV4-signed JSON request (header or presigned, payload hash
 * verified) for a presigned POST bound to one file: exact key, bucket, `content-length-range`
 * [0, maxBytes], exact Content-Type, `x-amz-checksum-sha256`. The form is signed with the caller's
 * own gateway credentials, so the upload comes back through this gateway and is verified here.
 * Q Apps' `scope: "SESSION"` with a `sessionId` puts the key under `<keyPrefix>sessions/<sessionId>/`
 * (an exact `key` must lie there); authorization sees the final key and `s3kit:TicketScope` /
 * `s3kit:SessionId`.
 * @throws S3Error MethodNotAllowed, AccessDenied, InvalidAccessKeyId, SignatureDoesNotMatch (and
 *   the other SigV4 errors), XAmzContentSHA256Mismatch, MaxMessageLengthExceeded, InvalidRequest,
 *   InvalidArgument, InvalidBucketName, KeyTooLongError.
 */
export async function createUploadTicket(req: GatewayRequest, config: ConfigSnapshot, info: RequestInfo): Promise<GatewayResponse> {
  info.operation = 'CreateUploadTicket';
  const method = req.method.toUpperCase();
  if (method !== 'POST') throw s3Error('MethodNotAllowed', undefined, { headers: { allow: 'POST' }, details: { Method: method, ResourceType: 'UPLOAD-TICKETS' } });
  const { pairs, map } = headersOf(req);
  const verified = await config.verifier.verify({ method, url: req.target, headers: pairs });
  const identity = config.identities.get(verified.accessKeyId);
  if (identity === undefined) throw s3Error('InvalidAccessKeyId', undefined, { details: { AWSAccessKeyId: verified.accessKeyId } });
  const principal = principalOf(verified.authType === 'header' ? 'header-v4' : 'presigned-v4', identity);
  info.identity = principal.name;

  const input = parseUploadTicketInput(await verifiedBodyText(req, map, verified, config));
  const fileId = randomUUID();
  const key = ticketKey(input, fileId);
  info.bucket = input.bucket;
  info.key = key;
  const bucketConfigs = await config.apiConfig.load(principal.upstream, [input.bucket]);
  authorizeAction(
    principal,
    CREATE_UPLOAD_TICKET_ACTION,
    `arn:aws:s3:::${input.bucket}/${key}`,
    {
      'aws:SecureTransport': req.secure === true ? 'true' : 'false',
      'aws:SourceIp': req.remoteAddress,
      's3:authType': verified.authType === 'header' ? 'REST-HEADER' : 'REST-QUERY-STRING',
      's3:signatureversion': 'AWS4-HMAC-SHA256',
      's3kit:TicketScope': input.scope,
      ...(input.sessionId === undefined ? {} : { 's3kit:SessionId': input.sessionId }),
    },
    { ...config, bucketConfigs },
  );

  const host = req.host ?? map['host'];
  if (host === undefined || host === '') throw s3Error('InvalidRequest', 'A Host header is required.');
  const form = createPresignedPost({
    bucket: input.bucket,
    key,
    fields: { 'Content-Type': input.contentType, success_action_status: '201' },
    conditions: [['content-length-range', 0, input.maxBytes], { 'Content-Type': input.contentType }, { success_action_status: '201' }],
    checksumSha256: input.fileContentsSha256,
    expiresIn: input.expiresIn,
    credentials: { accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey },
    region: config.region,
    now: config.clock(),
  });
  const ticket: UploadTicket = {
    fileId,
    presignedUrl: bucketUrl(host, req.secure === true, input.bucket, config.baseDomains),
    presignedUrlFields: form.fields,
    presignedUrlExpiration: form.expiration,
  };
  return {
    status: 200,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', 'x-amz-request-id': info.requestId },
    body: JSON.stringify(ticket),
    info,
  };
}
