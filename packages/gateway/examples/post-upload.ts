import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGateway, createLocalStore, toNodeListener } from '@s3kit/gateway';
import { createPresignedPost } from '@s3kit/post-policy';

const dir = await mkdtemp(join(tmpdir(), 's3kit-post-example-'));
const store = createLocalStore({ dir });
const uploader = { name: 'uploader', accessKeyId: 'AKIAUPLOADER', secretAccessKey: 'uploader-secret', allow: [{ bucket: 'inbox', access: 'write' as const }] };
const gateway = createGateway({
  identities: [uploader],
  upstreams: { default: store },
  // Lets a page on https://app.example POST forms to the bucket.
  cors: { inbox: [{ allowedOrigins: ['https://app.example'], allowedMethods: ['POST'], exposeHeaders: ['ETag'] }] },
});
await store.handle({ method: 'PUT', operation: 'CreateBucket', bucket: 'inbox', query: {}, headers: {} });
const server = createServer(toNodeListener(gateway));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

// Server side: a form signed with a gateway identity (boto3's generate_presigned_post works too).
const post = createPresignedPost({
  bucket: 'inbox',
  key: 'uploads/${filename}',
  conditions: [['content-length-range', 1, 1024 * 1024], ['starts-with', '$Content-Type', 'text/'], { success_action_status: '201' }],
  fields: { 'Content-Type': 'text/plain', success_action_status: '201' },
  credentials: uploader,
  endpoint,
});

// Browser side: the preflight, then the form with the file last.
const preflight = await fetch(post.url, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } });
const form = new FormData();
for (const [name, value] of Object.entries(post.fields)) form.append(name, value);
form.append('file', new File(['hello from a browser form'], 'note.txt'));
const res = await fetch(post.url, { method: 'POST', body: form, headers: { origin: 'https://app.example' } });
console.log(preflight.status, res.status, res.headers.get('access-control-allow-origin'), /<Key>(.*)<\/Key>/.exec(await res.text())?.[1]);
// 200 201 https://app.example uploads/note.txt

server.close();
await store.close();
await rm(dir, { recursive: true, force: true });
