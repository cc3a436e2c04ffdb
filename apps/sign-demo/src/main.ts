#!/usr/bin/env node
import { configFromEnv, runDemo } from './demo.js';

const cfg = configFromEnv(process.env);
const out = await runDemo(cfg);
const lines = [
  `s3kit sign demo: endpoint ${cfg.endpoint}, region ${cfg.region}, access key ${cfg.accessKeyId}`,
  '',
  `Signed PUT (Authorization header):`,
  `  ${out.put.method} ${out.put.url}`,
  ...Object.entries(out.put.headers).map(([k, v]) => `  ${k}: ${v}`),
  '',
  `Presigned GET (${cfg.expiresIn} s):`,
  `  ${out.presignedGet}`,
  '',
  `Verified server-side (SigV4Verifier): PUT by ${out.verified.put.accessKeyId}, payload ${out.verified.put.payloadMode}; ` +
    `presigned GET by ${out.verified.presignedGet.accessKeyId} (${out.verified.presignedGet.authType}).`,
  '',
  'Canonical request:',
  ...out.canonicalRequest.split('\n').map((l) => `  ${l}`),
  '',
  'Try it: curl -X PUT --data-binary "hello from s3kit" with the headers above against a real S3 endpoint,',
  'or set S3KIT_ENDPOINT, S3KIT_REGION, S3KIT_BUCKET, S3KIT_KEY, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY.',
];
process.stdout.write(lines.join('\n') + '\n');
