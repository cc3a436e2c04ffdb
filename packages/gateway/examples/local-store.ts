import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalStore } from '@s3kit/gateway';

const dir = await mkdtemp(join(tmpdir(), 's3kit-example-'));
const store = createLocalStore({ dir });

await store.handle({ method: 'PUT', operation: 'CreateBucket', bucket: 'photos', query: {}, headers: {} });
const put = await store.handle({
  method: 'PUT',
  operation: 'PutObject',
  bucket: 'photos',
  key: '2024/cat.txt',
  query: {},
  headers: { 'content-type': 'text/plain', 'content-length': '4' },
  body: (async function* () {
    yield new TextEncoder().encode('meow');
  })(),
});
const list = await store.handle({
  method: 'GET',
  operation: 'ListObjectsV2',
  bucket: 'photos',
  query: { 'list-type': '2', delimiter: '/' },
  headers: {},
});
console.log(put.headers['etag'], String(list.body).includes('<Prefix>2024/</Prefix>'));
// "4a4be40c96ac6314e91d93f38043a634" true

await rm(dir, { recursive: true, force: true });
