import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGateway, createGatewayServer, createLocalStore } from '@s3kit/gateway';
import { SigV4Signer } from '@s3kit/sigv4';

const dir = await mkdtemp(join(tmpdir(), 's3kit-gateway-example-'));
const store = createLocalStore({ dir });
const gateway = createGateway({
  identities: [{ name: 'alice', accessKeyId: 'AKIAALICE', secretAccessKey: 'alice-secret', allow: [{ bucket: '*', access: 'readwrite' }] }],
  upstreams: { default: store }, // or createS3Upstream({ endpoint, region, credentials, profile })
});
const server = createGatewayServer(gateway, { maxConcurrentRequests: 256 });
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

// Any S3 client works; here a bare signer and fetch.
const signer = new SigV4Signer({ credentials: { accessKeyId: 'AKIAALICE', secretAccessKey: 'alice-secret' }, region: 'us-east-1' });
const send = (method: string, path: string, body?: string): Promise<Response> => {
  const signed = signer.sign({ method, url: `${endpoint}${path}`, ...(body === undefined ? {} : { body }) });
  return fetch(signed.url, { method, headers: signed.headers, ...(body === undefined ? {} : { body }) });
};
await send('PUT', '/photos');
await send('PUT', '/photos/cat.txt', 'meow');
const got = await send('GET', '/photos/cat.txt');
const anonymous = await fetch(`${endpoint}/photos/cat.txt`);
console.log(got.status, await got.text(), anonymous.status, (await anonymous.text()).includes('<Code>AccessDenied</Code>'));
// 200 meow 403 true

server.close();
await store.close();
await rm(dir, { recursive: true, force: true });
