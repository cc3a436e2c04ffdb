// Plain JS. The floor of the per-request bench (child process): the least a verifying,
// re-signing hop does. It verifies the client's SigV4 header signature (@s3kit/sigv4), signs the
// upstream request with other credentials, and relays both ways through a bare undici Agent
// dispatch() handler (no streams per response, no policies, no slots, no timeouts, no
// disconnect handling, no access log). gateway/floor is what the gateway's own features cost.
import './gc-counter.mjs';
import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import { SigV4Signer, SigV4Verifier } from '../../sigv4/dist/index.js';

const require = createRequire(new URL('../../http-transport/package.json', import.meta.url));
const { Agent } = require('undici');
const origin = `http://127.0.0.1:${Number(process.argv[2])}`;
const agent = new Agent({ connections: 32 });
const verifier = new SigV4Verifier({ getCredentials: () => ({ secretAccessKey: 'bench-secret' }), region: 'us-east-1' });
const signer = new SigV4Signer({ credentials: { accessKeyId: 'upstream', secretAccessKey: 'upstream-secret' }, region: 'us-east-1' });
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding']);

function pairs(raw) {
  const out = [];
  for (let i = 0; i < raw.length; i += 2) out.push([raw[i], raw[i + 1]]);
  return out;
}

const server = createServer({ keepAliveTimeout: 30_000 }, async (req, res) => {
  try {
    await verifier.verify({ method: req.method, url: req.url, headers: pairs(req.rawHeaders) });
  } catch (err) {
    res.writeHead(err.status ?? 403, { 'content-length': '0' });
    return res.end();
  }
  const length = req.headers['content-length'];
  const headers = signer.sign({
    method: req.method,
    url: `${origin}${req.url}`,
    headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...(length === undefined ? {} : { 'content-length': length }) },
    payloadHash: 'UNSIGNED-PAYLOAD',
  }).headers;
  delete headers.host;
  let ctl;
  res.on('drain', () => ctl?.resume());
  agent.dispatch(
    { origin, path: req.url, method: req.method, headers, body: req.method === 'PUT' ? req : null },
    {
      onRequestStart: (c) => (ctl = c),
      onResponseStart: (_c, status, h) => res.writeHead(status, Object.fromEntries(Object.entries(h).filter(([k]) => !HOP.has(k)))),
      onResponseData: (c, chunk) => void (res.write(chunk) || c.pause()),
      onResponseEnd: () => res.end(),
      onResponseError: () => res.destroy(),
    },
  );
});
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('disconnect', () => process.exit(0));
