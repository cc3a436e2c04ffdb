import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { promisify } from 'node:util';
import { createPresignedPost } from '@s3kit/post-policy';
import { SigV4Signer } from '@s3kit/sigv4';
import { rgwOrSkip, PY, pythonClients } from '@s3kit/test-utils';
import { describe, expect, it } from 'vitest';
import { ADMIN } from './support/gateway-server.js';
import { formData, postForm } from './support/post-forms.js';
import { gatewayOver, upstreamKinds } from './support/targets.js';

// Issue 12, defect 8: header values are bytes. boto3 sends a UTF-8 x-amz-meta-* value as its
// raw bytes and signs those bytes; Node hands them to the gateway as latin1 characters. The
// gateway must verify the bytes the client signed, re-sign the same bytes upstream, and give
// them back unchanged on GET/HEAD, as S3 and RGW do.

const { rgw, reason } = await rgwOrSkip();
// Under CI boto3 is required (tooling/scripts/py-clients.sh installs it): the tests then run and fail without it.
const boto3Ok = !pythonClients('boto3').skip;
const run = promisify(execFile);
const TEXT = 'café ☕';
const BYTES = Buffer.from(TEXT, 'utf8');

// boto3 refuses non-ASCII Metadata=…, so the header is added as a client would with a hook: botocore
// signs the UTF-8 text and its connection writes the UTF-8 bytes.
const SCRIPT = `
import json, sys, boto3
from botocore.config import Config
endpoint, ak, sk, bucket, value = sys.argv[1:6]
out = {}
def client(sig):
    s3 = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=ak, aws_secret_access_key=sk, region_name="us-east-1", config=Config(signature_version=sig, s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
    def add(request, **kw):
        request.headers["x-amz-meta-name"] = value
    s3.meta.events.register("before-sign.s3.PutObject", add)
    return s3
for sig, key in (("s3v4", "utf8-v4"), ("s3", "utf8-v2")):
    s3 = client(sig)
    try:
        s3.put_object(Bucket=bucket, Key=key, Body=b"meta")
        raw = s3.head_object(Bucket=bucket, Key=key)["ResponseMetadata"]["HTTPHeaders"].get("x-amz-meta-name")
        # http.client decodes header bytes as latin-1: encoding back gives the bytes that came.
        out[key] = {"ok": True, "head": raw.encode("latin-1").hex() if raw is not None else None}
    except Exception as e:
        out[key] = {"ok": False, "error": getattr(e, "response", {}).get("Error", {}).get("Code", str(e))}
json.dump(out, sys.stdout)
`;

/** The raw bytes of one response header (Node keeps them as latin1 characters in rawHeaders). */
function headerBytes(url: string, headers: Record<string, string>, name: string, method = 'GET'): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      res.resume();
      const i = res.rawHeaders.findIndex((h, j) => j % 2 === 0 && h.toLowerCase() === name);
      resolve(i === -1 ? undefined : Buffer.from(res.rawHeaders[i + 1]!, 'latin1'));
    });
    req.on('error', reject);
    req.end();
  });
}

for (const [name, noUpstream, make] of upstreamKinds(rgw, reason)) {
  describe.skipIf(noUpstream)(`UTF-8 metadata bytes through the gateway to ${name}`, () => {
    const s = gatewayOver(make, 'utf8meta');
    const signer = new SigV4Signer({ credentials: { accessKeyId: ADMIN.accessKeyId, secretAccessKey: ADMIN.secretAccessKey }, region: 'us-east-1' });

    it.skipIf(!boto3Ok)('boto3 PUTs x-amz-meta-name: café ☕ as raw UTF-8 (SigV4 and SigV2): accepted, and HEAD/GET give the same bytes back', async () => {
      const r = await run(PY, ['-c', SCRIPT, s.g.endpoint, ADMIN.accessKeyId, ADMIN.secretAccessKey, s.bucket, TEXT], {
        encoding: 'utf8',
        timeout: 60_000,
        env: { PATH: '/usr/bin:/bin', HOME: '/tmp' },
      });
      const out = JSON.parse(r.stdout) as Record<string, { ok: boolean; head?: string; error?: string }>;
      expect(out['utf8-v4']).toEqual({ ok: true, head: BYTES.toString('hex') });
      expect(out['utf8-v2']).toEqual({ ok: true, head: BYTES.toString('hex') });
      for (const key of ['utf8-v4', 'utf8-v2']) {
        for (const method of ['GET', 'HEAD']) {
          const u = `${s.g.endpoint}/${s.bucket}/${key}`;
          expect(await headerBytes(u, signer.sign({ method, url: u }).headers, 'x-amz-meta-name', method), `${key} ${method}`).toEqual(BYTES);
        }
      }
    });

    it('a POST form field x-amz-meta-name: café ☕ is stored as its UTF-8 bytes, and GET gives them back (the store used to fail the GET)', async () => {
      const creds = { accessKeyId: ADMIN.accessKeyId, secretAccessKey: ADMIN.secretAccessKey };
      const form = await createPresignedPost({
        credentials: creds,
        region: 'us-east-1',
        endpoint: s.g.endpoint,
        bucket: s.bucket,
        key: 'utf8-post',
        fields: { 'x-amz-meta-name': TEXT },
        conditions: [['eq', '$x-amz-meta-name', TEXT]],
      });
      const answer = await postForm(`${s.g.endpoint}/${s.bucket}`, formData(form.fields, 'posted'));
      expect(answer.status).toBe(204);
      const u = `${s.g.endpoint}/${s.bucket}/utf8-post`;
      expect(await headerBytes(u, signer.sign({ method: 'GET', url: u }).headers, 'x-amz-meta-name')).toEqual(BYTES);
    });

    // Only over RGW: the bytes RGW itself gives back are the reference.
    if (!name.startsWith('the embedded'))
      it.skipIf(!boto3Ok)('what the gateway gives back is what RGW itself gives back', async () => {
        const direct = new SigV4Signer({ credentials: { accessKeyId: rgw!.accessKeyId, secretAccessKey: rgw!.secretAccessKey }, region: rgw!.region });
        const u = `${rgw!.endpoint}/${s.bucket}/utf8-v4`;
        expect(await headerBytes(u, direct.sign({ method: 'HEAD', url: u }).headers, 'x-amz-meta-name', 'HEAD')).toEqual(BYTES);
      });
  });
}
