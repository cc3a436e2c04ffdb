import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import { PutObjectCommand, S3Client, type PutObjectCommandInput } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { EMPTY_SHA256, SigV2Signer, SigV4Signer, checksumBase64, type ChecksumAlgorithm } from '@s3kit/sigv4';
import { rgwOrSkip, PY, pythonClients } from '@s3kit/test-utils';
import { describe, expect, it } from 'vitest';
import { ADMIN, rawRequest } from './support/gateway-server.js';
import { gatewayOver, upstreamKinds } from './support/targets.js';

// Issue 12, defects 2 and 3 and the signature parts of 7: what a signature covers is enforced
// on every path through the real server: an empty body against its signed hash, checksums and
// Content-MD5 signed into a presigned URL's query, X-Amz-Expires and a SigV2 Date.

const { rgw, reason } = await rgwOrSkip();
const boto3Ok = !pythonClients('boto3').skip;
const run = promisify(execFile);

const creds = { accessKeyId: ADMIN.accessKeyId, secretAccessKey: ADMIN.secretAccessKey };
const signer = new SigV4Signer({ credentials: creds, region: 'us-east-1' });
const sha256 = (b: string | Uint8Array): string => createHash('sha256').update(b).digest('hex');
const md5b64 = (b: string | Uint8Array): string => createHash('md5').update(b).digest('base64');
const RIGHT = Buffer.from('the body that was signed');
const WRONG = Buffer.from('a body nobody ever signed');
const ALGORITHMS: ChecksumAlgorithm[] = ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'];
const SDK_CHECKSUM: Record<ChecksumAlgorithm, keyof PutObjectCommandInput> = {
  crc32: 'ChecksumCRC32',
  crc32c: 'ChecksumCRC32C',
  crc64nvme: 'ChecksumCRC64NVME',
  sha1: 'ChecksumSHA1',
  sha256: 'ChecksumSHA256',
};

function errorCode(body: string | Buffer): string | undefined {
  return /<Code>([^<]+)<\/Code>/.exec(body.toString())?.[1];
}

/**
 * Sends exact bytes on a new connection (`connection: close`, no half-close: Node's server
 * aborts a request whose client ends its side) and reads the final answer until the server closes.
 */
function exchange(port: number, bytes: Buffer): Promise<{ status: number | undefined; body: string }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(bytes));
    const timer = setTimeout(() => socket.destroy(), 5000);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => {});
    socket.once('close', () => {
      clearTimeout(timer);
      // Skip interim 1xx answers; the body is whatever follows the final head.
      const text = Buffer.concat(chunks)
        .toString('latin1')
        .replace(/^(HTTP\/1\.1 1\d\d[^\r]*\r\n(?:[^\r]+\r\n)*\r\n)+/, '');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: m === null ? undefined : Number(m[1]), body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
  });
}

/** A request head and body as bytes (header values as latin1 byte strings). */
function serialize(req: { method: string; target: string; headers: [string, string][]; body: Buffer }): Buffer {
  const head = [`${req.method} ${req.target} HTTP/1.1`, ...req.headers.map(([n, v]) => `${n}: ${v}`)].join('\r\n') + '\r\n\r\n';
  return Buffer.concat([Buffer.from(head, 'latin1'), req.body]);
}

