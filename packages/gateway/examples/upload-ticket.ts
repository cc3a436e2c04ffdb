import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGateway, createLocalStore, toNodeListener } from '@s3kit/gateway';
import { SigV4Signer } from '@s3kit/sigv4';

const dir = await mkdtemp(join(tmpdir(), 's3kit-ticket-example-'));
const store = createLocalStore({ dir });
const app = { name: 'app', accessKeyId: 'AKIAAPP', secretAccessKey: 'app-secret', allow: [{ bucket: 'uploads', access: 'readwrite' as const }] };
const gateway = createGateway({ identities: [app], upstreams: { default: store } });
const server = createServer(toNodeListener(gateway));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const signer = new SigV4Signer({ credentials: app, region: 'us-east-1' });
const send = (method: string, path: string, body?: string): Promise<Response> => {
  const signed = signer.sign({ method, url: `${endpoint}${path}`, ...(body === undefined ? {} : { body }) });
  return fetch(signed.url, { method, headers: signed.headers, ...(body === undefined ? {} : { body }) });
};
await send('PUT', '/uploads');

// Your app's server: a ticket for one file it was told about (name, type, SHA-256, size).
const file = new TextEncoder().encode('hello, ticket\n');
const answer = await send('POST', '/_s3kit/upload-tickets', JSON.stringify({
  bucket: 'uploads',
  keyPrefix: 'inbox/',
  fileName: 'hello.txt',
  contentType: 'text/plain',
  fileContentsSha256: createHash('sha256').update(file).digest('base64'),
  maxBytes: file.length,
  expiresIn: 300,
}));
const ticket = (await answer.json()) as { fileId: string; presignedUrl: string; presignedUrlFields: Record<string, string> };

// The browser: a plain form post to the gateway, the ticket's fields first, the file last.
const form = new FormData();
for (const [name, value] of Object.entries(ticket.presignedUrlFields)) form.append(name, value);
form.append('file', new Blob([file]), 'hello.txt');
const posted = await fetch(ticket.presignedUrl, { method: 'POST', body: form });
const stored = await send('GET', `/uploads/inbox/${ticket.fileId}/hello.txt`);
console.log(posted.status, stored.headers.get('content-type'), await stored.text());
// 201 text/plain hello, ticket

server.close();
await store.close();
await rm(dir, { recursive: true, force: true });