for (const [name, noUpstream, make] of upstreamKinds(rgw, reason)) {
  describe.skipIf(noUpstream)(`signed bodies through the gateway to ${name}`, () => {
    const s = gatewayOver(make, 'integrity');
    const url = (key: string, query = ''): string => `${s.g.endpoint}/${s.bucket}/${key}${query}`;

    /** A header-signed request as raw wire bytes: the signed headers plus `extra` (unsigned framing). */
    function wire(method: string, key: string, payloadHash: string, extra: [string, string][], body = Buffer.alloc(0), headers: Record<string, string> = {}) {
      const signed = signer.sign({ method, url: url(key), headers, payloadHash });
      const lines = Object.entries(signed.headers).map(([k, v]) => [k, v] as [string, string]);
      return serialize({ method, target: `/${s.bucket}/${key}`, headers: [...lines, ...extra, ['connection', 'close']], body });
    }

    async function put(key: string, body: Buffer): Promise<void> {
      const signed = signer.sign({ method: 'PUT', url: url(key), body });
      const r = await rawRequest(s.g.port, { method: 'PUT', path: `/${s.bucket}/${key}`, headers: signed.headers, body });
      expect(r.status).toBe(200);
    }

    describe('defect 2: the signed payload hash of an empty body', () => {
      it('a signed PUT replayed with Content-Length: 0 is XAmzContentSHA256Mismatch (400) and the object keeps its bytes', async () => {
        await put('replayed', RIGHT);
        const res = await exchange(s.g.port, wire('PUT', 'replayed', sha256(RIGHT), [['content-length', '0']]));
        expect(res.status).toBe(400);
        expect(errorCode(res.body)).toBe('XAmzContentSHA256Mismatch');
        expect(await s.target.stored(s.bucket, 'replayed')).toEqual(RIGHT);
      });

      it('the same with no Content-Length at all (an HTTP/1.1 request without a body)', async () => {
        await put('no-length', RIGHT);
        const res = await exchange(s.g.port, wire('PUT', 'no-length', sha256('hello world'), []));
        expect(res.status).toBe(400);
        expect(errorCode(res.body)).toBe('XAmzContentSHA256Mismatch');
        expect(await s.target.stored(s.bucket, 'no-length')).toEqual(RIGHT);
      });

      it('a DELETE, GET or HEAD signed with the hash of a body it does not carry is XAmzContentSHA256Mismatch (400); the DELETE deletes nothing', async () => {
        await put('kept', RIGHT);
        for (const method of ['DELETE', 'GET', 'HEAD']) {
          const res = await exchange(s.g.port, wire(method, 'kept', sha256('x'), []));
          expect(res.status, method).toBe(400);
          if (method !== 'HEAD') expect(errorCode(res.body), method).toBe('XAmzContentSHA256Mismatch');
        }
        expect(await s.target.stored(s.bucket, 'kept')).toEqual(RIGHT);
      });

      it('STREAMING-* with no body at all: IncompleteBody (400) with Content-Length: 0, MissingContentLength (411) without; nothing stored', async () => {
        const modes = ['STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', 'STREAMING-UNSIGNED-PAYLOAD-TRAILER'];
        for (const mode of modes) {
          const framing = { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': '5', ...(mode.endsWith('TRAILER') ? { 'x-amz-trailer': 'x-amz-checksum-crc32' } : {}) };
          const withZero = await exchange(s.g.port, wire('PUT', 'streamed-nothing', mode, [['content-length', '0']], undefined, framing));
          expect([withZero.status, errorCode(withZero.body)], mode).toEqual([400, 'IncompleteBody']);
          const without = await exchange(s.g.port, wire('PUT', 'streamed-nothing', mode, [], undefined, framing));
          expect([without.status, errorCode(without.body)], mode).toEqual([411, 'MissingContentLength']);
        }
        expect(await s.target.stored(s.bucket, 'streamed-nothing')).toBeUndefined();
      });

      it('an empty body signed as empty is still stored (200)', async () => {
        const res = await exchange(s.g.port, wire('PUT', 'empty', EMPTY_SHA256, [['content-length', '0']]));
        expect(res.status).toBe(200);
        expect(await s.target.stored(s.bucket, 'empty')).toEqual(Buffer.alloc(0));
      });
    });

    describe('defect 3: checksums and Content-MD5 signed into a presigned URL', () => {
      const sdk = (): S3Client => new S3Client({ endpoint: s.g.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: creds, requestChecksumCalculation: 'WHEN_REQUIRED' });

      for (const algorithm of ALGORITHMS) {
        it(`@aws-sdk/s3-request-presigner x-amz-checksum-${algorithm} in the query: a wrong body is BadDigest (400) and not stored, the right one is stored`, async () => {
          const key = `presigned-${algorithm}`;
          const input = { Bucket: s.bucket, Key: key, [SDK_CHECKSUM[algorithm]]: checksumBase64(algorithm, RIGHT) } as PutObjectCommandInput;
          const signedUrl = await getSignedUrl(sdk(), new PutObjectCommand(input), { expiresIn: 300 });
          expect(new URL(signedUrl).searchParams.get(`x-amz-checksum-${algorithm}`)).toBe(checksumBase64(algorithm, RIGHT));
          const bad = await fetch(signedUrl, { method: 'PUT', body: WRONG });
          expect(bad.status).toBe(400);
          expect(errorCode(await bad.text())).toBe('BadDigest');
          expect(await s.target.stored(s.bucket, key)).toBeUndefined();
          const good = await fetch(signedUrl, { method: 'PUT', body: RIGHT });
          expect(good.status).toBe(200);
          expect(await s.target.stored(s.bucket, key)).toEqual(RIGHT);
        });
      }

      it("the presigner's default (WHEN_SUPPORTED) signs the CRC32 of an empty body: a non-empty PUT is BadDigest, as on S3", async () => {
        const client = new S3Client({ endpoint: s.g.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: creds });
        const signedUrl = await getSignedUrl(client, new PutObjectCommand({ Bucket: s.bucket, Key: 'presigned-default' }), { expiresIn: 300 });
        expect(new URL(signedUrl).searchParams.get('x-amz-checksum-crc32')).toBe('AAAAAA==');
        const res = await fetch(signedUrl, { method: 'PUT', body: RIGHT });
        expect([res.status, errorCode(await res.text())]).toEqual([400, 'BadDigest']);
        expect(await s.target.stored(s.bucket, 'presigned-default')).toBeUndefined();
      });

      it('Content-MD5 in a signed query: a wrong body is BadDigest, a malformed digest InvalidDigest (400), the right body stored', async () => {
        const presign = (q: string): string => signer.presign({ method: 'PUT', url: url('presigned-md5', q), expiresIn: 300 }).url;
        const bad = await fetch(presign(`?Content-MD5=${encodeURIComponent(md5b64(RIGHT))}`), { method: 'PUT', body: WRONG });
        expect([bad.status, errorCode(await bad.text())]).toEqual([400, 'BadDigest']);
        const malformed = await fetch(presign('?Content-MD5=not-a-digest'), { method: 'PUT', body: RIGHT });
        expect([malformed.status, errorCode(await malformed.text())]).toEqual([400, 'InvalidDigest']);
        expect(await s.target.stored(s.bucket, 'presigned-md5')).toBeUndefined();
        const good = await fetch(presign(`?Content-MD5=${encodeURIComponent(md5b64(RIGHT))}`), { method: 'PUT', body: RIGHT });
        expect(good.status).toBe(200);
        expect(await s.target.stored(s.bucket, 'presigned-md5')).toEqual(RIGHT);
      });

      it('a malformed checksum in the query is refused like the same header (400), nothing stored', async () => {
        const header = await fetch(
          signer.presign({ method: 'PUT', url: url('malformed-sum'), headers: { 'x-amz-checksum-crc32': 'not base64!' }, keepHeaders: ['x-amz-checksum-crc32'], expiresIn: 300 }).url,
          {
            method: 'PUT',
            body: RIGHT,
            headers: { 'x-amz-checksum-crc32': 'not base64!' },
          },
        );
        const query = await fetch(signer.presign({ method: 'PUT', url: url('malformed-sum'), headers: { 'x-amz-checksum-crc32': 'not base64!' }, expiresIn: 300 }).url, { method: 'PUT', body: RIGHT });
        expect(header.status).toBe(400);
        expect([query.status, errorCode(await query.text())]).toEqual([header.status, errorCode(await header.text())]);
        expect(await s.target.stored(s.bucket, 'malformed-sum')).toBeUndefined();
      });

      it.skipIf(!boto3Ok)('boto3 presigned PUT with ChecksumCRC32 (signed as a header): a wrong body is BadDigest, the right one stored', async () => {
        const script = `
import sys, boto3
from botocore.config import Config
s3 = boto3.client("s3", endpoint_url=sys.argv[1], aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3], region_name="us-east-1", config=Config(signature_version="s3v4", s3={"addressing_style": "path"}))
print(s3.generate_presigned_url("put_object", Params={"Bucket": sys.argv[4], "Key": "boto3-crc32", "ChecksumCRC32": sys.argv[5]}, ExpiresIn=300))
`;
        const crc = checksumBase64('crc32', RIGHT);
        const r = await run(PY, ['-c', script, s.g.endpoint, creds.accessKeyId, creds.secretAccessKey, s.bucket, crc], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: '/tmp' } });
        const signedUrl = r.stdout.trim();
        const bad = await fetch(signedUrl, { method: 'PUT', body: WRONG, headers: { 'x-amz-checksum-crc32': crc } });
        expect([bad.status, errorCode(await bad.text())]).toEqual([400, 'BadDigest']);
        expect(await s.target.stored(s.bucket, 'boto3-crc32')).toBeUndefined();
        const good = await fetch(signedUrl, { method: 'PUT', body: RIGHT, headers: { 'x-amz-checksum-crc32': crc } });
        expect(good.status).toBe(200);
        expect(await s.target.stored(s.bucket, 'boto3-crc32')).toEqual(RIGHT);
      });
    });

    describe('defect 7 (signatures)', () => {
      it('a presigned URL with X-Amz-Expires over 604800 is refused with S3\'s "less than a week" answer', async () => {
        await put('week', RIGHT);
        const p = signer.presign({ method: 'GET', url: url('week'), expiresIn: 604_800 }).url.replace('X-Amz-Expires=604800', 'X-Amz-Expires=604801');
        const res = await fetch(p);
        const body = await res.text();
        expect([res.status, errorCode(body)]).toEqual([400, 'AuthorizationQueryParametersError']);
        expect(body).toContain('X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds');
      });

      it('a SigV2 Date before the epoch is AccessDenied (403), not RequestTimeTooSkewed', async () => {
        const v2 = new SigV2Signer({ credentials: creds }).sign({ method: 'GET', url: url('week'), headers: { date: 'Tue, 07 Jul 1950 21:53:04 GMT' } });
        const res = await rawRequest(s.g.port, { method: 'GET', path: `/${s.bucket}/week`, headers: v2.headers });
        expect([res.status, errorCode(res.body)]).toEqual([403, 'AccessDenied']);
      });
    });
  });
}
